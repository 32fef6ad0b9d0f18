"""Whole-dataset rules behind ``conflictmap validate``.

Each rule looks at validated events and gives :class:`Problem` s; a problem is
an ``error`` (the data is wrong) or a ``warning`` (worth a look, e.g. a story
republished years after the events it reports, or a report the map layer does
not bear out: see :mod:`conflictmap.layers`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from conflictmap import settings
from conflictmap.errors import EventFileError
from conflictmap.features import Event, decode_event, feature_label, validate_feature
from conflictmap.layers import Change, compare_layers
from conflictmap.store import EventCollection, RawFeatures, gc_paused
from conflictmap.vocab import CONTROL_CHANGE, PRECISION_DAYS

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding: ``file: feature: field: message``, marked error or warning."""

    file: str
    feature: str
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.feature}: {self.field}: {self.severity}: {self.message}"


def _swapped(box: tuple[float, float, float, float], lon: float, lat: float) -> bool:
    """Whether ``(lon, lat)`` lies outside ``box`` and ``(lat, lon)`` inside."""
    west, south, east, north = box
    return not (west <= lon <= east and south <= lat <= north) and west <= lat <= east and south <= lon <= north


def check_event(event: Event, file: str, today: dt.date) -> list[Problem]:
    """The rules about one event on its own."""
    p = event.properties
    problems = []
    box = settings.COUNTRY_BBOX.get(p.country)
    if box is not None and _swapped(box, event.lon, event.lat):
        problems.append(Problem(
            file, event.id, "geometry.coordinates",
            f"[{event.lon}, {event.lat}] lies outside {p.country} but its swap lies inside: "
            "GeoJSON is [longitude, latitude]",
        ))
    if p.date > today:
        problems.append(Problem(file, event.id, "date", f"{p.date} is in the future"))
    if p.control_before == p.control_after and p.event_type == CONTROL_CHANGE:
        problems.append(Problem(file, event.id, "control_after",
                                f"control does not change ({p.control_before} -> {p.control_after})"))
    slack = PRECISION_DAYS[p.date_precision]
    for i, source in enumerate(p.sources):
        if (days_after := (source.published - p.date).days) < -slack:
            problems.append(Problem(file, event.id, f"sources[{i}].published",
                                    f"published {source.published}, before the event it reports ({p.date})"))
        elif days_after > settings.RECYCLED_AFTER_DAYS:
            problems.append(Problem(
                file, event.id, f"sources[{i}].published",
                f"published {source.published}, {days_after} days after the event ({p.date}): "
                "a recycled or misdated story? Cite a contemporary report too",
                "warning",
            ))
    return problems


def check_collections(collections: Sequence[EventCollection], today: dt.date | None = None) -> list[Problem]:
    """Run every rule over the collections and return the problems found."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}  # id -> file
    layers = set()
    with gc_paused():
        for collection in collections:
            file = str(collection.path)
            for event in _valid_events(collection, problems):
                if event.id in first_seen:
                    problems.append(Problem(file, event.id, "id", f"duplicate id (first in {first_seen[event.id]})"))
                else:
                    first_seen[event.id] = file
                problems += check_event(event, file, today)
                layers.add(event.properties.layer)
        if len(layers) < 2:
            return problems  # one layer: nothing to compare
        changes = [
            change
            for collection in collections
            for event in _valid_events(collection, [])  # read again rather than held: a million events are 1 GB
            if (change := Change.of(event, str(collection.path))) is not None
        ]
    return problems + [
        Problem(c.change.file, c.change.id, "control_after", c.message(), "warning")
        for c in compare_layers(changes)
        if not c.agrees
    ]


def _valid_events(collection: EventCollection, problems: list[Problem]) -> Iterator[Event]:
    """The valid events of one file, in order; a problem added to ``problems`` for each invalid feature."""
    file = str(collection.path)
    features = collection.features
    text = features.text if isinstance(features, RawFeatures) else None
    for index in range(len(features)):
        event = decode_event(text(index)) if text else None  # straight from the text, no mapping built
        if event is None:
            try:
                feature = features[index]
            except EventFileError as exc:
                problems.append(Problem(file, exc.feature or f"#{index}", exc.field or "(feature)", exc.message))
                continue
            event, errors = validate_feature(feature)
            if event is None:
                label = feature_label(feature, index)
                problems += [Problem(file, label, f, m) for f, m in errors]
                continue
        yield event
