"""Build data/gazetteer/geonames-postal-ua.csv from GeoNames' postal-code file of Ukraine.

GeoNames publishes, per country, one row per postal code with the place it serves (a city, town
or village), its oblast and old raion, and the place's coordinates. For Ukraine that is 29,571
rows, about 27,000 distinct places, most villages among them; GeoNames' cities500 (which the
gazetteer already reads) has about 3,800 Ukrainian places. The file is fetched from the public
mirror https://github.com/symerio/postal-codes-data (``data/geonames/UA.txt``, commit
3a94317a6192e7e576c078538dfe665048d42edf, "Data update 2024/04/12"), CC BY 4.0 as GeoNames'.

This keeps one row per place (the same name at the same point is one place, however many postal
codes it has), strips the council qualifier some names carry ("Миколаївка (Шевченківська
сільрада)") into its own column, and writes the columns the gazetteer reads. Prints the count
of places per oblast.

Run from the repository root: python scripts/build_gazetteer.py PATH/TO/UA.txt
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

from conflictmap.vocab import UA_ADMIN1

OUT = Path("data/gazetteer/geonames-postal-ua.csv")
COLUMNS = ("postal_code", "name", "qualifier", "admin1", "admin2", "lat", "lon", "accuracy")
#: This file gives Kyiv city code 13 and Kyiv oblast code 12, the other way round from GeoNames'
#: admin1 codes (and from ``UA_ADMIN1``): those two are read by their names.
ADMIN1_BY_NAME = {"Kyiv": "Kyiv City", "Kyivska": "Kyiv"}
QUALIFIED = re.compile(r"^(?P<name>[^(]+?)\s*\((?P<qualifier>[^)]*)\)\s*$")


def places(rows: list[list[str]]) -> list[dict[str, str]]:
    """One dict per distinct (name, qualifier, point), first postal code kept, sorted by oblast and name."""
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for row in rows:
        country, code, raw_name, admin1_name, admin1_code, admin2, _, _, _, lat, lon, accuracy = (row + [""] * 12)[:12]
        if country != "UA" or admin1_code not in UA_ADMIN1 or not lat or not lon:
            continue
        admin1 = ADMIN1_BY_NAME.get(admin1_name) or UA_ADMIN1[admin1_code][0]
        match = QUALIFIED.match(raw_name)
        name, qualifier = (match["name"], match["qualifier"]) if match else (raw_name.strip(), "")
        key = (name, qualifier, f"{float(lat):.4f}", f"{float(lon):.4f}")
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "postal_code": code,
                "name": name,
                "qualifier": qualifier,
                "admin1": admin1,
                "admin2": admin2,
                "lat": key[2],
                "lon": key[3],
                "accuracy": accuracy,
            }
        )
    return sorted(out, key=lambda p: (p["admin1"], p["name"], p["postal_code"]))


def main(source: str) -> None:
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    table = places(rows)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    for oblast, count in sorted(Counter(p["admin1"] for p in table).items()):
        print(f"{oblast:16s} {count:6,d}")
    print(f"{'Ukraine':16s} {len(table):6,d} places from {len(rows):,d} postal codes -> {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/build_gazetteer.py PATH/TO/UA.txt")
    main(sys.argv[1])
