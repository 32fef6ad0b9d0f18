"""Whole-dataset rules behind ``conflictmap validate``.

Each rule looks at validated events and gives :class:`Problem` s; a problem is
an ``error`` (the data is wrong) or a ``warning`` (worth a look, e.g. a story
republished years after the events it reports, or a report the map layer does
not bear out: see :mod:`conflictmap.events.source_layers`).

Features are checked a block of :data:`BLOCK` at a time (a big file in the stable form, a run of
:data:`~conflictmap.events.store.RUN_BYTES`); a dataset of more than one block is checked by a process
per core (:mod:`conflictmap._parallel`), and the blocks' findings are put back in file order, so
the problems are the same, in the same order, however many run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

import msgspec

from conflictmap import settings
from conflictmap._parallel import ordered_map
from conflictmap.errors import EventFileError
from conflictmap.events.codec import Event, decode_events, feature_label, validate_feature
from conflictmap.events.source_layers import Change, compare_layers
from conflictmap.events.store import EventCollection, RawFeatures, gc_paused, map_runs, read_collection
from conflictmap.vocab import BORDER_OBLAST_ADMIN1, CONTROL_CHANGE, PRECISION_DAYS, UA_ADMIN1

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


def _inside(box: tuple[float, float, float, float], lon: float, lat: float) -> bool:
    west, south, east, north = box
    return west <= lon <= east and south <= lat <= north


def _swapped(boxes: Sequence[tuple[float, float, float, float]], lon: float, lat: float) -> bool:
    """Whether ``(lon, lat)`` lies outside every box and ``(lat, lon)`` inside one."""
    return not any(_inside(b, lon, lat) for b in boxes) and any(_inside(b, lat, lon) for b in boxes)


_OBLAST_WORD = re.compile(r"(oblast|obl|область|обл)$")


def _folded(name: str) -> str:
    """``name`` lower case, letters only, accents and a trailing "oblast" dropped: "Kharkiv Oblast" -> "kharkiv"."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isalpha())
    return _OBLAST_WORD.sub("", letters)


@cache
def _oblast_spellings() -> dict[str, str]:
    """The folded spellings of the oblasts of Ukraine and of the Russian border oblasts -> the oblast."""
    names = [(spelling, spellings[0]) for spellings in UA_ADMIN1.values() for spelling in spellings]
    names += [(name, name) for name in BORDER_OBLAST_ADMIN1.values()]
    return {_folded(spelling): oblast for spelling, oblast in names}


@lru_cache(maxsize=4096)
def oblasts_named(admin1: str) -> tuple[str, ...]:
    """The oblasts ``admin1`` may name: the one it spells, or those it is the start of (Kyiv: the
    oblast and the city); none for a name that is no oblast's."""
    folded = _folded(admin1)
    if len(folded) < 3:
        return ()
    spellings = _oblast_spellings()
    if folded in spellings:
        return (spellings[folded],)
    return tuple(sorted({o for s, o in spellings.items() if s.startswith(folded) or folded.startswith(s)}))


#: How far (in degrees, about 10-15 km) a point may lie beyond its oblast's bounding box: the outlines
#: are Natural Earth's, approximate at the border.
OBLAST_SLACK_DEG = 0.15


@cache
def _oblast_boxes() -> dict[str, tuple[float, float, float, float]]:
    """The bounding box of each oblast of Ukraine and of each Russian border oblast, read off the
    outlines in ``data/boundaries`` (plain JSON: no geometry library for a box)."""
    boxes = {}
    folder = settings.data_dir() / "boundaries"
    for file, key in (("oblasts.geojson", "admin1"), ("neighbours.geojson", "name")):
        for feature in msgspec.json.decode((folder / file).read_bytes())["features"]:
            name = feature["properties"][key]
            if file == "oblasts.geojson" or name in BORDER_OBLAST_ADMIN1.values():
                xy = list(_points(feature["geometry"]["coordinates"]))
                xs, ys = [x for x, _ in xy], [y for _, y in xy]
                boxes[name] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def _points(coordinates: Any) -> Iterator[tuple[float, float]]:
    """The positions of a (Multi)Polygon's nested coordinate lists."""
    if coordinates and isinstance(coordinates[0], int | float):
        yield coordinates[0], coordinates[1]
    else:
        for part in coordinates:
            yield from _points(part)


def outside_oblast(admin1: str, lon: float, lat: float) -> str | None:
    """Why ``(lon, lat)`` cannot lie in the oblast ``admin1`` names (it lies beyond the oblast's
    bounding box and :data:`OBLAST_SLACK_DEG`); ``None`` when it may, or ``admin1`` names none."""
    grown = _grown_boxes(admin1)
    if not grown or any(_inside(box, lon, lat) for box in grown):
        return None
    return f"[{lon}, {lat}] lies outside {' or '.join(oblasts_named(admin1))} oblast, which admin1 names"


