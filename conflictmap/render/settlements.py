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
import pandas as pd
import shapely
from folium.map import Layer
from jinja2 import Template

from conflictmap import settings
from conflictmap.control.daily import DEGREE_STEP
from conflictmap.control.territory import STATES, Timeline, state_codes, unique_rows
from conflictmap.events.frame import sources_of
from conflictmap.events.source_layers import LAYER_RANK
from conflictmap.render._html import RawHTML, add_json_block, page_of, script_json

COLOURS = settings.CONTROL_COLOURS
#: Milliseconds each day of change stays on screen while the map plays.
PLAY_MS = 900
_SOURCE_FIELDS = ("publisher", "title", "published", "url")


def settlements_data(timeline: Timeline) -> dict[str, Any]:
    """The places and their changes as the page takes them: columns of numbers and shared tables.

    Returns
    -------
    ``texts``: every distinct text, once; ``places``: per place its ``name`` and ``admin1`` (indices
    into ``texts``), ``lon`` and ``lat`` (whole :data:`~conflictmap.control.daily.DEGREE_STEP` s), with
    ``russia``, the places in Russia (Ukraine takes them, never retakes them) and ``shared``,
    ``[place, first]`` for each place at the point (to 1 m) of an earlier one, so that the page
    counts one place a point, as ``stats`` does; ``changes``: a column per field, one row per change
    in the timeline's order (by date, then layer rank): ``place``, ``day`` (into ``dates``),
    ``kind`` (into ``kinds``), the popup's ``spelling`` (only where it is not the place's name:
    change -> text), ``notes`` (into ``texts``; -1: none) and ``cites`` (into ``citations``);
    ``kinds``: each distinct ``[before, after, layer, outranked, date_precision, geo_precision,
    confidence]`` of the changes: the states (into ``states``), the layer (into ``layers``), the bits
    of the layers setting the change aside, the texts (into ``texts``); ``citations``: each distinct list of sources, as indices into ``sources``, each
    ``[publisher, title, published, url]`` (into ``texts``; -1: none); ``dates``: the distinct days
    with a change; ``layers``: the source layers, each ``[name, number of changes, bit]``.
    """
    changes = timeline.changes
    days = changes["date"].dt.strftime("%Y-%m-%d").to_numpy(dtype=str)
    dates = np.unique(days)
    layers, layer_index = np.unique(changes["layer"].to_numpy(dtype=str), return_inverse=True)
    list_index, lists = pd.factorize(changes["sources"])
    decoded = [sources_of(text) for text in lists]
    source_rows, citations = _source_table(decoded)
    fields = ("date_precision", "geo_precision", "confidence", "notes", "place")  # the few distinct first: small codes
    admin1 = pd.Series(changes["admin1"].to_numpy(dtype=object)).groupby(timeline.codes).last().to_numpy()
    columns = [*(changes[f].to_numpy(dtype=object) for f in fields), timeline.names, admin1, *source_rows.T]
    codes, texts = pd.factorize(pd.Series(np.concatenate(columns), dtype=object), use_na_sentinel=True)
    ends = np.cumsum([len(c) for c in columns])
    date_precision, geo_precision, confidence, notes, spelling, names, regions, *source_codes = np.split(
        codes, ends[:-1]
    )
    fields_of_kind = [
        state_codes(changes["control_before"].to_numpy()),
        state_codes(changes["control_after"].to_numpy()),
        layer_index,
        timeline.outranked,
        date_precision,
        geo_precision,
        confidence,
    ]
    kinds, kind = np.unique(np.column_stack(fields_of_kind), axis=0, return_inverse=True)  # a few distinct
    lon, lat = np.round(shapely.get_coordinates(timeline.points) / DEGREE_STEP).astype(np.int64).T
    _, first, group = unique_rows(timeline.projected_xy.round(0))
    leader = first[group]
    return {
        "texts": texts.tolist(),
        "places": {
            "name": names.tolist(),
            "admin1": regions.tolist(),
            "lon": lon.tolist(),
            "lat": lat.tolist(),
            "russia": np.flatnonzero(timeline.in_russia).tolist(),
            "shared": [[int(p), int(q)] for p, q in enumerate(leader) if q != p],
        },
        "changes": {
            "place": timeline.codes.tolist(),
            "day": np.searchsorted(dates, days).tolist(),
            "kind": kind.tolist(),
            "spelling": {int(i): int(spelling[i]) for i in np.flatnonzero(spelling != names[timeline.codes])},
            "notes": notes.tolist(),
            "cites": list_index.tolist(),
        },
        "kinds": kinds.tolist(),
        "sources": np.column_stack(source_codes).tolist() if len(source_rows) else [],
        "citations": citations,
        "states": list(STATES),
        "dates": dates.tolist(),
        "layers": [
            [str(name), int(n), 1 << LAYER_RANK.get(str(name), LAYER_RANK["reports"])]
            for name, n in zip(layers, np.bincount(layer_index, minlength=len(layers)), strict=True)
        ],
    }


def _source_table(lists: list[list[dict[str, Any]]]) -> tuple[np.ndarray, list[list[int]]]:
    """The distinct sources of some lists of them, as rows of :data:`_SOURCE_FIELDS`, the URL split
    in two (:func:`_split_url`; an object array, ``None`` where missing), and each list as
    positions among those rows."""
    index: dict[tuple[Any, ...], int] = {}
    citations = [
        [index.setdefault(tuple(source.get(k) for k in _SOURCE_FIELDS), len(index)) for source in sources]
        for sources in lists
    ]
    rows = np.empty((len(index), len(_SOURCE_FIELDS) + 1), dtype=object)
    for row, position in index.items():
        rows[position, :-2], rows[position, -2:] = row[:-1], _split_url(row[-1])
    return rows, citations


def _split_url(url: Any) -> tuple[str | None, str | None]:
    """A URL as its folder and the rest (``https://example.org/a/`` and ``1``), for a table of texts
    in which the folders many sources share are kept once; ``None`` twice for none."""
    if not isinstance(url, str):
        return None, None
    folder, slash, leaf = url.rpartition("/")
    return folder + slash, leaf


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
