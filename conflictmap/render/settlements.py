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
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
import shapely
from folium.map import Layer
from jinja2 import Template

from conflictmap import settings
from conflictmap.control.daily import DEGREE_STEP
from conflictmap.control.territory import STATES, Timeline, distinct_rows, state_codes, unique_rows
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
    of the layers setting the change aside, the texts (into ``texts``); ``citations``: the distinct
    lists of sources, list after list as ``sources`` (indices into the top ``sources``) and the
    ``counts`` of each list; ``sources``: each distinct ``[publisher, title, published, url's folder,
    url's rest]`` (into ``texts``; -1: none); ``dates``: the distinct days with a change;
    ``layers``: the source layers, each ``[name, number of changes, bit]``.
    """
    changes = timeline.changes
    dates = timeline.days
    day = np.searchsorted(dates, changes["date"].to_numpy("datetime64[D]"))
    layer_index, layers = pd.factorize(changes["layer"], sort=True)
    list_index, lists = pd.factorize(changes["sources"])
    counts, cited = _cited_sources(lists)
    fields = ("date_precision", "geo_precision", "confidence", "notes", "place")  # the few distinct first: small codes
    admin1 = pd.Series(changes["admin1"].to_numpy(dtype=object)).groupby(timeline.codes).last().to_numpy()
    columns = [*(changes[f] for f in fields), timeline.names, admin1, *cited]
    texts, codes = _text_codes(columns)
    date_precision, geo_precision, confidence, notes, spelling, names, regions, *source_codes = codes
    source_rows = np.column_stack(source_codes)
    first_citing, source_of_citing = distinct_rows(source_rows)
    fields_of_kind = [
        state_codes(changes["control_before"].to_numpy()),
        state_codes(changes["control_after"].to_numpy()),
        layer_index,
        timeline.outranked,
        date_precision,
        geo_precision,
        confidence,
    ]
    kind_rows = np.column_stack(fields_of_kind)
    first_of_kind, kind = distinct_rows(kind_rows)  # a few distinct
    lon, lat = np.round(shapely.get_coordinates(timeline.points) / DEGREE_STEP).astype(np.int64).T
    _, first, group = unique_rows(timeline.projected_xy.round(0))
    moved = np.flatnonzero(first[group] != np.arange(len(group)))
    return {
        "texts": texts,
        "places": {
            "name": names.tolist(),
            "admin1": regions.tolist(),
            "lon": lon.tolist(),
            "lat": lat.tolist(),
            "russia": np.flatnonzero(timeline.in_russia).tolist(),
            "shared": np.column_stack([moved, first[group[moved]]]).tolist(),
        },
        "changes": {
            "place": timeline.codes.tolist(),
            "day": day.tolist(),
            "kind": kind.tolist(),
            "spelling": {int(i): int(spelling[i]) for i in np.flatnonzero(spelling != names[timeline.codes])},
            "notes": notes.tolist(),
            "cites": list_index.tolist(),
        },
        "kinds": kind_rows[first_of_kind].tolist(),
        "sources": source_rows[first_citing].tolist(),
        "citations": {"sources": source_of_citing.tolist(), "counts": counts.tolist()},
        "states": list(STATES),
        "dates": np.datetime_as_string(dates).tolist(),
        "layers": [
            [str(name), int(n), 1 << LAYER_RANK.get(str(name), LAYER_RANK["reports"])]
            for name, n in zip(layers, np.bincount(layer_index, minlength=len(layers)), strict=True)
        ],
    }


#: What a popup shows of a source (any other field is skipped as it is read).
_CITED = pa.schema([("sources", pa.list_(pa.struct([(name, pa.string()) for name in _SOURCE_FIELDS])))])


def _cited_sources(lists: Any) -> tuple[np.ndarray, list[pa.Array]]:
    """Lists of sources (JSON texts) read by Arrow, no Python object a source: the number of
    sources of each list, and the columns of them all, list after list: publisher, title,
    published and the URL split in two, its folder and the rest (``https://example.org/a/`` and
    ``1``), for a table of texts in which the folders many sources share are kept once (null
    where missing)."""
    texts = pa.chunked_array(pa.array(lists, type=pa.large_string(), from_pandas=True)).combine_chunks()
    head, tail, glue = (pa.scalar(text, pa.large_string()) for text in ('{"sources":', "}\n", ""))
    lines = pc.binary_join_element_wise(head, texts, tail, glue)  # newline-delimited JSON, one text
    column = pa.array([], _CITED.field("sources").type)
    if len(lines):
        offsets = np.frombuffer(lines.buffers()[1], np.int64)[lines.offset : lines.offset + len(lines) + 1]
        text = pa.BufferReader(lines.buffers()[2][offsets[0] : offsets[-1]])
        options = pa_json.ParseOptions(explicit_schema=_CITED, unexpected_field_behavior="ignore")
        column = pa_json.read_json(text, parse_options=options)["sources"].combine_chunks()
    every = column.flatten()
    url = pc.extract_regex(every.field("url"), r"^(?P<folder>.*/)?(?P<rest>[^/]*)$")
    fields = [every.field(name) for name in _SOURCE_FIELDS[:-1]]
    return pc.list_value_length(column).to_numpy(), [*fields, url.field("folder"), url.field("rest")]


def _text_codes(columns: list[Any]) -> tuple[list[str], list[np.ndarray]]:
    """Every distinct text of some columns of texts (Series, arrays or Arrow arrays) once, in the
    order they first appear, and each column as positions among them (-1: none), hashed by Arrow."""
    arrays = [pa.chunked_array(pa.array(column, type=pa.large_string(), from_pandas=True)) for column in columns]
    encoded = pa.concat_arrays([chunk for array in arrays for chunk in array.chunks]).dictionary_encode()
    codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
    return encoded.dictionary.to_pylist(), np.split(codes, np.cumsum([len(a) for a in arrays])[:-1])


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
        self.data_json = script_json(data)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's MacroElement returns None
        script = (files("conflictmap.render") / "settlements.js").read_text(encoding="utf-8")
        page_of(self).header.add_child(RawHTML(f"<script>{script}</script>"), name="conflictmap_settlements_js")
        add_json_block(self, self.data_json)
        super().render(**kwargs)
