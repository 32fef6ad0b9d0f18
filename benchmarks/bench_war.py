"""The whole war as data: one import of both DeepStateMap archives, and how well it follows the maps.

Run: python benchmarks/bench_war.py PATH/TO/geojsons PATH/TO/data
     (the archives' folders: DanielRose2310/deepstatemaps-history's ``geojsons`` and
     cyterat/deepstate-map-data's ``data``)

Prints, each measured here:

- the time and peak memory (the largest process's resident set) of ``conflictmap import deepstate``
  over both folders with no --region, in a fresh process with a warm gazetteer cache;
- the places followed: in Ukraine, in Crimea and Sevastopol, in Luhansk oblast, in Russia, and how
  many of those in Ukraine are KATOTTG settlements (carry a distinct code);
- each place's state after the last snapshot against the last map itself (a daily file of occupied
  ground: occupied or not), over every place and over the places that map shows taken in the
  year before it (occupied then, not occupied in the daily file a year earlier);
- the same against the last snapshot of named layers (5 August 2025), state by state;
- ``--region Kursk`` on the snapshot of 11 September 2024: places followed and agreement;
- ``stats --region`` (Kyiv; Kharkiv,Donetsk) against the Russian-held km² of the map itself on a
  few evenings: the occupied polygons clipped to the region, measured in EPSG:3035;
- with no --region (the ground the events cover), on 1 June 2025 and other evenings: the
  settlement model's Russian-held ground in Ukraine against the map's occupied ground (IoU, km²),
  and how much of its front line lies within 10 km of the map's edge of occupied ground;
- ``stats --events data/war --by month`` from August 2024 to August 2026 against the map itself:
  each month's Russian-held km² and gain against the occupied ground of Ukraine (its outline) in
  the last snapshot of the month.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from conflictmap.control.territory import Timeline, control_map
from conflictmap.events.frame import load_events
from conflictmap.importers.deepstate import (
    KYIV,
    STATES,
    Snapshot,
    gazetteer_settlements,
    one_kind_a_day,
    read_snapshot,
    snapshot_time,
)
from conflictmap.places.boundaries import area_km2, extent_of, region_polygon
from conflictmap.places.gazetteer import katottg_settlements
from conflictmap.places.geocoder import Gazetteer
from conflictmap.places.projection import to_equal_area

CLI = [sys.executable, "-m", "conflictmap"]


def run(*args: str) -> tuple[float, str]:
    """Wall time and stdout of one command in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def states_on(timeline: Timeline, day: dt.date) -> dict[str, str]:
    """Each place's state on ``day`` (by place id)."""
    changes = timeline.changes[timeline.changes["date"] <= np.datetime64(day)]
    latest = changes.groupby("place_id", sort=False).tail(1)
    return dict(zip(latest["place_id"], latest["control_after"], strict=True))


def map_states(snapshot: Snapshot, places: list) -> dict[str, str]:
    """Each place's state as the snapshot draws it (occupied-only snapshots: RU, or "not RU")."""
    points = shapely.STRtree(shapely.points([(p.lon, p.lat) for p in places]))
    codes = snapshot.states(points, np.array([p.country == "RU" for p in places]))
    names = {i + 1: s.value for i, s in enumerate(STATES)} | {8: "not RU", 9: "not drawn"}
    return {p.place_id: names[int(c)] for p, c in zip(places, codes, strict=True)}


def agreement(ours: dict[str, str], theirs: dict[str, str], occupied_only: bool) -> tuple[int, int]:
    """(agreeing, compared) places; an occupied-only map is compared on occupied or not."""
    compared = [k for k, v in theirs.items() if v != "not drawn" and k in ours]
    if occupied_only:
        return sum((ours[k] == "RU") == (theirs[k] == "RU") for k in compared), len(compared)
    return sum(ours[k] == theirs[k] for k in compared), len(compared)


def occupied_km2(snapshot: Snapshot, region: str) -> float:
    """The km² of ``region`` the snapshot shows occupied."""
    occupied = shapely.union_all(shapely.make_valid(snapshot.polygons[snapshot.codes == 1]))
    return area_km2(shapely.intersection(occupied, region_polygon(region)))


def last_of_day(files: list[Path], day: dt.date) -> Path:
    return max((f for f in files if snapshot_time(f).astimezone(KYIV).date() == day), key=snapshot_time)


def last_on_or_before(files: list[Path], day: dt.date) -> Path:
    return max((f for f in files if snapshot_time(f).astimezone(KYIV).date() <= day), key=snapshot_time)


