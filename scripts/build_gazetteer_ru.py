"""Build data/gazetteer/geonames-postal-ru.csv: the places of Russia's border oblasts from GeoNames' postal codes.

GeoNames publishes, per country, one row per postal code with the place its post office serves
and that place's coordinates. For the oblasts of Kursk, Belgorod and Bryansk that is 1,934 rows
(GeoNames' cities500, which the gazetteer already reads, has 158 places there). The file is read
from the public repository https://github.com/zauberware/postal-codes-json-xml-csv (``data/RU.zip``,
``zipcodes.ru.csv``, commit a6e8df1e94385a76d8c8c2f8260b2cd020298c19, 30 March 2026), CC BY 4.0 as
GeoNames'. That conversion drops GeoNames' accuracy column, and many of its points are estimates
(a point shared by several villages, or a namesake's point hundreds of km away), so each place is
checked here and the ``doubt`` column says why one is not to be trusted:

- ``town``: its name is that of a place of cities500 in the same oblast (cities500 has it, with a
  better point: the postal file puts Kursk 18 km and Gubkin 32 km from their centres);
- ``shared``: another place has the same point (an estimate at a council's or district's seat);
- ``outside``: the point is not in its oblast (a namesake's elsewhere in Russia);
- ``ambiguous``: the oblast has this name at another point too (one of them may be a namesake's);
- ``far``: the point is more than ``RAION_KM`` from the middle of the points of the postal codes
  that share its first four digits (one district's post offices).

The gazetteer reads the rows with no doubt. A post office numbered after its place ("Курск 12")
is that place. Prints the count of places per oblast and per doubt.

Run from the repository root: python scripts/build_gazetteer_ru.py PATH/TO/zipcodes.ru.csv
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import shapely

from conflictmap.places.boundaries import region_polygon
from conflictmap.places.gazetteer import distance_km, geonames_places
from conflictmap.places.translit import name_keys
from conflictmap.vocab import BORDER_OBLAST_ADMIN1

OUT = Path("data/gazetteer/geonames-postal-ru.csv")
COLUMNS = ("postal_code", "name", "admin1", "oblast", "lat", "lon", "doubt")
#: Farthest a post office may lie from the middle of its district's (districts span 30-60 km).
RAION_KM = 40.0
BRANCH = re.compile(r"^(?P<name>.+?)\s+\d+$")


def places(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """One dict per distinct (name, point) of the border oblasts, first postal code kept, each with its doubt."""
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in rows:
        oblast = BORDER_OBLAST_ADMIN1.get(row["state_code"])
        if oblast is None or not row["latitude"] or not row["longitude"]:
            continue
        match = BRANCH.match(row["place"])
        name = match["name"] if match else row["place"].strip()
        lat, lon = f"{float(row['latitude']):.4f}", f"{float(row['longitude']):.4f}"
        seen.setdefault(
            (name, lat, lon),
            {
                "postal_code": row["zipcode"],
                "name": name,
                "admin1": row["state_code"],
                "oblast": oblast,
                "lat": lat,
                "lon": lon,
                "doubt": "",
            },
        )
    table = list(seen.values())
    for place, doubt in zip(table, doubts(table), strict=True):
        place["doubt"] = doubt
    return sorted(table, key=lambda p: (p["oblast"], p["name"], p["postal_code"]))


def doubts(table: list[dict[str, str]]) -> list[str]:
    """Why each place's point is not to be trusted (module docstring), or ``""``."""
    towns = {
        (key, place.admin1)
        for place, names in geonames_places(("RU",))
        for key in set().union(*(name_keys(n) for n in names))
    }
    names_at = defaultdict(set)
    points_of = defaultdict(set)
    district = defaultdict(list)
    for p in table:
        names_at[p["lat"], p["lon"]].add(p["name"])
        points_of[p["name"], p["admin1"]].add((p["lat"], p["lon"]))
        district[p["postal_code"][:4]].append((float(p["lat"]), float(p["lon"])))
    middle = {code: np.median(points, axis=0) for code, points in district.items()}
    outlines = {oblast: region_polygon(oblast) for oblast in BORDER_OBLAST_ADMIN1.values()}
    out = []
    for p in table:
        lat, lon = float(p["lat"]), float(p["lon"])
        if any((key, p["oblast"]) in towns for key in name_keys(p["name"])):
            out.append("town")
        elif len(names_at[p["lat"], p["lon"]]) > 1:
            out.append("shared")
        elif not shapely.contains_xy(outlines[p["oblast"]], lon, lat):
            out.append("outside")
        elif len(points_of[p["name"], p["admin1"]]) > 1:
            out.append("ambiguous")
        elif distance_km(lat, lon, *middle[p["postal_code"][:4]]) > RAION_KM:
            out.append("far")
        else:
            out.append("")
    return out


def main(source: str) -> None:
    with open(source, encoding="utf-8", newline="") as handle:
        table = places(list(csv.DictReader(handle)))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    for oblast in sorted(BORDER_OBLAST_ADMIN1.values()):
        counts = Counter(p["doubt"] or "kept" for p in table if p["oblast"] == oblast)
        print(f"{oblast:10s} " + ", ".join(f"{doubt} {n:,d}" for doubt, n in sorted(counts.items())))
    print(f"{sum(not p['doubt'] for p in table):,d} places kept of {len(table):,d} -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/build_gazetteer_ru.py PATH/TO/zipcodes.ru.csv")
    main(sys.argv[1])
