import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from conflictmap import settings
from conflictmap.control.frontline import frontline_collection
from conflictmap.control.territory import (
    RUSSIA_CELL_KM,
    Timeline,
    control_changes,
    control_map,
    control_on,
    grid_cell_deg,
    grid_changes,
    territory_stats,
)
from conflictmap.errors import ConflictmapError
from conflictmap.events.frame import events_frame
from conflictmap.places.boundaries import Extent, region_polygon
from conflictmap.places.projection import to_equal_area
from tests.helpers import decoded_shape, make_feature, placed_events

# A 100 km square in the equal-area CRS, south of Kharkiv; a 10 x 10 grid of places.
X0, Y0, SIDE = 6_000_000.0, 2_900_000.0, 100_000.0


def to_lonlat(geometry):
    return gpd.GeoSeries([geometry], crs=settings.EQUAL_AREA_CRS).to_crs(settings.GEOGRAPHIC_CRS).iloc[0]


def square():
    return to_lonlat(shapely.segmentize(shapely.box(X0, Y0, X0 + SIDE, Y0 + SIDE), 1_000))


def grid_events(control_for_column, date="2022-09-01", step=10):
    """Events at the centres of a 10 x 10 grid; ``control_for_column(col)`` gives (before, after)."""
    features = []
    for col in range(step):
        for row in range(step):
            x, y = X0 + (col + 0.5) * SIDE / step, Y0 + (row + 0.5) * SIDE / step
            point = to_lonlat(shapely.Point(x, y))
            before, after = control_for_column(col)
            feature = make_feature(
                f"p{col}-{row}-{date}",
                place=f"P{col}-{row}",
                date=date,
                control_before=before,
                control_after=after,
                admin1=None,  # the square spans several oblasts
            )
            feature["geometry"]["coordinates"] = [point.x, point.y]
            feature["properties"]["sources"][0]["published"] = date
            features.append(feature)
    return features


def test_control_changes_are_sorted_whatever_order_the_events_come_in():
    features = [
        make_feature("b", date="2022-09-02", place_id="geonames:1"),
        make_feature("a", date="2022-09-02", layer="maps", place_id=None),
        make_feature("c", date="2022-09-01", place_id=""),
        make_feature("d", date="2022-09-03", event_type="clash", control_before=None, control_after=None),
    ]
    features[1]["geometry"]["coordinates"] = [36.12345, 49.98765]
    in_order = control_changes(events_frame([features[i] for i in (2, 1, 0)]))
    for order in ([0, 1, 2, 3], [3, 2, 0, 1], [2, 1, 0]):
        changes = control_changes(events_frame([features[i] for i in order]))
        assert changes["id"].tolist() == ["c", "a", "b"]  # by date, then layer rank (a map before a report)
        assert changes["place_key"].tolist() == ["pt:36.844,49.456", "pt:36.123,49.988", "id:geonames:1"]
        assert_geodataframe_equal(changes.reset_index(drop=True), in_order.reset_index(drop=True))


def test_half_and_half_grid_gives_a_straight_line_and_equal_areas():
    events = events_frame(grid_events(lambda col: ("unknown", "UA" if col < 5 else "RU")))
    result = control_map(events, dt.date(2022, 9, 1), square())
    assert result.settlements() == {"UA": 50, "RU": 50, "contested": 0, "unknown": 0}
    km2 = result.controlled_km2()
    assert km2["UA"] == pytest.approx(5_000, rel=0.01) and km2["RU"] == pytest.approx(5_000, rel=0.01)
    line = result.frontline()
    assert shapely.length(line) / 1000 == pytest.approx(100, rel=0.01)
    xs = shapely.get_coordinates(line)[:, 0]
    assert np.allclose(xs, X0 + SIDE / 2, atol=1)  # the line runs down the middle
    areas = result.areas()
    assert sorted(areas["controller"]) == ["RU", "UA"]


