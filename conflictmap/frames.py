"""Events as a GeoDataFrame: one row per event, every field of the model a column.

The store (:mod:`conflictmap.store`) reads and writes event files with no dataframe library;
this module builds frames of their events for the commands that compute on them (``stats``,
``render``, ``image``, ``export``), so that ``add`` and ``validate`` start without geopandas.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from conflictmap import settings
from conflictmap.model import EventProperties
from conflictmap.store import batched, event_files, gc_paused, read_collection, validated


def _frame_chunk(features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    props = pd.DataFrame([f["properties"] for f in features])
    for name, info in EventProperties.model_fields.items():
        if info.is_required():
            continue
        default = info.get_default()
        default = default.value if isinstance(default, Enum) else default
        if name not in props:
            props[name] = default
        elif default is not None:
            props[name] = props[name].fillna(default)
    props.insert(0, "id", [f["id"] for f in features])
    coords = np.array([f["geometry"]["coordinates"] for f in features], dtype=float).reshape(-1, 2)
    if "date" in props:
        props["date"] = pd.to_datetime(props["date"], format="%Y-%m-%d")
    return gpd.GeoDataFrame(props, geometry=shapely.points(coords), crs=settings.GEOGRAPHIC_CRS)


def events_frame(features: Iterable[dict[str, Any]], chunk_size: int = 50_000) -> gpd.GeoDataFrame:
    """Build a GeoDataFrame (EPSG:4326) of validated features.

    One row per event; one column per property (``sources`` stays a list) plus
    ``id``; every field of the model is there, defaults filled in; ``date`` is
    a ``datetime64`` column. Rows are built ``chunk_size`` features at a time,
    so a lazy sequence of features is never all decoded at once.
    """
    with gc_paused():
        frames = [_frame_chunk(chunk) for chunk in batched(iter(features), chunk_size)]
    if len(frames) > 1:
        return pd.concat(frames, ignore_index=True)
    return frames[0] if frames else _frame_chunk([])


def load_events(path: str | Path) -> gpd.GeoDataFrame:
    """Read and validate the event file(s) at ``path`` into a GeoDataFrame (EPSG:4326).

    Files are read lazily and validated as the rows are built, so memory holds
    the files' bytes and the frame, not every feature's dicts at once.
    """
    seen: dict[str, Path] = {}
    return events_frame(
        itertools.chain.from_iterable(validated(read_collection(f, lazy=True), seen) for f in event_files(path))
    )


def select_events(events: gpd.GeoDataFrame, layer: str | None = None, source: str | None = None) -> gpd.GeoDataFrame:
    """The rows of ``layer`` with a source whose publisher contains ``source`` (any case)."""
    keep = np.ones(len(events), dtype=bool)
    if layer is not None:
        keep &= (events["layer"] == layer).to_numpy()
    if source is not None:
        needle = source.casefold()
        keep &= events["sources"].map(lambda sources: any(needle in s["publisher"].casefold() for s in sources)).to_numpy(bool)
    return events if keep.all() else events[keep]
