"""VIINA territorial control table (CSV) -> control changes.

VIINA publishes one row per populated place (GeoNames ``geonameid``, ``name``,
``longitude``, ``latitude``) and one ``ctr_<YYYYMMDD[HHMMSS]>`` column per
collection time holding ``UA``, ``RU`` or ``CONTESTED``. Each change of a
place's status between two observations becomes one event, dated at the
observation that first shows it; the gap since the previous observation sets
``date_precision`` (a day, a week, or more). Empty cells are gaps, not changes.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np

from conflictmap.errors import EventFileError
from conflictmap.events.model import CONTROL_CHANGE, Control, GeoPrecision, Layer
from conflictmap.importers._status import date_precision, status_changes
from conflictmap.importers._table import coordinates, first_bad, read_table

VIINA_URL = "https://github.com/zhukovyuri/VIINA"
REQUIRED = ("geonameid", "name", "longitude", "latitude")
STATUS_COLUMN = re.compile(r"ctr_(\d{8})(\d{6})?")
#: VIINA's status values, in the order of their codes (0 means no observation).
STATES = (Control.UA, Control.RU, Control.CONTESTED)


def _status_columns(path: Path, columns: list[str]) -> list[tuple[str, dt.datetime]]:
    """The ``ctr_`` columns and their collection times, oldest first."""
    found = []
    for column in columns:
        if match := STATUS_COLUMN.fullmatch(column):
            try:
                when = dt.datetime.strptime(match[1] + (match[2] or "000000"), "%Y%m%d%H%M%S")
            except ValueError:
                raise EventFileError(path, "is not a real date and time", field=column) from None
            found.append((column, when))
    if not found:
        raise EventFileError(path, "no control columns (ctr_YYYYMMDD or ctr_YYYYMMDDHHMMSS)")
    return sorted(found, key=lambda item: item[1])


def events_from_viina(path: str | Path) -> list[dict[str, Any]]:
    """Read a VIINA control table into control-change features (ids ``viina-<geonameid>-<time>``).

    Raises
    ------
    EventFileError
        naming the file, the row and the column of the first unreadable value.
    """
    path = Path(path)
    table = read_table(path, REQUIRED)
    label = table["geonameid"]
    first_bad(path, table, ~label.str.fullmatch(r"\d+"), "geonameid", "expected a GeoNames id", label)
    first_bad(path, table, table["name"].str.strip() == "", "name", "must not be empty", label)
    lon, lat = coordinates(path, table, label)
    status_columns = _status_columns(path, list(table.columns))
    names = {state.name: code for code, state in enumerate(STATES, start=1)} | {"": 0}
    codes = np.empty((len(table), len(status_columns)), dtype=np.int8)
    for j, (column, _) in enumerate(status_columns):
        values = table[column].str.strip().str.upper()
        first_bad(path, table, ~values.isin(names.keys()), column, "expected UA, RU, CONTESTED or empty", label)
        codes[:, j] = values.map(names).to_numpy()

    changes = status_changes(codes)
    times = [when for _, when in status_columns]
    features = []
    for row, col, prev, before_code, after_code in zip(
        changes.rows.tolist(),
        changes.cols.tolist(),
        changes.previous.tolist(),
        changes.before.tolist(),
        changes.after.tolist(),
        strict=True,
    ):
        when, before = times[col], times[prev]
        geonameid, column = label.iat[row], status_columns[col][0]
        features.append(
            {
                "type": "Feature",
                "id": f"viina-{geonameid}-{column.removeprefix('ctr_')}",
                "geometry": {"type": "Point", "coordinates": [float(lon.iat[row]), float(lat.iat[row])]},  # type: ignore[arg-type]
                "properties": {
                    "place": table["name"].iat[row],
                    "place_id": f"geonames:{geonameid}",
                    "country": "UA",
                    "date": when.date().isoformat(),
                    "date_precision": date_precision(when - before).value,
                    "geo_precision": GeoPrecision.SETTLEMENT.value,
                    "event_type": CONTROL_CHANGE,
                    "layer": Layer.DATASETS.value,
                    "control_before": STATES[before_code - 1].value,
                    "control_after": STATES[after_code - 1].value,
                    "sources": [
                        {
                            "publisher": "VIINA 2.0",
                            "url": VIINA_URL,
                            "published": when.date().isoformat(),
                            "title": f"VIINA territorial control, column {column}",
                        }
                    ],
                },
            }
        )
    return features
