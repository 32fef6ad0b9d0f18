"""Answers as frames, for notebooks: places' states, control areas and the front line on a day as
GeoDataFrames, figures per region and per period as DataFrames. Each takes an opened
:class:`~conflictmap.dataset.Dataset` and computes as the commands do (``stats``, ``frontline``)."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from conflictmap import settings
from conflictmap.control.figures import day_figures, period_figures
from conflictmap.control.frontline import frontline_collection
from conflictmap.control.territory import control_on
from conflictmap.dataset import Dataset

__all__ = ["control_areas", "figures_by_period", "figures_by_region", "states_on"]

SIDES = ["UA", "RU", "contested"]


def states_on(data: Dataset, day: dt.date) -> gpd.GeoDataFrame:
    """Each place's state on ``day``: one row per place with a state (``place_key``, ``place``,
    ``control``, ``since``: the day of its last change) and its point (EPSG:4326). Places reported
    at the same point are each listed; ``stats`` counts them once, as they share one cell."""
    return control_on(data.events, day)


def control_areas(data: Dataset, day: dt.date) -> gpd.GeoDataFrame:
    """The control areas (``kind`` "area", ``controller``, ``area_km2``) and the front line
    (``kind`` "frontline", ``length_km``) on ``day`` within ``data``'s extent: what
    ``conflictmap frontline`` writes, as a GeoDataFrame (EPSG:4326)."""
    collection = frontline_collection(data.events, day, data.extent, data.measured_alone)
    return gpd.GeoDataFrame.from_features(collection["features"], crs=settings.GEOGRAPHIC_CRS)


def figures_by_region(data: Dataset, day: dt.date) -> pd.DataFrame:
    """The km² each side holds on ``day`` per region of ``data``'s extent (index: region; columns
    UA, RU, contested; ``attrs["areas"]``: "measured" or "estimated"), as ``stats`` counts them."""
    figures = day_figures(data.events, day, None, data.extent, data.measured_alone)
    rows = {name: region["controlled_km2"] for name, region in figures["regions"].items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=SIDES).rename_axis("region")
    frame.attrs["areas"] = figures["areas"]
    return frame


def figures_by_period(
    data: Dataset, by: str = "month", since: dt.date | None = None, until: dt.date | None = None
) -> pd.DataFrame:
    """The km² held (on each period's last day) and gained per week or month, as ``stats --by``:
    one row per period (index: its first day), columns ``until``, ``UA_km2``, ``RU_km2``,
    ``contested_km2``, ``UA_gained_km2``, ``RU_gained_km2`` (empty where no gain can be told) and
    ``areas``."""
    days = data.events["date"]
    rows = period_figures(
        data.events, since or days.min().date(), until or days.max().date(), by, data.extent, data.measured_alone
    )
    return pd.DataFrame.from_records(
        [
            {
                "date": r["date"],
                "until": r["until"],
                **{f"{s}_km2": r["controlled_km2"][s] for s in SIDES},
                **{f"{s}_gained_km2": (r["gained_km2"] or {}).get(s) for s in ("UA", "RU")},
                "areas": r["areas"],
            }
            for r in rows
        ],
        index="date",
    )
