"""DeepStateMap snapshots (GeoJSON) -> control changes of the settlements they cover.

A snapshot is one GeoJSON FeatureCollection of DeepStateMap's polygons at one time. Each polygon's
``name`` says what it shows, in Ukrainian and English, spelled in many ways over the years
("Окуповано /// Occupied", "Під питанням /// Contensed", "Звільнено 25.03 /// Liberated 25.03",
...): :data:`LAYER_RULES` map them to a state. A settlement inside no polygon is Ukrainian-held;
inside several, the first of :data:`STATES` wins (occupied, contested, unknown, liberated).
Each change of a settlement's state between consecutive snapshots becomes one ``control_change``
dated at the first snapshot showing it (Kyiv time), its precision from the gap to the snapshot
before; the first snapshot gives each settlement's starting state (a change from ``unknown``,
month precision: it was reached earlier). The events keep dated facts and their citation, never
DeepStateMap's drawings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import numpy as np
import shapely

from conflictmap.errors import EventFileError
from conflictmap.features import slug
from conflictmap.importers._status import date_precision, status_changes
from conflictmap.vocab import CONTROL_CHANGE, Control, DatePrecision, GeoPrecision, Layer

PUBLISHER = "DeepStateMap"
DEFAULT_SOURCE_URL = "https://deepstatemap.live/"
KYIV = ZoneInfo("Europe/Kyiv")

#: A polygon's name -> the state it shows, the first rule that matches the lower-cased name.
#: Read off every name of the 1,359 snapshots of 2022-2025 in the public archive: ``ignore``
#: marks drawings that say nothing of control (an island marker, a numbered sketch, a road,
#: a joke); a name that no rule matches is reported, never guessed.
LAYER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ignore", re.compile(r"зміїний|snake island|багатокутник|дорога |вологі мрії")),
    ("unknown", re.compile(r"начебто|треба уточнення|статус невідомий|unknown status|ситуація невідома"
                           r"|situation is unknown|невідомо|немає інфо|geojson\.status\.unknown")),
    ("contested", re.compile(r"під питанням|contested|contensed|сіра зона")),
    ("UA", re.compile(r"звільн|liberated|taken back|recaptured|під контролем зсу|ворога відкинуто|відбиті"
                      r"|орки відсутні|geojson\.status\.dismissed")),
    ("RU", re.compile(r"окупов|occupied|ордло|cadr|calr|крим|тузла|зайняті ворогом|захоплено"
                      r"|контролюється ворогом|вагнер|wagner|аннексован|annexed|придністров|transnistria"
                      r"|geojson\.status\.occupied|geojson\.territories")),
)
#: States by precedence where polygons overlap (the first wins); code = position + 1.
STATES = (Control.RU, Control.CONTESTED, Control.UNKNOWN, Control.UA)
#: State code of a settlement outside every polygon.
OUTSIDE = STATES.index(Control.UA) + 1
_CODES = {state.value: code for code, state in enumerate(STATES, start=1)}
_SPACES = re.compile(r"\s+")
_UNIX_STEM = re.compile(r"\d{9,11}")


def layer_state(name: str) -> str | None:
    """The state a polygon named ``name`` shows (``UA``, ``RU``, ...), ``ignore``, or ``None`` if unknown."""
    folded = _SPACES.sub(" ", name.replace("\xa0", " ")).strip().lower()
    return next((state for state, rule in LAYER_RULES if rule.search(folded)), None)


@dataclass(frozen=True)
class Settlement:
    """A place to classify: its gazetteer id, name, oblast and point."""

    place_id: str
    name: str
    admin1: str | None
    lon: float
    lat: float


@dataclass(frozen=True)
class Snapshot:
    """One map snapshot: its time (UTC), its polygons and the state code each shows."""

    path: Path
    time: dt.datetime
    polygons: np.ndarray
    codes: np.ndarray
    unknown_layers: Counter[str]

    def states(self, points: np.ndarray) -> np.ndarray:
        """The state code of each point: the first by precedence of the polygons holding it."""
        codes = np.full(len(points), OUTSIDE, dtype=np.int8)
        tree = shapely.STRtree(self.polygons)
        point_idx, polygon_idx = tree.query(points, predicate="intersects")
        np.minimum.at(codes, point_idx, self.codes[polygon_idx])
        return codes


class _GeometryType(msgspec.Struct):
    type: str


class _Feature(msgspec.Struct):
    geometry: msgspec.Raw  # decoded only for the features kept
    properties: dict[str, Any] | None = None


class _Collection(msgspec.Struct):
    type: str
    features: list[_Feature]


#: GeoJSON geometry types that can hold an area.
AREAS = frozenset({"Polygon", "MultiPolygon", "GeometryCollection"})


def _geometry_type(path: Path, index: int, raw: msgspec.Raw) -> str:
    try:
        return msgspec.json.decode(raw, type=_GeometryType).type
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise EventFileError(path, f"not a GeoJSON geometry ({exc})", f"#{index}", "geometry") from None


def snapshot_time(path: Path) -> dt.datetime:
    """The time in a snapshot's file name (Unix seconds, as the archive names them), UTC."""
    if not _UNIX_STEM.fullmatch(path.stem):
        raise EventFileError(path, "cannot read the snapshot's time from the file name "
                                   "(expected <unix seconds>.geojson); give it with --time")
    return dt.datetime.fromtimestamp(int(path.stem), dt.timezone.utc)


