"""The territory layer: control areas and the front line for every day of the slider.

Areas and lines are computed in Python (:mod:`conflictmap.territory`) for each day on
which control changed, simplified, and embedded as one JSON document; the script
shows the day the settlements' slider announces (``conflictmap:day``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import shapely
import shapely.geometry
from branca.element import MacroElement
from jinja2 import Template
from rich.console import Console
from rich.progress import track

from conflictmap.render._html import add_json_block, script_json
from conflictmap.territory import Timeline, control_map, to_geographic

#: Simplification of the embedded shapes, in degrees (~300 m: well below the method's own error).
SIMPLIFY_DEG = 0.003


def territory_by_day(
    timeline: Timeline, days: list[str], region: shapely.Geometry, progress: bool = False
) -> dict[str, Any]:
    """For each ISO day: a GeoJSON FeatureCollection of control areas (``controller``) and the front line.

    Days whose places and states within the region are those of the day before share its
    shapes. With ``progress``, a progress bar on stderr counts the days.
    """
    collections: dict[str, Any] = {}
    previous: tuple[Any, bytes] | None = None
    bar = track(days, description="Control areas", disable=not progress, transient=True, console=Console(stderr=True))
    for day in bar:
        now = control_map(timeline, dt.date.fromisoformat(day), region)
        key = (now.tessellation, now.control.astype(str).tobytes())
        if previous is not None and key[0] is previous[0] and key[1] == previous[1]:
            collections[day] = collections[last_day]
            continue
        previous, last_day = key, day
        held, areas = now.held_areas()
        shapes = shapely.simplify(to_geographic(np.array([now.frontline(), *areas], dtype=object)), SIMPLIFY_DEG)
        shapes = shapely.transform(shapes, lambda xy: np.round(xy, 5))  # ~1 m: smaller JSON
        properties = [{"kind": "frontline"}] + [{"kind": "area", "controller": c} for c in held]
        collections[day] = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
                for p, g in zip(properties, shapes, strict=True)
                if not shapely.is_empty(g)
            ],
        }
    return collections


class TerritoryLayer(MacroElement):
    """Shaded control areas and the front line, switched by the time slider."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var byDay = JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent);
          var colours = {{ this.colours_json }};
          var areas = L.geoJSON(null, {
            style: function (f) {
              return {color: colours[f.properties.controller], weight: 0, fillOpacity: 0.18};
            },
            filter: function (f) { return f.properties.kind === "area"; },
            interactive: false
          });
          var line = L.geoJSON(null, {
            style: function () { return {color: "#111", weight: 3, dashArray: "6 4"}; },
            filter: function (f) { return f.properties.kind === "frontline"; },
            interactive: false
          });
          areas.addTo(map); line.addTo(map);
          areas.bringToBack();
          var days = Object.keys(byDay).sort();
          function show(day) {
            var best = null;
            days.forEach(function (d) { if (d <= day) best = d; });
            areas.clearLayers(); line.clearLayers();
            if (best) { areas.addData(byDay[best]); line.addData(byDay[best]); }
          }
          map.on("conflictmap:day", function (e) { show(e.day); });
          map.cmTerritory = {areas: areas, line: line};
          if (map.cmDay) show(map.cmDay);
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        timeline: Timeline,
        days: list[str],
        region: shapely.Geometry,
        colours: dict[str, str],
        progress: bool = False,
    ) -> None:
        super().__init__()
        self._name = "TerritoryLayer"
        self.data_json = script_json(territory_by_day(timeline, days, region, progress))
        self.colours_json = script_json(colours)

    def render(self, **kwargs: Any) -> None:
        add_json_block(self, self.data_json)
        super().render(**kwargs)
