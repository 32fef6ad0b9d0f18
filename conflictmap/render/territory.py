"""The territory layer: control areas, the front line and the ground retaken, for every day of the slider.

Areas and lines are computed in Python (:mod:`conflictmap.territory`) for each day on
which control changed, for each set of source layers the page can switch between,
simplified, and embedded as one JSON document; ``territory.js`` shows the day and the
layers the settlements' panel announces (``conflictmap:day``, ``conflictmap:layers``)
and draws the km² chart.
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

from conflictmap.render._html import RawHTML, add_json_block, script_json
from conflictmap.territory import (
    ControlMap,
    Timeline,
    control_map,
    recaptured_area,
    smooth_lines,
    to_equal_area,
    to_geographic,
)

#: Simplification of the embedded shapes, in degrees (~300 m: well below the method's own error).
SIMPLIFY_DEG = 0.003


def territory_by_day(
    timeline: Timeline,
    days: list[str],
    region: shapely.Geometry,
    since: str | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """The control areas, front line and ground retaken since ``since`` for each ISO day.

    Returns
    -------
    ``shapes``: distinct GeoJSON FeatureCollections (``kind`` area with ``controller``,
    frontline, or retaken); ``stats``: for each, km² held by Ukraine, Russia, contested
    and retaken; ``days``: each day's index into both. A day whose places and states
    within the region are those of the day before shares its entry. With ``progress``,
    a progress bar on stderr counts the days.
    """
    out: dict[str, Any] = {"shapes": [], "stats": [], "days": {}}
    if not days:
        return out
    since = since or days[0]
    base = control_map(timeline, dt.date.fromisoformat(since), region)
    previous: tuple[Any, bytes] | None = None
    bar = track(days, description="Control areas", disable=not progress, transient=True, console=Console(stderr=True))
    for day in bar:
        now = control_map(timeline, dt.date.fromisoformat(day), region)
        key = (now.tessellation, now.control.astype(str).tobytes())
        if previous is None or key[0] is not previous[0] or key[1] != previous[1]:
            out["shapes"].append(_day_shapes(now, base if day >= since else None))
            out["stats"].append([*(now.controlled_km2()[c] for c in ("UA", "RU", "contested")),
                                 out["shapes"][-1].pop("retaken_km2")])
            previous = key
        out["days"][day] = len(out["shapes"]) - 1
    return out


def _day_shapes(now: ControlMap, base: ControlMap | None) -> dict[str, Any]:
    """One day's shapes as a GeoJSON FeatureCollection (EPSG:4326, simplified), and the retaken km²."""
    held, areas = now.held_areas()
    retaken = recaptured_area(base, now) if base is not None else shapely.Polygon()
    shapes = to_geographic(np.array([smooth_lines(now.frontline()), retaken, *areas], dtype=object))
    shapes = shapely.simplify(shapes, SIMPLIFY_DEG, preserve_topology=False)  # for display only
    shapes = shapely.transform(shapes, lambda xy: np.round(xy, 5))  # ~1 m: smaller JSON
    properties = [{"kind": "frontline"}, {"kind": "retaken"}] + [{"kind": "area", "controller": c} for c in held]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": json.loads(g)}
            for p, g, empty in zip(properties, shapely.to_geojson(shapes), shapely.is_empty(shapes), strict=True)
            if not empty
        ],
        "retaken_km2": round(float(shapely.area(retaken)) / 1e6, 1),
    }


class TerritoryLayer(MacroElement):
    """Shaded control areas, the front line, the ground retaken and a km² chart, switched by the time slider.

    Parameters
    ----------
    variants : a timeline per set of source layers, keyed by the layers joined with ``+``
        (the page shows the set whose layers are switched on)
    days : the slider's days
    region : the polygon the areas are clipped to and measured in
    since : the day the retaken ground is counted from (default: the first day)
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
    ) -> None:
        super().__init__()
        self._name = "TerritoryLayer"
        data = {
            "variants": {key: territory_by_day(t, days, region, since, progress) for key, t in variants.items()},
            "since": since or (days[0] if days else None),
            "region_km2": round(float(shapely.area(to_equal_area(region))) / 1e6, 1),
            "colours": colours,
        }
        self.data_json = script_json(data)

    def render(self, **kwargs: Any) -> None:
        script = (files("conflictmap.render") / "territory.js").read_text(encoding="utf-8")
        self.get_root().header.add_child(RawHTML(f"<script>{script}</script>"), name="conflictmap_territory_js")
        add_json_block(self, self.data_json)
        super().render(**kwargs)
