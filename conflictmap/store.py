"""Read and write GeoJSON event files: atomic, locked, lossless.

A file is kept as the mappings it was read from, so every property and foreign
member the tool does not know survives a read -> write round trip. Writes go to
a temporary file in the same folder, are fsynced and then ``os.replace``-d over
the original under an exclusive lock: a reader sees the old file or the new one,
never half of one, and concurrent writers all land.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import filelock
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from conflictmap import settings
from conflictmap._io import atomic_write_text
from conflictmap.errors import DuplicateEventError, EventFileError, LockTimeoutError
from conflictmap.model import EventProperties, feature_label, parse_event

EVENT_FILE_SUFFIXES = (".geojson", ".json")


@dataclass
class EventCollection:
    """The content of one event file.

    Attributes
    ----------
    path : where it was read from (or will be written to)
    features : the feature mappings, exactly as read
    members : the FeatureCollection's other members (``name``, ``crs``, ...)
    """

    path: Path
    features: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, Any] = field(default_factory=lambda: {"type": "FeatureCollection"})


def _decode(path: Path, raw: bytes) -> Any:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise EventFileError(path, "starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventFileError(path, f"not UTF-8 (byte {exc.start} is {raw[exc.start]:#04x})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventFileError(
            path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def parse_collection(path: str | Path, raw: bytes) -> EventCollection:
    """Parse the bytes of an event file into an :class:`EventCollection`.

    Checks the file's structure (UTF-8, JSON, a FeatureCollection of Features);
    the content of each feature is checked by :func:`validate_collection`.
    """
    path = Path(path)
    doc = _decode(path, raw)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise EventFileError(path, f"expected a GeoJSON FeatureCollection, found {found!r}")
    features = doc.get("features")
    if not isinstance(features, list):
        raise EventFileError(path, "'features' must be a list", field="features")
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise EventFileError(
                path, "expected a GeoJSON Feature", feature_label(feature, index), "type"
            )
    members = {k: v for k, v in doc.items() if k != "features"}
    return EventCollection(path, features, members)


def read_collection(path: str | Path) -> EventCollection:
    """Read one event file (structure only, see :func:`parse_collection`)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EventFileError(path, "no such file") from None
    except OSError as exc:
        raise EventFileError(path, f"cannot read: {exc.strerror}") from None
    return parse_collection(path, raw)


def validate_collection(collection: EventCollection) -> None:
    """Raise :class:`EventFileError` for the first invalid feature or repeated id."""
    seen: set[str] = set()
    for index, feature in enumerate(collection.features):
        event = parse_event(feature, str(collection.path), index)
        if event.id in seen:
            raise DuplicateEventError(collection.path, "duplicate id", event.id, "id")
        seen.add(event.id)


