"""Events -> the formats of the tools analysts use next: GeoJSON, GeoParquet, CSV, KML.

- GeoJSON and GeoParquet are lossless: every property, nested or not, comes back.
  GeoParquet keeps ``sources`` as a list of structs; a column whose values
  Arrow cannot type (say numbers in some rows, text in others) is stored as JSON
  text named in the table's ``attrs["conflictmap_json_columns"]``
  (``geopandas.read_parquet`` restores ``attrs``).
- CSV has ``id``, ``lon``, ``lat``, one column per property (nested values as
  JSON text) and the sources flattened to ``source1_publisher``,
  ``source1_url``, ... ``source2_...``.
- KML has one Placemark per event, dated (Google Earth's time slider),
  coloured by ``control_after``, every field in ExtendedData and a balloon of
  escaped text with http(s) links only.

Every file is written through a temporary file and renamed: never half-written.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import geopandas as gpd

from conflictmap import settings
from conflictmap._io import atomic_writer
from conflictmap.events.frame import events_frame, sources_of
from conflictmap.events.model import EventProperties
from conflictmap.events.store import EventCollection, write_collection

#: Properties first in every table, in the model's order.
MODEL_FIELDS = tuple(name for name in EventProperties.model_fields if name != "sources")
SOURCE_FIELDS = ("publisher", "url", "published", "title", "quote")
JSON_COLUMNS_ATTR = "conflictmap_json_columns"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cell(value: Any) -> Any:
    """A table cell: scalars as they are, lists and mappings as JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def flat_record(feature: dict[str, Any]) -> dict[str, Any]:
    """One event as one flat row: id, lon, lat, properties (one named ``id``, ``lon`` or ``lat`` as
    ``properties.id``, ...), ``source<i>_<field>``."""
    lon, lat = feature["geometry"]["coordinates"]
    record = {"id": feature["id"], "lon": lon, "lat": lat}
    props = feature["properties"]
    record.update((f"properties.{k}" if k in record else k, _cell(v)) for k, v in props.items() if k != "sources")
    for i, source in enumerate(props["sources"], start=1):
        record.update((f"source{i}_{k}", _cell(v)) for k, v in source.items())
    return record


def _table_columns(records: Iterable[dict[str, Any]]) -> list[str]:
    """Column order: id, lon, lat, model fields, other properties (sorted), then sources."""
    seen = dict.fromkeys(key for record in records for key in record)
    sources = [k for k in seen if re.fullmatch(r"source\d+_.+", k)]
    others = sorted(k for k in seen if k not in sources and k not in {"id", "lon", "lat", *MODEL_FIELDS})

    def source_order(key: str) -> tuple[int, int, str]:
        number, field = key.removeprefix("source").split("_", 1)
        rank = SOURCE_FIELDS.index(field) if field in SOURCE_FIELDS else len(SOURCE_FIELDS)
        return int(number), rank, field

    firsts = [k for k in ("id", "lon", "lat", *MODEL_FIELDS) if k in seen]
    return firsts + others + sorted(sources, key=source_order)


def to_geojson(features: Sequence[dict[str, Any]], path: str | Path) -> None:
    """Write one FeatureCollection in the store's stable form (sorted, 2-space indent)."""
    write_collection(EventCollection(Path(path), features))


def to_csv(features: Sequence[dict[str, Any]], path: str | Path) -> None:
    """Write a CSV table with lon/lat columns and the sources flattened.

    Two passes over ``features`` (the columns, then the rows), so a lazy
    sequence is streamed, never held.
    """
    columns = _table_columns(flat_record(f) for f in features)
    with atomic_writer(path) as out:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.DictWriter(text, columns)
        writer.writeheader()
        writer.writerows(flat_record(f) for f in features)
        text.flush()
        text.detach()  # the atomic writer closes the file


def _json_or_none(value: Any) -> str | None:
    """A cell as JSON text; a missing value (``None`` or NaN) stays missing."""
    missing = value is None or (isinstance(value, float) and math.isnan(value))
    return None if missing else json.dumps(value, ensure_ascii=False)


