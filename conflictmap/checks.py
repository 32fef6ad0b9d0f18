"""Whole-dataset rules behind ``conflictmap validate``.

Each rule looks at validated events and gives :class:`Problem` s; a problem is
an ``error`` (the data is wrong) or a ``warning`` (worth a look, e.g. a story
republished years after the events it reports, or a report the map layer does
not bear out: see :mod:`conflictmap.layers`).

Features are checked a block of :data:`BLOCK` at a time; a dataset of more than one block is
checked by a process per core (:mod:`conflictmap._parallel`), and the blocks' findings are put
back in file order, so the problems are the same, in the same order, however many run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from conflictmap import settings
from conflictmap._parallel import ordered_map
from conflictmap.errors import EventFileError
from conflictmap.features import Event, decode_events, feature_label, validate_feature
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


#: Features per block: the unit of work of a process.
BLOCK = 50_000


@dataclass
class _Block:
    """What checking features ``start:start + len(ids)`` of a file found: each one's id (``None``
    when it is invalid), the problems of each (by position; most have none), the layers seen."""

    start: int
    ids: list[str | None]
    problems: dict[int, list[Problem]]
    layers: set[str]


def check_collections(
    collections: Sequence[EventCollection], today: dt.date | None = None, workers: int | None = None
) -> list[Problem]:
    """Run every rule over the collections and return the problems found, in file order.

    ``workers``: processes checking blocks at once (default: one per core when there is more than
    one block's worth of features; 1: this process alone).
    """
    today = today or dt.date.today()
    problems: list[Problem] = []
    first_seen: dict[str, str] = {}  # id -> file
    layers: set[str] = set()
    tasks = [
        (c, start, min(start + BLOCK, len(collection.features)))
        for c, collection in enumerate(collections)
        for start in range(0, len(collection.features), BLOCK)
    ]
    if sum(len(c.features) for c in collections) <= BLOCK:
        workers = 1  # checked before a process would have started
    with gc_paused():
        blocks = ordered_map(_check_block, (collections, today), tasks, workers)
        for (c, *_), block in zip(tasks, blocks, strict=True):
            file = str(collections[c].path)
            for index, event_id in enumerate(block.ids, block.start):
                if event_id in first_seen:
                    problems.append(Problem(file, event_id, "id", f"duplicate id (first in {first_seen[event_id]})"))
                elif event_id is not None:
                    first_seen[event_id] = file
                problems += block.problems.get(index, ())
            layers |= block.layers
        if len(layers) < 2:
            return problems  # one layer: nothing to compare
        changes = [
            change
            for collection in collections
            for _, event, _ in _checked_events(collection, 0, len(collection.features))  # read again rather than held
            if event is not None and (change := Change.of(event, str(collection.path))) is not None
        ]
    return problems + [
        Problem(c.change.file, c.change.id, "control_after", c.message(), "warning")
        for c in compare_layers(changes)
        if not c.agrees
    ]


def _check_block(shared: tuple[Sequence[EventCollection], dt.date], task: tuple[int, int, int]) -> _Block:
    """Check features ``start:stop`` of collection ``c`` (``task``), each on its own."""
    (collections, today), (c, start, stop) = shared, task
    collection = collections[c]
    file = str(collection.path)
    block = _Block(start, [], {}, set())
    for index, event, invalid in _checked_events(collection, start, stop):
        problems = invalid if event is None else check_event(event, file, today)
        block.ids.append(None if event is None else event.id)
        if event is not None:
            block.layers.add(event.properties.layer)
        if problems:
            block.problems[index] = problems
    return block


def _checked_events(
    collection: EventCollection, start: int, stop: int
) -> Iterator[tuple[int, Event | None, list[Problem]]]:
    """Features ``start:stop`` of one file: each one's position, its event (``None`` when invalid)
    and the problems that make it invalid. Decoded a block at a time, straight from their text."""
    file = str(collection.path)
    features = collection.features
    for first in range(start, stop, BLOCK):
        indices = range(first, min(first + BLOCK, stop))
        if isinstance(features, RawFeatures):
            decoded = decode_events(features.text(index) for index in indices)
        else:
            decoded = [None] * len(indices)
        for index, event in zip(indices, decoded, strict=True):
            if event is not None:
                yield index, event, []
                continue
            try:
                feature = features[index]
            except EventFileError as exc:
                yield index, None, [Problem(file, exc.feature or f"#{index}", exc.field or "(feature)", exc.message)]
                continue
            event, errors = validate_feature(feature)
            label = feature_label(feature, index)
            yield index, event, [Problem(file, label, f, m) for f, m in errors]
