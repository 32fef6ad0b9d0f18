"""Synthetic events for the benchmarks: every field filled, two sources each.

Places lie at random in Kharkiv oblast; each changes hands 5 times (UA <-> RU),
every 6 days or so from 2022-09-01.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely

from conflictmap.places.boundaries import region_polygon


def synthetic(
    n: int, rng: np.random.Generator, changes_per_place: int = 5, spread_days: int = 6, sources: int = 2
) -> list[dict]:
    """``n`` valid event features at ``n // changes_per_place`` places, each change within
    ``spread_days`` days of its step, with ``sources`` sources (1 or 2) each."""
    region = region_polygon("Kharkiv")
    west, south, east, north = region.bounds
    places = max(n // changes_per_place, 1)
    lon, lat = rng.uniform(west, east, places * 3), rng.uniform(south, north, places * 3)
    inside = shapely.contains_xy(region, lon, lat)
    lon, lat = np.round(lon[inside][:places], 5).tolist(), np.round(lat[inside][:places], 5).tolist()
    start = dt.date(2022, 9, 1)
    days = [(start + dt.timedelta(days=d)).isoformat() for d in range(6 * (n // places + 1) + spread_days)]
    offsets = rng.integers(0, spread_days, n).tolist()
    states = ("UA", "RU")
    features = []
    for i in range(n):
        p, step = i % places, i // places
        day = days[step * 6 + offsets[i]]
        features.append(
            {
                "type": "Feature",
                "id": f"e{i}",
                "geometry": {"type": "Point", "coordinates": [lon[p], lat[p]]},
                "properties": {
                    "place": f"Place {p}",
                    "place_id": f"geonames:{p}",
                    "admin1": "Kharkiv",
                    "country": "UA",
                    "date": day,
                    "date_precision": "day",
                    "geo_precision": "settlement",
                    "event_type": "control_change",
                    "control_before": states[step % 2],
                    "control_after": states[(step + 1) % 2],
                    "confidence": "claimed",
                    "notes": f"synthetic event {i}",
                    "sources": [
                        {
                            "publisher": "Example News",
                            "url": f"https://example.org/a/{i}",
                            "published": day,
                            "title": f"Report {i}",
                            "quote": "A short quote from the report.",
                        },
                        {
                            "publisher": "Another Outlet",
                            "url": f"https://example.com/b/{i}",
                            "published": day,
                            "title": f"Second report {i}",
                            "quote": "Another short quote.",
                        },
                    ][:sources],
                },
            }
        )
    return features
