"""A page's control, day by day: each set of places' cells once, those that share a state on every
day dissolved into one shape, and per distinct day the shapes whose state changed, the smoothed front
line and the km² (what :class:`conflictmap.render.control_layer.TerritoryLayer` draws).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import shapely

from conflictmap.control.figures import estimated_by_country
from conflictmap.control.measured_areas import RegionTable
from conflictmap.control.territory import (
    RU,
    STATES,
    UA,
    ControlMap,
    Tessellation,
    Timeline,
    control_map,
    distinct_rows,
    in_ukraine,
    smooth_lines,
    state_codes,
)
from conflictmap.places.projection import to_equal_area, to_geographic

#: Simplification of the embedded lines, in degrees (~300 m: well below the method's own error).
SIMPLIFY_DEG = 0.003
#: One letter per state in the page's state strings.
LETTERS = {"UA": "U", "RU": "R", "contested": "C", "unknown": "N"}


#: The page's coordinates are whole numbers of this many degrees (~1 m).
DEGREE_STEP = 1e-5


def _delta_coded(geometries: np.ndarray, closed: bool) -> list[list[int]]:
    """Each line or ring as one flat list ``[x0, y0, dx1, dy1, ...]`` of :data:`DEGREE_STEP` s: its
    first point, then each step to the next (a ring without its closing point when ``closed``)."""
    xy, owner = shapely.get_coordinates(geometries, return_index=True)
    if len(xy) == 0:
        return [[] for _ in geometries]
    if closed:  # a ring's last point repeats its first
        keep = np.r_[owner[1:] == owner[:-1], False]
        xy, owner = xy[keep], owner[keep]
    whole = np.round(xy / DEGREE_STEP).astype(np.int64)
    steps = whole.copy()
    steps[1:] -= whole[:-1]
    first = np.r_[True, owner[1:] != owner[:-1]]
    steps[first] = whole[first]
    counts = np.bincount(owner, minlength=len(geometries)) * 2
    return [part.tolist() for part in np.split(steps.ravel(), np.cumsum(counts)[:-1])]


def encode_shapes(geometries: np.ndarray) -> list[list[list[list[int]]]]:
    """Polygonal geometries (EPSG:3035) as the page takes them: each a list of polygons, each a list
    of rings (:func:`_delta_coded`), in EPSG:4326, never simplified (neighbours keep their shared edges)."""
    # rounded to the page's grid; the few that are not valid there (a sub-metre hole or spike, or a
    # dissolve's own flaw) are repaired, keeping their area ("structure"), and snapped to it, and
    # the lines or points a collapse leaves are dropped
    shapes = shapely.set_precision(to_geographic(geometries), DEGREE_STEP, mode="pointwise")
    broken = ~shapely.is_valid(shapes)
    shapes[broken] = shapely.set_precision(shapely.make_valid(shapes[broken], method="structure"), DEGREE_STEP)
    members, member_of = shapely.get_parts(shapes, return_index=True)  # a repaired shape may be a collection
    parts, part_of = shapely.get_parts(members, return_index=True)
    polygon = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
    parts, part_of = parts[polygon], member_of[part_of[polygon]]
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coded = _delta_coded(rings, closed=True)
    polygons: list[list[list[int]]] = [[] for _ in parts]
    for ring, part in zip(coded, ring_of.tolist(), strict=True):
        polygons[part].append(ring)
    out: list[list[list[list[int]]]] = [[] for _ in shapes]
    for polygon, shape in zip(polygons, part_of.tolist(), strict=True):
        out[shape].append(polygon)
    return out


def encode_lines(lines: shapely.Geometry) -> list[list[int]]:
    """A (multi)line (EPSG:3035), simplified for display, as the page takes it: each part
    :func:`_delta_coded`, in EPSG:4326."""
    shape = shapely.simplify(to_geographic(np.array([lines], dtype=object))[0], SIMPLIFY_DEG, preserve_topology=False)
    return _delta_coded(shapely.get_parts(shape), closed=False)


def territory_by_day(
    timeline: Timeline,
    days: list[str],
    region: shapely.Geometry,
    since: str | None = None,
    regions: RegionTable | None = None,
    progress: Callable[[list[str]], Iterable[str]] = iter,
) -> dict[str, Any]:
    """Each day's control, front line and ground retaken since ``since``, as the page draws them.

    Returns
    -------
    ``cells``: each set of places' cells as shapes (:func:`encode_shapes`), the cells that share a
    state on every day (and on ``since``) dissolved into one shape, so that a page fills a few
    shapes, not every village's cell; ``since``: the state of each shape on ``since``, a letter
    each (:data:`LETTERS`; unknown for places in Russia: retaken ground is Ukraine's); ``russia``:
    the shapes of places in Russia (Russia's own ground held by Russia is no control area of this
    war: the page leaves it out); ``lines``:
    the distinct front lines (:func:`encode_lines`); ``entries``: for each distinct day, ``t`` (its
    set of cells), its shapes' states and ``l`` (its line). The first entry of a set of cells has
    ``s``, a letter a shape; each later one only what changed since the entry before it of the same
    set: ``c``, the shapes, and ``s``, their letters (:func:`entry_states` reads them back);
    ``stats``: for each entry, km² held by Ukraine, Russia, contested in Ukraine (summed over
    ``regions``, the region's oblasts, as ``stats`` sums them,
    :func:`~conflictmap.control.figures.regions_of`; default: the region as one, in Ukraine),
    retaken (the cells Russian-held on ``since`` and Ukrainian-held on the day, as the page tints
    them), and held by Ukraine in Russia; ``days``: each ISO day's entry. A day
    whose places and states within the region are those of another day shares its entry.
    ``progress`` wraps the days (e.g. a progress bar).
    """
    out: dict[str, Any] = {"cells": [], "since": [], "russia": [], "lines": [], "entries": [], "stats": [], "days": {}}
    if not days:
        return out
    since = since or days[0]
    first = dt.date.fromisoformat(since)
    if regions is None:
        regions = RegionTable.of(np.array(["region"]), country_parts(region, None)[:1])
    index: dict[int, int] = {}  # id of a tessellation -> its position in ``sets``
    sets: list[tuple[Tessellation, np.ndarray]] = []  # each tessellation and its places' states on ``since``
    lines: dict[str, int] = {}
    seen: dict[tuple[int, bytes, bool], int] = {}
    states: list[np.ndarray] = []  # each entry's state codes, a code a cell
    for day in progress(days):
        now = control_map(timeline, dt.date.fromisoformat(day), region)
        key = (id(now.tessellation), now.codes.tobytes(), day >= since)
        if key not in seen:
            if id(now.tessellation) not in index:  # a new set of places: their states on ``since``
                index[id(now.tessellation)] = len(sets)
                sets.append((now.tessellation, state_codes(_was(now, first))))
            t = index[id(now.tessellation)]
            seen[key] = len(out["entries"])
            out["entries"].append({"t": t, "l": _line(now, lines, out)})
            out["stats"].append(_stats(now, sets[t][1] if day >= since else None, regions))
            states.append(now.codes)
        out["days"][day] = seen[key]
    for t, (tessellation, was_codes) in enumerate(sets):
        mine = [i for i, entry in enumerate(out["entries"]) if entry["t"] == t]
        _add_shapes(out, tessellation, was_codes, [out["entries"][i] for i in mine], [states[i] for i in mine])
    return out


def _add_shapes(
    out: dict[str, Any],
    tessellation: Tessellation,
    was_codes: np.ndarray,
    entries: list[dict[str, Any]],
    states: list[np.ndarray],
) -> None:
    """Add a set of cells to ``out`` as shapes, each the cells that share a country, a state on the
    day retaken ground is counted from (``was_codes``) and one on every entry of the set (``states``,
    a code a cell per entry), and fill in each of ``entries``' shape states: all for the first,
    what changed since the one before for the others."""
    russian = np.zeros(len(was_codes), bool) if tessellation.in_russia is None else tessellation.in_russia
    leader, group = distinct_rows(np.column_stack([russian, was_codes, *states]).astype(np.uint8))
    out["cells"].append(encode_shapes(np.array([tessellation.dissolve(group == g) for g in range(len(leader))])))
    out["since"].append(_letters(was_codes[leader]))
    out["russia"].append(np.flatnonzero(russian[leader]).tolist())
    before = None
    for entry, codes in zip(entries, states, strict=True):
        now = codes[leader]
        changed = np.arange(len(leader)) if before is None else np.flatnonzero(before != now)
        if before is not None:
            entry["c"] = changed.tolist()
        entry["s"] = _letters(now[changed])
        before = now


def country_parts(region: shapely.Geometry, in_russia: shapely.Geometry | None) -> np.ndarray:
    """The region's part in Ukraine and its part in Russia (EPSG:3035; the latter empty where none)."""
    russia = shapely.intersection(region, in_russia) if in_russia is not None else shapely.Polygon()
    return to_equal_area(np.array([shapely.difference(region, russia), russia], dtype=object))


def _was(now: ControlMap, since: dt.date) -> np.ndarray:
    """The state of each of ``now``'s places on ``since``; unknown for places in Russia, whose ground
    Ukraine takes, not retakes (:func:`~conflictmap.control.territory.in_ukraine`)."""
    return np.where(in_ukraine(now), now.states_on(since), "unknown")


_LETTER_OF_CODE = np.array([LETTERS[s] for s in STATES])


def _letters(states: np.ndarray) -> str:
    """States, as names or as codes (positions in :data:`STATES`), a letter each."""
    codes = states if states.dtype.kind in "iu" else state_codes(states)
    return "".join(_LETTER_OF_CODE[codes].tolist())


def entry_states(days: dict[str, Any], entry: int) -> str:
    """The state letters of every shape of ``days["entries"][entry]`` (as :func:`territory_by_day` gives
    them), its changes replayed from the first entry of its set of cells."""
    t = days["entries"][entry]["t"]
    states: list[str] = []
    for now in days["entries"][: entry + 1]:
        if now["t"] != t:
            continue
        if "c" not in now:
            states = list(now["s"])
        for cell, letter in zip(now.get("c", ()), now["s"] if "c" in now else "", strict=True):
            states[cell] = letter
    return "".join(states)


def _line(now: ControlMap, lines: dict[str, int], out: dict[str, Any]) -> int:
    """The position of ``now``'s front line among ``out["lines"]`` (added there if new)."""
    line = encode_lines(smooth_lines(now.frontline()))
    text = json.dumps(line)
    if text not in lines:
        lines[text] = len(out["lines"])
        out["lines"].append(line)
    return lines[text]


def _stats(now: ControlMap, was: np.ndarray | None, regions: RegionTable) -> list[float]:
    """One distinct day's km² (:func:`~conflictmap.control.figures.estimated_by_country`): held by
    Ukraine, Russia and contested in Ukraine, retaken (``was``: the places' state codes on the day
    retaken ground is counted from; ``None``: before it) and held by Ukraine in Russia."""
    retaken = 0.0
    if was is not None:
        retaken = float(now.tessellation.areas_km2[(was == RU) & (now.codes == UA)].sum())
    ukraine, russia = estimated_by_country(regions, now)
    return [ukraine["UA"], ukraine["RU"], ukraine["contested"], round(retaken, 1), russia["UA"]]