def read_snapshot(path: Path, time: dt.datetime | None = None) -> Snapshot:
    """Read one snapshot's polygons and the state of each.

    Raises
    ------
    EventFileError
        for a file that cannot be read, is not a GeoJSON FeatureCollection, has a broken
        geometry, or has no layer the importer knows.
    """
    when = time or snapshot_time(path)
    try:
        collection = msgspec.json.decode(path.read_bytes(), type=_Collection)
    except OSError as exc:
        raise EventFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    except msgspec.ValidationError as exc:
        raise EventFileError(path, f"not a GeoJSON FeatureCollection ({exc})") from None
    except msgspec.DecodeError as exc:
        raise EventFileError(path, f"not GeoJSON ({exc})") from None
    if collection.type != "FeatureCollection":
        raise EventFileError(path, f"not a GeoJSON FeatureCollection (type {collection.type!r})")
    polygons, codes, unknown = [], [], Counter()
    for index, feature in enumerate(collection.features):
        if bytes(feature.geometry) == b"null" or _geometry_type(path, index, feature.geometry) not in AREAS:
            continue  # markers (units, strikes) and lines say nothing of who holds an area
        name = str((feature.properties or {}).get("name") or "")
        state = layer_state(name)
        if state is None:
            unknown[name.strip()] += 1
            continue
        if state == "ignore":
            continue
        try:
            geometry = shapely.from_geojson(bytes(feature.geometry))
        except shapely.errors.GEOSException as exc:
            raise EventFileError(path, f"broken geometry ({exc})", f"#{index}", "geometry") from None
        parts = shapely.get_parts(geometry)
        parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]  # polygons of a collection
        polygons.extend(parts)
        codes.extend([_CODES[state]] * len(parts))
    if not polygons:
        found = f"; layers: {', '.join(repr(n) for n in unknown)}" if unknown else ""
        raise EventFileError(path, f"no layer the importer knows{found}")
    return Snapshot(path, when, np.array(polygons, dtype=object), np.array(codes, dtype=np.int8), unknown)


def snapshot_files(paths: Iterable[str | Path]) -> list[Path]:
    """The snapshot files named, folders expanded to their ``*.geojson`` files.

    Raises
    ------
    EventFileError
        for a path that does not exist or a folder that cannot be read or holds no snapshot.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            try:
                found = sorted(p for p in path.iterdir() if p.suffix == ".geojson")
            except OSError as exc:
                raise EventFileError(path, f"cannot read the folder ({exc.strerror or exc})") from None
            if not found:
                raise EventFileError(path, "no .geojson snapshot in the folder")
            files += found
        elif path.exists():
            files.append(path)
        else:
            raise EventFileError(path, "no such file or folder")
    return files


def on_days(files: list[Path], since: dt.date | None, until: dt.date | None, time: dt.datetime | None = None) -> list[Path]:
    """The snapshots of days (Kyiv time) within ``[since, until]``; ``time`` is a single snapshot's."""
    if since is None and until is None:
        return files
    days = [(time or snapshot_time(f)).astimezone(KYIV).date() for f in files]
    return [f for f, day in zip(files, days, strict=True) if (since is None or day >= since) and (until is None or day <= until)]