def monthly(files: list[Path]) -> None:
    """``stats --events data/war --by month`` against the occupied ground of Ukraine in the map itself."""
    _, text = run(
        "stats", "--events", "data/war", "--by", "month", "--since", "2024-08-01", "--until", "2026-08-01", "--json"
    )
    rows = json.loads(text)
    print("\n| month | stats: RU-held km² | the map: occupied km² of Ukraine | difference | RU gain: stats / the map |")
    print("| --- | --- | --- | --- | --- |")
    before = occupied_km2(read_snapshot(last_on_or_before(files, dt.date(2024, 7, 31))), "Ukraine")
    for row in rows:
        theirs = occupied_km2(read_snapshot(last_on_or_before(files, dt.date.fromisoformat(row["until"]))), "Ukraine")
        ours = row["controlled_km2"]["RU"]
        gained = (row["gained_km2"] or {}).get("RU")
        print(
            f"| {row['date'][:7]} | {ours:,.0f} | {theirs:,.0f} | {(ours - theirs) / theirs:+.1%} "
            f"| {'-' if gained is None else f'{gained:,.0f}'} / {max(0.0, theirs - before):,.0f} |"
        )
        before = theirs


def front_fidelity(timeline: Timeline, extent: shapely.Geometry, snapshot: Snapshot, day: dt.date) -> str:
    """IoU and km² of the model's Russian-held ground in Ukraine against the map's occupied ground,
    and the share of the model's front line within 10 km of the map's edge of occupied ground."""
    ukraine = to_equal_area(np.array([region_polygon("Ukraine")]))[0]
    now = control_map(timeline, day, extent)
    ours = shapely.intersection(now.tessellation.dissolve(now.cells[now.control == "RU"]), ukraine)
    occupied = to_equal_area(shapely.make_valid(snapshot.polygons[snapshot.codes == 1]))
    theirs = shapely.intersection(shapely.union_all(occupied), ukraine)
    iou = shapely.area(shapely.intersection(ours, theirs)) / shapely.area(shapely.union(ours, theirs))
    segments = now._front_segments()
    inside = shapely.contains_xy(ukraine, *segments.mean(axis=1).T)  # the line in Ukraine, not along the border
    segments = segments[inside]
    lengths = np.hypot(*(segments[:, 1] - segments[:, 0]).T)
    edge = shapely.intersection(shapely.boundary(theirs), shapely.buffer(ukraine, -2_000))  # not the border or coast
    near = shapely.distance(shapely.points(segments.mean(axis=1)), edge) <= 10_000
    ours_km2, theirs_km2 = shapely.area(ours) / 1e6, shapely.area(theirs) / 1e6
    return (
        f"| {day} | {ours_km2:,.0f} | {theirs_km2:,.0f} | {(ours_km2 - theirs_km2) / theirs_km2:+.1%} | {iou:.3f} "
        f"| {lengths.sum() / 1000:,.0f} km, {lengths[near].sum() / lengths.sum():.1%} within 10 km |"
    )


