"""Layers of sources: the state rule across layers, and where layers disagree."""

from __future__ import annotations

import datetime as dt

from conflictmap.control.territory import Timeline
from conflictmap.events.checks import check_collections
from conflictmap.events.frame import load_events
from conflictmap.events.source_layers import Change, compare_layers
from conflictmap.events.store import read_collections
from tests.helpers import make_feature, write_events

MAP_SOURCE = {"publisher": "DeepStateMap", "url": "https://example.org/snap", "published": "2022-09-01"}


def map_event(fid: str, date: str, before: str, after: str, precision: str = "day") -> dict:
    return make_feature(
        fid,
        date=date,
        control_before=before,
        control_after=after,
        date_precision=precision,
        layer="maps",
        sources=[{**MAP_SOURCE, "published": date}],
    )


def change(layer: str, day: int, before: str, after: str, precision: int = 0, place: str = "id:x") -> Change:
    return Change(
        "f", f"{layer}-{day}", "X", place, layer, dt.date(2022, 9, day), precision, before, after, f"{layer} src"
    )


def test_latest_change_wins_but_a_report_speaks_for_its_days(tmp_path):
    path = write_events(
        tmp_path / "e.geojson",
        [
            map_event("m1", "2022-09-01", "unknown", "RU"),
            map_event("m2", "2022-09-10", "RU", "contested"),  # the map says contested on the 10th ...
            make_feature("r1", date="2022-09-10", control_before="RU", control_after="UA"),  # ... a report says retaken
            map_event("m3", "2022-09-12", "contested", "RU"),  # within the report's day + 2: set aside
            map_event("m4", "2022-09-13", "RU", "UA"),
            map_event("m5", "2022-09-14", "UA", "RU"),  # after the report's days: the latest change wins
        ],
    )
    timeline = Timeline(load_events(path))
    state = {day: timeline.on(dt.date(2022, 9, day))["control"].item() for day in (5, 10, 11, 12, 13, 14)}
    assert state == {5: "RU", 10: "UA", 11: "UA", 12: "UA", 13: "UA", 14: "RU"}
    outranked = dict(zip(timeline.changes["id"], timeline.outranked, strict=True))
    assert {i for i, bits in outranked.items() if bits} == {"m2", "m3"}  # the same day and two after


def test_a_week_precision_report_holds_for_nine_days(tmp_path):
    path = write_events(
        tmp_path / "e.geojson",
        [
            map_event("m1", "2022-09-01", "unknown", "RU"),
            make_feature("r1", date="2022-09-10", date_precision="week", control_before="RU", control_after="UA"),
            map_event("m2", "2022-09-19", "RU", "contested"),  # 9 days on: still the report's
            map_event("m3", "2022-09-20", "contested", "RU"),
        ],
    )
    timeline = Timeline(load_events(path))
    assert [timeline.on(dt.date(2022, 9, d))["control"].item() for d in (19, 20)] == ["UA", "RU"]


def test_layers_agree_within_both_precisions_plus_two_days():
    maps = [change("maps", 1, "unknown", "RU", 31), change("maps", 10, "RU", "UA")]
    (close,) = compare_layers(maps + [change("reports", 8, "RU", "UA")])  # two days early: agrees
    assert close.agrees and close.days_apart == 2
    (far,) = compare_layers(maps + [change("reports", 7, "RU", "UA")])  # three days early: does not
    assert not far.agrees and far.shown == ("RU",) and far.days_apart == 3
    (loose,) = compare_layers(maps + [change("reports", 5, "RU", "UA", precision=7)])  # a week's precision: agrees
    assert loose.agrees


def test_contradiction_and_places_the_map_does_not_cover():
    maps = [change("maps", 1, "unknown", "UA", 31)]
    comparisons = compare_layers(
        maps + [change("reports", 8, "UA", "RU"), change("reports", 8, "UA", "RU", place="id:y")]
    )
    (only,) = comparisons  # id:y has no map changes: nothing to compare
    assert not only.agrees and only.nearest is None
    assert "never RU" in only.message() and "maps src" in only.message() and "reports src" in only.message()


def test_validate_warns_naming_both_sources(tmp_path):
    write_events(
        tmp_path / "map.geojson",
        [map_event("m1", "2022-09-01", "unknown", "RU"), map_event("m2", "2022-09-20", "RU", "UA")],
    )
    write_events(
        tmp_path / "news.geojson", [make_feature("r1", date="2022-09-08", control_before="RU", control_after="UA")]
    )
    problems = [p for p in check_collections(read_collections(tmp_path)) if p.feature == "r1"]
    (warning,) = problems
    assert warning.severity == "warning" and warning.field == "control_after"
    assert "Example News <https://example.org/balakliia>" in warning.message
    assert "DeepStateMap <https://example.org/snap>" in warning.message and "+12 days" in warning.message


def test_validate_and_the_timeline_key_a_place_without_an_id_alike(tmp_path):
    from conflictmap.control.territory import control_changes
    from conflictmap.events.codec import parse_event

    features = []
    for n, (lon, lat) in enumerate([(36.0005, 49.4995), (36.8445, 49.4565), (37.6175, 49.7105)]):
        feature = make_feature(f"e{n}", place_id=None)
        feature["geometry"]["coordinates"] = [lon, lat]  # halfway points, where two roundings could part
        features.append(feature)
    path = write_events(tmp_path / "e.geojson", features)
    frame_keys = control_changes(load_events(path))["place_key"].tolist()
    check_keys = [Change.of(parse_event(f), str(path)).place_key for f in features]
    assert frame_keys == check_keys
