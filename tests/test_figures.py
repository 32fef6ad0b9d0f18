"""Measured areas (a map's own km² per region) and the figures of stats: per day, per region, per period."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
import shapely

from conflictmap.control.figures import day_figures, period_figures, period_starts
from conflictmap.control.measured_areas import (
    MeasuredAreas,
    RegionTable,
    SnapshotAreas,
    areas_path,
    region_km2,
    write_areas,
)
from conflictmap.control.territory import RUSSIA_CELL_KM
from conflictmap.dataset import open_events
from conflictmap.errors import ConflictmapError, EventFileError
from conflictmap.events.frame import events_frame
from conflictmap.importers.deepstate import read_snapshot
from conflictmap.places.boundaries import area_km2, extent_of, region_polygon
from tests.helpers import invoke, make_feature, write_events

UTC = dt.UTC


def snapshot_file(folder: Path, name: str, *layers: tuple[str, shapely.Geometry]) -> Path:
    features = [
        {"type": "Feature", "properties": {"name": n} if n else {}, "geometry": shapely.geometry.mapping(g)}
        for n, g in layers
    ]
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_a_snapshot_measures_the_km2_of_each_state_in_each_region(tmp_path):
    inside_kharkiv = shapely.box(36.0, 49.3, 36.5, 49.6)
    across = shapely.box(34.6, 51.0, 35.2, 51.3)  # Sumy oblast and Kursk oblast (Russia)
    named = read_snapshot(
        snapshot_file(
            tmp_path,
            "1726041600.geojson",
            ("Окуповано /// Occupied", inside_kharkiv),
            ("Звільнено /// Liberated", across),
            ("Статус невідомий /// Unknown status", shapely.box(36.2, 49.4, 36.6, 49.5)),
        )
    )
    km2 = named.areas_by_region(RegionTable.default())
    box_km2 = area_km2(inside_kharkiv)
    assert km2["Kharkiv"]["RU"] == pytest.approx(box_km2, rel=1e-6)  # occupied wins where the unknown overlaps it
    unknown_km2 = area_km2(shapely.difference(shapely.box(36.2, 49.4, 36.6, 49.5), inside_kharkiv))
    assert km2["Kharkiv"]["unknown"] == pytest.approx(unknown_km2, rel=1e-3)  # edges cut in another CRS
    kursk_part = area_km2(shapely.intersection(across, region_polygon("Kursk")))
    assert km2["Kursk"]["UA"] == pytest.approx(kursk_part, rel=1e-3) and kursk_part > 100
    assert "Sumy" not in km2  # only free ground drawn in a region of Ukraine: no row
    only = read_snapshot(
        snapshot_file(tmp_path, "deepstatemap_data_20240912.geojson", (None, inside_kharkiv), (None, across))
    )
    assert set(only.areas_by_region(RegionTable.default())) == {"Kharkiv", "Sumy"}  # nothing drawn in Russia


def test_measured_areas_round_trip_and_are_looked_up_by_day(tmp_path):
    snapshots = [
        SnapshotAreas(
            dt.datetime(2024, 9, 11, 20, tzinfo=UTC),
            dt.date(2024, 9, 11),
            "named",
            "https://example.org/a,b",
            {"Kharkiv": {"RU": 100.0, "contested": 5.0, "unknown": 10.0, "UA": 0.0}, "Kursk": {"UA": 50.0}},
        ),
        SnapshotAreas(
            dt.datetime(2024, 9, 13, 3, tzinfo=UTC),
            dt.date(2024, 9, 13),
            "occupied-only",
            "https://example.org/c",
            {"Kharkiv": {"RU": 90.0}},
        ),
    ]
    path = tmp_path / "war.areas.csv"
    write_areas(path, reversed(snapshots))
    measured = MeasuredAreas.read([path])
    assert [s.day for s in measured.snapshots] == [dt.date(2024, 9, 11), dt.date(2024, 9, 13)]
    assert measured.snapshots[0].source_url == "https://example.org/a,b"
    assert measured.on(dt.date(2024, 9, 10)) is None
    assert measured.on(dt.date(2024, 9, 12)).km2["Kharkiv"]["RU"] == 100.0
    assert measured.on(dt.date(2030, 1, 1)).kind == "occupied-only"
    whole = {"Kharkiv": 1000.0, "Sumy": 500.0, "Kursk": 3000.0, "Belgorod": 2000.0}
    held = region_km2(measured.snapshots[0], whole, {"Kursk", "Belgorod"})
    assert held == {
        "Kharkiv": {"UA": 885.0, "RU": 100.0, "contested": 5.0},  # the unknown ground is nobody's
        "Sumy": {"UA": 500.0, "RU": 0.0, "contested": 0.0},  # no row in a region of Ukraine: free
        "Kursk": {"UA": 50.0, "RU": 2950.0, "contested": 0.0},  # in Russia: liberated is Ukraine's, the rest Russia's
        "Belgorod": {"UA": 0.0, "RU": 2000.0, "contested": 0.0},
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("time,date\n", "expected the columns time, date, region"),
        (
            "time,date,region,RU_km2,contested_km2,unknown_km2,UA_km2,kind,source_url\n"
            "2024-09-11T20:00:00Z,2024-09-11,Kharkiv,many,0,0,0,named,https://example.org\n",
            "line 2: RU_km2: not a number: 'many'",
        ),
        (
            "time,date,region,RU_km2,contested_km2,unknown_km2,UA_km2,kind,source_url\n"
            "yesterday,2024-09-11,Kharkiv,1,0,0,0,named,https://example.org\n",
            "line 2: time: not a time and a day",
        ),
    ],
)
def test_a_broken_areas_file_is_one_error_naming_line_and_column(tmp_path, content, message):
    path = tmp_path / "war.areas.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EventFileError, match=message):
        MeasuredAreas.read([path])


def kharkiv_events(layer: str = "maps") -> list[dict]:
    """Balakliia occupied, then freed on 10 September 2022; Kupiansk occupied throughout."""
    points = {"Balakliia": [36.844, 49.456], "Kupiansk": [37.616, 49.710]}
    features = []
    for place, date, before, after in [
        ("Balakliia", "2022-04-03", "unknown", "RU"),
        ("Kupiansk", "2022-04-03", "unknown", "RU"),
        ("Balakliia", "2022-09-10", "RU", "UA"),
    ]:
        feature = make_feature(
            f"{place}-{date}",
            place=place,
            date=date,
            control_before=before,
            control_after=after,
            layer=layer,
            place_id=f"test:{place}",
        )
        feature["geometry"]["coordinates"] = points[place]
        feature["properties"]["sources"][0]["published"] = date
        features.append(feature)
    return features


def measured_file(folder: Path, *snapshots: tuple[dt.datetime, str, str, dict]) -> Path:
    """The events of :func:`kharkiv_events` (maps layer) with measured areas beside them: (time, kind, url, km²)."""
    path = write_events(folder / "war.geojson", kharkiv_events())
    write_areas(
        areas_path(path), [SnapshotAreas(t, t.date(), kind, url, {"Kharkiv": km2}) for t, kind, url, km2 in snapshots]
    )
    return path


def test_stats_takes_a_maps_measured_km2_where_its_events_alone_count(tmp_path):
    path = measured_file(
        tmp_path,
        (
            dt.datetime(2022, 9, 5, 18, tzinfo=UTC),
            "named",
            "https://example.org/5",
            {"RU": 10_000.0, "contested": 100.0, "unknown": 0.0, "UA": 0.0},
        ),
        (
            dt.datetime(2022, 9, 12, 18, tzinfo=UTC),
            "named",
            "https://example.org/12",
            {"RU": 2_000.0, "contested": 0.0, "unknown": 0.0, "UA": 0.0},
        ),
    )
    data = open_events(path)
    events, extent, measured = data.events, data.extent, data.measured_alone
    figures = day_figures(events, dt.date(2022, 9, 11), None, extent, measured)
    kharkiv = area_km2(region_polygon("Kharkiv"))
    assert figures["areas"] == "measured"
    assert figures["areas_snapshot"] == {"date": "2022-09-05", "url": "https://example.org/5", "kind": "named"}
    assert figures["controlled_km2"] == {"UA": round(kharkiv - 10_100, 1), "RU": 10_000.0, "contested": 100.0}
    assert figures["regions"]["Kharkiv"]["controlled_km2"] == figures["controlled_km2"]
    assert figures["settlements"] == {"UA": 1, "RU": 1, "contested": 0, "unknown": 0}  # places: the settlement model's
    before = day_figures(events, dt.date(2022, 9, 1), None, extent, measured)
    assert before["areas"] == "estimated"  # before the first measured snapshot
    rows = period_figures(events, dt.date(2022, 9, 1), dt.date(2022, 9, 20), "week", extent, measured)
    assert [
        (r["date"], r["controlled_km2"]["RU"], r["gained_km2"] and r["gained_km2"]["UA"], r["areas"]) for r in rows
    ] == [
        ("2022-08-29", pytest.approx(kharkiv, rel=1e-3), 0.0, "estimated"),  # both places Russian-held, no map yet
        ("2022-09-05", 10_000.0, None, "measured"),  # estimated before, measured after: no gain to tell
        ("2022-09-12", 2_000.0, 8_100.0, "measured"),
        ("2022-09-19", 2_000.0, 0.0, "measured"),  # contested too
    ]
    # a report among the events: the map's km² no longer stand for them
    report = write_events(tmp_path / "report.geojson", [{**kharkiv_events("reports")[2], "id": "report"}])
    assert open_events([path, report]).measured_alone is None
    assert open_events([path, report], layer="maps").measured_alone is not None  # the map's events alone again


def test_estimated_figures_per_region_add_up_and_periods_count_the_net_growth():
    events = events_frame(kharkiv_events("reports"))
    extent = extent_of("Kharkiv,Donetsk", events)
    figures = day_figures(events, dt.date(2022, 9, 11), None, extent)
    assert figures["areas"] == "estimated" and set(figures["regions"]) == {"Kharkiv", "Donetsk"}
    for side in ("UA", "RU"):
        assert sum(r["controlled_km2"][side] for r in figures["regions"].values()) == pytest.approx(
            figures["controlled_km2"][side], abs=0.5
        )
    total = sum(figures["controlled_km2"].values())
    assert total == pytest.approx(area_km2(extent.polygon), rel=1e-3)
    rows = period_figures(events, dt.date(2022, 8, 1), dt.date(2022, 10, 31), "month", extent)
    assert [r["date"] for r in rows] == ["2022-08-01", "2022-09-01", "2022-10-01"]
    september = rows[1]
    assert september["gained_km2"]["UA"] == pytest.approx(
        september["controlled_km2"]["UA"] - rows[0]["controlled_km2"]["UA"], abs=0.2
    )
    assert september["gained_km2"]["UA"] > 0 and september["gained_km2"]["RU"] == 0


def test_periods():
    assert period_starts(dt.date(2024, 8, 15), dt.date(2024, 10, 1), "month") == [
        dt.date(2024, 8, 1),
        dt.date(2024, 9, 1),
        dt.date(2024, 10, 1),
    ]
    assert period_starts(dt.date(2024, 8, 15), dt.date(2024, 8, 26), "week") == [
        dt.date(2024, 8, 12),
        dt.date(2024, 8, 19),
        dt.date(2024, 8, 26),
    ]
    with pytest.raises(ConflictmapError, match="--by: 'year'"):
        period_starts(dt.date(2024, 1, 1), dt.date(2024, 2, 1), "year")


def test_stats_cli_by_month_as_json_csv_and_table_and_its_mistakes(tmp_path, runner):
    path = write_events(tmp_path / "events.geojson", kharkiv_events("reports"))
    base = ["stats", "--events", str(path), "--by", "month", "--since", "2022-08-01", "--until", "2022-10-31"]
    rows = json.loads(invoke(runner, *base, "--json").stdout)
    assert [r["date"] for r in rows] == ["2022-08-01", "2022-09-01", "2022-10-01"]
    csv_lines = invoke(runner, *base, "--csv").stdout.splitlines()
    assert (
        csv_lines[0] == "date,until,UA_km2,RU_km2,contested_km2,UA_gained_km2,RU_gained_km2,areas"
        and len(csv_lines) == 4
    )
    table = invoke(runner, *base).stdout
    assert "2022-09-01" in table and "estimated" in table
    day = json.loads(invoke(runner, "stats", "--events", str(path), "--date", "2022-09-11", "--json").stdout)
    assert set(day["regions"]) == {"Kharkiv"} and day["areas"] == "estimated"
    for args, message in [
        (["--date", "2022-09-11", "--by", "month"], "give --date for one day, or --by"),
        ([], "give --date for one day, or --by"),
        (["--by", "month", "--since", "2022-10-01", "--until", "2022-09-01"], "--since: 2022-10-01 is after --until"),
    ]:
        result = invoke(runner, "stats", "--events", str(path), *args)
        assert result.exit_code == 2 and result.stderr.count("Error:") == 1 and message in result.stderr


@pytest.mark.slow
def test_the_whole_wars_measured_areas_follow_the_map():
    """data/war's areas: Russian-held km² of Ukraine month by month, as the snapshots measured them."""
    from tests.helpers import REPO

    data = open_events(REPO / "data" / "war", region="Ukraine")
    events, measured = data.events, data.measured_alone
    assert measured is not None and len(measured.snapshots) > 1_500
    rows = period_figures(events, dt.date(2024, 8, 1), dt.date(2025, 7, 31), "month", data.extent, measured)
    assert all(r["areas"] == "measured" for r in rows)
    held = [r["controlled_km2"]["RU"] for r in rows]
    assert 105_000 < held[0] < held[-1] < 115_000  # Russia held more of Ukraine over the year
    assert sum(r["gained_km2"]["RU"] for r in rows) == pytest.approx(
        held[-1] - rows[0]["controlled_km2"]["RU"] + rows[0]["gained_km2"]["RU"], rel=0.05
    )


