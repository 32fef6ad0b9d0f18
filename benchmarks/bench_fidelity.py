"""Fidelity: the derived Russian-held area of Kharkiv oblast against DeepStateMap's archived snapshots.

For each evening of the table in docs/territory.md, the area ``stats`` derives from the bundled
events (both layers) is set against the last archived snapshot of that day (Kyiv time): the
reference's occupied km² and its occupied + contested + unknown-status km² within the oblast,
the IoU of the derived area with each, and the area retaken since 5 September on both sides (the
reference's: occupied on 5 September and now not occupied, from "nor contested or unknown" to
"nor occupied").
Prints a Markdown table. Needs the archive's snapshot files (a fetch of the public repository
DanielRose2310/deepstatemaps-history, folder ``geojsons/``).

Run: python benchmarks/bench_fidelity.py PATH/TO/geojsons
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import geopandas as gpd
import shapely

from conflictmap import settings
from conflictmap.control.territory import Timeline, control_map
from conflictmap.events.frame import load_events
from conflictmap.importers.deepstate import KYIV, read_snapshot, snapshot_files, snapshot_time
from conflictmap.places.boundaries import region_polygon

EVENINGS = [dt.date(2022, 9, d) for d in (5, 8, 10, 11, 13, 20, 30)] + [dt.date(2022, 10, 3), dt.date(2022, 10, 7)]
SINCE = dt.date(2022, 9, 5)


def projected(geometry: shapely.Geometry) -> shapely.Geometry:
    return gpd.GeoSeries([geometry], crs=settings.GEOGRAPHIC_CRS).to_crs(settings.EQUAL_AREA_CRS).iloc[0]


def reference_areas(files: list, day: dt.date, oblast: shapely.Geometry) -> tuple[shapely.Geometry, shapely.Geometry]:
    """The last snapshot of ``day``: its occupied area, and occupied + contested + unknown, in the oblast.

    ``oblast`` in EPSG:4326 (as the snapshots); the areas are returned in EPSG:3035.
    """
    path = max((f for f in files if snapshot_time(f).astimezone(KYIV).date() == day), key=snapshot_time)
    snapshot = read_snapshot(path)
    valid = shapely.make_valid(snapshot.polygons)
    occupied = shapely.intersection(shapely.union_all(valid[snapshot.codes == 1]), oblast)
    not_ua = shapely.intersection(shapely.union_all(valid[snapshot.codes <= 3]), oblast)
    return projected(occupied), projected(not_ua)


def iou(a: shapely.Geometry, b: shapely.Geometry) -> float:
    union = shapely.area(shapely.union(a, b))
    return shapely.area(shapely.intersection(a, b)) / union if union else 1.0


def main(archive: str) -> None:
    files = snapshot_files([archive])
    started = time.perf_counter()
    oblast = region_polygon("Kharkiv")
    timeline = Timeline(load_events(settings.data_dir() / "events"))
    print(
        "| evening | RU-held km² (stats) | reference occupied km² | occupied + contested + unknown km² "
        "| IoU with occupied | IoU with occupied + contested + unknown | retaken since 5 Sep, km²: stats / reference |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    base_occupied, _ = reference_areas(files, SINCE, oblast)
    base = control_map(timeline, SINCE, oblast)
    for day in EVENINGS:
        now = control_map(timeline, day, oblast)
        held = shapely.union_all(now.cells[now.places["control"].to_numpy() == "RU"])
        occupied, not_ua = reference_areas(files, day, oblast)
        was_ru = shapely.union_all(base.cells[base.places["control"].to_numpy() == "RU"])
        now_ua = shapely.union_all(now.cells[now.places["control"].to_numpy() == "UA"])
        retaken = shapely.area(shapely.intersection(was_ru, now_ua)) / 1e6
        retaken_low = shapely.area(shapely.difference(base_occupied, not_ua)) / 1e6
        retaken_high = shapely.area(shapely.difference(base_occupied, occupied)) / 1e6
        print(
            f"| {day:%d %b} | {shapely.area(held) / 1e6:,.0f} | {shapely.area(occupied) / 1e6:,.0f} "
            f"| {shapely.area(not_ua) / 1e6:,.0f} | {iou(held, occupied):.2f} | {iou(held, not_ua):.2f} "
            f"| {retaken:,.0f} / {retaken_low:,.0f}-{retaken_high:,.0f} |"
        )
    print(f"\n{len(EVENINGS)} evenings in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/bench_fidelity.py PATH/TO/geojsons")
    main(sys.argv[1])
