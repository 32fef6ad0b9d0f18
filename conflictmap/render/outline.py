"""The region outline: the oblast the map is about, drawn from ``data/boundaries/``."""

from __future__ import annotations

import folium
import shapely


def outline_layer(region: shapely.Geometry, name: str) -> folium.GeoJson:
    """A non-interactive outline of ``region`` (EPSG:4326) for the layer control."""
    return folium.GeoJson(
        shapely.geometry.mapping(region),
        name=name,
        style_function=lambda _: {"color": "#444", "weight": 2, "fill": False, "dashArray": "2 4"},
        interactive=False,
        control=True,
    )
