"""Build data/gazetteer/wof-ua.csv from Who's On First's localities of Ukraine.

Who's On First keeps one GeoJSON file a place; its Ukrainian repository
(https://github.com/whosonfirst-data/whosonfirst-data-admin-ua, commit
18b5ee31d6cd4915e627fbf7f3def46e66e440d5) holds 34,264 records of placetype ``locality``:
villages, towns and cities, most with a GeoNames id. Who's On First's own work is CC0; the
records it took from GeoNames (``gn:``) and Quattroshapes (``qs:``) keep their CC BY licence.

This reads every locality once and writes one row per record with its names (Ukrainian,
Russian, Latin, the others as ``alternates``: English and undetermined variants, some of them
wrong, which the gazetteer does not index), the oblast its point lies in and, in ``doubt``, why
the record is not to be taken as a settlement of its own:

- ``not current``: deprecated, superseded, ceased, or marked not current (``mz:is_current`` 0);
- ``outside``: its point is not in Ukraine's outline;
- ``repeat``: another record with the same GeoNames id lies within ``SAME_PLACE_KM`` (the
  better one is kept: current, with a Cyrillic Ukrainian name, then the lowest id);
- ``latin twin``: a record with no Cyrillic name within ``LATIN_TWIN_KM`` of one with a
  Cyrillic name (the same place entered twice, once romanised);
- ``twin``: another record kept of the same oblast shares one of its names and lies within
  ``SAME_PLACE_KM`` (the same place twice);
- ``no name``: no Ukrainian or Russian name, and none of its names is one of its oblast's
  KATOTTG settlements (the gazetteer lets such a record lend its point to a KATOTTG settlement
  near it whose name it resembles, never be a place of its own);
- ``no Ukrainian name``: a Russian name alone (some are not even places: "Национальная
  контейнерная компания"), and none of its names is one of its oblast's KATOTTG settlements;
- ``town's namesake``: it has a town's name (one of Ukraine's towns of 10,000 inhabitants or more)
  but lies more than ``SAME_PLACE_KM`` from it, and no KATOTTG settlement of its oblast has that
  name: a misfiled copy of the town (Novoyavorivsk in Crimea, "Kropivnitskiy" in Zaporizhzhia
  oblast), or the town itself across an oblast border its outline draws otherwise (Slavutych);
- ``not a settlement``: its name is a district's, a council's or an oblast's ("... район",
  "... сільська рада"), and no KATOTTG settlement of its oblast has one of its names.

A record one of whose names (Ukrainian, Russian, first Latin) folds like the name of exactly one
KATOTTG settlement of its oblast takes that settlement's code (``katottg``) and official name
(its own goes to ``former``); one that folds like several namesakes takes their name alone.
KATOTTG (2025) has the renamings since 2016 and mends the names some records carry wrongly.

Run from the repository root: python scripts/build_gazetteer_wof.py PATH/TO/whosonfirst-data-admin-ua/data
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import shapely

from conflictmap.places.boundaries import oblasts, region_polygon, towns
from conflictmap.places.gazetteer import katottg_index
from conflictmap.places.projection import to_equal_area
from conflictmap.places.translit import name_keys

OUT = Path("data/gazetteer/wof-ua.csv")
COLUMNS = (
    "wof_id",
    "name",
    "name_ru",
    "latin",
    "former",
    "alternates",
    "admin1",
    "lat",
    "lon",
    "geonames_id",
    "katottg",
    "doubt",
)
#: Records this close, sharing a name or a GeoNames id, are one place.
SAME_PLACE_KM = 2.0
#: A romanised-only record this close to one with a Cyrillic name is that place.
LATIN_TWIN_KM = 1.0
#: One record's row of the table, by column.
Row = dict[str, str]
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Names of a district, a council or an oblast, which some records carry instead of a settlement's.
NOT_A_SETTLEMENT = re.compile(r"район|рада|област|громада", re.IGNORECASE)


class _Properties(
    msgspec.Struct,
    rename={
        "placetype": "wof:placetype",
        "wof_id": "wof:id",
        "wof_name": "wof:name",
        "gn_name": "gn:name",
        "lat": "geom:latitude",
        "lon": "geom:longitude",
        "is_current": "mz:is_current",
        "deprecated": "edtf:deprecated",
        "cessation": "edtf:cessation",
        "superseded_by": "wof:superseded_by",
        "concordances": "wof:concordances",
    },
):
    placetype: str = ""
    wof_id: int = 0
    wof_name: str = ""
    gn_name: str = ""
    lat: float = 0.0
    lon: float = 0.0
    is_current: int = -1
    deprecated: str = ""
    cessation: str = "uuuu"
    superseded_by: list[int] = []
    concordances: dict[str, Any] = {}


class _Record(msgspec.Struct):
    properties: msgspec.Raw


def _names(raw: dict[str, Any], kinds: tuple[str, ...]) -> list[str]:
    """The names of the properties ``name:<kind>`` (``ukr_x_preferred``, ...), in order, each once."""
    found = [name for kind in kinds for name in raw.get(f"name:{kind}") or () if isinstance(name, str)]
    return list(dict.fromkeys(n.replace("_", " ").strip() for n in found if n.strip()))


def read_locality(path: str) -> Row | None:
    """One record's row (``doubt`` ``not current`` or empty), or ``None`` for one that is no locality."""
    record = msgspec.json.decode(Path(path).read_bytes(), type=_Record)
    props = msgspec.json.decode(record.properties, type=_Properties)
    if props.placetype != "locality":
        return None
    raw = msgspec.json.decode(record.properties, type=dict[str, Any])
    ukrainian = _names(raw, ("ukr_x_preferred", "ukr_x_variant"))
    russian = _names(raw, ("rus_x_preferred", "rus_x_variant"))
    variants = _names(raw, ("eng_x_preferred", "eng_x_variant", "und_x_variant"))
    latin = [
        n
        for n in dict.fromkeys((props.wof_name, props.gn_name, *variants, *ukrainian, *russian))
        if n and not CYRILLIC.search(n)
    ]
    name = next((n for n in ukrainian if CYRILLIC.search(n)), "")
    name_ru = next((n for n in russian if CYRILLIC.search(n)), "")
    first_latin = latin[0] if latin else ""
    others = [n for n in dict.fromkeys((*ukrainian, *russian, *latin)) if n not in (name, name_ru, first_latin)]
    gone = props.deprecated or props.superseded_by or props.cessation not in ("uuuu", "") or props.is_current == 0
    return {
        "wof_id": str(props.wof_id),
        "name": name,
        "name_ru": name_ru,
        "latin": first_latin,
        "former": "",
        "alternates": "|".join(others),
        "admin1": "",
        "lat": f"{props.lat:.5f}",
        "lon": f"{props.lon:.5f}",
        "geonames_id": str(props.concordances.get("gn:id") or ""),
        "katottg": "",
        "doubt": "not current" if gone else "",
        "_current": "1" if props.is_current == 1 else "",
    }


