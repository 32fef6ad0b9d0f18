"""Sources come in layers: the rule for a place's state when they disagree, and where they do.

Layers (:class:`~conflictmap.events.model.Layer`): ``reports`` (news and officials, the hand-curated
primary layer), ``maps`` (map snapshots) and ``datasets`` (ACLED, VIINA).

The rule, used everywhere a state is derived (:class:`~conflictmap.control.territory.Timeline`, so
``stats``, ``frontline`` and the map, whose page replays it): a place's state on a day is set
by its latest control change at or before that day, whatever its layer, with two exceptions
that let the better-sourced layer speak for the days it covers. Layers are ranked by
:data:`LAYER_RANK` (a report outranks a dataset, which outranks a map snapshot):

- two changes on the same day count in rank order, so the higher-ranked one sets the state;
- a change of a higher-ranked layer sets aside the lower-ranked changes at the same place dated
  after it by at most its date precision plus :data:`SLACK_DAYS` days
  (:func:`conflictmap.control.territory.outranked_by`). A report that Izium was retaken on 10 September
  (day precision) holds through the 12th; a map snapshot of the 11th marking its status unknown
  does not undo it; one of the 13th would.

Two layers disagree about a change when the other layer does not show its new state at that
place at any time within both dates' precision plus :data:`SLACK_DAYS` days of it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from conflictmap.events.codec import Event
from conflictmap.vocab import CONTROL_CHANGE, PRECISION_DAYS, Layer

#: Rank of each layer when two changes of one place fall on the same day: the higher wins.
LAYER_RANK = {Layer.MAPS.value: 0, Layer.DATASETS.value: 1, Layer.REPORTS.value: 2}
#: Days beyond the dates' precision before two layers are said to disagree.
SLACK_DAYS = 2


def place_key(place_id: str | None, lon: float, lat: float) -> str:
    """One key per settlement: its ``place_id``, else its point rounded to ~100 m.

    The same key as :func:`conflictmap.control.territory.place_keys` gives a frame of events.
    """
    return f"id:{place_id}" if place_id else f"pt:{round(lon, 3)},{round(lat, 3)}"


class Change(NamedTuple):
    """One control change, with what comparing layers needs of it (one per event ``validate``
    reads: a tuple, cheap to make)."""

    file: str
    id: str
    place: str
    place_key: str
    layer: str
    date: dt.date
    precision_days: int
    before: str
    after: str
    source: str  # the first source, as "publisher <url>"

    @classmethod
    def of(cls, event: Event, file: str) -> Change | None:
        """The change an event records (``None`` for other event types)."""
        p = event.properties
        if p.event_type != CONTROL_CHANGE:
            return None
        return cls(
            file,
            event.id,
            p.place,
            place_key(p.place_id, event.lon, event.lat),
            p.layer.value,
            p.date,
            PRECISION_DAYS[p.date_precision],
            str(p.control_before),
            str(p.control_after),
            f"{p.sources[0].publisher} <{p.sources[0].url}>",
        )


@dataclass(frozen=True)
class Comparison:
    """One change set against another layer's changes at the same place.

    ``shown``: the states the other layer shows within the change's window; ``nearest``: the
    other layer's change to the same state closest in time (``None`` when it never shows it).
    """

    change: Change
    shown: tuple[str, ...]
    at_window: Change
    nearest: Change | None

    @property
    def agrees(self) -> bool:
        return self.change.after in self.shown

    @property
    def days_apart(self) -> int | None:
        """Days from the change to the other layer's nearest change to the same state (signed)."""
        return None if self.nearest is None else (self.nearest.date - self.change.date).days

    def message(self) -> str:
        c, other = self.change, self.at_window
        said = f"{c.layer} say {c.after} on {c.date} ({c.source})"
        shown = " then ".join(self.shown)
        if self.nearest is None:
            return f"{said}; the {other.layer} layer shows {shown} around it and never {c.after} ({other.source})"
        n = self.nearest
        return (
            f"{said}; the {other.layer} layer shows {shown} around it ({other.source}) "
            f"and {c.after} from {n.date}, {self.days_apart:+d} days ({n.source})"
        )


def compare_layers(changes: Iterable[Change], reference: str = Layer.MAPS.value) -> list[Comparison]:
    """Set every change of the other layers against the ``reference`` layer at the same place.

    A change is compared where the reference layer has changes at its place that begin
    before the change's window ends; a reference change's state runs from its date less its
    precision to the next reference change.
    """
    references: dict[str, list[Change]] = defaultdict(list)
    others: list[Change] = []
    for change in changes:
        (references[change.place_key] if change.layer == reference else others).append(change)
    for chain in references.values():
        chain.sort(key=lambda c: (c.date, c.id))
    comparisons = []
    for change in sorted(others, key=lambda c: (c.date, c.id)):
        chain = references.get(change.place_key) or []
        if not chain:
            continue
        slack = dt.timedelta(days=change.precision_days + SLACK_DAYS)
        start, end = change.date - slack, change.date + slack
        begins = [c.date - dt.timedelta(days=c.precision_days) for c in chain]
        first = max(bisect_right([c.date for c in chain], start) - 1, 0)  # the state at the window's start
        in_window = [c for c, b in zip(chain[first:], begins[first:], strict=True) if b <= end]
        if not in_window:
            continue  # the reference layer begins after this change
        shown = tuple(dict.fromkeys(c.after for c in in_window))
        same = [c for c in chain if c.after == change.after and c.before != c.after]
        nearest = min(same, key=lambda c: abs((c.date - change.date).days), default=None)
        comparisons.append(Comparison(change, shown, in_window[0], nearest))
    return comparisons
