"""Control changes from a table of observed statuses: one row per place, one column per observation.

Shared by the importers of datasets and map snapshots that say, at each observation time, who
held each place (VIINA's control table, DeepStateMap's snapshots).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from conflictmap.events.model import DatePrecision


def date_precision(gap: dt.timedelta) -> DatePrecision:
    """The precision of a change first seen ``gap`` after the observation before it."""
    if gap <= dt.timedelta(days=1):
        return DatePrecision.DAY
    return DatePrecision.WEEK if gap <= dt.timedelta(days=7) else DatePrecision.MONTH


@dataclass(frozen=True)
class StatusChanges:
    """The changes found in a status table, one entry per change (arrays of equal length).

    ``previous`` is the column of the observation before (``-1`` for a place's first
    observation, whose ``before`` code is 0).
    """

    rows: np.ndarray
    cols: np.ndarray
    previous: np.ndarray
    before: np.ndarray
    after: np.ndarray


def status_changes(codes: np.ndarray, first: bool = False) -> StatusChanges:
    """Each change of a row's status between two observations (vectorised).

    Parameters
    ----------
    codes : integer array (places x observation times, oldest first); 0 = not observed,
        a gap rather than a change
    first : also report each place's first observation, as a change from code 0
    """
    # column numbers in the narrowest type that holds them: the whole war is 30,000 places x 1,700 snapshots
    column = np.int16 if codes.shape[1] < np.iinfo(np.int16).max else np.int32
    latest = np.where(codes > 0, np.arange(codes.shape[1], dtype=column), column(-1))
    np.maximum.accumulate(latest, axis=1, out=latest)  # the latest observation up to each column
    previous = np.empty_like(latest)
    previous[:, 0], previous[:, 1:] = -1, latest[:, :-1]
    del latest
    prev_codes = np.take_along_axis(codes, np.maximum(previous, 0), axis=1)
    prev_codes[previous < 0] = 0
    starts = previous >= 0 if not first else np.ones_like(previous, dtype=bool)
    rows, cols = np.nonzero((codes > 0) & starts & (codes != prev_codes))
    return StatusChanges(rows, cols, previous[rows, cols], prev_codes[rows, cols], codes[rows, cols])