def events_from_deepstate(
    snapshots: Sequence[Snapshot],
    settlements: Sequence[Settlement],
    source_url: str = DEFAULT_SOURCE_URL,
) -> list[dict[str, Any]]:
    """Control changes of ``settlements`` across ``snapshots`` (ids ``deepstate-<place>-<unix time>``).

    ``source_url`` may hold ``{time}`` (the snapshot's Unix seconds) and ``{file}`` (its file name).
    """
    ordered = sorted(snapshots, key=lambda s: s.time)
    points = shapely.points([(s.lon, s.lat) for s in settlements])
    codes = np.column_stack([snap.states(points) for snap in ordered]) if ordered else np.empty((len(points), 0))
    changes = status_changes(codes.astype(np.int8), first=True)
    features = []
    for row, col, prev, before, after in zip(
        changes.rows.tolist(), changes.cols.tolist(), changes.previous.tolist(),
        changes.before.tolist(), changes.after.tolist(), strict=True,
    ):
        place, snap = settlements[row], ordered[col]
        kyiv = snap.time.astimezone(KYIV)
        seconds = int(snap.time.timestamp())
        if prev < 0:
            precision, control_before = DatePrecision.MONTH, Control.UNKNOWN
            notes = "The state in the first snapshot imported: held since an earlier date."
        else:
            precision, control_before = date_precision(snap.time - ordered[prev].time), STATES[before - 1]
            since = ordered[prev].time.astimezone(KYIV)
            notes = (f"First shown in the snapshot of {kyiv:%Y-%m-%d %H:%M}; the one before, "
                     f"{since:%Y-%m-%d %H:%M} (Kyiv time), showed {control_before.value}.")
        features.append({
            "type": "Feature",
            "id": f"deepstate-{slug(place.place_id)}-{seconds}",
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {
                "place": place.name,
                "place_id": place.place_id,
                **({"admin1": place.admin1} if place.admin1 else {}),
                "country": "UA",
                "date": kyiv.date().isoformat(),
                "date_precision": precision.value,
                "geo_precision": GeoPrecision.SETTLEMENT.value,
                "event_type": CONTROL_CHANGE,
                "control_before": control_before.value,
                "control_after": STATES[after - 1].value,
                "layer": Layer.MAPS.value,
                "sources": [{
                    "publisher": PUBLISHER,
                    "url": source_url.format(time=seconds, file=snap.path.name),
                    "published": kyiv.date().isoformat(),
                    "title": f"DeepStateMap snapshot of {kyiv:%Y-%m-%d %H:%M} (Kyiv time)",
                }],
                "notes": notes,
            },
        })
    return features


def gazetteer_settlements(region: str | None = None) -> list[Settlement]:
    """The gazetteer's places with their own point (``geo_precision`` settlement), in an oblast or all Ukraine.

    Raises
    ------
    ConflictmapError
        for a region that is no oblast.
    """
    from conflictmap.boundaries import region_polygon
    from conflictmap.geocode import Gazetteer

    area = region_polygon(region)
    places = [p for p in Gazetteer.default().places if p.geo_precision == GeoPrecision.SETTLEMENT and p.country == "UA"]
    inside = shapely.contains_xy(area, [p.lon for p in places], [p.lat for p in places])
    return [Settlement(p.place_id, p.name, p.admin1, p.lon, p.lat) for p, keep in zip(places, inside, strict=True) if keep]


def read_snapshots(
    files: Sequence[Path], time: dt.datetime | None = None, progress: Callable[[Iterable[Path]], Iterable[Path]] = iter
) -> list[Snapshot]:
    """Read each snapshot file (``time`` only for a single file), through ``progress`` (e.g. a progress bar)."""
    return [read_snapshot(path, time) for path in progress(files)]
