"""Answers for readers and notebooks: places' states, control areas and the front line on a day as
GeoDataFrames, figures per region and per period as DataFrames, a place's story (``where``), the
places that changed hands (``stats --places``) and each place's state per period (``export --panel``).
Each takes an opened :class:`~conflictmap.dataset.Dataset` and computes as the commands do
(``stats``, ``frontline``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from conflictmap import settings
from conflictmap._io import atomic_writer
from conflictmap.control.figures import day_figures, period_figures, period_starts
from conflictmap.control.frontline import frontline_collection
from conflictmap.control.territory import Timeline, control_map, control_on
from conflictmap.dataset import Dataset
from conflictmap.errors import ConflictmapError
from conflictmap.events.frame import sources_of
from conflictmap.places.gazetteer import GeocodeResult
from conflictmap.places.geocoder import SURE_SCORE, geocode_names, resolve_place
from conflictmap.vocab import CONTROL_CHANGE

__all__ = [
    "PlaceStory",
    "changed_hands",
    "control_areas",
    "figures_by_period",
    "figures_by_region",
    "panel_tables",
    "place_story",
    "place_test",
    "states_on",
    "write_panel",
]

SIDES = ["UA", "RU", "contested"]


def states_on(data: Dataset, day: dt.date) -> gpd.GeoDataFrame:
    """Each place's state on ``day``: one row per place with a state (``place_key``, ``place``,
    ``control``, ``since``: the day of its last change) and its point (EPSG:4326). Places reported
    at the same point are each listed; ``stats`` counts them once, as they share one cell."""
    return control_on(data.events, day)


def control_areas(data: Dataset, day: dt.date) -> gpd.GeoDataFrame:
    """The control areas (``kind`` "area", ``controller``, ``area_km2``) and the front line
    (``kind`` "frontline", ``length_km``) on ``day`` within ``data``'s extent: what
    ``conflictmap frontline`` writes, as a GeoDataFrame (EPSG:4326)."""
    collection = frontline_collection(data.events, day, data.extent, data.measured_alone)
    return gpd.GeoDataFrame.from_features(collection["features"], crs=settings.GEOGRAPHIC_CRS)


def figures_by_region(data: Dataset, day: dt.date) -> pd.DataFrame:
    """The km² each side holds on ``day`` per region of ``data``'s extent (index: region; columns
    UA, RU, contested; ``attrs["areas"]``: "measured" or "estimated"), as ``stats`` counts them."""
    figures = day_figures(data.events, day, None, data.extent, data.measured_alone)
    rows = {name: region["controlled_km2"] for name, region in figures["regions"].items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=SIDES).rename_axis("region")
    frame.attrs["areas"] = figures["areas"]
    return frame


def figures_by_period(
    data: Dataset, by: str = "month", since: dt.date | None = None, until: dt.date | None = None
) -> pd.DataFrame:
    """The km² held (on each period's last day) and gained per week or month, as ``stats --by``:
    one row per period (index: its first day), columns ``until``, ``UA_km2``, ``RU_km2``,
    ``contested_km2``, ``UA_gained_km2``, ``RU_gained_km2`` (empty where no gain can be told) and
    ``areas``."""
    days = data.events["date"]
    rows = period_figures(
        data.events, since or days.min().date(), until or days.max().date(), by, data.extent, data.measured_alone
    )
    return pd.DataFrame.from_records(
        [
            {
                "date": r["date"],
                "until": r["until"],
                **{f"{s}_km2": r["controlled_km2"][s] for s in SIDES},
                **{f"{s}_gained_km2": (r["gained_km2"] or {}).get(s) for s in ("UA", "RU")},
                "areas": r["areas"],
            }
            for r in rows
        ],
        index="date",
    )


@dataclass(frozen=True)
class PlaceStory:
    """A place's story in the events: the place as the gazetteer found it, its state on ``day``
    (``None`` without a change by then) and since when, and each change with its sources."""

    place: GeocodeResult
    day: dt.date
    state: str | None
    since: dt.date | None
    changes: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The story as plain JSON values (``conflictmap where --json``)."""
        place = {k: v for k, v in self.place.to_dict().items() if k not in ("score", "source", "candidates")}
        return {
            "place": place,
            "date": self.day.isoformat(),
            "state": self.state,
            "since": self.since.isoformat() if self.since else None,
            "changes": self.changes,
        }


#: How near the point of an event without a place id must be to a place's to tell of it.
NEAR_KM = 1.0


def place_story(data: Dataset, name: str, day: dt.date | None = None, region: str | None = None) -> PlaceStory:
    """The story of the place ``name`` (any spelling the geocoder knows; ``region`` an oblast hint)
    in ``data``'s events: the events with its place id, or without one within :data:`NEAR_KM` of its point,
    their control changes in order, and its state on ``day`` (default: the last day with a change)
    by the rule of the layers (:class:`~conflictmap.control.territory.Timeline`).

    Raises
    ------
    GeocodeError
        for a name the gazetteer does not know, or that names several places (the error lists them).
    """
    place = resolve_place(name, region)
    events = data.events
    near_km = _distance_km(events.geometry.x.to_numpy(), events.geometry.y.to_numpy(), place.lon, place.lat)
    ids = events["place_id"]
    mine = events[((ids == place.place_id) | (ids.isna() & (near_km <= NEAR_KM))).to_numpy()]
    changes = mine[mine["event_type"] == CONTROL_CHANGE].assign(place_id=place.place_id)
    day = day or (changes["date"].max().date() if len(changes) else dt.date.today())
    states = Timeline(changes).on(day) if len(changes) else None
    state = states.iloc[0] if states is not None and len(states) else None
    return PlaceStory(
        place,
        day,
        state["control"] if state is not None else None,
        state["since"].date() if state is not None else None,
        [_change(row) for row in changes.sort_values(["date", "id"]).itertuples(index=False)],
    )


def place_test(name: str) -> Callable[[dict[str, Any]], bool] | None:
    """A test of event features that tell of the place ``name`` as the geocoder finds it (any
    spelling; every place of a name several share): its place id, or without one a point within
    :data:`NEAR_KM` of its; ``None`` for a name the gazetteer does not know."""
    (found,) = geocode_names([name])
    if not found.resolved or found.score < SURE_SCORE:
        return None
    places = list(found.candidates) if found.ambiguous else [found.to_dict()]
    ids = {p["place_id"] for p in places}
    points = [(p["lon"], p["lat"]) for p in places]

    def test(feature: dict[str, Any]) -> bool:
        place_id = feature["properties"].get("place_id")
        if place_id is not None:
            return place_id in ids
        lon, lat = feature["geometry"]["coordinates"][:2]
        return any(_distance_km(lon, lat, x, y) <= NEAR_KM for x, y in points)

    return test


def _distance_km(lon: Any, lat: Any, lon2: Any, lat2: Any) -> Any:
    """Distance on a sphere in km, near enough for a km or two (numbers or arrays of them)."""
    x = np.radians(lon - lon2) * np.cos(np.radians((lat + lat2) / 2))
    return 6371.0 * np.hypot(x, np.radians(lat - lat2))


def changed_hands(data: Dataset, since: dt.date, day: dt.date) -> pd.DataFrame:
    """The places of ``data``'s extent held by one side on ``since`` and by another on ``day``: one
    row each (``place``, ``place_key``, ``date``: the day of the change that set its state on
    ``day``, ``from``, ``to``, ``lon``, ``lat``), by date and name; what ``stats --places`` lists.
    The places are those ``stats`` counts: one per point (places at one point share a cell)."""
    timeline = Timeline(data.events)
    drawn = control_map(timeline, day, data.extent.polygon).index
    was = timeline.states(since)[0][drawn]
    now, when = (states[drawn] for states in timeline.states(day))
    moved = np.isin(was, SIDES) & np.isin(now, SIDES) & (was != now)
    places = drawn[moved]
    xy = shapely.get_coordinates(timeline.points[places])
    frame = pd.DataFrame(
        {
            "place": timeline.names[places],
            "place_key": timeline.keys[places],
            "date": when[moved].astype(str),
            "from": was[moved],
            "to": now[moved],
            "lon": xy[:, 0],
            "lat": xy[:, 1],
        }
    )
    return frame.sort_values(["date", "place"], ignore_index=True)


def panel_tables(data: Dataset, by: str = "day") -> Iterator[pa.Table]:
    """Each place's state per day or week (on the period's last day) from the first change to the
    last: a table per period, of the places with a state then (``date``: the period's first day,
    ``place_key``, ``place``, ``state``, ``lon``, ``lat``), for :func:`write_panel`."""
    timeline = Timeline(data.events)
    days = timeline.changes["date"]
    if days.empty:
        return
    first, last = days.min().date(), days.max().date()
    if by == "day":
        starts = [first + dt.timedelta(n) for n in range((last - first).days + 1)]
    else:
        starts = period_starts(first, last, by)
    xy = shapely.get_coordinates(timeline.points)
    for start, end in zip(starts, [*(s - dt.timedelta(1) for s in starts[1:]), last], strict=True):
        states, since = timeline.states(end)
        held = np.flatnonzero(~np.isnat(since))  # the places with a state (of unknown status too)
        yield pa.table(
            {
                "date": pa.array([start] * len(held), pa.date32()),
                "place_key": timeline.keys[held].astype(str),
                "place": timeline.names[held].astype(str),
                "state": states[held].astype(str),
                "lon": xy[held, 0],
                "lat": xy[held, 1],
            }
        )


def write_panel(data: Dataset, out: str | Path, by: str = "day") -> int:
    """Write :func:`panel_tables` as one CSV or Parquet file (by ``out``'s suffix), atomically, a
    period at a time; returns the rows written.

    Raises
    ------
    ConflictmapError
        for a suffix that is neither ``.csv`` nor ``.parquet``, or a period that is neither day nor week.
    """
    import pyarrow.csv
    import pyarrow.parquet

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet") or by not in ("day", "week"):
        raise ConflictmapError(f"{out}: a panel is written per day or week, as .csv or .parquet")
    rows = 0
    with atomic_writer(out) as handle:
        writer: Any = None
        for table in panel_tables(data, by):
            if writer is None:
                kind = pyarrow.csv.CSVWriter if suffix == ".csv" else pyarrow.parquet.ParquetWriter
                writer = kind(handle, table.schema)
            writer.write_table(table)
            rows += table.num_rows
        if writer is not None:
            writer.close()
    return rows


def _change(row: Any) -> dict[str, Any]:
    """One change of a place's story, its sources listed."""
    return {
        "date": row.date.date().isoformat(),
        "date_precision": row.date_precision,
        "before": row.control_before,
        "after": row.control_after,
        "layer": row.layer,
        "confidence": row.confidence,
        "place": row.place,
        "notes": row.notes,
        "sources": sources_of(row.sources),
        "id": row.id,
    }
