"""The settlements layer: one marker per place, coloured by who holds it on a day.

All events travel to the page as one compact JSON document; the script in
``settlements.js`` draws the markers on a canvas, recolours them when the time
slider moves and builds popups with DOM text nodes, so no event text is ever
parsed as HTML.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from typing import Any

import numpy as np
import shapely
from folium.map import Layer
from jinja2 import Template

from conflictmap import settings
from conflictmap.control.territory import Timeline, unique_rows
from conflictmap.events.frame import sources_of
from conflictmap.events.source_layers import LAYER_RANK
from conflictmap.render._html import RawHTML, add_json_block, page_of, script_json

COLOURS = settings.CONTROL_COLOURS
#: Milliseconds each day of change stays on screen while the map plays.
PLAY_MS = 900
_SOURCE_FIELDS = ("publisher", "title", "published", "url")


def _text(value: Any) -> str | None:
    """A cell as text, missing values as ``None``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value)


def settlements_data(timeline: Timeline) -> dict[str, Any]:
    """The control changes as compact, columnar JSON-ready data.

    Returns
    -------
    ``places``: ``[name, lon, lat]`` per place, ``[name, lon, lat, 1]`` for a place in Russia
    (Ukraine takes it, never retakes it); ``shared``: ``[place, first]`` for each place at the
    point (to 1 m) of an earlier one, so that the page counts one place a point, as ``stats`` does;
    ``changes``: ``[place, date, before, after, layer, outranked]`` per change (``layer`` indexes ``layers``;
    ``outranked``: the bits of the layers setting it aside), in the timeline's
    order (by date, then layer rank); ``details``: the popup text of each change
    (same order); ``dates``: the distinct days with a change; ``layers``: the
    source layers, each ``[name, number of changes, bit]``.
    """
    changes, place_index = timeline.changes, timeline.codes
    places = [
        [name, round(x, 5), round(y, 5), 1] if russian else [name, round(x, 5), round(y, 5)]
        for name, x, y, russian in zip(
            timeline.names,
            shapely.get_x(timeline.points),
            shapely.get_y(timeline.points),
            timeline.in_russia,
            strict=True,
        )
    ]
    days = changes["date"].dt.strftime("%Y-%m-%d").tolist()
    layers, layer_index = np.unique(changes["layer"].to_numpy(dtype=str), return_inverse=True)
    details = [
        {
            "id": row.id,
            "place": row.place,
            "date": day,
            "date_precision": row.date_precision,
            "geo_precision": row.geo_precision,
            "confidence": row.confidence,
            "layer": layer,
            "before": row.control_before,
            "after": row.control_after,
            "notes": _text(row.notes),
            "sources": [[_text(s.get(k)) for k in _SOURCE_FIELDS] for s in sources_of(row.sources)],
        }
        for row, day, layer in zip(changes.itertuples(index=False), days, layers[layer_index], strict=True)
    ]
    _, first, group = unique_rows(timeline.projected_xy.round(0))
    leader = first[group]
    return {
        "places": places,
        "shared": [[int(p), int(q)] for p, q in enumerate(leader) if q != p],
        "changes": [
            [int(i), day, b, a, int(k), int(o)]
            for i, day, b, a, k, o in zip(
                place_index,
                days,
                changes["control_before"],
                changes["control_after"],
                layer_index,
                timeline.outranked,
                strict=True,
            )
        ],
        "details": details,
        "dates": sorted(set(days)),
        "layers": [
            [str(name), int(n), 1 << LAYER_RANK.get(str(name), LAYER_RANK["reports"])]
            for name, n in zip(layers, np.bincount(layer_index, minlength=len(layers)), strict=True)
        ],
    }


class SettlementLayer(Layer):
    """Settlements coloured by control on a day, with a time slider and popups.

    Parameters
    ----------
    timeline : the events' control changes (:class:`conflictmap.control.territory.Timeline`)
    on : the day shown first (default: the last day with a change)
    name : the layer's name in the layer control
    switch : show a switch per source layer in the panel
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        conflictmapSettlements({{ this.get_name() }}, {{ this._parent.get_name() }},
            JSON.parse(document.getElementById("{{ this.get_name() }}_data").textContent));
        {% endmacro %}
        """
    )

    def __init__(
        self, timeline: Timeline, on: dt.date | None = None, name: str = "Settlements", switch: bool = False
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "SettlementLayer"
        data = settlements_data(timeline)
        data["start"] = on.isoformat() if on else (data["dates"][-1] if data["dates"] else None)
        data["colours"] = COLOURS
        data["switch"] = switch
        data["play_ms"] = PLAY_MS
        self.data = data
        self.data_json = script_json(data)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's MacroElement returns None
        script = (files("conflictmap.render") / "settlements.js").read_text(encoding="utf-8")
        page_of(self).header.add_child(RawHTML(f"<script>{script}</script>"), name="conflictmap_settlements_js")
        add_json_block(self, self.data_json)
        super().render(**kwargs)
