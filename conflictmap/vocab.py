"""The event's vocabulary: who controls a place, how sure and how exact a report is, its layer.

Plain enumerations with no validation library, so that commands which only need the words (the
CLI's options, ``--help``) start fast; :mod:`conflictmap.model` builds the event on them.
"""

from __future__ import annotations

from enum import StrEnum


class Control(StrEnum):
    """Who holds a place."""

    UA = "UA"
    RU = "RU"
    CONTESTED = "contested"
    UNKNOWN = "unknown"


class Confidence(StrEnum):
    """How well an event is supported: two independent sources make it confirmed."""

    CLAIMED = "claimed"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class DatePrecision(StrEnum):
    """How exact ``date`` is: the true date lies within a day, a week or a month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class GeoPrecision(StrEnum):
    """How exact the point is: the spot itself, the settlement, or roughly the area."""

    EXACT = "exact"
    SETTLEMENT = "settlement"
    APPROXIMATE = "approximate"


class Layer(StrEnum):
    """The kind of record an event comes from; an event file holds one.

    ``reports``: news and official statements, curated by hand (the primary layer);
    ``maps``: snapshots of a control map (DeepStateMap) turned into per-place changes;
    ``datasets``: event datasets (ACLED, VIINA).
    """

    REPORTS = "reports"
    MAPS = "maps"
    DATASETS = "datasets"


#: Largest distance, in days, between ``date`` and the true date for each precision.
PRECISION_DAYS = {DatePrecision.DAY: 0, DatePrecision.WEEK: 7, DatePrecision.MONTH: 31}

CONTROL_CHANGE = "control_change"