def main(named: str, daily: str) -> None:
    named_files, daily_files = sorted(Path(named).glob("*.geojson")), sorted(Path(daily).glob("*.geojson"))
    size = sum(f.stat().st_size for f in named_files + daily_files) / 2**20
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "war.geojson"
        gazetteer_settlements()  # the gazetteer's cache, built once, is not the import's cost
        seconds, printed = run("import", "deepstate", named, daily, "--out", str(out))
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**10
        print(
            f"import of {len(named_files):,} + {len(daily_files):,} files ({size:,.0f} MB), no --region: "
            f"{seconds:.1f} s, peak {peak:,.0f} MiB; {printed.strip()}"
        )
        events = load_events(out)
        timeline = Timeline(events)
        places = gazetteer_settlements()
        admin = {p.place_id: (p.admin1, p.country) for p in places}
        followed = set(events["place_id"])
        in_ua = [k for k in followed if admin[k][1] == "UA"]
        print(
            f"places followed: {len(in_ua):,} in Ukraine, "
            f"{sum(admin[k][0] in ('Crimea', 'Sevastopol') for k in in_ua):,} in Crimea and Sevastopol, "
            f"{sum(admin[k][0] == 'Luhansk' for k in in_ua):,} in Luhansk oblast, "
            f"{len(followed) - len(in_ua):,} in Russia"
        )
        by_id = Gazetteer.default().by_id
        codes = {by_id[k].katottg for k in in_ua if k in by_id and by_id[k].katottg}
        print(
            f"  of those in Ukraine, {len(codes):,} carry a distinct KATOTTG code "
            f"(KATOTTG: {len(katottg_settlements()):,} settlements)"
        )

        last = read_snapshot(daily_files[-1])
        ours = states_on(timeline, last.time.astimezone(KYIV).date())
        theirs = map_states(last, places)
        agree, total = agreement(ours, theirs, occupied_only=True)
        print(
            f"after the last snapshot ({daily_files[-1].name}): {agree:,} of {total:,} places "
            f"({agree / total:.2%}) as the map shows them (occupied or not)"
        )
        year_before = read_snapshot(
            Path(daily) / f"deepstatemap_data_{last.time.date().replace(year=last.time.year - 1):%Y%m%d}.geojson"
        )
        before = map_states(year_before, places)
        taken = [k for k, v in theirs.items() if v == "RU" and before.get(k) != "RU" and k in ours]
        held = sum(ours[k] == "RU" for k in taken)
        print(
            f"places the maps show taken in the year before it: {held:,} of {len(taken):,} Russian-held "
            f"({held / max(1, len(taken)):.2%})"
        )
        named_last = read_snapshot(named_files[-1])
        agree, total = agreement(
            states_on(timeline, named_last.time.astimezone(KYIV).date()), map_states(named_last, places), False
        )
        print(
            f"on the last named snapshot ({named_files[-1].name}): {agree:,} of {total:,} places ({agree / total:.2%}) "
            "in the state it shows (occupied, contested, unknown, free)"
        )

        kursk = Path(named) / "1726086949.geojson"
        kursk_out = Path(tmp) / "kursk.geojson"
        run("import", "deepstate", str(kursk), "--region", "Kursk", "--out", str(kursk_out))
        kursk_events = json.loads(kursk_out.read_text(encoding="utf-8"))["features"]
        kursk_map = map_states(read_snapshot(kursk), [p for p in places if p.admin1 == "Kursk"])
        ours_kursk = {f["properties"]["place_id"]: f["properties"]["control_after"] for f in kursk_events}
        agree = sum(ours_kursk.get(k) == v for k, v in kursk_map.items())
        eventless = [v for k, v in kursk_map.items() if k not in ours_kursk]
        print(
            f"--region Kursk on 11 September 2024: {len(ours_kursk)} places, "
            f"{sum(v == 'UA' for v in ours_kursk.values())} Ukrainian-held; {agree} of {len(kursk_map)} as the map, "
            f"{len(eventless)} without an event (shown: {', '.join(sorted(set(eventless)))})"
        )

        print("\n| region | evening | stats: RU-held km² | the map: occupied km² | difference |")
        print("| --- | --- | --- | --- | --- |")
        all_files = named_files + daily_files
        for region, day in (
            ("Kyiv", dt.date(2022, 4, 3)),
            ("Kharkiv,Donetsk", dt.date(2022, 9, 5)),
            ("Kharkiv,Donetsk", dt.date(2024, 6, 1)),
            ("Kharkiv,Donetsk", dt.date(2025, 6, 1)),
            ("Donetsk", dt.date(2025, 6, 1)),
            ("Ukraine", dt.date(2025, 6, 1)),
            ("Donetsk", dt.date(2026, 8, 21)),
        ):
            _, text = run("stats", "--events", str(out), "--date", day.isoformat(), "--region", region, "--json")
            ours_km2 = json.loads(text)["controlled_km2"]["RU"]
            theirs_km2 = occupied_km2(read_snapshot(last_of_day(all_files, day)), region)
            diff = (ours_km2 - theirs_km2) / theirs_km2 if theirs_km2 else float("nan")
            print(f"| {region} | {day} | {ours_km2:,.0f} | {theirs_km2:,.0f} | {diff:+.1%} |")

        print("\n| evening | model: RU-held km² in Ukraine | the map: occupied km² | difference | IoU | front line |")
        print("| --- | --- | --- | --- | --- | --- |")
        extent = extent_of(None, events).polygon
        for day in (dt.date(2022, 9, 5), dt.date(2024, 6, 1), dt.date(2025, 6, 1), dt.date(2026, 8, 21)):
            print(front_fidelity(timeline, extent, read_snapshot(last_of_day(all_files, day)), day))
        monthly(one_kind_a_day(all_files))  # the snapshots the import reads


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python benchmarks/bench_war.py PATH/TO/geojsons PATH/TO/data")
    main(sys.argv[1], sys.argv[2])