@lru_cache(maxsize=4096)
def _grown_boxes(admin1: str) -> tuple[tuple[float, float, float, float], ...]:
    """The boxes of the oblasts ``admin1`` may name, grown by :data:`OBLAST_SLACK_DEG`."""
    boxes = [_oblast_boxes()[o] for o in oblasts_named(admin1) if o in _oblast_boxes()]
    slack = OBLAST_SLACK_DEG
    return tuple((w - slack, s - slack, e + slack, n + slack) for w, s, e, n in boxes)


@lru_cache(maxsize=4096)
def unknown_oblast(admin1: str) -> str | None:
    """Why ``admin1`` names no oblast of Ukraine (nor a Russian border oblast), with the nearest
    spelling that does; ``None`` when it names one (any spelling of :data:`UA_ADMIN1`, or the
    start of one: Kharkiv, Kharkov, Харківська область, Kyiv City)."""
    if oblasts_named(admin1):
        return None
    spellings = _oblast_spellings()
    close = difflib.get_close_matches(_folded(admin1), spellings, n=1, cutoff=0.6)
    hint = f": did you mean {spellings[close[0]]}?" if close else ""
    return f"{admin1!r} is no oblast of Ukraine nor a Russian border oblast{hint}"


def check_event(event: Event, file: str, today: dt.date) -> list[Problem]:
    """The rules about one event on its own."""
    p = event.properties
    problems = []
    boxes = [settings.COUNTRY_BBOX[p.country]] if p.country in settings.COUNTRY_BBOX else []
    if not p.country:  # no country given: outside every country's box, and the swap inside one
        boxes = list(settings.COUNTRY_BBOX.values())
    lon, lat = event.lon, event.lat
    swapped = _swapped(boxes, lon, lat)
    if swapped:
        problems.append(
            Problem(
                file,
                event.id,
                "geometry.coordinates",
                f"[{lon}, {lat}] lies outside {p.country or 'every country known'} but its swap lies "
                "inside: GeoJSON is [longitude, latitude]",
            )
        )
    if p.admin1 and p.country in ("UA", None, "") and (why := unknown_oblast(p.admin1)):
        problems.append(Problem(file, event.id, "admin1", why))
    elif p.admin1 and not swapped and (why := outside_oblast(p.admin1, lon, lat)):
        problems.append(Problem(file, event.id, "geometry.coordinates", why))
    if p.date > today:
        problems.append(Problem(file, event.id, "date", f"{p.date} is in the future"))
    if p.control_before == p.control_after and p.event_type == CONTROL_CHANGE:
        problems.append(
            Problem(
                file, event.id, "control_after", f"control does not change ({p.control_before} -> {p.control_after})"
            )
        )
    slack = PRECISION_DAYS[p.date_precision]
    for i, source in enumerate(p.sources):
        if (days_after := (source.published - p.date).days) < -slack:
            problems.append(
                Problem(
                    file,
                    event.id,
                    f"sources[{i}].published",
                    f"published {source.published}, before the event it reports ({p.date})",
                )
            )
        elif days_after > settings.RECYCLED_AFTER_DAYS:
            problems.append(
                Problem(
                    file,
                    event.id,
                    f"sources[{i}].published",
                    f"published {source.published}, {days_after} days after the event ({p.date}): "
                    "a recycled or misdated story? Cite a contemporary report too",
                    "warning",
                )
            )
    return problems


#: Features per block: the unit of work of a process.
BLOCK = 50_000


@dataclass
class Block:
    """What checking a block of a file's features found: each one's id (``None`` when it is
    invalid), the problems of each (by position in the block; most have none), the layers seen."""

    ids: list[str | None] = field(default_factory=list)
    problems: dict[int, list[Problem]] = field(default_factory=dict)
    layers: set[str] = field(default_factory=set)


@dataclass
class _Findings:
    """What the blocks of the files found, put together in file order: repeated ids among them."""

    problems: list[Problem] = field(default_factory=list)
    first_seen: dict[str, str] = field(default_factory=dict)  # id -> file
    layers: set[str] = field(default_factory=set)
    events: int = 0

    def add(self, file: str, block: Block) -> None:
        for position, event_id in enumerate(block.ids):
            if event_id in self.first_seen:
                self.problems.append(
                    Problem(file, event_id, "id", f"duplicate id (first in {self.first_seen[event_id]})")
                )
            elif event_id is not None:
                self.first_seen[event_id] = file
            self.problems += block.problems.get(position, ())
        self.layers |= block.layers
        self.events += len(block.ids)

    def with_layers_compared(self, collections: Iterable[EventCollection]) -> list[Problem]:
        """The problems, and where two layers were seen, the reports a map layer does not bear out
        (the files read again rather than their events held)."""
        if len(self.layers) < 2:
            return self.problems
        changes = [
            change
            for collection in collections
            for event, _ in _checked_events(collection, 0, len(collection.features))
            if event is not None and (change := Change.of(event, str(collection.path))) is not None
        ]
        return self.problems + [
            Problem(c.change.file, c.change.id, "control_after", c.message(), "warning")
            for c in compare_layers(changes)
            if not c.agrees
        ]