def event_files(path: str | Path) -> list[Path]:
    """The event files at ``path``: the file itself, or a folder's files, sorted."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in EVENT_FILE_SUFFIXES and p.is_file())
    if not path.exists():
        raise EventFileError(path, "no such file or folder")
    return [path]


def read_collections(path: str | Path, validate: bool = True) -> list[EventCollection]:
    """Read every event file at ``path`` (a file or a folder).

    With ``validate`` each feature is checked, and ids must be unique across files.
    """
    collections = [read_collection(p) for p in event_files(path)]
    if validate:
        seen: dict[str, Path] = {}
        for collection in collections:
            validate_collection(collection)
            for feature in collection.features:
                if (other := seen.get(feature["id"])) is not None:
                    raise DuplicateEventError(
                        collection.path, f"duplicate id (also in {other})", feature["id"], "id"
                    )
                seen[feature["id"]] = collection.path
    return collections


def read_features(path: str | Path) -> list[dict[str, Any]]:
    """All validated feature mappings at ``path``, in file order."""
    return [f for c in read_collections(path) for f in c.features]


def select_features(
    features: list[dict[str, Any]],
    since: dt.date | None = None,
    until: dt.date | None = None,
    place: str | None = None,
) -> list[dict[str, Any]]:
    """Features dated within ``[since, until]`` whose place contains ``place`` (any case)."""
    lo, hi = (d.isoformat() if d else None for d in (since, until))
    needle = place.casefold() if place else None
    return [
        f
        for f in features
        if (lo is None or f["properties"]["date"] >= lo)
        and (hi is None or f["properties"]["date"] <= hi)
        and (needle is None or needle in f["properties"]["place"].casefold())
    ]


def _sort_key(feature: dict[str, Any]) -> tuple[str, str]:
    return (str(feature["properties"]["date"]), str(feature["id"]))


def dumps_collection(collection: EventCollection) -> str:
    """Serialise in the one stable form: sorted by (date, id), 2-space indent, UTF-8."""
    doc = {**collection.members, "features": sorted(collection.features, key=_sort_key)}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write_collection(collection: EventCollection) -> None:
    """Write atomically in the stable form; call it while holding :func:`locked`."""
    atomic_write_text(collection.path, dumps_collection(collection))


@contextmanager
def locked(path: str | Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive lock of an event file (``<file>.lock`` beside it)."""
    path = Path(path)
    timeout = settings.LOCK_TIMEOUT_S if timeout is None else timeout
    lock = filelock.FileLock(f"{path}.lock", timeout=timeout)
    try:
        with lock:
            yield
    except filelock.Timeout:
        raise LockTimeoutError(
            f"{path}: another process holds the lock {path}.lock (waited {timeout:g} s)"
        ) from None


def append_event(path: str | Path, feature: dict[str, Any], timeout: float | None = None) -> None:
    """Add one validated feature to an event file, creating the file if needed.

    The whole read-modify-write happens under the file's lock, so concurrent
    appends from several processes all land.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise EventFileError(path, "the folder does not exist")
    with locked(path, timeout):
        collection = read_collection(path) if path.exists() else EventCollection(path)
        validate_collection(collection)
        if any(f["id"] == feature["id"] for f in collection.features):
            raise DuplicateEventError(path, "an event with this id is already in the file", feature["id"], "id")
        collection.features.append(feature)
        write_collection(collection)


def save_new_collection(
    path: str | Path, features: list[dict[str, Any]], overwrite: bool = False
) -> EventCollection:
    """Validate ``features`` and write them as the event file ``path``.

    Raises
    ------
    EventFileError
        when ``path`` exists (unless ``overwrite``), its folder is missing, or a
        feature is invalid or repeats an id.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise EventFileError(path, "the folder does not exist")
    collection = EventCollection(path, features)
    validate_collection(collection)
    with locked(path):
        if path.exists() and not overwrite:
            raise EventFileError(path, "already exists (pass --overwrite to replace it)")
        write_collection(collection)
    return collection


def events_frame(features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Build a GeoDataFrame (EPSG:4326) of validated features.

    One row per event; one column per property (``sources`` stays a list) plus
    ``id``; every field of the model is there, defaults filled in; ``date`` is
    a ``datetime64`` column.
    """
    props = pd.DataFrame([f["properties"] for f in features])
    for name, info in EventProperties.model_fields.items():
        if info.is_required():
            continue
        default = info.get_default()
        default = default.value if isinstance(default, Enum) else default
        if name not in props:
            props[name] = default
        elif default is not None:
            props[name] = props[name].fillna(default)
    props.insert(0, "id", [f["id"] for f in features])
    coords = np.array([f["geometry"]["coordinates"] for f in features], dtype=float).reshape(-1, 2)
    if "date" in props:
        props["date"] = pd.to_datetime(props["date"], format="%Y-%m-%d")
    return gpd.GeoDataFrame(
        props, geometry=shapely.points(coords), crs=settings.GEOGRAPHIC_CRS
    )


def load_events(path: str | Path) -> gpd.GeoDataFrame:
    """Read and validate the event file(s) at ``path`` into a GeoDataFrame (EPSG:4326)."""
    return events_frame(read_features(path))
