"""The event: one sourced change of control (or clash, strike, ...) at one place.

An event is a GeoJSON Feature (RFC 7946) with a Point geometry in ``[lon, lat]``
order. The models validate a feature; the store keeps the original mapping, so
properties the tool does not know survive every read and write untouched.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    ValidationError,
    field_validator,
    model_validator,
)

from conflictmap.vocab import (  # noqa: F401 - the vocabulary is part of the model's interface
    CONTROL_CHANGE,
    PRECISION_DAYS,
    Confidence,
    Control,
    DatePrecision,
    GeoPrecision,
    Layer,
    LonLat,
    require_states,
)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Scheme http or https, then a non-empty host (what ``urlsplit`` calls the netloc).
_HTTP_URL = re.compile(r"\s*https?://[^/?#\s]", re.IGNORECASE)


def _iso_date(value: Any) -> dt.date:
    """Parse a strict ``YYYY-MM-DD`` string (no timestamps, no other formats)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None


def _http_url(value: str) -> str:
    """Accept only absolute http(s) URLs with a host; the string is kept exactly as written."""
    if not _HTTP_URL.match(value):
        raise ValueError(f"only http(s) URLs are allowed, got {value!r}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
HttpUrl = Annotated[str, Field(min_length=1), AfterValidator(_http_url)]
Text = Annotated[str, Field(min_length=1)]


class Source(BaseModel):
    """Where a fact comes from: publisher, URL, publication date, title, quote."""

    model_config = ConfigDict(extra="allow")

    publisher: Text
    url: HttpUrl
    published: IsoDate
    title: str | None = None
    quote: str | None = None


class Point(BaseModel):
    """A GeoJSON Point in WGS 84, ``[longitude, latitude]``."""

    model_config = ConfigDict(extra="allow")

    type: Literal["Point"]
    coordinates: list[StrictFloat]

    @field_validator("coordinates")
    @classmethod
    def _check_position(cls, coordinates: list[float]) -> list[float]:
        if len(coordinates) != 2:
            raise ValueError(f"expected [longitude, latitude], got {len(coordinates)} numbers")
        lon, lat = coordinates
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            hint = " (swapped? GeoJSON is [lon, lat])" if -90 <= lon <= 90 else ""
            raise ValueError(f"[{lon}, {lat}] is out of range{hint}")
        return coordinates


class EventProperties(BaseModel):
    """The ``properties`` of an event feature."""

    model_config = ConfigDict(extra="allow")

    place: Text
    place_id: str | None = None
    admin1: str | None = None
    country: str | None = None
    date: IsoDate
    date_precision: DatePrecision = DatePrecision.DAY
    geo_precision: GeoPrecision = GeoPrecision.SETTLEMENT
    event_type: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = CONTROL_CHANGE
    control_before: Control | None = None
    control_after: Control | None = None
    confidence: Confidence = Confidence.CLAIMED
    layer: Layer = Layer.REPORTS
    sources: Annotated[list[Source], Field(min_length=1)]
    notes: str | None = None

    @model_validator(mode="after")
    def _control_change_has_states(self) -> EventProperties:
        require_states(self)
        return self


class Event(BaseModel, LonLat):
    """One event: a GeoJSON Feature with a string id, a Point and properties."""

    model_config = ConfigDict(extra="allow")

    type: Literal["Feature"]
    id: Text
    geometry: Point
    properties: EventProperties


def _field_path(loc: tuple[Any, ...]) -> str:
    """``('properties', 'sources', 0, 'url')`` -> ``sources[0].url``."""
    if loc and loc[0] == "properties":
        loc = loc[1:]
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".") or "(feature)"


def validation_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """Turn a pydantic error into ``(field, message)`` pairs users can act on."""
    pairs = []
    for err in exc.errors(include_url=False):
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "enum":
            message = f"{err['input']!r} is not one of {err['ctx']['expected']}"
        pairs.append((_field_path(err["loc"]), message))
    return pairs


def event_file_schema() -> dict[str, Any]:
    """JSON Schema of an event file: a FeatureCollection of :class:`Event` s."""
    event = Event.model_json_schema(ref_template="#/$defs/{model}")
    defs = event.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "conflictmap event file",
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {"type": "array", "items": {"$ref": "#/$defs/Event"}},
        },
        "$defs": {**defs, "Event": event},
    }