def test_date_before_all_events_gives_no_state_and_no_recapture():
    features = grid_events(lambda col: ("UA", "RU"), "2022-03-01") + grid_events(
        lambda col: ("RU", "UA") if col < 3 else ("RU", "RU"), "2022-09-10"
    )
    features = [f for f in features if f["properties"]["control_before"] != f["properties"]["control_after"]]
    events = events_frame(features)
    assert control_on(events, dt.date(2022, 1, 1)).empty
    figures = territory_stats(events, dt.date(2022, 2, 1), dt.date(2022, 1, 1), square())
    assert figures["recaptured_km2"] == 0 and figures["recaptured_settlements"] == 0
    figures = territory_stats(events, dt.date(2022, 9, 10), dt.date(2022, 9, 1), square())
    assert figures["recaptured_settlements"] == 30
    assert figures["recaptured_km2"] == pytest.approx(3_000, rel=0.01)


def test_recaptured_area_never_shrinks_when_control_only_moves_one_way():
    features = grid_events(lambda col: ("UA", "RU"), "2022-03-01")
    for col in range(10):  # column by column, west to east, one day each
        day = f"2022-09-{col + 1:02d}"
        features += [
            f for f in grid_events(lambda c: ("RU", "UA"), day) if f["properties"]["place"].startswith(f"P{col}-")
        ]
    events = events_frame(features)
    since = dt.date(2022, 8, 31)
    areas = [territory_stats(events, dt.date(2022, 9, d), since, square())["recaptured_km2"] for d in range(1, 11)]
    assert all(b >= a for a, b in zip(areas, areas[1:], strict=False))
    assert areas[-1] == pytest.approx(10_000, rel=0.01)


def test_recaptured_km2_is_the_area_of_the_recaptured_ground_when_the_places_differ():
    from conflictmap.control.territory import recaptured_area, recaptured_km2

    coarse = grid_events(lambda col: ("unknown", "RU"), "2022-09-01", step=5)  # 25 places held by Russia
    fine = grid_events(lambda col: ("RU", "UA" if col < 4 else "RU"), "2022-09-10")  # 100 more, the west retaken
    timeline = Timeline(events_frame(coarse + fine))
    before, after = (control_map(timeline, dt.date(2022, 9, d), square()) for d in (1, 10))
    assert before.tessellation is not after.tessellation
    km2 = recaptured_km2(before, after)
    assert 2_000 < km2 < 6_000
    assert km2 == pytest.approx(shapely.area(recaptured_area(before, after)) / 1e6, rel=1e-9)


@pytest.mark.parametrize("complements", [None, (False, False), (True, False), (False, True), (True, True)])
def test_the_overlap_of_two_tessellations_is_the_same_through_the_other_cells(complements):
    from conflictmap.control.territory import overlap_km2, recaptured_area

    coarse = grid_events(lambda col: ("unknown", "RU" if col < 3 else "UA"), "2022-09-01", step=5)
    fine = grid_events(lambda col: ("RU", "UA" if col < 4 else "RU"), "2022-09-10")
    timeline = Timeline(events_frame(coarse + fine))
    before, after = (control_map(timeline, dt.date(2022, 9, d), square()) for d in (1, 10))
    was_ru, now_ua = before.control == "RU", after.control == "UA"
    assert 0 < was_ru.sum() < len(was_ru) and 0 < now_ua.sum() < len(now_ua)
    km2 = overlap_km2(before.tessellation, was_ru, after.tessellation, now_ua, complements)
    assert km2 > 100
    assert km2 == pytest.approx(shapely.area(recaptured_area(before, after)) / 1e6, rel=1e-9)


def test_frontline_geojson_has_line_and_areas():
    events = events_frame(grid_events(lambda col: ("unknown", "UA" if col < 5 else "RU")))
    collection = frontline_collection(events, dt.date(2022, 9, 1), Extent(("square",), "square", square()))
    kinds = [f["properties"]["kind"] for f in collection["features"]]
    assert kinds == ["frontline", "area", "area"]
    assert collection["features"][0]["geometry"]["type"] in ("LineString", "MultiLineString")
    assert collection["features"][0]["properties"]["date"] == "2022-09-01"


def test_region_names_and_unknown_region():
    kharkiv = region_polygon("Kharkiv")
    assert region_polygon("Харківська").equals(kharkiv)
    assert shapely.contains_xy(kharkiv, 36.23, 49.99)  # Kharkiv city
    with pytest.raises(ConflictmapError, match="unknown region 'Narnia'"):
        region_polygon("Narnia")


