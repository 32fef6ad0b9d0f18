"""Whole-dataset rules behind ``conflictmap validate``.

Each rule looks at validated events and yields :class:`Problem` s; a problem is
an ``error`` (the data is wrong) or a ``warning`` (worth a look, e.g. a story
republished years after the events it reports, or a report the map layer does
not bear out: see :mod:`conflictmap.layers`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from conflictmap import settings
from conflictmap.errors import EventFileError
from conflictmap.layers import Change, compare_layers
from conflictmap.model import (
    CONTROL_CHANGE,
    PRECISION_DAYS,
    Event,
    feature_label,
    validation_errors,
)
from conflictmap.store import EventCollection, gc_paused

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


def _swapped(event: Event) -> bool:
    box = settings.COUNTRY_BBOX.get(event.properties.country or "")
    if box is None:
        return False

    def inside(lon: float, lat: float) -> bool:
        return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]

    return not inside(event.lon, event.lat) and inside(event.lat, event.lon)


def check_event(event: Event, file: str, today: dt.date) -> Iterator[Problem]:
    """The rules about one event on its own."""
    p = event.properties

    def problem(field: str, message: str, severity: Severity = "error") -> Problem:
        return Problem(file, event.id, field, message, severity)

    if _swapped(event):
        yield problem(
            "geometry.coordinates",
            f"[{event.lon}, {event.lat}] lies outside {p.country} but its swap lies inside: "
            "GeoJSON is [longitude, latitude]",
        )
    if p.date > today:
        yield problem("date", f"{p.date} is in the future")
    if p.event_type == CONTROL_CHANGE and p.control_before == p.control_after:
        yield problem("control_after", f"control does not change ({p.control_before} -> {p.control_after})")
    slack = dt.timedelta(days=PRECISION_DAYS[p.date_precision])
    for i, source in enumerate(p.sources):
        field = f"sources[{i}].published"
        if source.published < p.date - slack:
            yield problem(field, f"published {source.published}, before the event it reports ({p.date})")
        elif (source.published - p.date).days > settings.RECYCLED_AFTER_DAYS:
            yield problem(
                field,
                f"published {source.published}, {(source.published - p.date).days} days after "
                f"the event ({p.date}): a recycled or misdated story? Cite a contemporary report too",
                "warning",
            )


def check_collections(
    collections: Iterable[EventCollection], today: dt.date | None = None
) -> list[Problem]:
    """Run every rule over the collections and return the problems found."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}
    changes: list[Change] = []
    with gc_paused():
        for collection in collections:
            problems += _check_collection(collection, today, first_seen, changes)
    return problems + [
        Problem(c.change.file, c.change.id, "control_after", c.message(), "warning")
        for c in compare_layers(changes)
        if not c.agrees
    ]


def _check_collection(
    collection: EventCollection, today: dt.date, first_seen: dict[str, str], changes: list[Change]
) -> list[Problem]:
    """The problems of one file.

    ``first_seen`` (id -> file) carries ids across files; ``changes`` collects the file's control changes.
    """
    problems: list[Problem] = []
    file = str(collection.path)
    features = collection.features  # a lazy RawFeatures decodes each as it is read
    for index in range(len(features)):
        try:
            feature = features[index]
        except EventFileError as exc:
            problems.append(Problem(file, exc.feature or f"#{index}", exc.field or "(feature)", exc.message))
            continue
        label = feature_label(feature, index)
        try:
            event = Event.model_validate(feature)
        except ValidationError as exc:
            problems += [Problem(file, label, f, m) for f, m in validation_errors(exc)]
            continue
        if event.id in first_seen:
            problems.append(Problem(file, label, "id", f"duplicate id (first in {first_seen[event.id]})"))
        first_seen.setdefault(event.id, file)
        problems += check_event(event, file, today)
        if (change := Change.of(event, file)) is not None:
            changes.append(change)
    return problems
