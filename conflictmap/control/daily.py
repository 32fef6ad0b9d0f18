"""A page's control, day by day: each set of places' cells once, and per distinct day one letter a
cell, the smoothed front line and the km² (what :class:`conflictmap.render.control_layer.TerritoryLayer`
draws). Over the whole war this weighs about a fifth of one shape per day (docs/page-size.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import shapely

from conflictmap.control.territory import ControlMap, Tessellation, Timeline, control_map, in_ukraine, smooth_lines
from conflictmap.places.projection import to_equal_area, to_geographic

#: Simplification of the embedded lines, in degrees (~300 m: well below the method's own error).
SIMPLIFY_DEG = 0.003
#: One letter per state in the page's state strings.
LETTERS = {"UA": "U", "RU": "R", "contested": "C", "unknown": "N"}


def _geojson(geometries: np.ndarray, simplify: bool = True) -> list[Any]:
    """Geometries (EPSG:3035) as GeoJSON geometries in EPSG:4326, rounded to ~1 m (``None`` for an
    empty one); ``simplify`` for lines, never for cells, whose shared edges must stay shared."""
    shapes = to_geographic(geometries)
    if simplify:
        shapes = shapely.simplify(shapes, SIMPLIFY_DEG, preserve_topology=False)  # for display only
    shapes = shapely.transform(shapes, lambda xy: np.round(xy, 5))  # ~1 m: smaller JSON
    texts, empty = shapely.to_geojson(shapes), shapely.is_empty(shapes)
    return [None if blank else json.loads(text) for text, blank in zip(texts, empty, strict=True)]


def territory_by_day(
    timeline: Timeline,
    days: list[str],
    region: shapely.Geometry,
    since: str | None = None,
    parts: np.ndarray | None = None,
    progress: Callable[[list[str]], Iterable[str]] = iter,
) -> dict[str, Any]:
    """Each day's control, front line and ground retaken since ``since``, as the page draws them.

    Returns
    -------
    ``cells``: each set of places' cells (GeoJSON geometries, EPSG:4326), and ``since``: the state
    of each of those places on ``since``, a letter each (:data:`LETTERS`; unknown for places in
    Russia: retaken ground is Ukraine's); ``lines``: the distinct
    front lines; ``entries``: for each distinct day, ``t`` (its set of cells), ``s`` (each cell's
    state) and ``l`` (its line); ``stats``: for each entry, km² held by Ukraine, Russia, contested
    in Ukraine (``parts``: the region's part in Ukraine and its part in Russia, as
    :func:`country_parts` gives them; default: all in Ukraine), retaken (the cells Russian-held
    on ``since`` and Ukrainian-held on the day, as the page tints them), and held by Ukraine in
    Russia; ``days``: each ISO day's entry. A day whose places and states within the region
    are those of another day shares its entry. ``progress`` wraps the days (e.g. a progress bar).
    """
    out: dict[str, Any] = {"cells": [], "since": [], "lines": [], "entries": [], "stats": [], "days": {}}
    if not days:
        return out
    since = since or days[0]
    first = dt.date.fromisoformat(since)
    parts = country_parts(region, None) if parts is None else parts
    cells: dict[int, int] = {}  # id of a tessellation -> its index in out["cells"]
    lines: dict[str, int] = {}
    seen: dict[tuple[int, bytes, bool], int] = {}
    keep: list[Tessellation] = []  # the tessellations indexed, alive while their ids are keys
    for day in progress(days):
        now = control_map(timeline, dt.date.fromisoformat(day), region)
        key = (id(now.tessellation), now.control.astype(str).tobytes(), day >= since)
        if key not in seen:
            if id(now.tessellation) not in cells:
                cells[id(now.tessellation)] = len(out["cells"])
                out["cells"].append(_geojson(now.cells, simplify=False))
                out["since"].append(_letters(_was(now, first)))
                keep.append(now.tessellation)
            seen[key] = len(out["entries"])
            was = _was(now, first) if day >= since else None
            out["entries"].append(_entry(now, was, cells[id(now.tessellation)], lines, out, parts))
        out["days"][day] = seen[key]
    return out


def country_parts(region: shapely.Geometry, in_russia: shapely.Geometry | None) -> np.ndarray:
    """The region's part in Ukraine and its part in Russia (EPSG:3035; the latter empty where none)."""
    russia = shapely.intersection(region, in_russia) if in_russia is not None else shapely.Polygon()
    return to_equal_area(np.array([shapely.difference(region, russia), russia], dtype=object))


def _was(now: ControlMap, since: dt.date) -> np.ndarray:
    """The state of each of ``now``'s places on ``since``; unknown for places in Russia, whose ground
    Ukraine takes, not retakes (:func:`~conflictmap.control.territory.in_ukraine`)."""
    return np.where(in_ukraine(now), now.states_on(since), "unknown")


def _letters(states: np.ndarray) -> str:
    return "".join(LETTERS[c] for c in states)


def _entry(
    now: ControlMap,
    was: np.ndarray | None,
    cells: int,
    lines: dict[str, int],
    out: dict[str, Any],
    parts: np.ndarray,
) -> dict[str, Any]:
    """One distinct day: its cells' index and states, its front line (shared with other days where
    the same) and its km² (``parts``: the region in Ukraine and in Russia); ``was``: its places'
    states on the day retaken ground is counted from."""
    (line,) = _geojson(np.array([smooth_lines(now.frontline())], dtype=object))
    text = json.dumps(line)
    if text not in lines:
        lines[text] = len(out["lines"])
        out["lines"].append(line)
    retaken = float(now.tessellation.areas_km2[(was == "RU") & (now.control == "UA")].sum()) if was is not None else 0.0
    ukraine, russia = now.controlled_km2_in(parts)
    out["stats"].append([ukraine["UA"], ukraine["RU"], ukraine["contested"], round(retaken, 1), russia["UA"]])
    return {"t": cells, "s": _letters(now.control), "l": lines[text]}