def _keys(row: Row) -> frozenset[str]:
    return frozenset().union(*(name_keys(n) for n in (row["name"], row["name_ru"], row["latin"]) if n))


def _within(points: np.ndarray, km: float) -> list[tuple[int, int]]:
    """The pairs (i, j), i < j, of ``points`` (metres) within ``km`` of each other."""
    left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=km * 1000)
    return [(int(i), int(j)) for i, j in zip(left, right, strict=True) if i < j]


def _romanised_only(row: Row) -> bool:
    """Whether the row has no name in Cyrillic (Ukrainian or Russian)."""
    return not (row["name"] or row["name_ru"])


def _rank(row: Row) -> tuple[bool, bool, int]:
    """Sort key: the better of two records of one place first."""
    return (not row["_current"], not row["name"], int(row["wof_id"]))


def mark_doubts(rows: list[Row]) -> None:
    """Set each row's ``admin1`` and ``doubt`` (see the module's docstring); rows already doubted stay so."""
    lon, lat = np.array([float(r["lon"]) for r in rows]), np.array([float(r["lat"]) for r in rows])
    inside = shapely.contains_xy(region_polygon("Ukraine"), lon, lat)
    table = oblasts()
    point, land = table.sindex.query(shapely.points(lon, lat), predicate="intersects")
    for i, j in zip(point, land, strict=True):
        rows[i]["admin1"] = rows[i]["admin1"] or table["admin1"].iloc[j]
    for row, ok in zip(rows, inside, strict=True):
        if not ok and not row["doubt"]:
            row["doubt"] = "outside"
    metres = to_equal_area(shapely.points(lon, lat))

    def doubt_pairs(km: float, same: Callable[[Row, Row], bool], label: str, worse: Callable[[Row], Any]) -> None:
        """Doubt the worse of each pair of undoubted rows within ``km`` that ``same`` takes for one place."""
        for i, j in _within(metres, km):
            a, b = rows[i], rows[j]
            if not a["doubt"] and not b["doubt"] and same(a, b):
                max((a, b), key=worse)["doubt"] = label

    doubt_pairs(
        SAME_PLACE_KM, lambda a, b: bool(a["geonames_id"]) and a["geonames_id"] == b["geonames_id"], "repeat", _rank
    )
    doubt_pairs(LATIN_TWIN_KM, lambda a, b: _romanised_only(a) != _romanised_only(b), "latin twin", _romanised_only)
    doubt_pairs(SAME_PLACE_KM, lambda a, b: a["admin1"] == b["admin1"] and bool(_keys(a) & _keys(b)), "twin", _rank)
    katottg = katottg_index()
    town_keys = _town_keys()
    for row, point in zip(rows, metres, strict=True):
        if row["doubt"]:
            continue
        found = {hit for key in _keys(row) for hit in katottg.get((key, row["admin1"]), ())}
        if not found and any(
            shapely.distance(point, town) > SAME_PLACE_KM * 1000
            for key in _keys(row)
            for town in town_keys.get(key, ())
        ):
            row["doubt"] = "town's namesake"
            continue
        if len({name for _, name in found}) == 1:  # one settlement, or namesakes: the name, not the code
            official = next(iter(found))[1]
            row["katottg"] = next(iter(found))[0] if len(found) == 1 else ""
            if official != row["name"]:
                row["former"], row["name"] = row["name"], official
        elif not row["name"]:
            row["doubt"] = "no Ukrainian name" if row["name_ru"] else "no name"
        elif NOT_A_SETTLEMENT.search(f"{row['name']} {row['name_ru']}"):
            row["doubt"] = "not a settlement"


