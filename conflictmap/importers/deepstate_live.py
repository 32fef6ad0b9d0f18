"""DeepStateMap's live map: its public JSON API, read politely.

The site serves each update of its map as public JSON (undocumented; this is the shape its own
client reads): ``GET <api>/history/public`` lists the updates, each ``{"id": <unix seconds>,
"createdAt": "...", "description": "<Ukrainian>", "descriptionEn": "<English>"}``, and
``GET <api>/history/<id>/geojson`` is that update's FeatureCollection, in the archive's format.

:class:`LiveMap` asks through :class:`conflictmap.http.HttpClient`: at most one request a second,
``timeout`` seconds for an answer, a 429, a 5xx, a timeout or a dropped connection retried with a
growing pause (a 429's ``Retry-After`` honoured). It keeps each update's GeoJSON in the cache
folder: an update never changes, so none is downloaded twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from conflictmap import settings
from conflictmap.errors import ConflictmapError
from conflictmap.http import HttpClient, HttpError

if TYPE_CHECKING:
    from conflictmap.importers.deepstate import Observations

DEFAULT_API = "https://deepstatemap.live/api"
#: The event file member that records what a live import read: the API and its last update.
MEMBER = "deepstate_live"


class LiveMapError(ConflictmapError, ConnectionError):
    """The live map could not be reached or gave an answer that cannot be read."""


class Update(msgspec.Struct, frozen=True):
    """One update of the live map, as the list gives it."""

    id: int
    createdAt: str | None = None  # noqa: N815 - the API's name
    description: str | None = None
    descriptionEn: str | None = None  # noqa: N815

    @property
    def time(self) -> dt.datetime:
        """When the update was made (its id is its Unix seconds), UTC."""
        return dt.datetime.fromtimestamp(self.id, dt.UTC)

    @property
    def quotes(self) -> dict[str, str]:
        """The update's own note on what changed, as a source quotes it: ``quote`` in English where
        it has one (else in Ukrainian), and ``quote_uk`` the Ukrainian beside an English one."""
        english, ukrainian = (self.descriptionEn or "").strip(), (self.description or "").strip()
        if not english:
            return {"quote": ukrainian} if ukrainian else {}
        return {"quote": english, **({"quote_uk": ukrainian} if ukrainian else {})}


class _Collection(msgspec.Struct):
    type: str
    features: list[msgspec.Raw]


class LiveMap:
    """A polite client of the live map's API.

    Parameters
    ----------
    api : the API's base URL
    timeout : seconds to wait for one answer
    retries : further tries of a request that failed for a passing reason
    min_interval : seconds between the starts of two requests
    cache_dir : where each update's GeoJSON is kept (default: ``deepstate/`` in the cache folder)
    """

    def __init__(
        self,
        api: str = DEFAULT_API,
        timeout: float = settings.ONLINE_TIMEOUT_S,
        retries: int = 3,
        min_interval: float = 1.0,
        cache_dir: Path | None = None,
    ) -> None:
        if not api.startswith(("http://", "https://")):
            raise LiveMapError(f"--api: {api!r} is not an http(s) URL")
        self.api = api.rstrip("/")
        folder = hashlib.sha256(self.api.encode()).hexdigest()[:12]
        self.cache_dir = cache_dir or settings.cache_dir() / "deepstate" / folder
        self.http = HttpClient(timeout=timeout, retries=retries, min_interval=min_interval)

    def update_url(self, update_id: int) -> str:
        """The URL of an update's GeoJSON, which events cite."""
        return f"{self.api}/history/{update_id}/geojson"

    def cite(self, when: dt.datetime, path: Path) -> str:
        """The URL a snapshot file of this client cites (its name is its update's id)."""
        return self.update_url(int(path.stem))

    def _get(self, url: str) -> bytes:
        try:
            return self.http.get(url)
        except HttpError as exc:
            raise LiveMapError(str(exc)) from None

    def updates(self) -> list[Update]:
        """Every update the API lists, oldest first (never cached: the list grows)."""
        url = f"{self.api}/history/public"
        try:
            listed = msgspec.json.decode(self._get(url), type=list[Update])
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise LiveMapError(f"{url}: not the list of updates ({exc})") from None
        return sorted(listed, key=lambda u: u.id)

    def snapshot(self, update: Update) -> Path:
        """The file of an update's GeoJSON (named ``<id>.geojson``), downloaded unless kept already."""
        url = self.update_url(update.id)

        def check(body: bytes) -> None:
            try:
                msgspec.json.decode(body, type=_Collection)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                raise LiveMapError(f"{url}: not a GeoJSON FeatureCollection ({exc})") from None

        try:
            return self.http.download(url, self.cache_dir / f"{update.id}.geojson", check)
        except HttpError as exc:
            raise LiveMapError(str(exc)) from None

    def snapshots(self, updates: Iterable[Update]) -> Iterator[Path]:
        """The file of each update's GeoJSON, in order."""
        return (self.snapshot(update) for update in updates)


