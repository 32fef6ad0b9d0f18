"""Territory at scale: 30,000 places x 60 dates, all figures of `stats` for each date.

Run: python benchmarks/bench_territory.py
Synthetic: every place is occupied on 1 March 2022; from 1 September a front moves east, one
strip of places changing hands each day, so the set of places with a state is the same every
day and one tessellation serves all dates.
"""

from __future__ import annotations

import datetime as dt
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from conflictmap.control.territory import Timeline, control_map, recaptured
from conflictmap.places.boundaries import region_polygon

PLACES, DATES = 30_000, 60


def synthetic_events(region: shapely.Geometry, rng: np.random.Generator) -> gpd.GeoDataFrame:
    west, south, east, north = region.bounds
    lon = rng.uniform(west, east, PLACES * 3)
    lat = rng.uniform(south, north, PLACES * 3)
    inside = shapely.contains_xy(region, lon, lat)
    lon, lat = lon[inside][:PLACES], lat[inside][:PLACES]
    keys = [f"p{i}" for i in range(PLACES)]
    start = pd.Timestamp("2022-09-01")
    day = np.floor((lon - west) / (east - west) * DATES).astype(int)
    frame = pd.DataFrame(
        {
            "id": keys * 2,
            "place": keys * 2,
            "place_id": keys * 2,
            "event_type": "control_change",
            "date": [pd.Timestamp("2022-03-01")] * PLACES + list(start + pd.to_timedelta(day, "D")),
            "control_before": ["UA"] * PLACES + ["RU"] * PLACES,
            "control_after": ["RU"] * PLACES + ["UA"] * PLACES,
        }
    )
    frame["id"] = frame["id"] + "-" + frame.index.astype(str)
    return gpd.GeoDataFrame(frame, geometry=shapely.points(np.tile(np.c_[lon, lat], (2, 1))), crs="EPSG:4326")


def main() -> None:
    region = region_polygon("Kharkiv")
    events = synthetic_events(region, np.random.default_rng(0))
    start = time.perf_counter()
    timeline = Timeline(events)
    since = control_map(timeline, dt.date(2022, 8, 31), region)
    for i in range(DATES):
        now = control_map(timeline, dt.date(2022, 9, 1) + dt.timedelta(days=i), region)
        now.settlements(), now.controlled_km2(), now.frontline_km(), recaptured(since, now)
    elapsed = time.perf_counter() - start
    print(
        f"{PLACES:,} places ({len(events):,} events) x {DATES} dates, every figure of `stats` per date: "
        f"{elapsed:.1f} s ({elapsed / DATES * 1000:.0f} ms per date, including one tessellation)"
    )


if __name__ == "__main__":
    main()
