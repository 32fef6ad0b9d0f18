"""Event features as plain mappings: checked at the speed of the parser, built, named in messages.

:mod:`conflictmap.events.model` (pydantic) defines an event: its rules, its JSON Schema and its
field-named messages. The msgspec structs here mirror it, so that checking a valid feature
costs a decode or a conversion, not a pydantic model: :func:`parse_event` and
:func:`decode_events` try them first and hand a feature they refuse to the pydantic model, which
names the field at fault (or accepts the rare feature only the structs refuse: they may be
stricter, never looser). Tests hold the two to the same fields and the same verdicts. Nothing
here imports pydantic until a feature fails.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

import msgspec
from msgspec import Meta, Struct

from conflictmap.errors import EventFileError
from conflictmap.vocab import (
    CONTROL_CHANGE,
    Confidence,
    Control,
    DatePrecision,
    GeoPrecision,
    Layer,
    LonLat,
    require_states,
)

if TYPE_CHECKING:
    from conflictmap.events import model

Text = Annotated[str, Meta(min_length=1)]
#: As :data:`conflictmap.events.model.HttpUrl`: scheme http or https, then a host.
HttpUrl = Annotated[str, Meta(min_length=1, pattern=r"(?i)^\s*https?://[^/?#\s]")]
#: ``\Z``, not ``$``: Python's ``$`` would also match before a final newline, pydantic's does not.
EventType = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*\Z")]
Longitude = Annotated[float, Meta(ge=-180, le=180)]
Latitude = Annotated[float, Meta(ge=-90, le=90)]


class Source(Struct, gc=False):
    """:class:`conflictmap.events.model.Source`."""

    publisher: Text
    url: HttpUrl
    published: dt.date
    title: str | None = None
    quote: str | None = None


class Point(Struct, gc=False):
    """:class:`conflictmap.events.model.Point`."""

    type: Literal["Point"]
    coordinates: tuple[Longitude, Latitude]


class EventProperties(Struct, kw_only=True, gc=False):
    """:class:`conflictmap.events.model.EventProperties`."""

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
    """:class:`conflictmap.events.model.Event`: one event, checked."""

    type: Literal["Feature"]
    id: Text
    geometry: Point
    properties: EventProperties


class BlockSource(Source, gc=False):
    """:class:`Source` with the ``url`` pattern left to :func:`decode_events`."""

    url: Text


class BlockEventProperties(EventProperties, kw_only=True, gc=False):
    """:class:`EventProperties` with the patterns of ``event_type`` and sources' ``url`` left to
    :func:`decode_events`."""

    event_type: str = CONTROL_CHANGE
    sources: Annotated[list[BlockSource], Meta(min_length=1)]  # type: ignore[assignment]  # a narrower struct


class BlockEvent(Event, gc=False):
    """:class:`Event` with its patterns left to :func:`decode_events`."""

    properties: BlockEventProperties


_BLOCK_DECODER = msgspec.json.Decoder(BlockEvent)
_URL = re.compile(get_args(HttpUrl)[1].pattern)
_EVENT_TYPE = re.compile(get_args(EventType)[1].pattern)
#: The start of a url matched against its pattern: the scheme and the host's first characters.
URL_START = 16


def decode_events(
    texts: Iterable[bytes | memoryview | msgspec.Raw], decoder: msgspec.json.Decoder = _BLOCK_DECODER
) -> list[Event | None]:
    """The events of features' JSON texts, checked as they are decoded; ``None`` for each the
    structs refuse (then :func:`validate_feature` on its mapping says why).

    ``decoder`` decodes :class:`BlockEvent` (or a subclass). A regular expression is slow to run
    on a million values, so the patterns are checked afterwards, once per distinct value: the
    events share a few event types, and their urls a few starts (:data:`URL_START` characters).
    The url's pattern is anchored at the start and looks no further than it matches, so a match
    that ends within the start holds for the whole url; a url whose start does not settle it
    is refused here and judged on its mapping.
    """
    events: list[Event | None] = []
    for text in texts:
        try:
            events.append(decoder.decode(text))
        except (msgspec.DecodeError, UnicodeDecodeError):  # ValidationError included; bytes that are not UTF-8
            events.append(None)
    props = [event.properties for event in events if event is not None]
    bad_types = {t for t in {p.event_type for p in props} if not _EVENT_TYPE.search(t)}
    bad_starts = {u for u in {s.url[:URL_START] for p in props for s in p.sources} if not _settles_url(u)}
    if bad_types or bad_starts:
        for i, event in enumerate(events):
            if event is not None and (
                event.properties.event_type in bad_types
                or any(s.url[:URL_START] in bad_starts for s in event.properties.sources)
            ):
                events[i] = None
    return events


def _settles_url(start: str) -> bool:
    """Whether ``start`` (a url's first :data:`URL_START` characters) matches the url's pattern
    whatever follows it: the match ends within it, or it is the whole url."""
    match = _URL.search(start)
    return match is not None and (match.end() < len(start) or len(start) < URL_START)


_ENCODER = msgspec.json.Encoder()


def convert_feature(feature: Any) -> Event | None:
    """The event of a feature mapping, checked by the structs; ``None`` when they refuse it, text
    that is not Unicode included (a lone surrogate, as ``json.loads`` or a command line can give),
    which the model refuses too, or a value that is not JSON, left to the model."""
    try:
        event = msgspec.convert(feature, Event)
        _ENCODER.encode(feature)  # raises for text that cannot be UTF-8
    except (msgspec.ValidationError, UnicodeEncodeError, TypeError):
        return None
    return event


def validate_feature(feature: Any) -> tuple[Event | model.Event | None, list[tuple[str, str]]]:
    """Check one feature mapping: ``(event, [])`` when valid, else ``(None, [(field, message), ...])``."""
    if (event := convert_feature(feature)) is not None:
        return event, []
    from pydantic import ValidationError

    from conflictmap.events.model import Event as ModelEvent  # the messages, only when needed
    from conflictmap.events.model import validation_errors

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
