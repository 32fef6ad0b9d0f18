"""The gazetteer's places: how many, from which source, how many KATOTTG settlements, how distinct.

Run: python benchmarks/bench_gazetteer.py

Prints, each measured on the bundled gazetteer (built afresh, not from the cache):

- the time the build takes, and the places by source and precision;
- the places with a point of their own in Ukraine, per oblast, and how many carry a KATOTTG code
  (distinct codes; KATOTTG lists 29,705 settlements);
- the merge rule's error rate: of the pairs of distinct same-named post offices of one oblast
  (GeoNames' postal file, accuracy 4), how many lie within 5 km (the distance within which a
  Who's On First locality is taken for a known place of its name);
- how distinct the places are: pairs that share a name within 1 km, pairs of any names within 0.5 km.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import numpy as np
import shapely

from conflictmap import settings
from conflictmap.places.gazetteer import WOF_SAME_PLACE_KM, katottg_settlements
from conflictmap.places.geocoder import Gazetteer
from conflictmap.places.projection import to_equal_area
from conflictmap.places.translit import name_keys


def pairs_within(points: np.ndarray, metres: float) -> list[tuple[int, int]]:
    left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=metres)
    return [(int(i), int(j)) for i, j in zip(left, right, strict=True) if i < j]


def main() -> None:
    for stale in settings.cache_dir().glob("gazetteer-*.pickle"):
        stale.unlink()
    started = time.perf_counter()
    gazetteer = Gazetteer.default()
    print(f"built in {time.perf_counter() - started:.1f} s: {len(gazetteer.places):,} places")
    for (source, precision), count in sorted(Counter((p.source, p.geo_precision) for p in gazetteer.places).items()):
        print(f"  {source:16s} {precision:12s} {count:7,d}")
    own = [p for p in gazetteer.places if p.country == "UA" and p.geo_precision == "settlement"]
    codes = {p.katottg for p in own if p.katottg}
    print(
        f"with a point of their own in Ukraine: {len(own):,}; {len(codes):,} with a KATOTTG code "
        f"(KATOTTG: {len(katottg_settlements()):,} settlements)"
    )
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(Counter(p.admin1 for p in own).items())))

    postal = Path("data/gazetteer/geonames-postal-ua.csv")
    with postal.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["accuracy"] == "4"]
    points = to_equal_area(shapely.points([(float(r["lon"]), float(r["lat"])) for r in rows]))
    groups: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault((min(name_keys(row["name"])), row["admin1"]), []).append(i)
    distances = np.array(
        [
            shapely.distance(points[a], points[b]) / 1000
            for members in groups.values()
            for k, a in enumerate(members)
            for b in members[k + 1 :]
        ]
    )
    close = int((distances <= WOF_SAME_PLACE_KM).sum())
    print(
        f"distinct same-named post offices of one oblast: {len(distances):,} pairs, {close} "
        f"({close / len(distances):.1%}) within {WOF_SAME_PLACE_KM:g} km"
    )

    metres = to_equal_area(shapely.points([(p.lon, p.lat) for p in own]))
    named = sum(bool(name_keys(own[i].name) & name_keys(own[j].name)) for i, j in pairs_within(metres, 1000))
    print(
        f"pairs of places sharing a name within 1 km: {named}; pairs of any places within 0.5 km: "
        f"{len(pairs_within(metres, 500))}"
    )


if __name__ == "__main__":
    main()