def test_stats_cli_json_and_bad_date(runner, tmp_path):
    from tests.helpers import invoke, write_events

    path = write_events(tmp_path / "e.geojson", grid_events(lambda col: ("unknown", "UA" if col < 5 else "RU")))
    result = invoke(runner, "stats", "--events", str(path), "--date", "2022-09-01", "--region", "Kharkiv", "--json")
    assert result.exit_code == 0, result.stderr

    figures = json.loads(result.stdout)
    assert set(figures) == {
        "date",
        "since",
        "settlements",
        "recaptured_settlements",
        "recaptured_km2",
        "controlled_km2",
        "frontline_km",
        "areas",
        "regions",
    }
    result = invoke(runner, "stats", "--events", str(path), "--date", "2022-13-01")
    assert result.exit_code == 2 and result.stderr.startswith("Error: --date")
    out = tmp_path / "line.geojson"
    result = invoke(
        runner, "frontline", "--events", str(path), "--date", "2022-09-01", "--out", str(out), "--region", "Kharkiv"
    )
    assert result.exit_code == 0 and json.loads(out.read_text())["features"][0]["properties"]["kind"] == "frontline"


def test_grid_cells_are_held_by_most_of_their_places():
    """On every day, each cell's state is the majority of its places' states (contested on a tie)."""
    rng = np.random.default_rng(7)
    n_places, states = 300, ["UA", "RU", "contested"]
    lon, lat = rng.uniform(36.0, 36.5, n_places), rng.uniform(49.0, 49.5, n_places)
    features, held = [], {}
    for i in range(1_500):
        p = int(rng.integers(n_places))
        after = str(rng.choice([s for s in states if s != held.get(p)]))
        day = dt.date(2022, 9, 1) + dt.timedelta(days=int(rng.integers(0, 30)))
        features.append(
            make_feature(
                f"e{i}",
                place=f"P{p}",
                place_id=f"geonames:{p}",
                date=day.isoformat(),
                control_before=held.get(p, "unknown"),
                control_after=after,
            )
        )
        features[-1]["geometry"]["coordinates"] = [float(lon[p]), float(lat[p])]
        held[p] = after
    timeline = Timeline(events_frame(features))
    cell_deg = 0.1
    cells = Timeline(grid_changes(timeline, cell_deg))
    assert len(cells.keys) <= 36
    for day in (dt.date(2022, 9, d) for d in range(1, 31, 3)):
        places = timeline.on(day)
        cell_of = np.floor(shapely.get_coordinates(places.geometry.to_numpy()) / cell_deg).astype(int)
        expected = {}
        for (cx, cy), group in places.groupby([cell_of[:, 0], cell_of[:, 1]]):
            counts = group["control"].value_counts()
            top = counts[counts == counts.max()]
            expected[f"id:cell:{cx},{cy}"] = top.index[0] if len(top) == 1 else "contested"
        got = cells.on(day).set_index("place_key")["control"].to_dict()
        assert got == expected


