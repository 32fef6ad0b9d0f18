"""The territory layer: control areas, the front line and the ground retaken, for every day of the slider.

The page gets each set of places' cells once and, for each day on which control changed, only
each cell's state (one letter a cell): ``territory.js`` colours the cells of each side as one
shape, and tints those Russian-held on the day retaken ground is counted from and Ukrainian-held
now. The front line, smoothed, and the km² are computed in Python (:mod:`conflictmap.control.territory`)
for each distinct day, for each set of source layers the page can switch between, and embedded as
one JSON document; ``territory.js`` shows the day and the layers the settlements' panel announces
(``conflictmap:day``, ``conflictmap:layers``) and draws the km² chart. Over the whole war this
weighs about a fifth of one shape per day (docs/page-size.md).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib.resources import files
from typing import Any

import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template
from rich.console import Console
from rich.progress import track

from conflictmap.control.territory import (
    ControlMap,
    Tessellation,
    Timeline,
    control_map,
    in_ukraine,
    smooth_lines,
)
from conflictmap.places.projection import to_equal_area, to_geographic
from conflictmap.render._html import RawHTML, add_json_block, page_of, script_json

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
    progress: bool = False,
    parts: np.ndarray | None = None,
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
    are those of another day shares its entry. With ``progress``, a progress bar on stderr counts
    the days.
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
    bar = track(days, description="Control areas", disable=not progress, transient=True, console=Console(stderr=True))
    for day in bar:
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


class TerritoryLayer(MacroElement):
    """Shaded control areas, the front line, the ground retaken and a km² chart, switched by the time slider.

    Parameters
    ----------
    variants : a timeline per set of source layers, keyed by the layers joined with ``+``
        (the page shows the set whose layers are switched on)
    days : the slider's days
    region : the polygon the areas are clipped to and measured in
    since : the day the retaken ground is counted from (default: the first day)
    measured : per variant, the km² a map measured itself on the days it covers
        (:func:`conflictmap.control.figures.measured_by_day`): its figures and chart use them
    in_russia : the part of Russia the region may hold: figures and chart count the ground held in
        Ukraine, and apart from it the ground Ukraine holds in Russia
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        conflictmapTerritory({{ this._parent.get_name() }},
            JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent));
        {% endmacro %}
        """
    )

    def __init__(
        self,
        variants: dict[str, Timeline],
        days: list[str],
        region: shapely.Geometry,
        colours: dict[str, str],
        since: str | None = None,
        progress: bool = False,
        measured: dict[str, dict[str, list[Any]]] | None = None,
        in_russia: shapely.Geometry | None = None,
    ) -> None:
        super().__init__()
        self._name = "TerritoryLayer"
        parts = country_parts(region, in_russia)
        variant_data = {key: territory_by_day(t, days, region, since, progress, parts) for key, t in variants.items()}
        for key, by_day in (measured or {}).items():
            variant_data[key]["measured"] = by_day
        data = {
            "variants": variant_data,
            "since": since or (days[0] if days else None),
            "region_km2": round(float(shapely.area(parts[0])) / 1e6, 1),
            "russia": in_russia is not None,
            "colours": colours,
        }
        self.data_json = script_json(data)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's MacroElement returns None
        script = (files("conflictmap.render") / "territory.js").read_text(encoding="utf-8")
        page_of(self).header.add_child(RawHTML(f"<script>{script}</script>"), name="conflictmap_territory_js")
        add_json_block(self, self.data_json)
        super().render(**kwargs)