def _arrow_ready(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Replace the columns Arrow cannot type with JSON text; return their names."""
    import pyarrow as pa

    json_columns = []
    for column in frame.columns.drop(frame.geometry.name):
        if frame[column].dtype != object:
            continue
        try:
            pa.array(frame[column], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            frame[column] = frame[column].map(_json_or_none)
            json_columns.append(column)
    return frame, json_columns


def to_geoparquet(features: Sequence[dict[str, Any]], path: str | Path) -> None:
    """Write GeoParquet (WKB points, EPSG:4326) keeping every field."""
    frame = events_frame(features)
    frame["sources"] = frame["sources"].map(sources_of)  # a list of structs in Parquet
    frame, json_columns = _arrow_ready(frame)
    frame.attrs[JSON_COLUMNS_ATTR] = json_columns
    with atomic_writer(path) as out:
        frame.to_parquet(out, index=False, compression="zstd")


def _xml(value: Any) -> str:
    """Escaped XML text; control characters, which XML 1.0 cannot hold, become U+FFFD."""
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def _balloon(props: dict[str, Any]) -> str:
    """The KML balloon: escaped text, links only for http(s) URLs."""
    e = html.escape
    lines = [f"<b>{e(props['place'])}</b>", e(f"{props['date']} ({props.get('date_precision', 'day')})")]
    if props.get("control_after"):
        lines.append(
            e(f"{props.get('control_before')} → {props['control_after']}, {props.get('confidence', 'claimed')}")
        )
    for source in props["sources"]:
        label = e(f"{source['publisher']}, {source['published']}")
        url = str(source["url"])
        linked = re.match(r"\s*https?://", url, re.IGNORECASE)
        lines.append(f'<a href="{e(url.strip())}">{label}</a>' if linked else label)
    return "<br>".join(lines)


def _placemark(feature: dict[str, Any]) -> str:
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"]
    data = "".join(
        f"<Data name={quoteattr(_NOT_XML.sub(chr(0xFFFD), key))}><value>{_xml(value)}</value></Data>"
        for key, value in flat_record(feature).items()
        if value is not None and key not in ("lon", "lat")
    )
    return (
        f"<Placemark><name>{_xml(props['place'])}</name>"
        f"<TimeStamp><when>{_xml(props['date'])}</when></TimeStamp>"
        f"<styleUrl>#{_xml(props.get('control_after') or 'unknown')}</styleUrl>"
        f"<description>{_xml(_balloon(props))}</description><ExtendedData>{data}</ExtendedData>"
        f"<Point><coordinates>{lon!r},{lat!r}</coordinates></Point></Placemark>\n"
    )


def _kml_styles() -> Iterable[str]:
    for control, colour in settings.CONTROL_COLOURS.items():
        rr, gg, bb = colour[1:3], colour[3:5], colour[5:7]
        yield (
            f'<Style id="{control}"><IconStyle><color>ff{bb}{gg}{rr}</color></IconStyle>'
            "<BalloonStyle><text>$[description]</text></BalloonStyle></Style>"
        )


def to_kml(features: Iterable[dict[str, Any]], path: str | Path, name: str = "conflictmap events") -> None:
    """Write KML 2.2 for Google Earth and QGIS, one Placemark per event, streamed."""
    with atomic_writer(path) as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n')
        out.write(f"<Document><name>{_xml(name)}</name>\n".encode())
        out.write("\n".join(_kml_styles()).encode() + b"\n")
        for feature in features:
            out.write(_placemark(feature).encode("utf-8"))
        out.write(b"</Document>\n</kml>\n")


WRITERS: dict[str, Callable[[Sequence[dict[str, Any]], str | Path], None]] = {
    "geojson": to_geojson,
    "geoparquet": to_geoparquet,
    "csv": to_csv,
    "kml": to_kml,
}

#: The format a file name's suffix implies.
SUFFIX_FORMATS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "geoparquet",
    ".geoparquet": "geoparquet",
    ".csv": "csv",
    ".kml": "kml",
}