@dataclass(frozen=True)
class LiveImport:
    """What an import of the live map read: the API, the updates, the places' states in them, the events."""

    api: str
    updates: list[Update]
    observed: Observations
    features: list[dict[str, Any]]

    @property
    def member(self) -> dict[str, Any]:
        """The event file member that records the API and the last update read."""
        return {MEMBER: {"api": self.api, "last_update": self.updates[-1].id}}


def import_live(
    client: LiveMap,
    observe: Callable[[list[Path]], Observations],
    since: dt.date | None = None,
    until: dt.date | None = None,
    append_to: Path | None = None,
    progress: Callable[[Iterator[Path], int], Iterable[Path]] = lambda files, total: files,
) -> LiveImport | None:
    """Read the live map's updates wanted and turn them into events (``None``: no update to read).

    Parameters
    ----------
    client : the API's client
    observe : the places' states in the updates' snapshot files (:func:`conflictmap.importers.deepstate.observe`)
    since, until : the days (Kyiv time) of the updates wanted; without them (and ``append_to``), the latest alone
    append_to : an event file a live import wrote: only the updates after its last are read, each
        place starting from the state the file leaves it in
    progress : wraps the downloads, given their count (a progress bar)

    Raises
    ------
    ConflictmapError
        for an API that cannot be read, or an ``append_to`` file no live import wrote.
    """
    from conflictmap.events.store import read_features, read_members
    from conflictmap.importers.deepstate import events_from_deepstate

    start, after = None, None
    if append_to is not None:
        after, start = (
            last_update(read_members(append_to), append_to),
            latest_states(read_features(append_to, lazy=True)),
        )
    updates = updates_to_read(client.updates(), since, after, until)
    if not updates:
        return None
    observed = observe(list(progress(client.snapshots(updates), len(updates))))
    quotes = {u.id: u.quotes for u in updates}
    features = events_from_deepstate(observed, client.cite, start=start, quotes=quotes)
    return LiveImport(client.api, updates, observed, features)


def updates_to_read(
    updates: list[Update], since: dt.date | None, after: int | None, until: dt.date | None = None
) -> list[Update]:
    """The updates to import, up to the day ``until`` (Kyiv time): those after the update ``after``
    (an event file's last), else those of days from ``since``, else the latest alone (the map as it
    is now)."""
    from conflictmap.importers.deepstate import KYIV

    if until is not None:
        updates = [u for u in updates if u.time.astimezone(KYIV).date() <= until]
    if after is not None:
        return [u for u in updates if u.id > after]
    if since is not None:
        return [u for u in updates if u.time.astimezone(KYIV).date() >= since]
    return updates[-1:]


def last_update(members: dict[str, Any], path: Path) -> int:
    """The last update an event file read from the live map, from its :data:`MEMBER` member.

    Raises
    ------
    ConflictmapError
        for a file that no live import wrote.
    """
    member = members.get(MEMBER)
    if not isinstance(member, dict) or not isinstance(member.get("last_update"), int):
        raise ConflictmapError(f"{path}: {MEMBER}: no live import wrote this file; --append adds to those only")
    return int(member["last_update"])


def latest_states(features: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Each place's state after the last change an event file holds (by ``place_id``)."""
    latest: dict[str, tuple[str, str]] = {}
    for feature in features:
        properties = feature["properties"]
        place, after = properties.get("place_id"), properties.get("control_after")
        if place and after and (place not in latest or latest[place][0] <= properties["date"]):
            latest[place] = (properties["date"], after)
    return {place: state for place, (_, state) in latest.items()}
