"""The figures of ``conflictmap stats``: on a day, per region, and per week or month.

km² come from one of two places, and every figure says which (``"areas"``):

- ``measured``: a map snapshot's own areas (:mod:`conflictmap.control.measured_areas`), used where the events
  counted are that map's alone (every event of the ``maps`` layer, from files that carry measured
  areas): the km² of the last snapshot on or before the day, with its citation;
- ``estimated``: the settlement model (:mod:`conflictmap.control.territory`), the Voronoi cells of the
  settlements, everywhere else.

Settlement counts, the ground recaptured and the front line are always the settlement model's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd

from conflictmap.control.measured_areas import MeasuredAreas, RegionTable, region_km2
from conflictmap.control.territory import ControlMap, Timeline, control_map, territory_stats
from conflictmap.errors import ConflictmapError
from conflictmap.places.boundaries import RUSSIAN_BORDER_OBLASTS, UKRAINE, Extent

SIDES = ("UA", "RU", "contested")
PERIODS = ("week", "month")


def measured_by_day(measured: MeasuredAreas, days: list[str], extent: Extent) -> dict[str, list[Any]]:
    """For each ISO day that a snapshot covers, the km² measured in ``extent``'s regions of Ukraine
    (Ukraine's, Russia's, contested), the snapshot's day, and the km² Ukraine holds in its regions
    of Russia."""
    regions = regions_of(extent)
    out = {}
    for day in days:
        found = _measured_on(measured, dt.date.fromisoformat(day), regions)
        if found is not None:
            per_region, snapshot = found
            held = by_country(per_region)
            ukraine = held["UA"]
            out[day] = [ukraine["UA"], ukraine["RU"], ukraine["contested"], snapshot["date"], held["RU"]["UA"]]
    return out


def regions_of(extent: Extent) -> RegionTable:
    """The regions of an extent, one by one (all Ukraine's oblasts for Ukraine)."""
    from conflictmap.places.boundaries import oblasts

    names = [n for name in extent.names for n in (oblasts()["admin1"] if name == UKRAINE else [name])]
    return RegionTable.default().subset(names)


def _estimated(regions: RegionTable, now: ControlMap) -> dict[str, dict[str, float]]:
    """Each region's km² per side, estimated by the settlement model."""
    return dict(zip(regions.names.tolist(), now.controlled_km2_in(regions.polygons, regions.key), strict=True))


def estimated_by_country(regions: RegionTable, now: ControlMap) -> tuple[dict[str, float], dict[str, float]]:
    """The km² each side holds on ``now``'s day, estimated as ``stats`` does: in the regions of
    Ukraine (all of them, where none is Ukraine's), and in those of Russia (none, where all are)."""
    held, in_russia = _by_country(_estimated(regions, now))
    return held, in_russia if in_russia is not None else dict.fromkeys(SIDES, 0.0)


def _measured_on(
    measured: MeasuredAreas,
    day: dt.date,
    regions: RegionTable,
) -> tuple[dict[str, dict[str, float]], dict[str, Any]] | None:
    """Each region's measured km² per side on ``day``, and the snapshot they come from."""
    snapshot = measured.on(day)
    if snapshot is None:
        return None
    per_region = region_km2(snapshot, regions.km2, set(RUSSIAN_BORDER_OBLASTS))
    rounded = {name: {s: round(km2[s], 1) for s in SIDES} for name, km2 in per_region.items()}
    return rounded, {"date": snapshot.day.isoformat(), "url": snapshot.source_url, "kind": snapshot.kind}


def measured_on(
    measured: MeasuredAreas, day: dt.date, extent: Extent
) -> tuple[dict[str, dict[str, float]], dict[str, Any]] | None:
    """Each of ``extent``'s regions' km² per side as the map measured them on ``day`` (the last
    snapshot on or before it), and the snapshot's citation; ``None`` before its first snapshot."""
    return _measured_on(measured, day, regions_of(extent))


def _total(per_region: dict[str, dict[str, float]]) -> dict[str, float]:
    return {s: round(sum(km2[s] for km2 in per_region.values()), 1) for s in SIDES}


def day_figures(
    events: gpd.GeoDataFrame | Timeline,
    on: dt.date,
    since: dt.date | None,
    extent: Extent,
    measured: MeasuredAreas | None = None,
) -> dict[str, Any]:
    """The figures of ``conflictmap stats`` for ``on``: :func:`conflictmap.control.territory.territory_stats`,
    with ``regions`` (each region's ``controlled_km2``) and ``areas`` (measured or estimated).

    Where the extent holds regions of both countries, ``controlled_km2`` counts the ground of
    Ukraine's, and ``held_in_russia_km2`` the ground of Russia's (who holds Russia's own ground is
    not news)."""
    timeline = events if isinstance(events, Timeline) else Timeline(events)
    figures = territory_stats(timeline, on, since, extent.polygon)
    regions = regions_of(extent)
    found = _measured_on(measured, on, regions) if measured else None
    if found is not None:
        per_region, snapshot = found
        figures.update(areas="measured", areas_snapshot=snapshot)
    else:
        per_region = _estimated(regions, control_map(timeline, on, extent.polygon))
        figures["areas"] = "estimated"
    figures["controlled_km2"], in_russia = _by_country(per_region)
    if in_russia is not None:
        figures["held_in_russia_km2"] = in_russia
    figures["regions"] = {name: {"controlled_km2": km2} for name, km2 in per_region.items()}
    return figures


def by_country(per_region: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """The km² each side holds in the regions of Ukraine (``UA``) and in those of Russia (``RU``)."""
    return {
        country: _total({n: km2 for n, km2 in per_region.items() if (n in RUSSIAN_BORDER_OBLASTS) == (country == "RU")})
        for country in ("UA", "RU")
    }


def _by_country(per_region: dict[str, dict[str, float]]) -> tuple[dict[str, float], dict[str, float] | None]:
    """The km² held in the regions of Ukraine, and in those of Russia where there are both (else ``None``:
    all the regions' km² are the first)."""
    held = by_country(per_region)
    russian = sum(n in RUSSIAN_BORDER_OBLASTS for n in per_region)
    if russian == 0 or russian == len(per_region):
        return held["RU" if russian else "UA"], None
    return held["UA"], held["RU"]


def held_by_country(figures: dict[str, Any]) -> dict[str, dict[str, float]]:
    """:func:`by_country` of :func:`day_figures`' regions."""
    return by_country({name: region["controlled_km2"] for name, region in figures["regions"].items()})


def period_starts(first: dt.date, last: dt.date, by: str) -> list[dt.date]:
    """The first day of each week (Monday) or month from the one holding ``first`` to the one holding ``last``."""
    if by not in PERIODS:
        raise ConflictmapError(f"--by: {by!r} is not one of {', '.join(PERIODS)}")
    start = first - dt.timedelta(days=first.weekday()) if by == "week" else first.replace(day=1)
    starts = []
    while start <= last:
        starts.append(start)
        start = start + dt.timedelta(days=7) if by == "week" else (start + dt.timedelta(days=32)).replace(day=1)
    return starts


def period_figures(
    events: gpd.GeoDataFrame,
    first: dt.date,
    last: dt.date,
    by: str,
    extent: Extent,
    measured: MeasuredAreas | None = None,
) -> list[dict[str, Any]]:
    """One row per week or month from ``first`` to ``last``: ``date`` (its first day), ``until`` (its
    last day, or ``last``), ``controlled_km2`` on its last day (in Ukraine, as :func:`day_figures`),
    ``gained_km2`` (how much each side's ground grew from the day before the period to its last
    day; 0 for a side whose ground shrank; ``None`` where the two days' km² come from different
    places, measured and estimated, and Ukraine's and contested ``None`` between a map of occupied
    ground only and one of every state, whose free ground differs by the grey zone) and ``areas``
    (measured or estimated).

    Raises
    ------
    ConflictmapError
        for a period that is neither week nor month, or ``first`` after ``last``.
    """
    if first > last:
        raise ConflictmapError(f"--since: {first} is after --until {last}")
    regions = regions_of(extent)
    timeline = Timeline(events)

    def held(day: dt.date) -> tuple[dict[str, float], str]:
        """km² held on ``day`` (in Ukraine where the extent holds both countries), and where they come
        from (measured by which kind of map, or estimated)."""
        found = _measured_on(measured, day, regions) if measured else None
        if found is not None:
            return _by_country(found[0])[0], f"measured {found[1]['kind']}"
        return _by_country(_estimated(regions, control_map(timeline, day, extent.polygon)))[0], "estimated"

    starts = period_starts(first, last, by)
    ends = [day - dt.timedelta(days=1) for day in starts[1:]] + [last]
    before, before_from = held(starts[0] - dt.timedelta(days=1))
    rows = []
    for start, end in zip(starts, ends, strict=True):
        now, now_from = held(end)
        gained: dict[str, float | None] | None = None
        if now_from.split()[0] == before_from.split()[0]:
            gained = {s: round(max(0.0, now[s] - before[s]), 1) for s in SIDES}
            if now_from != before_from:  # a map of occupied ground only, and one of every state: only Russia's compare
                gained.update(UA=None, contested=None)
        rows.append(
            {
                "date": start.isoformat(),
                "until": end.isoformat(),
                "controlled_km2": now,
                "gained_km2": gained,
                "areas": now_from.split()[0],
            }
        )
        before, before_from = now, now_from
    return rows
