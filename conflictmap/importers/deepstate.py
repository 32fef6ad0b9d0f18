"""DeepStateMap snapshots (GeoJSON) -> control changes of the settlements they cover.

A snapshot is one GeoJSON FeatureCollection of DeepStateMap's polygons at one time, from either
public archive or the live map:

- named layers (github DanielRose2310/deepstatemaps-history, ``<unix seconds>.geojson``, and the
  live map's updates): each polygon's ``name`` says what it shows, in Ukrainian and English,
  spelled in many ways over the years ("Окуповано /// Occupied", "Під питанням /// Contensed",
  "Звільнено 25.03 /// Liberated 25.03", ...): :data:`LAYER_RULES` map them to a state;
- occupied ground only (github cyterat/deepstate-map-data, ``deepstatemap_data_YYYYMMDD.geojson``,
  taken daily at 03:00 UTC as its README says): nameless polygons, all occupied.

Polygons of ground beyond Ukraine and the Russian border oblasts (the maps also draw Abkhazia,
Transnistria, ...) are left out: a polygon counts where more of it lies in those regions than in
the lands around them. A settlement inside no polygon holds the state of its country:
Ukrainian-held in Ukraine, Russian-held in Russia ("liberated" ground in Russia is held by
Ukraine); inside several, the first of :data:`STATES` wins (occupied, contested, unknown,
liberated). An occupied-only snapshot cannot tell free ground from contested or unknown ground,
and draws nothing in Russia: there a place outside its polygons keeps the state it had
(Ukrainian-held in Ukraine if it was occupied or had none, Russian-held in Russia). Where both
kinds have the same day, the named snapshots are read and the occupied-only one is left out.

Each change of a settlement's state between consecutive snapshots becomes one ``control_change``
dated at the first snapshot showing it (Kyiv time), its precision from the gap to the snapshot
before; the first snapshot gives each settlement's starting state (a change from ``unknown``,
month precision: it was reached earlier; none where that state is unknown too), unless the states
it starts from are given. The events keep dated facts and their citation, never DeepStateMap's
drawings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import msgspec
import numpy as np
import shapely

from conflictmap._text import slug
from conflictmap.errors import EventFileError
from conflictmap.importers._status import date_precision, status_changes
from conflictmap.vocab import CONTROL_CHANGE, Control, DatePrecision, GeoPrecision, Layer

if TYPE_CHECKING:
    from conflictmap.control.measured_areas import RegionTable, SnapshotAreas

PUBLISHER = "DeepStateMap"
DEFAULT_SOURCE_URL = "https://deepstatemap.live/"
KYIV = ZoneInfo("Europe/Kyiv")

#: A polygon's name -> the state it shows, the first rule that matches the lower-cased name.
#: Read off every name of the 1,359 snapshots of 2022-2025 in the public archive: ``ignore``
#: marks drawings that say nothing of control (an island marker, a numbered sketch, a road,
#: a joke); a name that no rule matches is reported, never guessed.
LAYER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ignore", re.compile(r"зміїний|snake island|багатокутник|дорога |вологі мрії")),
    (
        "unknown",
        re.compile(
            r"начебто|треба уточнення|статус невідомий|unknown status|ситуація невідома"
            r"|situation is unknown|невідомо|немає інфо|geojson\.status\.unknown"
        ),
    ),
    ("contested", re.compile(r"під питанням|contested|contensed|сіра зона")),
    (
        "UA",
        re.compile(
            r"звільн|liberated|taken back|recaptured|під контролем зсу|ворога відкинуто|відбиті"
            r"|орки відсутні|geojson\.status\.dismissed"
        ),
    ),
    (
        "RU",
        re.compile(
            r"окупов|occupied|ордло|cadr|calr|крим|тузла|зайняті ворогом|захоплено"
            r"|контролюється ворогом|вагнер|wagner|аннексован|annexed|придністров|transnistria"
            r"|geojson\.status\.occupied|geojson\.territories"
        ),
    ),
)
#: States by precedence where polygons overlap (the first wins); code = position + 1.
STATES = (Control.RU, Control.CONTESTED, Control.UNKNOWN, Control.UA)
_CODES = {state.value: code for code, state in enumerate(STATES, start=1)}
RU_CODE, UA_CODE = _CODES[Control.RU], _CODES[Control.UA]
#: Codes of a place outside every polygon of an occupied-only snapshot, resolved against the
#: state before (:func:`_resolve_undrawn`): in Ukraine "not occupied", in Russia "not drawn".
NOT_OCCUPIED, NOT_DRAWN = 8, 9
_SPACES = re.compile(r"\s+")
_UNIX_STEM = re.compile(r"\d{9,11}")
_DAILY_STEM = re.compile(r"deepstatemap_data_(\d{8})")
#: The hour (UTC) at which the occupied-only archive takes its daily file (its README).
DAILY_HOUR_UTC = 3


def layer_state(name: str) -> str | None:
    """The state a polygon named ``name`` shows (``UA``, ``RU``, ...), ``ignore``, or ``None`` if unknown."""
    folded = _SPACES.sub(" ", name.replace("\xa0", " ")).strip().lower()
    return next((state for state, rule in LAYER_RULES if rule.search(folded)), None)


@dataclass(frozen=True)
class Settlement:
    """A place to classify: its gazetteer id, name, oblast, point and country (ISO code)."""

    place_id: str
    name: str
    admin1: str | None
    lon: float
    lat: float
    country: str = "UA"


@dataclass(frozen=True)
class Snapshot:
    """One map snapshot: its time (UTC), its polygons and the state code each shows.

    ``occupied_only``: the snapshot's polygons are nameless, all occupied ground.
    """

    path: Path
    time: dt.datetime
    polygons: np.ndarray
    codes: np.ndarray
    unknown_layers: Counter[str]
    occupied_only: bool = False

    def states(self, points: shapely.STRtree, in_russia: np.ndarray) -> np.ndarray:
        """The state code of each point of the tree ``points``: the first by precedence of the
        polygons holding it, else its country's (``in_russia``; :data:`NOT_OCCUPIED` and
        :data:`NOT_DRAWN` in an occupied-only snapshot)."""
        if self.occupied_only:
            outside = np.where(in_russia, NOT_DRAWN, NOT_OCCUPIED)
        else:
            outside = np.where(in_russia, RU_CODE, UA_CODE)
        codes = np.full(len(in_russia), 127, dtype=np.int8)
        polygon_idx, point_idx = points.query(self.polygons, predicate="intersects")  # each polygon prepared once
        np.minimum.at(codes, point_idx, self.codes[polygon_idx])
        return np.where(codes == 127, outside, codes).astype(np.int8)

    def areas_by_region(self, regions: RegionTable) -> dict[str, dict[str, float]]:
        """The km² of each region each state covers in this snapshot (overlaps go to the state of
        :data:`STATES` first), for the regions it draws anything in but free ground in Ukraine
        (the rest of a region of Ukraine is free), and none in Russia for an occupied-only
        snapshot, which draws nothing there."""
        from conflictmap.places.projection import to_equal_area

        polygons = to_equal_area(shapely.make_valid(self.polygons))
        found: dict[str, dict[str, float]] = {}
        taken = None
        for code, state in enumerate(STATES, start=1):
            mine = polygons[self.codes == code]
            if len(mine) == 0:
                continue
            ground = shapely.union_all(mine) if len(mine) > 1 else mine[0]
            if taken is not None:
                ground = shapely.difference(ground, taken)
            taken = ground if taken is None else shapely.union(taken, ground)
            hit = regions.tree.query(ground, predicate="intersects")
            clipped = np.array([shapely.clip_by_rect(ground, *regions.bounds[i]) for i in hit], dtype=object)
            km2 = shapely.area(shapely.intersection(clipped, regions.polygons[hit])) / 1e6 if len(hit) else []
            for i, area in zip(hit.tolist(), np.asarray(km2).tolist(), strict=True):
                if area > 0 and not (self.occupied_only and regions.russian[i]):
                    found.setdefault(regions.names[i], {})[state.value] = area
        russian = set(regions.names[regions.russian])
        return {name: km2 for name, km2 in found.items() if name in russian or set(km2) - {Control.UA.value}}


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
    """The time in a snapshot's file name, UTC: ``<unix seconds>.geojson`` (the archive of named
    layers, the live map's updates) or ``deepstatemap_data_YYYYMMDD.geojson`` (the daily files of
    occupied ground, taken at :data:`DAILY_HOUR_UTC`)."""
    if _UNIX_STEM.fullmatch(path.stem):
        return dt.datetime.fromtimestamp(int(path.stem), dt.UTC)
    if (daily := _DAILY_STEM.fullmatch(path.stem)) is not None:
        try:
            day = dt.datetime.strptime(daily[1], "%Y%m%d")
        except ValueError:
            pass
        else:
            return day.replace(hour=DAILY_HOUR_UTC, tzinfo=dt.UTC)
    raise EventFileError(
        path,
        "cannot read the snapshot's time from the file name (expected <unix seconds>.geojson "
        "or deepstatemap_data_YYYYMMDD.geojson); give it with --time",
    )


def is_daily_file(path: Path) -> bool:
    """Whether ``path`` is named as the daily files of occupied ground are."""
    return _DAILY_STEM.fullmatch(path.stem) is not None


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
    areas = [
        (index, feature)
        for index, feature in enumerate(collection.features)
        if bytes(feature.geometry) != b"null" and _geometry_type(path, index, feature.geometry) in AREAS
    ]  # markers (units, strikes) and lines say nothing of who holds an area
    names = [str((feature.properties or {}).get("name") or "").strip() for _, feature in areas]
    occupied_only = bool(areas) and not any(names)
    parts_found: list[shapely.Geometry] = []
    codes_found: list[int] = []
    unknown: Counter[str] = Counter()
    for (index, feature), name in zip(areas, names, strict=True):
        state = Control.RU.value if occupied_only else layer_state(name)
        if state is None:
            unknown[name] += 1
            continue
        if state == "ignore":
            continue
        try:
            geometry = shapely.from_geojson(bytes(feature.geometry))
        except shapely.errors.GEOSException as exc:
            raise EventFileError(path, f"broken geometry ({str(exc).strip()})", f"#{index}", "geometry") from None
        parts = shapely.get_parts(geometry)
        parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]  # polygons of a collection
        parts_found.extend(parts)
        codes_found.extend([_CODES[state]] * len(parts))
    if not parts_found:
        found = f"; layers: {', '.join(repr(n) for n in unknown)}" if unknown else ""
        raise EventFileError(path, f"no layer the importer knows{found}")
    polygons, codes = np.array(parts_found, dtype=object), np.array(codes_found, dtype=np.int8)
    mapped = _on_mapped_land(polygons)
    return Snapshot(path, when, polygons[mapped], codes[mapped], unknown, occupied_only)


@cache
def _lands() -> tuple[shapely.Geometry, shapely.Geometry]:
    """The ground this importer maps (Ukraine and the Russian border oblasts) and the lands around
    it, both prepared."""
    from conflictmap.places.boundaries import RUSSIAN_BORDER_OBLASTS, UKRAINE, neighbours, region_polygon

    mapped = region_polygon(",".join([UKRAINE, *RUSSIAN_BORDER_OBLASTS]))
    around = neighbours()
    beyond = shapely.difference(around.geometry[~around["name"].isin(list(RUSSIAN_BORDER_OBLASTS))].union_all(), mapped)
    shapely.prepare([mapped, beyond])
    return mapped, beyond


def _on_mapped_land(polygons: np.ndarray) -> np.ndarray:
    """Which ``polygons`` are of the ground this importer maps: those more in Ukraine and the
    Russian border oblasts than in the lands around. The maps draw occupied ground elsewhere too
    (Abkhazia, Transnistria: a polygon of Moldova, 507 km² of which the approximate outlines let
    into Ukraine's)."""
    mapped, beyond = _lands()
    keep = shapely.contains(mapped, shapely.point_on_surface(polygons))
    for i in np.flatnonzero(~keep & shapely.intersects(mapped, polygons)):  # a coast's sliver, a border's
        part = shapely.make_valid(polygons[i])
        keep[i] = shapely.area(shapely.intersection(part, mapped)) >= shapely.area(shapely.intersection(part, beyond))
    return keep


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


def on_days(
    files: list[Path], since: dt.date | None, until: dt.date | None, time: dt.datetime | None = None
) -> list[Path]:
    """The snapshots of days (Kyiv time) within ``[since, until]``; ``time`` is a single snapshot's."""
    if since is None and until is None:
        return files
    days = [(time or snapshot_time(f)).astimezone(KYIV).date() for f in files]
    return [
        f
        for f, day in zip(files, days, strict=True)
        if (since is None or day >= since) and (until is None or day <= until)
    ]


def one_kind_a_day(files: list[Path], time: dt.datetime | None = None) -> list[Path]:
    """``files`` in time order, without the daily files of occupied ground on days (Kyiv time)
    that a snapshot of named layers also has: the richer map stands, each day once.

    Raises
    ------
    EventFileError
        for a file whose time cannot be read from its name (and no ``time``).
    """
    timed = sorted(((time or snapshot_time(f)), f) for f in files)
    named_days = {when.astimezone(KYIV).date() for when, f in timed if not is_daily_file(f)}
    return [f for when, f in timed if not (is_daily_file(f) and when.astimezone(KYIV).date() in named_days)]


@dataclass(frozen=True)
class Observations:
    """The state code of each settlement (rows) in each snapshot (columns, oldest first)."""

    settlements: list[Settlement]
    times: list[dt.datetime]
    files: list[Path]
    occupied_only: np.ndarray
    codes: np.ndarray
    unknown_layers: Counter[str]
    areas: list[dict[str, dict[str, float]] | None] | None = None

    def measured_areas(self, source_url: SourceUrl = DEFAULT_SOURCE_URL) -> list[SnapshotAreas]:
        """The km² each snapshot measured per region and state (observed with ``regions``), each
        citing its snapshot as the events do."""
        from conflictmap.control.measured_areas import NAMED, OCCUPIED_ONLY, SnapshotAreas

        if self.areas is None:
            return []
        return [
            SnapshotAreas(
                when,
                when.astimezone(KYIV).date(),
                OCCUPIED_ONLY if only else NAMED,
                snapshot_url(source_url, when, path),
                km2,  # type: ignore[arg-type]  # each snapshot was measured
            )
            for when, only, path, km2 in zip(self.times, self.occupied_only, self.files, self.areas, strict=True)
        ]


_Seen = tuple[dt.datetime, bool, np.ndarray, Counter[str], dict[str, dict[str, float]] | None]


def _observe_one(
    shared: tuple[shapely.STRtree, np.ndarray, dt.datetime | None, RegionTable | None], path: Path
) -> _Seen:
    """One snapshot's time, kind, state code of each point, layer names no rule knows, and
    the km² of each state per region (when ``regions`` are given)."""
    points, in_russia, time, regions = shared
    snapshot = read_snapshot(path, time)
    areas = snapshot.areas_by_region(regions) if regions is not None else None
    return snapshot.time, snapshot.occupied_only, snapshot.states(points, in_russia), snapshot.unknown_layers, areas


def observe(
    files: Sequence[Path],
    settlements: Sequence[Settlement],
    time: dt.datetime | None = None,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = iter,
    regions: RegionTable | None = None,
) -> Observations:
    """Read each snapshot file (``time`` only for a single file) and classify the settlements in it;
    with ``regions``, measure too the km² each state covers in each region (about 0.05 s a snapshot).

    The files are read by a forked process per core (:mod:`conflictmap._parallel`), each keeping only
    the settlements' states: the polygons of one snapshot at a time. ``progress`` wraps the results
    as they come (e.g. a progress bar).

    Raises
    ------
    EventFileError
        for the first file, in order, that cannot be read as a snapshot.
    """
    from conflictmap._parallel import ordered_map

    settlements = list(settlements)
    points = shapely.STRtree(shapely.points([(s.lon, s.lat) for s in settlements]))
    in_russia = np.array([s.country == "RU" for s in settlements], dtype=bool)
    seen: list[_Seen] = list(progress(ordered_map(_observe_one, (points, in_russia, time, regions), list(files))))
    order = sorted(range(len(seen)), key=lambda i: seen[i][0])
    columns = [seen[i][2] for i in order]
    return Observations(
        settlements,
        times=[seen[i][0] for i in order],
        files=[files[i] for i in order],
        occupied_only=np.array([seen[i][1] for i in order], dtype=bool),
        codes=np.column_stack(columns) if columns else np.empty((len(settlements), 0), dtype=np.int8),
        unknown_layers=sum((s[3] for s in seen), start=Counter()),
        areas=[seen[i][4] for i in order] if regions is not None else None,
    )


def _resolve_undrawn(codes: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Codes with :data:`NOT_OCCUPIED` and :data:`NOT_DRAWN` replaced by the state they leave standing:
    not occupied keeps a contested, unknown or free state before it, else is free; not drawn keeps
    any state before it, else is Russian-held. ``start``: each place's state before the first
    column (0 for none)."""
    resolved = codes.copy()
    state = start.astype(np.int8)
    for col in range(codes.shape[1]):
        column = resolved[:, col]
        not_occupied, not_drawn = column == NOT_OCCUPIED, column == NOT_DRAWN
        before = state[not_occupied]
        column[not_occupied] = np.where((before > 0) & (before != RU_CODE), before, UA_CODE)
        column[not_drawn] = np.where(state[not_drawn] > 0, state[not_drawn], RU_CODE)
        state = column
    return resolved


SourceUrl = str | Callable[[dt.datetime, Path], str]


def snapshot_url(source_url: SourceUrl, when: dt.datetime, path: Path) -> str:
    """The URL a snapshot is cited by: ``source_url`` called, or formatted with ``{time}`` (Unix
    seconds) and ``{file}``."""
    return (
        source_url(when, path)
        if callable(source_url)
        else source_url.format(time=int(when.timestamp()), file=path.name)
    )


def events_from_deepstate(
    observed: Observations,
    source_url: SourceUrl = DEFAULT_SOURCE_URL,
    start: dict[str, str] | None = None,
    quotes: dict[int, dict[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """Control changes of the observed settlements (ids ``deepstate-<place>-<unix time>``).

    Parameters
    ----------
    observed : the settlements' states per snapshot (:func:`observe`)
    source_url : the URL each event cites: a template, whose ``{time}`` and ``{file}`` become the
        snapshot's Unix seconds and file name, or a function of the snapshot's time and file
    start : each place's state (by ``place_id``) before the first snapshot; a place given one
        changes only where a snapshot shows another (default: every place starts ``unknown``)
    quotes : what each snapshot's source quotes, by its Unix seconds: fields added to the source
        (the live map's update notes: ``quote`` in English, ``quote_uk`` in Ukrainian)
    """
    settlements = observed.settlements
    start_codes = np.array([_CODES.get((start or {}).get(s.place_id, ""), 0) for s in settlements], dtype=np.int8)
    resolved = _resolve_undrawn(observed.codes, start_codes)
    with_start = np.column_stack([start_codes, resolved]) if start is not None else resolved
    changes = status_changes(with_start.astype(np.int8), first=True)
    shift = 1 if start is not None else 0
    times = observed.times
    features = []
    for row, col, prev, before, after in zip(
        changes.rows.tolist(),
        changes.cols.tolist(),
        changes.previous.tolist(),
        changes.before.tolist(),
        changes.after.tolist(),
        strict=True,
    ):
        col, prev = col - shift, prev - shift
        if col < 0 or before == 0 and after == _CODES[Control.UNKNOWN]:
            continue  # the start column, or a first state that says nothing
        place, when, path = settlements[row], times[col], observed.files[col]
        kyiv = when.astimezone(KYIV)
        seconds = int(when.timestamp())
        kind = (
            "DeepStateMap's occupied ground (nameless polygons: free, contested and unknown ground are not told apart)"
            if observed.occupied_only[col]
            else "DeepStateMap"
        )
        if before == 0:
            precision, control_before = DatePrecision.MONTH, Control.UNKNOWN
            notes = f"The state in the first snapshot imported: held since an earlier date. Source: {kind}."
        elif prev < 0:
            precision, control_before = DatePrecision.MONTH, STATES[before - 1]
            notes = (
                f"First shown in the snapshot of {kyiv:%Y-%m-%d %H:%M} (Kyiv time); before it, the event "
                f"file held {control_before.value}. Source: {kind}."
            )
        else:
            precision, control_before = date_precision(when - times[prev]), STATES[before - 1]
            since = times[prev].astimezone(KYIV)
            notes = (
                f"First shown in the snapshot of {kyiv:%Y-%m-%d %H:%M}; the one before, "
                f"{since:%Y-%m-%d %H:%M} (Kyiv time), showed {control_before.value}. Source: {kind}."
            )
        source = {
            "publisher": PUBLISHER,
            "url": snapshot_url(source_url, when, path),
            "published": kyiv.date().isoformat(),
            "title": (
                f"DeepStateMap occupied ground, daily file of {kyiv:%Y-%m-%d}"
                if observed.occupied_only[col]
                else f"DeepStateMap snapshot of {kyiv:%Y-%m-%d %H:%M} (Kyiv time)"
            ),
        }
        source.update((quotes or {}).get(seconds, {}))
        features.append(
            {
                "type": "Feature",
                "id": f"deepstate-{slug(place.place_id)}-{seconds}",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "place": place.name,
                    "place_id": place.place_id,
                    **({"admin1": place.admin1} if place.admin1 else {}),
                    "country": place.country,
                    "date": kyiv.date().isoformat(),
                    "date_precision": precision.value,
                    "geo_precision": GeoPrecision.SETTLEMENT.value,
                    "event_type": CONTROL_CHANGE,
                    "control_before": control_before.value,
                    "control_after": STATES[after - 1].value,
                    "layer": Layer.MAPS.value,
                    "sources": [source],
                    "notes": notes,
                },
            }
        )
    return features


def gazetteer_settlements(region: str | None = None) -> list[Settlement]:
    """The places with their own point (``geo_precision`` settlement) in ``region``
    (:func:`conflictmap.places.boundaries.region_names`; default: Ukraine and the Russian border oblasts):
    the gazetteer's in Ukraine, GeoNames' in Russia
    (:func:`~conflictmap.places.gazetteer.border_oblast_places`). Each takes the oblast its point
    lies in.

    Raises
    ------
    ConflictmapError
        for a region that is none.
    """
    from conflictmap.places.boundaries import RUSSIAN_BORDER_OBLASTS, UKRAINE, region_names
    from conflictmap.places.gazetteer import border_oblast_places
    from conflictmap.places.geocoder import Gazetteer

    spec = region or ",".join([UKRAINE, *RUSSIAN_BORDER_OBLASTS])
    names = region_names(spec)
    places = [p for p in Gazetteer.default().places if p.geo_precision == GeoPrecision.SETTLEMENT and p.country == "UA"]
    if set(names) & set(RUSSIAN_BORDER_OBLASTS):
        places += [place for place, _ in border_oblast_places()]
    return settlements_in(places, spec)


def settlements_in(places: Sequence[Any], region: str) -> list[Settlement]:
    """The ``places`` (with ``place_id``, ``name``, ``lon``, ``lat``, ``country``) inside ``region``.

    Each takes the oblast its point lies in when that oblast is of its country (outlines are
    approximate: a Ukrainian village on the border may fall in a Russian province's polygon), else
    the one it names; a place without a country takes that of the land its point lies in.
    """
    from conflictmap.places.boundaries import RUSSIAN_BORDER_OBLASTS, region_polygon, regions_table

    area = region_polygon(region)
    x, y = np.array([p.lon for p in places], dtype=float), np.array([p.lat for p in places], dtype=float)
    keep = np.flatnonzero(shapely.contains_xy(area, x, y))
    table = regions_table()
    point_idx, land_idx = table.sindex.query(shapely.points(x[keep], y[keep]), predicate="intersects")
    land_of = dict(zip(point_idx.tolist(), table["name"].to_numpy()[land_idx].tolist(), strict=True))
    settlements = []
    for i, p in enumerate(places[k] for k in keep.tolist()):
        land = land_of.get(i)
        land_country = "RU" if land in RUSSIAN_BORDER_OBLASTS else "UA"
        country = p.country or land_country
        admin1 = land if land is not None and land_country == country else getattr(p, "admin1", None)
        settlements.append(Settlement(p.place_id, p.name, admin1, p.lon, p.lat, country))
    return settlements