def test_grid_cell_size_keeps_the_cells_under_the_limit():
    features = [make_feature(f"e{i}", place_id=f"geonames:{i}") for i in range(400)]
    for i, f in enumerate(features):
        f["geometry"]["coordinates"] = [36.0 + (i % 20) * 0.011, 49.0 + (i // 20) * 0.011]
    timeline = Timeline(events_frame(features))
    deg = grid_cell_deg(timeline, 50)
    assert deg == 0.04  # 0.01 and 0.02 give more than 50 cells
    assert len(Timeline(grid_changes(timeline, deg)).keys) <= 50


def test_retaken_ground_per_day_on_a_grid_with_a_known_answer():
    from conflictmap.control.daily import entry_states, territory_by_day

    # all 100 places occupied on 1 Sep; columns 0-2 retaken on 5 Sep, columns 3-5 on 8 Sep
    events = events_frame(
        grid_events(lambda col: ("unknown", "RU"))
        + grid_events(lambda col: ("RU", "UA") if col < 3 else ("RU", "RU"), date="2022-09-05")
        + grid_events(lambda col: ("RU", "UA") if col < 6 else ("RU", "RU"), date="2022-09-08")
    )
    days = territory_by_day(Timeline(events), ["2022-09-01", "2022-09-05", "2022-09-08"], square(), since="2022-09-01")
    stats = {day: days["stats"][i] for day, i in days["days"].items()}  # [UA, RU, contested, retaken, UA in Russia] km²
    assert stats["2022-09-01"] == pytest.approx([0, 10_000, 0, 0, 0], abs=100)
    assert stats["2022-09-05"] == pytest.approx([3_000, 7_000, 0, 3_000, 0], abs=100)
    assert stats["2022-09-08"] == pytest.approx([6_000, 4_000, 0, 6_000, 0], abs=100)
    # one set of cells for all three days, as three shapes (the cells sharing a state every day); each
    # day a letter a shape, the line apart
    assert len(days["cells"]) == 1 and len(days["cells"][0]) == 3 and days["since"] == ["RRR"]
    last = days["entries"][days["days"]["2022-09-08"]]
    assert sorted(entry_states(days, days["days"]["2022-09-08"])) == ["R", "U", "U"]
    assert len(last["c"]) == len(last["s"]) == 1  # only the shape retaken since the entry before
    assert len(days["lines"][last["l"]]) >= 1  # the front line: one part at least
    shapes = np.array([decoded_shape(shape) for shape in days["cells"][0]])
    km2 = sorted(shapely.area(to_equal_area(shapes)) / 1e6)
    assert km2 == pytest.approx([3_000, 3_000, 4_000], rel=1e-3)  # they tile the square


def test_shapes_stay_valid_on_the_pages_grid_of_a_metre_and_keep_their_area():
    from conflictmap.control.daily import encode_shapes

    square = shapely.box(36.0, 49.0, 36.01, 49.01)
    sliver = shapely.Polygon([(36.005, 49.005), (36.005002, 49.005), (36.005001, 49.005003)])  # a hole of 20 cm
    spike = shapely.Polygon(
        [(36.02, 49.0), (36.03, 49.0), (36.03, 49.01), (36.020004, 49.005), (36.020001, 49.0050001)]
    )
    # a part within another, as a dissolve can leave it: their union is the ground, not their difference
    nested = shapely.MultiPolygon([shapely.box(36.04, 49.0, 36.07, 49.01), shapely.box(36.05, 49.002, 36.06, 49.008)])
    shapes = to_equal_area(np.array([square.difference(sliver), spike, nested]))
    decoded = [decoded_shape(shape) for shape in encode_shapes(shapes)]
    assert shapely.is_valid(decoded).all()
    expected = [square, spike, shapely.box(36.04, 49.0, 36.07, 49.01)]
    assert shapely.area(decoded) == pytest.approx(shapely.area(expected), rel=1e-3)


def test_smoothed_front_line_loses_the_sawtooth_and_keeps_its_ends():
    from conflictmap.control.territory import smooth_lines

    x = np.arange(0, 50_001, 2_500.0)
    zigzag = shapely.linestrings(np.c_[x, np.where(np.arange(len(x)) % 2, 600.0, -600.0)])  # 1.2 km teeth
    smooth = shapely.get_parts(smooth_lines(zigzag))
    assert len(smooth) == 1
    xy = shapely.get_coordinates(smooth[0])
    assert np.abs(xy[:, 1]).max() <= 600 and np.abs(xy[1:-1, 1]).mean() < 300  # the teeth are mostly gone
    assert tuple(xy[0]) == (0.0, -600.0) and tuple(xy[-1]) == tuple(shapely.get_coordinates(zigzag)[-1])
    assert shapely.length(smooth[0]) < 1.04 * 50_000 < shapely.length(zigzag)  # near the straight 50 km


def test_unique_rows_are_those_of_numpy_axis_0():
    from conflictmap.control.territory import unique_rows

    xy = np.random.default_rng(3).integers(-3, 3, (500, 2)).astype(float)  # many repeats, negatives, zeros
    rows, first, inverse = unique_rows(xy)
    expected = np.unique(xy, axis=0, return_index=True, return_inverse=True)
    assert len(rows) < 40
    for got, want in zip((rows, first, inverse), expected, strict=True):
        np.testing.assert_array_equal(got, want.reshape(got.shape))


@pytest.mark.parametrize(("columns", "dtype"), [(1, np.int64), (5, np.int64), (300, np.uint8)])
def test_distinct_rows_are_those_of_numpy_axis_0_in_the_order_they_first_appear(columns, dtype):
    from conflictmap.control.territory import distinct_rows

    high = 4 if columns < 300 else 2  # many repeats; -1 stands for none (a wide history: two states)
    matrix = np.random.default_rng(4).integers(-1 if dtype is np.int64 else 0, high, (600, columns)).astype(dtype)
    if columns == 300:
        matrix[300:] = matrix[:300]  # rows that repeat, however wide
    first, inverse = distinct_rows(matrix)
    rows = matrix[first]
    np.testing.assert_array_equal(rows[inverse], matrix)
    expected, first = np.unique(matrix, axis=0, return_index=True)
    assert len(rows) == len(expected)
    np.testing.assert_array_equal(rows, matrix[np.sort(first)])


def test_stats_render_and_image_take_a_list_of_regions_and_refuse_an_unknown_one(runner, tmp_path):

    from conflictmap.places.boundaries import area_km2
    from tests.helpers import invoke, write_events

    path = write_events(tmp_path / "e.geojson", grid_events(lambda col: ("unknown", "UA" if col < 5 else "RU")))
    result = invoke(
        runner, "stats", "--events", str(path), "--date", "2022-09-01", "--region", "Kherson,Mykolaiv", "--json"
    )
    assert result.exit_code == 0, result.stderr
    held = sum(json.loads(result.stdout)["controlled_km2"].values())
    assert abs(held - area_km2(region_polygon("Kherson,Mykolaiv"))) < 0.01 * held
    for command in (["render", "--out", str(tmp_path / "m.html")], ["image", "--out", str(tmp_path / "m.png")]):
        result = invoke(runner, *command, "--events", str(path), "--region", "Kharkiv,Narnia")
        assert result.exit_code == 2 and result.stderr.strip() == (
            f"Error: --region: unknown region 'Narnia'; known: {', '.join(region_names_known())}"
        )
        assert not (tmp_path / "m.html").exists() and not (tmp_path / "m.png").exists()
    result = invoke(
        runner, "render", "--events", str(path), "--region", "Kherson,Mykolaiv", "--out", str(tmp_path / "m.html")
    )
    assert result.exit_code == 0, result.stderr
    assert "Kherson and Mykolaiv oblasts: control" in (tmp_path / "m.html").read_text(encoding="utf-8")


def region_names_known() -> list[str]:
    from conflictmap.places.boundaries import RUSSIAN_BORDER_OBLASTS, UKRAINE
    from conflictmap.vocab import UA_ADMIN1

    return [UKRAINE, *(names[0] for names in UA_ADMIN1.values()), *RUSSIAN_BORDER_OBLASTS]


def test_cells_of_places_in_russia_tile_russia_and_the_state_border_is_no_front_line():
    from conflictmap.places.boundaries import area_km2

    features = []
    for fid, (lon, lat), country, after in [
        ("kharkiv", (36.23, 49.99), "UA", "UA"),
        ("belgorod", (36.58, 50.60), "RU", "RU"),
        ("kupiansk", (37.62, 49.71), "UA", "RU"),
    ]:
        feature = make_feature(fid, place=fid.title(), control_before="unknown", control_after=after, country=country)
        feature["geometry"]["coordinates"] = [lon, lat]
        features.append(feature)
    region = region_polygon("Kharkiv,Belgorod")
    now = control_map(events_frame(features), dt.date(2022, 9, 9), region)
    ukraine, belgorod = now.controlled_km2_in(
        to_equal_area(np.array([region_polygon("Kharkiv"), region_polygon("Belgorod")]))
    )
    assert ukraine["UA"] + ukraine["RU"] == pytest.approx(
        area_km2(region_polygon("Kharkiv")), rel=0.01
    )  # Ukraine's places tile it
    assert belgorod["UA"] < 5  # Kharkiv's cell stops at the border (but for where the two outlines overlap)
    assert belgorod["RU"] == pytest.approx(np.pi * RUSSIA_CELL_KM**2, rel=0.02)  # a Russian town's cell reaches 10 km
    segments = now._front_segments()  # between Kharkiv and Kupiansk, not along the border with Belgorod
    border = shapely.boundary(to_equal_area(np.array([region_polygon("Belgorod")]))[0])
    on_border = shapely.distance(shapely.points(segments.mean(axis=1)), border) < 2_000
    lengths = np.hypot(*(segments[:, 1] - segments[:, 0]).T)
    assert lengths.sum() > 50_000 and lengths[on_border].sum() < 5_000


def _retaken_and_taken():
    """Balakliia (Ukraine) and Sudzha (Russia), both Russian-held on 1 August 2022 and Ukrainian on 8 September."""
    return events_frame(
        placed_events(
            [
                ("balakliia-1", (36.844, 49.456), "UA", "2022-08-01", "unknown", "RU"),
                ("sudzha-1", (35.27, 51.19), "RU", "2022-08-01", "unknown", "RU"),
                ("balakliia-2", (36.844, 49.456), "UA", "2022-09-08", "RU", "UA"),
                ("sudzha-2", (35.27, 51.19), "RU", "2022-09-08", "RU", "UA"),
            ]
        )
    )


def test_ground_ukraine_takes_in_russia_is_not_recaptured():
    from conflictmap.control.territory import recaptured_area

    events = _retaken_and_taken()
    region = region_polygon("Kharkiv,Kursk")
    figures = territory_stats(events, dt.date(2022, 9, 8), dt.date(2022, 8, 1), region)
    assert figures["recaptured_settlements"] == 1  # Balakliia; Sudzha is taken, not retaken
    kharkiv = to_equal_area(np.array([region_polygon("Kharkiv")]))[0]
    assert figures["recaptured_km2"] == pytest.approx(shapely.area(kharkiv) / 1e6, rel=0.002)
    timeline = Timeline(events)
    before = control_map(timeline, dt.date(2022, 8, 1), region_polygon("Kharkiv,Sumy,Kursk"))
    after = control_map(timeline, dt.date(2022, 9, 8), region)  # other cells: the areas are overlaid
    assert shapely.area(recaptured_area(before, after)) / 1e6 == pytest.approx(figures["recaptured_km2"], rel=0.002)


def test_the_page_never_tints_ground_ukraine_takes_in_russia_as_retaken():
    """The page tints a shape retaken where its ``since`` letter is R and its state U: Sudzha's
    ground (Russia) is taken, so its letter is N, and only Kharkiv oblast's ground can be tinted."""
    from conflictmap.control.daily import entry_states, territory_by_day
    from conflictmap.control.figures import regions_of

    events = _retaken_and_taken()
    region = region_polygon("Kharkiv,Kursk")
    regions = regions_of(Extent(("Kharkiv", "Kursk"), "Kharkiv and Kursk", region))
    days = territory_by_day(Timeline(events), ["2022-08-01", "2022-09-08"], region, "2022-08-01", regions)
    last = days["days"]["2022-09-08"]
    shapes = np.array([decoded_shape(shape) for shape in days["cells"][days["entries"][last]["t"]]])
    tinted = [was == "R" and now == "U" for was, now in zip(days["since"][0], entry_states(days, last), strict=True)]
    kharkiv = float(shapely.area(to_equal_area(np.array([region_polygon("Kharkiv")])))[0]) / 1e6
    assert float(shapely.area(to_equal_area(shapes[tinted])).sum()) / 1e6 == pytest.approx(kharkiv, rel=0.002)
    assert days["stats"][last][3] == pytest.approx(kharkiv, rel=0.002)  # retaken km²: Kharkiv's alone
    assert days["stats"][last][4] > 0  # Ukraine holds Sudzha's ground, counted apart
    assert len(days["russia"][0]) == 1  # Sudzha's shape: never drawn as Russia's while Russia holds it


def test_a_cell_seen_before_is_not_intersected_again(monkeypatch):
    from conflictmap.control import territory

    region = shapely.box(0, 0, 10, 10)
    key = shapely.to_wkb(region) + b"test"
    cells = np.array([shapely.box(-1, -1, 1, 1), shapely.box(9, 9, 11, 11)])
    first = territory._intersections(cells, region, np.zeros(2, int), key)
    assert shapely.area(first).tolist() == [1.0, 1.0]
    computed = []
    intersection = shapely.intersection
    monkeypatch.setattr(territory.shapely, "intersection", lambda a, b: computed.append(len(a)) or intersection(a, b))
    moved = np.array([cells[0], shapely.box(8, 8, 11, 11)])  # the next day's: one cell the same, one changed
    again = territory._intersections(moved, region, np.zeros(2, int), key)
    assert computed == [1] and shapely.area(again).tolist() == [1.0, 4.0]