def _town_keys() -> dict[str, list[shapely.Geometry]]:
    """The match keys of Ukraine's towns of 10,000 inhabitants or more -> their points (metres)."""
    table = towns()
    table = table[table["country"] == "UA"]
    found: dict[str, list[shapely.Geometry]] = {}
    for name, point in zip(table["name"], to_equal_area(table.geometry.to_numpy()), strict=True):
        for key in name_keys(name):
            found.setdefault(key, []).append(point)
    return found


def main(folder: str) -> None:
    files = [str(p) for p in sorted(Path(folder).rglob("*.geojson")) if "-alt-" not in p.name]
    with ProcessPoolExecutor() as pool:
        rows = [row for row in pool.map(read_locality, files, chunksize=500) if row is not None]
    mark_doubts(rows)
    rows.sort(key=lambda r: (r["admin1"], r["name"] or r["name_ru"] or r["latin"], int(r["wof_id"])))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows):,} localities from {len(files):,} files -> {OUT}")
    for doubt, count in sorted(Counter(r["doubt"] or "kept" for r in rows).items()):
        print(f"  {doubt:12s} {count:6,d}")
    kept = Counter(r["admin1"] for r in rows if not r["doubt"])
    print("kept by oblast: " + ", ".join(f"{k} {v:,d}" for k, v in sorted(kept.items())))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/build_gazetteer_wof.py PATH/TO/whosonfirst-data-admin-ua/data")
    main(sys.argv[1])