def check_collections(
    collections: Sequence[EventCollection], today: dt.date | None = None, workers: int | None = None
) -> list[Problem]:
    """Run every rule over the collections and return the problems found, in file order.

    ``workers``: processes checking blocks at once (default: one per core when there is more than
    one block's worth of features; 1: this process alone).
    """
    today = today or dt.date.today()
    found = _Findings()
    tasks = _tasks(collections)
    if sum(len(c.features) for c in collections) <= BLOCK:
        workers = 1  # checked before a process would have started
    with gc_paused():
        blocks = ordered_map(_check_block, (collections, today), tasks, workers)
        for (c, *_), block in zip(tasks, blocks, strict=True):
            found.add(str(collections[c].path), block)
        return found.with_layers_compared(collections)


def check_files(
    files: Sequence[Path], today: dt.date | None = None, checked: Mapping[Path, Sequence[Block]] | None = None
) -> tuple[list[Problem], int, list[EventFileError]]:
    """:func:`check_collections` for the event files ``files``, each read as it is checked: a file
    in the stable form a run at a time, by a process per core (:func:`~conflictmap.events.store.map_runs`),
    another (or one with a feature to explain) whole, then a block at a time.

    ``checked``: the blocks of some of the files, already checked as they were read for another
    purpose (:func:`conflictmap.events.frame.read_checked`); those files are not read again.

    Returns the problems, the number of events and the errors of the files that cannot be read.
    """
    today = today or dt.date.today()
    found = _Findings()
    read: list[Path] = []
    unreadable: list[EventFileError] = []
    with gc_paused():
        for file in files:
            blocks: Iterable[Block] | None = (checked or {}).get(file) or map_runs(file, _check_run, (str(file), today))
            if blocks is None:
                try:
                    collection = read_collection(file, lazy=True)
                except EventFileError as exc:
                    unreadable.append(exc)
                    continue
                blocks = ordered_map(_check_block, ([collection], today), _tasks([collection]))
            read.append(file)
            for block in blocks:
                found.add(str(file), block)
        problems = found.with_layers_compared(read_collection(file, lazy=True) for file in read)
    return problems, found.events, unreadable


def _tasks(collections: Sequence[EventCollection]) -> list[tuple[int, int, int]]:
    """The blocks of the collections: ``(collection, start, stop)``."""
    return [
        (c, start, min(start + BLOCK, len(collection.features)))
        for c, collection in enumerate(collections)
        for start in range(0, len(collection.features), BLOCK)
    ]


def _check_block(shared: tuple[Sequence[EventCollection], dt.date], task: tuple[int, int, int]) -> Block:
    """Check features ``start:stop`` of collection ``c`` (``task``), each on its own."""
    (collections, today), (c, start, stop) = shared, task
    collection = collections[c]
    return block_of(str(collection.path), _checked_events(collection, start, stop), today)


def _check_run(shared: tuple[str, dt.date], texts: list[memoryview]) -> Block | None:
    """Check the features of a run (their texts), each on its own; ``None`` if one is invalid (its
    message is found by reading the file whole: :func:`check_files`)."""
    file, today = shared
    events = decode_events(texts)
    return None if any(event is None for event in events) else block_of(file, ((e, []) for e in events), today)


def block_of(file: str, checked: Iterable[tuple[Event | None, list[Problem]]], today: dt.date) -> Block:
    """The block of checked features: each one's event (``None`` when invalid) and the problems
    that make it invalid."""
    block = Block()
    for position, (event, invalid) in enumerate(checked):
        problems = invalid if event is None else check_event(event, file, today)
        block.ids.append(None if event is None else event.id)
        if event is not None:
            block.layers.add(event.properties.layer)
        if problems:
            block.problems[position] = problems
    return block


def _checked_events(collection: EventCollection, start: int, stop: int) -> Iterator[tuple[Event | None, list[Problem]]]:
    """Features ``start:stop`` of one file: each one's event (``None`` when invalid) and the
    problems that make it invalid. Decoded a block at a time, straight from their text."""
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
                yield event, []
                continue
            try:
                feature = features[index]
            except EventFileError as exc:
                yield None, [Problem(file, exc.feature or f"#{index}", exc.field or "(feature)", exc.message)]
                continue
            checked, errors = validate_feature(feature)
            label = feature_label(feature, index)
            yield (
                checked,
                [  # type: ignore[misc]  # the model's event has the same fields
                    Problem(file, label, f, m) for f, m in errors
                ],
            )
