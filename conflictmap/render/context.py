"""The context layer: the lands around the region, the state border and town names, offline.

Drawn from ``data/boundaries/`` (Natural Earth's provinces and countries, GeoNames' towns), so a
map opened with no network still shows where the region lies: the neighbouring oblasts and
foreign provinces in grey with their names, Ukraine's state border, and the names of the towns at
the zoom levels where they fit (the largest first); a name that would overlap one of higher rank is
hidden.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import shapely
from folium.map import Layer
from jinja2 import Template

from conflictmap.places.boundaries import context_around, region_polygon
from conflictmap.render._html import add_json_block, script_json

#: Smallest zoom at which a town of at least this many inhabitants is named.
TOWN_ZOOM = ((500_000, 6), (100_000, 7), (30_000, 8), (0, 9))
#: Simplification of the shapes, in degrees (~500 m: context only).
SIMPLIFY_DEG = 0.005


def _geojson(geometry: shapely.Geometry) -> Any:
    simplified = shapely.simplify(geometry, SIMPLIFY_DEG)
    return json.loads(shapely.to_geojson(shapely.transform(simplified, lambda xy: np.round(xy, 4))))


def context_data(region: shapely.Geometry) -> dict[str, Any]:
    """``lands``: ``[name, country, GeoJSON geometry, [lat, lon] of the label]``; ``border``: the
    state border near the region (GeoJSON); ``towns``: ``[name, lat, lon, smallest zoom]``."""
    lands, towns = context_around(region)
    reach = shapely.box(*shapely.bounds(shapely.buffer(region, 1.0)))
    border = shapely.intersection(shapely.boundary(region_polygon(None)), reach)
    labels = shapely.point_on_surface(shapely.intersection(lands.geometry.to_numpy(), reach))
    return {
        "lands": [
            [name, country, _geojson(shape), [round(label.y, 4), round(label.x, 4)]]
            for name, country, shape, label in zip(lands["name"], lands["country"], lands.geometry, labels, strict=True)
        ],
        "border": _geojson(border),
        "towns": [
            [name, round(point.y, 4), round(point.x, 4), next(z for size, z in TOWN_ZOOM if population >= size)]
            for name, population, point in zip(towns["name"], towns["population"], towns.geometry, strict=True)
        ],
    }


class ContextLayer(Layer):
    """Lands around the region, the state border and town names (a layer of the layer control)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        (function () {
          var map = {{ this._parent.get_name() }}, group = {{ this.get_name() }};
          var data = JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent);
          var pane = map.createPane("cmContext");
          pane.style.zIndex = 250;  // under the areas and markers (overlay pane: 400)
          function label(text, cls) {
            var span = document.createElement("span");
            span.textContent = text;
            span.className = cls;
            return L.divIcon({html: span, className: "cm-label-box", iconSize: null});
          }
          var lands = data.lands.map(function (land) {
            L.geoJSON(land[2], {pane: "cmContext", interactive: false,
              style: {color: "#999", weight: 1, fillColor: land[1] === "UA" ? "#f4f4f4" : "#e2e2e2", fillOpacity: 0.75}
            }).addTo(group);
            var name = land[1] === "UA" ? land[0] + " oblast" : land[0] + (land[1] === "RU" ? " (Russia)" : "");
            return L.marker(land[3], {icon: label(name, "cm-land"), interactive: false, keyboard: false}).addTo(group);
          });
          L.geoJSON(data.border, {pane: "cmContext", interactive: false, style: {color: "#333", weight: 2.5}}).addTo(group);
          var towns = data.towns.map(function (t) {
            return {zoom: t[3], marker: L.marker([t[1], t[2]], {icon: label(t[0], "cm-town"), interactive: false, keyboard: false})};
          });
          // the labels by rank (the towns, largest first, then the lands): one that would overlap a
          // label of higher rank is hidden
          var ranked = towns.slice().sort(function (a, b) { return a.zoom - b.zoom; })
            .map(function (t) { return t.marker; }).concat(lands);
          function declutter() {
            var placed = [];
            ranked.forEach(function (marker) {
              var node = group.hasLayer(marker) && marker.getElement() && marker.getElement().firstChild;
              if (!node) return;
              node.style.visibility = "";
              var r = node.getBoundingClientRect();
              var clash = placed.some(function (q) {
                return r.left < q.right + 4 && r.right + 4 > q.left && r.top < q.bottom + 2 && r.bottom + 2 > q.top;
              });
              if (clash) node.style.visibility = "hidden"; else placed.push(r);
            });
          }
          function showTowns() {
            towns.forEach(function (t) {
              var wanted = map.getZoom() >= t.zoom && map.hasLayer(group);
              if (wanted && !group.hasLayer(t.marker)) group.addLayer(t.marker);
              if (!wanted && group.hasLayer(t.marker)) group.removeLayer(t.marker);
            });
            declutter();
          }
          map.on("zoomend", showTowns);
          group.on("add", showTowns);
          group.addTo(map);
          showTowns();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], name: str = "Context: lands around, border, towns") -> None:
        """``data``: the lands, border and towns to draw, as :func:`context_data` gives them."""
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "ContextLayer"
        self.data_json = script_json(data)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's MacroElement returns None
        add_json_block(self, self.data_json)
        super().render(**kwargs)
