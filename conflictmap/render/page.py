"""Folium maps of the events: build one in Python, or render one to HTML.

``build_map`` returns a ``folium.Map`` (for notebooks); ``render_map`` writes a
self-contained HTML file. Each layer kind has its own module.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from conflictmap import settings
from conflictmap._io import atomic_write_text
from conflictmap._parallel import in_background
from conflictmap.control.daily import country_parts, territory_by_day
from conflictmap.control.figures import measured_by_day, regions_of
from conflictmap.control.measured_areas import MeasuredAreas
from conflictmap.control.territory import Timeline, grid_cell_deg, grid_changes, map_title
from conflictmap.errors import ConflictmapError
from conflictmap.places.boundaries import RUSSIAN_BORDER_OBLASTS, Extent, extent_of, region_polygon
from conflictmap.render._html import RawHTML, number_elements, page_of, script_json
from conflictmap.render.assets import use_leaflet
from conflictmap.render.context import ContextLayer, context_data
from conflictmap.render.control_layer import TerritoryLayer
from conflictmap.render.controls import Collapsibles, Fullscreen
from conflictmap.render.legend import Legend
from conflictmap.render.outline import outline_layer
from conflictmap.render.settlements import COLOURS, SettlementLayer
from conflictmap.vocab import Layer

if TYPE_CHECKING:
    from conflictmap.dataset import Dataset

LABELS = settings.CONTROL_LABELS
ATTRIBUTIONS = [
    "Events: conflictmap event files; every event cites its sources (see popups). Map layer: states read "
    "off DeepStateMap's archived snapshots, per settlement.",
    settings.PLACES_CREDIT,
    "Outlines: Natural Earth (public domain).",
    "Shaded areas and front line: Voronoi cells of the settlements with a known state (an estimate).",
]
__all__ = ["build_map", "render_map"]


class Title(MacroElement):
    """The map's title as a control (text only, never HTML)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var Title = L.Control.extend({
            options: {position: "topright"},
            onAdd: function () {
              var box = L.DomUtil.create("div", "cm-title leaflet-bar");
              box.textContent = {{ this.text_json }};
              return box;
            }
          });
          new Title().addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Title"
        self.text_json = script_json(text)


def build_map(
    events: gpd.GeoDataFrame,
    on: dt.date | None = None,
    title: str | None = None,
    cdn: bool = False,
    progress: bool = False,
    since: dt.date | None = None,
    extent: Extent | None = None,
    measured: MeasuredAreas | None = None,
) -> folium.Map:
    """Build the interactive map of ``events`` showing control on ``on``.

    Parameters
    ----------
    events : events as from :func:`conflictmap.events.frame.load_events`
    on : day shown first (default: the last day with a control change)
    since : the day the retaken ground is counted from (default: the first day with a change)
    title : shown in the top right corner
    extent : the ground measured and outlined (default: the regions the events cover)
    measured : a map's own areas (:mod:`conflictmap.control.measured_areas`): the figures and the chart of the
        maps layer alone come from them on the days they cover
    cdn : link Leaflet from a CDN instead of inlining it
    progress : show a progress bar (stderr) while the control areas are computed
    """
    if events.empty:
        raise ConflictmapError("no events to map")
    extent = extent or extent_of(None, events)
    region = extent.polygon
    timeline = Timeline(events)
    layers = sorted(timeline.changes["layer"].unique())
    variants = {"+".join(layers): timeline}
    if len(layers) > 1:
        variants.update({layer: Timeline(events[events["layer"] == layer]) for layer in layers})
    deg = grid_cell_deg(timeline, settings.AREA_GRID_CELLS) if len(timeline.keys) > settings.AREA_MAX_PLACES else None
    days = np.datetime_as_string(timeline.days).tolist()
    first = since.isoformat() if since else None
    # the areas in a process of their own, while this one builds the rest of the page
    with in_background(_daily, (variants, deg, days, region, first, progress, extent)) as daily:
        m = folium.Map(tiles=None, control_scale=True, prefer_canvas=True, zoom_snap=0.25)  # a region fits a phone
        use_leaflet(m, cdn=cdn)
        css = (files("conflictmap.render") / "style.css").read_text(encoding="utf-8")
        page_of(m).header.add_child(RawHTML(f"<style>{css}</style>"), name="conflictmap_css")
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online only)").add_to(m)
        ContextLayer(context_data(region)).add_to(m)
        outline_layer(region, "Region outline").add_to(m)
        settlements = SettlementLayer(timeline, on=on, switch=len(variants) > 1)
        territory = daily()
    if measured and Layer.MAPS.value in variants:
        territory[Layer.MAPS.value]["measured"] = measured_by_day(measured, days, extent)
    russian = [n for n in extent.names if n in RUSSIAN_BORDER_OBLASTS]
    in_russia = region_polygon(",".join(russian)) if russian else None
    notes = []
    if deg is not None:
        notes.append(
            f"{len(timeline.keys):,} places: the shaded areas and their km² come from grid cells of {deg:g}°, "
            "each held by whoever holds most of its places (`stats` counts every place's cell)."
        )
    TerritoryLayer(
        territory,
        first or (days[0] if days else None),
        round(float(shapely.area(country_parts(region, in_russia)[0])) / 1e6, 1),
        in_russia is not None,
        COLOURS,
    ).add_to(m)
    settlements.add_to(m)
    Legend(COLOURS, LABELS, notes + ATTRIBUTIONS).add_to(m)
    Fullscreen().add_to(m)
    if title:
        Title(title).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    Collapsibles().add_to(m)
    west, south, east, north = shapely.bounds(shapely.union(region, shapely.box(*events.total_bounds)))
    m.fit_bounds([[south, west], [north, east]])
    return m


def _daily(
    given: tuple[dict[str, Timeline], float | None, list[str], shapely.Geometry, str | None, bool, Extent], _: None
) -> dict[str, dict[str, Any]]:
    """Each variant's days as the territory layer draws them, its km² summed over the extent's
    regions as ``stats`` sums them (with a progress bar on stderr, if asked), from ``given``:
    ``(variants, deg, days, region, since, progress, extent)``; ``deg``: the areas come from grid
    cells of that size (:func:`~conflictmap.control.territory.grid_changes`), else from every
    place's cell (run by :func:`~conflictmap._parallel.in_background`)."""
    variants, deg, days, region, since, progress, extent = given
    from rich.console import Console
    from rich.progress import track

    if deg is not None:
        variants = {key: Timeline(grid_changes(variant, deg)) for key, variant in variants.items()}
    regions = regions_of(extent)
    bar = partial(
        track, description="Control areas", disable=not progress, transient=True, console=Console(stderr=True)
    )
    return {key: territory_by_day(timeline, days, region, since, regions, bar) for key, timeline in variants.items()}


def render_map(
    data: Dataset,
    out: str | Path,
    on: dt.date | None = None,
    title: str | None = None,
    cdn: bool = False,
    progress: bool = False,
    since: dt.date | None = None,
) -> Path:
    """Write the map of ``data``'s events to ``out`` (atomically) and return the path written.

    What is not given comes from the event files' metadata (:attr:`Dataset.metadata`), then from
    the data: the title from the places and the extent, the days from the changes.
    """
    out = Path(out)
    events, extent = data.events, data.extent
    title = data.title(title) or map_title(events, extent.label)
    m = build_map(
        events,
        on=data.day(on, "date"),
        title=title,
        cdn=cdn,
        progress=progress,
        since=data.day(since, "since"),
        extent=extent,
        measured=data.measured,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    page = m.get_root()
    number_elements(page)
    atomic_write_text(out, page.render())
    return out
