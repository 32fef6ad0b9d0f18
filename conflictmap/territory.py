"""Who controls which place on a date, derived from the control-change events."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd

from conflictmap.model import CONTROL_CHANGE


def place_keys(events: gpd.GeoDataFrame) -> pd.Series:
    """One key per settlement: its ``place_id``, else its point rounded to ~100 m.

    Reports spell a place many ways; the gazetteer id (or the point) is what
    identifies it.
    """
    lon = events.geometry.x.round(3).astype(str)
    lat = events.geometry.y.round(3).astype(str)
    by_point = "pt:" + lon + "," + lat
    if "place_id" not in events:
        return by_point.rename("place_key")
    has_id = events["place_id"].notna() & (events["place_id"].astype(str) != "")
    return pd.Series(
        np.where(has_id, "id:" + events["place_id"].astype(str), by_point),
        index=events.index,
        name="place_key",
    )


def control_changes(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The control changes, with a ``place_key`` column, sorted by (date, id)."""
    changes = events[events["event_type"] == CONTROL_CHANGE]
    changes = changes.assign(place_key=place_keys(changes))
    return changes.sort_values(["date", "id"], kind="stable")


def control_on(events: gpd.GeoDataFrame, on: dt.date) -> gpd.GeoDataFrame:
    """Each place's state on ``on``: the last change at or before that date.

    A place with no change by then has no state and is left out.

    Returns
    -------
    GeoDataFrame with one row per place: ``place_key``, ``place``, ``control``,
    ``since`` (date of that change) and the point.
    """
    changes = control_changes(events)
    changes = changes[changes["date"] <= pd.Timestamp(on)]
    last = changes.drop_duplicates("place_key", keep="last")
    return gpd.GeoDataFrame(
        {
            "place_key": last["place_key"].to_numpy(),
            "place": last["place"].to_numpy(),
            "control": last["control_after"].to_numpy(),
            "since": last["date"].to_numpy(),
        },
        geometry=last.geometry.to_numpy(),
        crs=events.crs,
    )
