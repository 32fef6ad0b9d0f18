"""The front line and the control areas of a day as GeoJSON: what ``conflictmap frontline`` writes.

The areas are the ground of this war (:meth:`~conflictmap.control.territory.ControlMap.area_of`):
Russia's is the ground of Ukraine it holds, Ukraine's the ground it holds in Ukraine and in Russia,
contested ground either's; Russia's own ground where Russia holds it is no control area, and
ground no place tells about is in none. Every geometry is valid. Each area gives its km² as the
settlement model estimates them and, where a map measured its own areas on or before the day and
its events alone are counted, the map's measured km² beside them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
import shapely.geometry

from conflictmap.control.figures import by_country, measured_on
from conflictmap.control.measured_areas import MeasuredAreas
from conflictmap.control.territory import Timeline, control_map
from conflictmap.places.boundaries import Extent

__all__ = ["frontline_collection"]

COLUMNS = ["kind", "controller", "area_km2", "length_km"]


def frontline_collection(
    events: gpd.GeoDataFrame | Timeline, on: dt.date, extent: Extent, measured: MeasuredAreas | None = None
) -> dict[str, Any]:
    """GeoJSON of ``conflictmap frontline``: the line (``kind`` frontline, ``length_km``), then each
    side's area (``kind`` area, ``controller``, ``area_km2`` and ``areas``: "estimated"; with
    ``measured`` covering the day, ``area_km2_measured`` and the snapshot's ``measured_on`` and
    ``measured_url`` too), each with the ``date``."""
    shapes = control_map(events, on, extent.polygon).shapes()
    map_km2, snapshot = _measured_km2(measured, on, extent) if measured else ({}, None)
    features = []
    for *values, geometry in shapes[[*COLUMNS, "geometry"]].itertuples(index=False):
        properties = {"date": on.isoformat(), **{c: v for c, v in zip(COLUMNS, values, strict=True) if pd.notna(v)}}
        if properties["kind"] == "area":
            properties["areas"] = "estimated"
            if snapshot is not None:
                properties |= {
                    "area_km2_measured": map_km2[properties["controller"]],
                    "measured_on": snapshot["date"],
                    "measured_url": snapshot["url"],
                }
        features.append({"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geometry)})
    return {"type": "FeatureCollection", "features": features}


def _measured_km2(
    measured: MeasuredAreas, on: dt.date, extent: Extent
) -> tuple[dict[str, float], dict[str, Any] | None]:
    """The km² of each side's area of this war as the map measured them (Ukraine's in Ukraine and
    in Russia, Russia's in Ukraine, contested in either), and the snapshot's citation."""
    found = measured_on(measured, on, extent)
    if found is None:
        return {}, None
    held = by_country(found[0])
    in_ukraine, in_russia = held["UA"], held["RU"]
    km2 = {
        "UA": in_ukraine["UA"] + in_russia["UA"],
        "RU": in_ukraine["RU"],
        "contested": in_ukraine["contested"] + in_russia["contested"],
    }
    return {side: round(value, 1) for side, value in km2.items()}, found[1]
