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
from branca.element import MacroElement
from jinja2 import Template
from rich.console import Console
from rich.progress import track

from conflictmap.render._html import add_json_block, script_json
from conflictmap.territory import Timeline, control_map

#: Simplification of the embedded shapes, in degrees (~300 m: well below the method's own error).
SIMPLIFY_DEG = 0.003


def territory_by_day(
    timeline: Timeline, days: list[str], region: shapely.Geometry, progress: bool = False
) -> dict[str, Any]:
    """For each ISO day: a GeoJSON FeatureCollection of control areas (``controller``) and the front line.

    With ``progress``, a progress bar on stderr counts the days.
    """
    collections = {}
    bar = track(days, description="Control areas", disable=not progress, transient=True, console=Console(stderr=True))
    for day in bar:
        shapes = control_map(timeline, dt.date.fromisoformat(day), region).shapes()[["kind", "controller", "geometry"]]
        simplified = shapes.geometry.simplify(SIMPLIFY_DEG).to_numpy()
        shapes["geometry"] = shapely.transform(simplified, lambda xy: np.round(xy, 5))  # ~1 m: smaller JSON
        collections[day] = shapes[~shapes.geometry.is_empty].__geo_interface__
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
