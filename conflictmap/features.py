"""Event features as plain mappings: checked at the speed of the parser, built, named in messages.

:mod:`conflictmap.model` (pydantic) defines an event: its rules, its JSON Schema and its
field-named messages. The msgspec structs here mirror it, so that checking a valid feature
costs a decode or a conversion, not a pydantic model: :func:`parse_event` tries them first and
hands a feature they refuse to the pydantic model, which names the field at fault (or accepts
the rare feature only the structs refuse: they may be stricter, never looser). Tests hold the
two to the same fields and the same verdicts. Nothing here imports pydantic until a feature fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from conflictmap.errors import EventFileError
from conflictmap.vocab import CONTROL_CHANGE, Confidence, Control, DatePrecision, GeoPrecision, Layer

if TYPE_CHECKING:
    from conflictmap import model

Text = Annotated[str, Meta(min_length=1)]
#: As :data:`conflictmap.model.HttpUrl`: scheme http or https, then a host.
HttpUrl = Annotated[str, Meta(min_length=1, pattern=r"(?i)^\s*https?://[^/?#\s]")]
#: ``\Z``, not ``$``: Python's ``$`` would also match before a final newline, pydantic's does not.
EventType = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*\Z")]
Longitude = Annotated[float, Meta(ge=-180, le=180)]
Latitude = Annotated[float, Meta(ge=-90, le=90)]


class LonLat:
    """``lon`` and ``lat`` of an event, as floats: shared by the structs and the pydantic model."""

    __slots__ = ()

    @property
    def lon(self) -> float:
        return float(self.geometry.coordinates[0])  # type: ignore[attr-defined]

    @property
    def lat(self) -> float:
        return float(self.geometry.coordinates[1])  # type: ignore[attr-defined]


def require_states(props: Any) -> None:
    """Raise ``ValueError`` if ``props`` are a control change's without both of its states (the
    rule of :class:`EventProperties` here and in :mod:`conflictmap.model`)."""
    if props.event_type == CONTROL_CHANGE and (props.control_before is None or props.control_after is None):
        missing = [name for name in ("control_before", "control_after") if getattr(props, name) is None]
        raise ValueError(f"a control_change needs {' and '.join(missing)}")


class Source(Struct, gc=False):
    """:class:`conflictmap.model.Source`."""

    publisher: Text
    url: HttpUrl
    published: dt.date
    title: str | None = None
    quote: str | None = None


class Point(Struct, gc=False):
    """:class:`conflictmap.model.Point`."""

    type: Literal["Point"]
    coordinates: tuple[Longitude, Latitude]


class EventProperties(Struct, kw_only=True, gc=False):
    """:class:`conflictmap.model.EventProperties`."""

    place: Text
    place_id: str | None = None
    admin1: str | None = None
    country: str | None = None
    date: dt.date
    date_precision: DatePrecision = DatePrecision.DAY
    geo_precision: GeoPrecision = GeoPrecision.SETTLEMENT
    event_type: EventType = CONTROL_CHANGE
    control_before: Control | None = None
    control_after: Control | None = None
    confidence: Confidence = Confidence.CLAIMED
    layer: Layer = Layer.REPORTS
    sources: Annotated[list[Source], Meta(min_length=1)]
    notes: str | None = None

    def __post_init__(self) -> None:
        require_states(self)


class Event(Struct, LonLat, gc=False):
    """:class:`conflictmap.model.Event`: one event, checked."""

    type: Literal["Feature"]
    id: Text
    geometry: Point
    properties: EventProperties


_EVENT_DECODER = msgspec.json.Decoder(Event)


def decode_event(text: bytes | msgspec.Raw) -> Event | None:
    """The event a feature's JSON text holds, checked as it is decoded; ``None`` when the structs
    refuse it (then :func:`validate_feature` on its mapping says why)."""
    try:
        return _EVENT_DECODER.decode(text)
    except msgspec.DecodeError:  # ValidationError included
        return None


def validate_feature(feature: Any) -> tuple[Event | model.Event | None, list[tuple[str, str]]]:
    """Check one feature mapping: ``(event, [])`` when valid, else ``(None, [(field, message), ...])``."""
    try:
        return msgspec.convert(feature, Event), []
    except msgspec.ValidationError:
        from pydantic import ValidationError

        from conflictmap.model import Event as ModelEvent, validation_errors  # the messages, only when needed

        try:
            return ModelEvent.model_validate(feature), []
        except ValidationError as exc:
            return None, validation_errors(exc)


def parse_event(feature: Any, file: str | Path | None = None, index: int = 0) -> Event | model.Event:
    """Check one feature mapping and return it as an event.

    Raises
    ------
    EventFileError
        naming the file, the feature and the first field at fault.
    """
    event, errors = validate_feature(feature)
    if event is None:
        field, message = errors[0]
        raise EventFileError(file, message, feature_label(feature, index), field)
    return event


def feature_label(feature: Any, index: int) -> str:
    """Name a feature in messages: its id, else its position ``#index``."""
    fid = feature.get("id") if isinstance(feature, dict) else None
    return str(fid) if isinstance(fid, (str, int)) and fid != "" else f"#{index}"


def slug(text: str, separator: str = "-") -> str:
    """Lower-case ASCII words joined by ``separator``: ``"Explosions/Remote violence"`` -> ``explosions-remote-violence``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", separator, ascii_text.lower()).strip(separator)


def make_event_id(place: str, date: dt.date, control_after: str | None, url: str) -> str:
    """A stable id from what identifies an event: ``<place-slug>-<date>-<hash>``."""
    key = json.dumps([place, date.isoformat(), control_after, url], ensure_ascii=False)
    return f"{slug(place) or 'event'}-{date.isoformat()}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def new_event(
    *,
    place: str,
    date: dt.date,
    lon: float,
    lat: float,
    sources: list[dict[str, Any]],
    file: str | Path | None = None,
    **properties: Any,
) -> dict[str, Any]:
    """Build and check a new event feature, returned as a plain mapping.

    ``properties`` takes the optional fields of :class:`EventProperties`;
    ``None`` values are left out. Errors name ``file`` and the new id.
    """
    props = {"place": place, "date": date.isoformat(), **properties, "sources": sources}
    props = {k: v for k, v in props.items() if v is not None}
    feature = {
        "type": "Feature",
        "id": make_event_id(place, date, props.get("control_after"), sources[0]["url"]),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }
    parse_event(feature, file)
    return feature