def test_between_a_map_of_every_state_and_one_of_occupied_ground_only_russias_gain_alone_compares(tmp_path):
    path = measured_file(
        tmp_path,
        (
            dt.datetime(2025, 7, 31, 18, tzinfo=UTC),
            "named",
            "https://example.org/a",
            {"RU": 1_000.0, "contested": 0.0, "unknown": 500.0, "UA": 0.0},
        ),
        (dt.datetime(2025, 8, 31, 3, tzinfo=UTC), "occupied-only", "https://example.org/b", {"RU": 1_200.0}),
    )
    data = open_events(path)
    (row,) = period_figures(
        data.events, dt.date(2025, 8, 1), dt.date(2025, 8, 31), "month", data.extent, data.measured_alone
    )
    assert row["gained_km2"] == {"UA": None, "RU": 200.0, "contested": None}  # the grey zone is not Ukraine's gain


def test_image_draws_the_gains_as_bars_for_print(tmp_path, runner):
    path = write_events(tmp_path / "events.geojson", kharkiv_events("reports"))
    out = tmp_path / "gains.png"
    result = invoke(
        runner,
        "image",
        "--events",
        str(path),
        "--by",
        "month",
        "--since",
        "2022-08-01",
        "--until",
        "2022-10-31",
        "--out",
        str(out),
        "--width",
        "900",
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = invoke(runner, "image", "--events", str(path), "--by", "month", "--out", str(tmp_path / "gains.gif"))
    assert (
        result.exit_code == 2 and "write a .png or .svg file" in result.stderr and not (tmp_path / "gains.gif").exists()
    )


def write_kursk_areas(path: Path) -> None:
    """Areas beside ``path`` as a map of 11 Sep 2024 measured them: 800 km² of Kharkiv oblast
    Russian-held, 1,200 km² of Kursk oblast Ukrainian-held."""
    write_areas(
        areas_path(path),
        [
            SnapshotAreas(
                dt.datetime(2024, 9, 11, 18, tzinfo=UTC),
                dt.date(2024, 9, 11),
                "named",
                "https://example.org/k",
                {"Kharkiv": {"RU": 800.0, "contested": 0.0, "unknown": 0.0, "UA": 0.0}, "Kursk": {"UA": 1_200.0}},
            )
        ],
    )


def test_with_regions_of_both_countries_the_km2_held_in_ukraine_and_in_russia_are_apart(tmp_path, runner):
    path = write_events(tmp_path / "war.geojson", kharkiv_events())
    write_kursk_areas(path)
    both = open_events(path, region="Kharkiv,Kursk")
    figures = day_figures(both.events, dt.date(2024, 9, 12), None, both.extent, both.measured_alone)
    kharkiv, kursk = area_km2(region_polygon("Kharkiv")), area_km2(region_polygon("Kursk"))
    assert figures["controlled_km2"]["RU"] == 800.0 and figures["controlled_km2"]["UA"] == pytest.approx(
        kharkiv - 800, abs=0.2
    )
    assert figures["held_in_russia_km2"]["UA"] == 1_200.0
    assert figures["held_in_russia_km2"]["RU"] == pytest.approx(kursk - 1_200, abs=0.2)
    result = invoke(runner, "stats", "--events", str(path), "--date", "2024-09-12", "--region", "Kharkiv,Kursk")
    assert "held km² in Ukraine (measured): UA" in result.stdout and "held km² in Russia: UA 1,200" in result.stdout
    kharkiv_only = open_events(path, region="Kharkiv")
    alone = day_figures(
        kharkiv_only.events, dt.date(2024, 9, 12), None, kharkiv_only.extent, kharkiv_only.measured_alone
    )
    assert "held_in_russia_km2" not in alone


def test_frontline_areas_are_the_ground_of_this_war_valid_with_the_maps_km2_beside(tmp_path, runner):
    """Russia's own ground is no control area; what Ukraine holds in Russia is; the map's km² stand beside."""
    sudzha, korenevo = make_feature("sudzha", place="Sudzha"), make_feature("korenevo", place="Korenevo")
    for feature, (lon, lat), after in ((sudzha, (35.27, 51.19), "UA"), (korenevo, (34.92, 51.41), "RU")):
        feature["geometry"]["coordinates"] = [lon, lat]
        feature["properties"] |= {
            "country": "RU",
            "admin1": "Kursk",
            "layer": "maps",
            "control_before": "unknown",
            "control_after": after,
            "date": "2024-09-01",
            "place_id": f"test:{feature['id']}",
        }
        feature["properties"]["sources"][0]["published"] = "2024-09-01"
    path = write_events(tmp_path / "war.geojson", [*kharkiv_events(), sudzha, korenevo])
    write_kursk_areas(path)
    out = tmp_path / "front.geojson"
    result = invoke(
        runner,
        "frontline",
        "--events",
        str(path),
        "--date",
        "2024-09-12",
        "--region",
        "Kharkiv,Kursk",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    areas = {
        f["properties"]["controller"]: f
        for f in json.loads(out.read_text())["features"]
        if f["properties"]["kind"] == "area"
    }
    shapes = {side: shapely.geometry.shape(f["geometry"]) for side, f in areas.items()}
    kursk, kharkiv = region_polygon("Kursk"), region_polygon("Kharkiv")
    assert all(shapely.is_valid(shape) for shape in shapes.values())
    assert area_km2(shapely.intersection(shapes["RU"], kursk)) < 1  # Korenevo's ground is Russia's own: no area
    held_abroad = area_km2(shapely.intersection(shapes["UA"], kursk))
    assert 100 < held_abroad < math.pi * RUSSIA_CELL_KM**2 + 1  # Sudzha's cell, not the rest of Kursk oblast
    assert area_km2(shapely.intersection(shapes["UA"], kharkiv)) > 1_000  # Balakliia's ground, freed
    beside = {
        "areas": "estimated",
        "area_km2_measured": 800.0,
        "measured_on": "2024-09-11",
        "measured_url": "https://example.org/k",
    }
    assert areas["RU"]["properties"].items() >= beside.items()
    assert areas["UA"]["properties"]["area_km2_measured"] == pytest.approx(area_km2(kharkiv) - 800 + 1_200, abs=0.5)


def test_the_pages_figures_and_stats_are_one_computation():
    """The page's panel (its days as control/daily computes them) and stats: the same km² (the browser
    tests compare the counts), and Russia's ground, where no place of Russia tells of it, is nobody's
    (not Ukraine's)."""
    from conflictmap.control.daily import territory_by_day
    from conflictmap.control.figures import regions_of
    from conflictmap.control.territory import Timeline
    from tests.helpers import REPO

    data = open_events(REPO / "data" / "events", region="Kharkiv,Kursk")
    timeline, days = Timeline(data.events), ["2022-09-05", "2022-09-12", "2022-10-01"]
    page = territory_by_day(timeline, days, data.extent.polygon, days[0], regions_of(data.extent))
    for day in days:
        entry = page["days"][day]
        ua, ru, contested, retaken, ua_in_russia = page["stats"][entry]
        figures = day_figures(timeline, dt.date.fromisoformat(day), dt.date.fromisoformat(days[0]), data.extent)
        assert {"UA": ua, "RU": ru, "contested": contested} == figures["controlled_km2"]
        assert (retaken, ua_in_russia) == (figures["recaptured_km2"], figures["held_in_russia_km2"]["UA"])
        assert ua_in_russia < 5  # Kharkiv's villages do not hold Kursk oblast
