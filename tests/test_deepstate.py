"""DeepStateMap snapshots: layer names, states per settlement, changes between snapshots, bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import shapely

from conflictmap.errors import EventFileError
from conflictmap.events.codec import parse_event
from conflictmap.events.store import read_features
from conflictmap.importers.deepstate import (
    Settlement,
    events_from_deepstate,
    layer_state,
    observe,
    read_snapshot,
    snapshot_files,
)
from conflictmap.places.boundaries import region_polygon
from tests.helpers import invoke

#: Three settlements in a row, west to east (lon 36.0, 36.2, 36.4 at lat 49.5).
WEST, MIDDLE, EAST = (
    Settlement(f"test:{n}", n.title(), "Kharkiv", lon, 49.5)
    for n, lon in (("west", 36.0), ("middle", 36.2), ("east", 36.4))
)


def box(west: float, east: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, 49.0], [east, 49.0], [east, 50.0], [west, 50.0], [west, 49.0]]]}


def snapshot(folder: Path, seconds: int, *layers: tuple[str, dict], extra: list | None = None) -> Path:
    """A snapshot file named by its Unix time, one polygon feature per (name, geometry)."""
    features = [{"type": "Feature", "properties": {"name": n}, "geometry": g} for n, g in layers]
    features += extra or []
    path = folder / f"{seconds}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


# 2022-09-05 12:00 and 2022-09-06 12:00 UTC, then ten days later
T0, T1, T2 = 1662379200, 1662465600, 1663329600


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("Окуповано /// Occupied", "RU"),
        ("Окуповано /// Occupied\xa0/// geoJSON.status.occupied\n", "RU"),
        ("ОРДЛО /// CADR and CALR\n", "RU"),
        ("Окупований Крим /// Occupied Crimea", "RU"),
        ("Під питанням /// Contensed\n", "contested"),
        ("Статус невідомий /// Unknown status", "unknown"),
        ("Ситуація невідома /// Situation is unknown", "unknown"),
        ("Звільнено 25.03 /// Liberated 25.03\xa0/// geoJSON.status.dismissed_at {{at:25.03}}", "UA"),
        ("Звільнено /// Taken back", "UA"),
        ("Ст\ufffd\ufffdтус невідомий /// Unknown status", "unknown"),  # a broken letter in the archive
        ("Зміїний ///\xa0Snake Island", "ignore"),
        ("24.03", None),
        ("Повідомляється про відхід орків", None),
    ],
)
def test_layer_names_map_to_states(name, state):
    assert layer_state(name) == state


def test_states_per_snapshot_become_changes_dated_in_kyiv_time(tmp_path):
    files = [
        snapshot(tmp_path, T0, ("Окуповано /// Occupied", box(36.1, 36.5))),  # middle and east occupied
        snapshot(
            tmp_path, T1, ("Окуповано /// Occupied", box(36.3, 36.5)), ("Під питанням /// Contested", box(36.1, 36.3))
        ),  # middle contested
        snapshot(tmp_path, T2, ("Окуповано /// Occupied", box(36.3, 36.5))),  # middle free, east still occupied
    ]
    features = events_from_deepstate(observe(files, [WEST, MIDDLE, EAST]), "https://example.org/{file}?t={time}")
    got = [
        (
            f["properties"]["place"],
            f["properties"]["date"],
            f["properties"]["control_before"],
            f["properties"]["control_after"],
            f["properties"]["date_precision"],
        )
        for f in features
    ]
    assert sorted(got) == sorted(
        [
            ("West", "2022-09-05", "unknown", "UA", "month"),  # the first snapshot: each settlement's start
            ("Middle", "2022-09-05", "unknown", "RU", "month"),
            ("East", "2022-09-05", "unknown", "RU", "month"),
            ("Middle", "2022-09-06", "RU", "contested", "day"),
            ("Middle", "2022-09-16", "contested", "UA", "month"),  # ten days after the snapshot before
        ]
    )
    for feature in features:
        parse_event(feature)
        source = feature["properties"]["sources"][0]
        assert feature["properties"]["layer"] == "maps" and source["publisher"] == "DeepStateMap"
    (last,) = [f for f in features if f["properties"]["date"] == "2022-09-16"]
    assert last["properties"]["sources"][0]["url"] == f"https://example.org/{T2}.geojson?t={T2}"
    assert last["id"] == f"deepstate-test-middle-{T2}"


def test_overlapping_layers_occupied_wins_and_points_are_ignored(tmp_path):
    marker = {
        "type": "Feature",
        "properties": {"name": "a unit"},
        "geometry": {"type": "Point", "coordinates": [36.2, 49.5]},
    }
    path = snapshot(
        tmp_path,
        T0,
        ("Звільнено /// Liberated", box(35.9, 36.5)),
        ("Окуповано /// Occupied", box(36.1, 36.3)),
        ("Статус невідомий /// Unknown status", box(36.3, 36.5)),
        extra=[marker],
    )
    snap = read_snapshot(path)
    assert not snap.unknown_layers
    features = events_from_deepstate(observe([path], [WEST, MIDDLE, EAST]))
    assert {f["properties"]["place"]: f["properties"]["control_after"] for f in features} == {
        "West": "UA",
        "Middle": "RU",  # East, unknown from the start, has no event
    }


def test_unknown_layer_names_are_counted_not_guessed(tmp_path):
    path = snapshot(tmp_path, T0, ("Окуповано /// Occupied", box(36.1, 36.3)), ("24.03", box(36.3, 36.5)))
    snap = read_snapshot(path)
    assert dict(snap.unknown_layers) == {"24.03": 1}
    features = events_from_deepstate(observe([path], [EAST]))
    assert features[0]["properties"]["control_after"] == "UA"  # the unknown polygon is left out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not GeoJSON"),
        ('{"type": "Feature", "features": []}', "not a GeoJSON FeatureCollection"),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"name": "x"}, "geometry": {"type": "Polygon", '
            '"coordinates": [[[36, 49], [37, 49], [37, 50], [36, 49]]]}}]}',
            "no layer the importer knows; layers: 'x'",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"properties": {"name": "Окуповано"}, '
            '"geometry": {"type": "Polygon", '
            '"coordinates": [[[1, 2]]]}}]}',
            "#0: geometry: broken geometry",
        ),
    ],
)
def test_bad_snapshots_are_one_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / f"{T0}.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EventFileError, match=message) as info:
        read_snapshot(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_a_time_must_be_readable_from_the_file_name(tmp_path):
    path = snapshot(tmp_path, T0, ("Окуповано /// Occupied", box(36.1, 36.3)))
    renamed = path.rename(tmp_path / "today.geojson")
    with pytest.raises(EventFileError, match="cannot read the snapshot's time"):
        read_snapshot(renamed)
    assert read_snapshot(renamed, dt.datetime(2022, 9, 5, 9, tzinfo=dt.UTC)).time.day == 5


def test_folders_expand_and_bad_paths_fail(tmp_path):
    a, b = snapshot(tmp_path, T1, ("Окуповано", box(36, 37))), snapshot(tmp_path, T0, ("Окуповано", box(36, 37)))
    assert snapshot_files([tmp_path]) == [b, a]
    with pytest.raises(EventFileError, match="no such file or folder"):
        snapshot_files([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(EventFileError, match="no .geojson snapshot"):
        snapshot_files([tmp_path / "empty"])


def test_cli_imports_the_settlements_of_an_oblast(tmp_path, runner):
    # Balakliia (36.844, 49.456) and Kupiansk (37.616, 49.710): occupied, then Balakliia freed
    snapshot(tmp_path, T0, ("Окуповано /// Occupied", box(36.5, 38.0)))
    snapshot(tmp_path, T2, ("Окуповано /// Occupied", box(37.0, 38.0)))
    out = tmp_path / "out.geojson"
    result = invoke(runner, "import", "deepstate", str(tmp_path), "--region", "Kharkiv", "--out", str(out))
    assert result.exit_code == 0, result.output
    features = read_features(out)
    freed = {f["properties"]["place_id"] for f in features if f["properties"]["control_before"] == "RU"}
    assert "geonames:712926" in freed and "geonames:703656" not in freed  # Balakliia, not Kupiansk
    places = {f["properties"]["place_id"] for f in features}
    assert len(places) >= 1_200  # every Kharkiv settlement with its own point has a starting state


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2022-13-01"], "--since: '2022-13-01' is not a date"),
        (["--since", "2023-01-01"], "no snapshot between --since and --until"),
        (["--time", "2022-09-10T14:05+03:00"], "--time: gives the time of one snapshot, but 2 were named"),
        (["--time", "yesterday"], "--time: 'yesterday' is not a time"),
        (["--region", "Narnia"], "unknown region 'Narnia'"),
    ],
)
def test_cli_bad_options_are_one_line_and_write_nothing(tmp_path, runner, args, message):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    snapshot(folder, T0, ("Окуповано /// Occupied", box(36.5, 38.0)))
    snapshot(folder, T1, ("Окуповано /// Occupied", box(36.5, 38.0)))
    out = tmp_path / "out.geojson"
    result = invoke(runner, "import", "deepstate", str(folder), "--out", str(out), *args)
    assert result.exit_code == 2
    assert message in result.output and result.output.count("Error:") == 1 and "Traceback" not in result.output
    assert not out.exists()


def test_cli_bad_snapshot_fails_before_writing(tmp_path, runner):
    snapshot(tmp_path, T0, ("Окуповано /// Occupied", box(36.5, 38.0)))
    (tmp_path / f"{T1}.geojson").write_text("{", encoding="utf-8")
    out = tmp_path / "out.geojson"
    result = invoke(runner, "import", "deepstate", str(tmp_path), "--out", str(out))
    assert result.exit_code == 2 and f"{T1}.geojson: not GeoJSON" in result.output
    assert not out.exists()


def test_cli_time_of_a_single_snapshot(tmp_path, runner):
    path = snapshot(tmp_path, T0, ("Окуповано /// Occupied", box(36.5, 38.0))).rename(tmp_path / "latest.geojson")
    out = tmp_path / "out.geojson"
    bad = invoke(
        runner, "import", "deepstate", str(path), "--region", "Kharkiv", "--time", "yesterday", "--out", str(out)
    )
    assert bad.exit_code == 2 and "--time: 'yesterday' is not a time" in bad.output and not out.exists()
    good = invoke(
        runner, "import", "deepstate", str(path), "--region", "Kharkiv", "--time", "2022-09-05T23:30", "--out", str(out)
    )
    assert good.exit_code == 0, good.output
    assert {f["properties"]["date"] for f in read_features(out)} == {"2022-09-06"}  # 23:30 UTC is the 6th in Kyiv


def test_days_are_chosen_in_kyiv_time_also_for_a_snapshot_with_a_given_time(tmp_path):
    from conflictmap.importers.deepstate import on_days

    late = snapshot(tmp_path, 1662418800, ("Окуповано", box(36, 37)))  # 2022-09-05 23:00 UTC: the 6th in Kyiv
    assert on_days([late], dt.date(2022, 9, 6), None) == [late]
    assert on_days([late], None, dt.date(2022, 9, 5)) == []
    named = late.rename(tmp_path / "latest.geojson")
    assert on_days([named], dt.date(2022, 9, 5), dt.date(2022, 9, 5), dt.datetime(2022, 9, 5, 12, tzinfo=dt.UTC)) == [
        named
    ]


def daily(folder: Path, day: str, *geometries: dict) -> Path:
    """A daily file of occupied ground: nameless polygons, named by its day."""
    features = [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries]
    path = folder / f"deepstatemap_data_{day}.geojson"
    path.write_text(
        json.dumps({"type": "FeatureCollection", "name": path.stem, "features": features}), encoding="utf-8"
    )
    return path


def test_the_daily_files_time_is_their_day_at_three_utc_and_nameless_polygons_are_occupied(tmp_path):
    from conflictmap.importers.deepstate import snapshot_time

    path = daily(tmp_path, "20240911", box(36.1, 36.3))
    assert snapshot_time(path) == dt.datetime(2024, 9, 11, 3, tzinfo=dt.UTC)
    snap = read_snapshot(path)
    assert snap.occupied_only and snap.codes.tolist() == [1] and not snap.unknown_layers
    bad = tmp_path / "deepstatemap_data_20241341.geojson"
    path.rename(bad)
    with pytest.raises(EventFileError, match="cannot read the snapshot's time"):
        snapshot_time(bad)


KURSK = Settlement("test:kursk", "Kursk village", "Kursk", 36.4, 49.5, "RU")  # a place in Russia


def test_both_archives_one_kind_a_day_and_what_occupied_only_ground_leaves_standing(tmp_path):
    from conflictmap.importers.deepstate import one_kind_a_day

    # 11 Sep: named layers; middle contested, Russia's place liberated. The same day's daily file is left out.
    named = snapshot(
        tmp_path,
        1726041600,
        ("Під питанням /// Contested", box(36.1, 36.3)),
        ("Звільнено /// Liberated", box(36.35, 36.45)),
    )
    same_day = daily(tmp_path, "20240911", box(35.9, 36.1))
    # 12 and 13 Sep: occupied ground only. West occupied on the 12th, free again on the 13th.
    later = [daily(tmp_path, "20240912", box(35.9, 36.1)), daily(tmp_path, "20240913", box(30.0, 30.1))]
    files = one_kind_a_day([*later, same_day, named])
    assert files == [named, *later]
    features = events_from_deepstate(observe(files, [WEST, MIDDLE, EAST, KURSK]))
    got = sorted(
        (
            f["properties"]["place"],
            f["properties"]["date"],
            f["properties"]["control_before"],
            f["properties"]["control_after"],
        )
        for f in features
    )
    assert got == sorted(
        [
            ("West", "2024-09-11", "unknown", "UA"),
            ("Middle", "2024-09-11", "unknown", "contested"),
            ("East", "2024-09-11", "unknown", "UA"),
            ("Kursk village", "2024-09-11", "unknown", "UA"),
            ("West", "2024-09-12", "UA", "RU"),
            ("West", "2024-09-13", "RU", "UA"),
            # Middle stays contested and Kursk village stays Ukrainian-held: the daily files cannot say otherwise
        ]
    )
    notes = {f["properties"]["date"]: f["properties"]["notes"] for f in features if f["properties"]["place"] == "West"}
    assert "occupied ground" in notes["2024-09-12"] and "occupied ground" not in notes["2024-09-11"]
    kursk = next(f for f in features if f["properties"]["place"] == "Kursk village")
    assert kursk["properties"]["country"] == "RU"


def test_outside_every_polygon_a_place_holds_its_countrys_state(tmp_path):
    path = snapshot(tmp_path, T0, ("Окуповано /// Occupied", box(36.1, 36.3)))
    features = events_from_deepstate(observe([path], [WEST, MIDDLE, KURSK]))
    assert {f["properties"]["place"]: f["properties"]["control_after"] for f in features} == {
        "West": "UA",
        "Middle": "RU",
        "Kursk village": "RU",
    }


def test_changes_from_given_start_states(tmp_path):
    files = [
        snapshot(tmp_path, T1, ("Окуповано /// Occupied", box(36.1, 36.3))),
        snapshot(tmp_path, T2, ("Окуповано /// Occupied", box(35.9, 36.1))),
    ]
    features = events_from_deepstate(
        observe(files, [WEST, MIDDLE]),
        start={"test:west": "UA", "test:middle": "RU"},
        quotes={T2: {"quote": "The enemy has occupied West."}},
    )
    got = [
        (
            f["properties"]["place"],
            f["properties"]["date"],
            f["properties"]["control_before"],
            f["properties"]["control_after"],
            f["properties"]["sources"][0].get("quote"),
        )
        for f in features
    ]
    assert sorted(got) == [
        ("Middle", "2022-09-16", "RU", "UA", "The enemy has occupied West."),
        ("West", "2022-09-16", "UA", "RU", "The enemy has occupied West."),
    ]


def test_a_users_own_places_from_csv_or_geojson(tmp_path):
    from conflictmap.importers.places import read_places

    csv_file = tmp_path / "places.csv"
    csv_file.write_text(
        "name,lat,lon,place_id\nSudzha,51.19,35.27,osm:1\nBalakliia,49.456,36.844,\nFar away,10,10,\n", encoding="utf-8"
    )
    places = read_places(csv_file)
    assert [(p.name, p.place_id, p.admin1, p.country) for p in places] == [
        ("Sudzha", "osm:1", "Kursk", "RU"),
        ("Balakliia", "places:Balakliia:49.45600,36.84400", "Kharkiv", "UA"),
    ]
    assert [p.name for p in read_places(csv_file, "Kharkiv")] == ["Balakliia"]
    geojson = tmp_path / "places.geojson"
    geojson.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": "v1",
                        "properties": {"name": "Izium"},
                        "geometry": {"type": "Point", "coordinates": [37.26, 49.21]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    (izium,) = read_places(geojson)
    assert (izium.place_id, izium.admin1, izium.lon) == ("v1", "Kharkiv", 37.26)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,lat\nA,49\n", "places.csv: a CSV of places needs the columns name, lat and lon; missing lon"),
        ("name,lat,lon\nA,north,36\n", "places.csv: line 2: lat: not a number: 'north'"),
        ("name,lat,lon\n,49,36\n", "places.csv: line 2: name: a place needs a name"),
        ("name,lat,lon\nA,49,360\n", "places.csv: line 2: lon: out of range (-180 to 180): '360'"),
        ("name,lat,lon,place_id\nA,49,36,x\nB,49,36.1,x\n", "places.csv: B: place_id: place id 'x' is given twice"),
    ],
)
def test_a_bad_places_file_is_one_error_naming_line_and_field(tmp_path, runner, content, message):
    from conflictmap.importers.places import read_places

    path = tmp_path / "places.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EventFileError) as info:
        read_places(path)
    assert str(info.value).endswith(message.split(": ", 1)[1]) and str(path) in str(info.value)
    snapshot(tmp_path, T0, ("Окуповано /// Occupied", box(36.5, 38.0)))
    out = tmp_path / "out.geojson"
    result = invoke(
        runner, "import", "deepstate", str(tmp_path / f"{T0}.geojson"), "--places", str(path), "--out", str(out)
    )
    assert result.exit_code == 2 and result.stderr.count("Error:") == 1 and not out.exists()


def test_cli_imports_both_archives_with_a_users_places(tmp_path, runner):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    snapshot(folder, 1726041600, ("Окуповано /// Occupied", box(36.5, 38.0)))
    daily(folder, "20240911", box(30.0, 30.1))  # the same day: left out
    daily(folder, "20240915", box(37.0, 38.0))
    places = tmp_path / "places.csv"
    places.write_text("name,lat,lon\nBalakliia,49.456,36.844\nKupiansk,49.710,37.616\n", encoding="utf-8")
    out = tmp_path / "out.geojson"
    result = invoke(runner, "import", "deepstate", str(folder), "--places", str(places), "--out", str(out))
    assert result.exit_code == 0, result.output
    got = sorted(
        (f["properties"]["place"], f["properties"]["date"], f["properties"]["control_after"])
        for f in read_features(out)
    )
    assert got == [
        ("Balakliia", "2024-09-11", "RU"),
        ("Balakliia", "2024-09-15", "UA"),
        ("Kupiansk", "2024-09-11", "RU"),
    ]


def test_a_first_state_that_is_unknown_is_no_event_and_the_next_change_is(tmp_path):
    files = [
        snapshot(tmp_path, T0, ("Статус невідомий /// Unknown status", box(35.9, 36.1))),
        snapshot(tmp_path, T1, ("Окуповано /// Occupied", box(35.9, 36.1))),
    ]
    features = events_from_deepstate(observe(files, [WEST]))
    assert [(f["properties"]["control_before"], f["properties"]["control_after"]) for f in features] == [
        ("unknown", "RU")
    ]


def test_a_place_keeps_its_own_country_where_an_outline_puts_it_across_the_border():
    from conflictmap.importers.deepstate import settlements_in
    from conflictmap.places.gazetteer import Place

    places = [
        Place("test:border", "Border village", 50.60, 36.58, "Kharkiv", "UA", 0, "test"),  # inside Belgorod's outline
        Place("test:kursk", "Kursk village", 51.73, 36.19, None, "", 0, "test"),  # no country: the land's
        Place("test:izium", "Izium", 49.21, 37.26, None, "UA", 0, "test"),
    ]
    got = [(s.place_id, s.admin1, s.country) for s in settlements_in(places, "Ukraine,Kharkiv,Belgorod,Kursk")]
    assert got == [("test:border", "Kharkiv", "UA"), ("test:kursk", "Kursk", "RU"), ("test:izium", "Kharkiv", "UA")]


def test_polygons_mostly_off_the_mapped_land_are_left_out(tmp_path):
    """The maps draw Transnistria occupied: a polygon of Moldova that the outlines let into Ukraine's."""
    moldova, ukraine = shapely.box(28.6, 46.9, 29.75, 47.6), shapely.box(30.0, 46.9, 30.2, 47.0)
    layers = [("Окуповано /// Occupied", json.loads(shapely.to_geojson(g))) for g in (moldova, ukraine)]
    assert shapely.intersects(moldova, region_polygon("Odesa"))  # it reaches into Ukraine
    kept = read_snapshot(snapshot(tmp_path, T0, *layers)).polygons
    assert len(kept) == 1 and kept[0].equals(ukraine)
