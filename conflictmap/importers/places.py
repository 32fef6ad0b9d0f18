"""A user's own list of settlements to follow (``import deepstate --places FILE``), for ground the
gazetteer covers thinly: CSV with ``name``, ``lat``, ``lon`` columns (``place_id``, ``admin1``,
``country`` optional: by default the country whose land the point lies in), or GeoJSON points with
a ``name`` property."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conflictmap.errors import EventFileError
from conflictmap.importers.deepstate import Settlement, settlements_in
from conflictmap.places.gazetteer import Place


def _number(path: Path, where: str, field: str, value: Any, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EventFileError(path, f"not a number: {value!r}", where, field) from None
    if not (math.isfinite(number) and low <= number <= high):
        raise EventFileError(path, f"out of range ({low:g} to {high:g}): {value!r}", where, field)
    return number


def _row(path: Path, where: str, values: dict[str, Any], lon: Any, lat: Any) -> Place:
    name = str(values.get("name") or "").strip()
    if not name:
        raise EventFileError(path, "a place needs a name", where, "name")
    lat_value = _number(path, where, "lat", lat, -90, 90)
    lon_value = _number(path, where, "lon", lon, -180, 180)
    place_id = str(values.get("place_id") or f"places:{name}:{lat_value:.5f},{lon_value:.5f}")
    country = str(values.get("country") or "").upper()  # none: the land's its point lies in
    return Place(place_id, name, lat_value, lon_value, values.get("admin1") or None, country, 0, "places")


def _csv_rows(path: Path, text: str) -> Iterator[Place]:
    reader = csv.DictReader(text.splitlines())
    missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
    if missing:
        needed = f"a CSV of places needs the columns name, lat and lon; missing {', '.join(sorted(missing))}"
        raise EventFileError(path, needed)
    for line, values in enumerate(reader, start=2):
        yield _row(path, f"line {line}", values, values.get("lon"), values.get("lat"))


def _geojson_rows(path: Path, text: str) -> Iterator[Place]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventFileError(path, f"not JSON ({exc})") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise EventFileError(path, "not a GeoJSON FeatureCollection")
    for index, feature in enumerate(features):
        where = str(feature.get("id") or f"#{index}") if isinstance(feature, dict) else f"#{index}"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if (
            not isinstance(geometry, dict)
            or geometry.get("type") != "Point"
            or len(geometry.get("coordinates") or ()) < 2
        ):
            raise EventFileError(path, "a place must be a Point", where, "geometry")
        properties = feature.get("properties") or {}
        values = {**properties, "place_id": properties.get("place_id") or feature.get("id")}
        yield _row(path, where, values, *geometry["coordinates"][:2])


def read_places(path: Path, region: str | None = None) -> list[Settlement]:
    """The places listed in ``path`` (CSV or GeoJSON) that lie in ``region`` (default: Ukraine and
    the Russian border oblasts), each with the oblast its point lies in.

    Raises
    ------
    EventFileError
        for a file that cannot be read, or a place without a name or a valid point, or an id
        given twice: naming the file, the line or feature, and the field.
    """
    from conflictmap.places.boundaries import RUSSIAN_BORDER_OBLASTS, UKRAINE

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventFileError(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    rows = list(_geojson_rows(path, text) if path.suffix.lower() in (".geojson", ".json") else _csv_rows(path, text))
    seen: set[str] = set()
    for row in rows:
        if row.place_id in seen:
            raise EventFileError(path, f"place id {row.place_id!r} is given twice", row.name, "place_id")
        seen.add(row.place_id)
    return settlements_in(rows, region or ",".join([UKRAINE, *RUSSIAN_BORDER_OBLASTS]))
