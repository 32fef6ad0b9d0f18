import datetime as dt
import sys

import pytest

from conflictmap import _parallel
from conflictmap.events.checks import check_collections
from conflictmap.events.store import EventCollection
from tests.helpers import REPO, add_args, invoke, make_feature, write_events


def problems_for(*features, today=dt.date(2026, 1, 1)):
    found = check_collections([EventCollection(REPO / "x.geojson", list(features))], today=today)
    return [(p.feature, p.field, p.severity, p.message) for p in found]


def test_clean_event_has_no_problems():
    assert problems_for(make_feature()) == []


def test_every_schema_error_is_listed():
    found = problems_for(make_feature("a", date="2022-02-30", confidence="sure"))
    assert {(f, s) for _, f, s, _ in found} == {("date", "error"), ("confidence", "error")}


def test_duplicate_ids():
    found = problems_for(make_feature("a"), make_feature("a"))
    assert [(f, field) for f, field, *_ in found] == [("a", "id")]


def test_swapped_coordinates_inside_range():
    feature = make_feature("a")
    feature["geometry"]["coordinates"] = [49.45595, 36.84433]
    (problem,) = problems_for(feature)
    assert problem[1] == "geometry.coordinates" and "swap" in problem[3]


def test_swapped_coordinates_of_an_event_without_a_country():
    feature = make_feature("a", country=None)
    feature["geometry"]["coordinates"] = [48.335, 37.05]
    (problem,) = problems_for(feature)
    assert problem[1:3] == ("geometry.coordinates", "error") and "every country known" in problem[3]


@pytest.mark.parametrize(
    "admin1",
    [
        "Kharkiv",
        "Kharkov",
        "Kharkiv Oblast",
        "Харківська область",
        "Kyiv City",
        "Autonomous Republic of Crimea",
        "Kursk",
    ],
)
def test_an_oblast_by_any_spelling_is_known(admin1):
    for country in ("UA", None):  # the point (Balakliia's) is another matter: only the name counts here
        problems = problems_for(make_feature("a", admin1=admin1, country=country))
        assert [p for p in problems if p[1] == "admin1"] == []


def test_an_oblast_no_one_knows_is_an_error_with_a_suggestion():
    assert problems_for(make_feature("a", admin1="Donesk", country=None)) == [
        ("a", "admin1", "error", "'Donesk' is no oblast of Ukraine nor a Russian border oblast: did you mean Donetsk?")
    ]
    assert problems_for(make_feature("a", admin1="Voronezh", country="RU")) == []  # other countries' regions: not ours


def test_future_date():
    (problem,) = problems_for(
        make_feature(
            "a", date="2026-06-01", sources=[{"publisher": "P", "url": "https://e.org", "published": "2026-06-01"}]
        )
    )
    assert problem[1] == "date" and "future" in problem[3]


def test_control_must_change():
    (problem,) = problems_for(make_feature("a", control_before="UA", control_after="UA"))
    assert problem[1] == "control_after" and problem[2] == "error"


def test_source_published_before_event_is_an_error():
    feature = make_feature("a")
    feature["properties"]["sources"][0]["published"] = "2022-09-01"
    (problem,) = problems_for(feature)
    assert problem[1:3] == ("sources[0].published", "error")


def test_week_precision_allows_an_earlier_report():
    feature = make_feature("a", date_precision="week")
    feature["properties"]["sources"][0]["published"] = "2022-09-03"
    assert problems_for(feature) == []


def test_recycled_story_is_a_warning():
    feature = make_feature("a")
    feature["properties"]["sources"].append(
        {"publisher": "London Daily", "url": "https://londondaily.com/x", "published": "2025-06-01"}
    )
    (problem,) = problems_for(feature)
    assert problem[1:3] == ("sources[1].published", "warning")
    assert "recycled" in problem[3]


def test_blocks_checked_by_several_processes_give_the_same_problems_in_the_same_order(tmp_path, monkeypatch, forks):
    from conflictmap.events import checks
    from conflictmap.events.store import read_collection
    from tests.helpers import write_events

    monkeypatch.setattr(checks, "BLOCK", 2)  # five blocks of two features or fewer
    swapped = make_feature("d")
    swapped["geometry"]["coordinates"] = [49.45595, 36.84433]
    write_events(
        tmp_path / "a.geojson",
        [
            make_feature("a"),
            make_feature("b", date="2022-02-30"),
            make_feature("a", place="Izium"),
            swapped,
        ],
    )
    write_events(
        tmp_path / "b.geojson",
        [
            make_feature("e", control_before="UA", control_after="UA"),
            make_feature("d"),
            make_feature("f"),
            make_feature("g", layer="maps"),
            make_feature("h", date="2026-06-01"),
        ],
    )
    collections = [read_collection(tmp_path / f"{name}.geojson", lazy=True) for name in "ab"]
    alone = check_collections(collections, today=dt.date(2026, 1, 1), workers=1)
    together = check_collections(collections, today=dt.date(2026, 1, 1), workers=3)
    assert forks == ["fork"]  # checked by other processes
    assert together == alone
    assert [(p.feature, p.field) for p in alone][:6] == [
        ("b", "date"),
        ("a", "id"),
        ("d", "geometry.coordinates"),
        ("e", "control_after"),
        ("d", "id"),
        ("h", "date"),
    ]


@pytest.mark.parametrize("valid", [True, False], ids=["in runs", "an invalid feature: read whole"])
def test_files_checked_in_runs_give_the_problems_of_one_process(tmp_path, monkeypatch, forks, valid):
    from conflictmap.events import checks, store
    from conflictmap.events.store import read_collection
    from tests.helpers import write_events

    monkeypatch.setattr(store, "RUN_BYTES", 1)  # a run per feature
    swapped = make_feature("d")
    swapped["geometry"]["coordinates"] = [49.45595, 36.84433]
    one = write_events(
        tmp_path / "a.geojson",
        [
            make_feature("a"),
            make_feature("b", date="2022-09-09"),
            make_feature("a", place="Izium"),
            swapped,
            *([] if valid else [make_feature("x", date="2022-02-30")]),
        ],
    )
    two = write_events(
        tmp_path / "b.geojson",
        [
            make_feature("e", control_before="UA", control_after="UA"),
            make_feature("d"),
            make_feature("g", layer="maps"),
        ],
    )
    today = dt.date(2026, 1, 1)
    assert (store.map_runs(one, checks._check_run, (str(one), today)) is not None) == valid
    problems, events, unreadable = checks.check_files([one, two], today=today)
    assert forks[-1:] == (["fork"] if _parallel.cores() > 1 and sys.platform == "linux" else [])
    collections = [read_collection(path, lazy=True) for path in (one, two)]
    assert problems == check_collections(collections, today=today, workers=1)
    assert {(p.feature, p.field) for p in problems} >= {("a", "id"), ("d", "geometry.coordinates"), ("d", "id")}
    assert (events, unreadable) == (len(collections[0].features) + 3, [])


@pytest.mark.parametrize(
    "command",
    [
        ["render", "--out", "{out}.html", "--events", "{file}"],
        ["export", "{file}", "--out", "{out}.csv"],
        ["frontline", "--date", "2022-09-10", "--out", "{out}.geojson", "--events", "{file}"],
        ["stats", "--date", "2022-09-10", "--events", "{file}"],
        ["image", "--out", "{out}.png", "--events", "{file}"],
    ],
    ids=lambda c: c[0],
)
def test_commands_refuse_what_validate_refuses_unless_forced(tmp_path, runner, command):
    file = write_events(tmp_path / "e.geojson", [make_feature("a"), make_feature("b", admin1="Donesk")])
    args = [a.format(file=file, out=tmp_path / "out") for a in command]
    result = invoke(runner, *args)
    assert result.exit_code == 2 and result.stderr.count("Error:") == 1
    assert "b: admin1: error: 'Donesk' is no oblast" in result.stderr and "--force" in result.stderr
    assert list(tmp_path.glob("out*")) == []  # nothing written
    forced = invoke(runner, *args, "--force")
    assert forced.exit_code == 0, forced.output
    assert "going on with 1 error that validate finds (--force)" in forced.stderr


def test_a_point_outside_the_oblast_its_admin1_names_is_an_error_and_add_refuses_it(tmp_path, runner):
    from conflictmap.events.checks import outside_oblast

    assert outside_oblast("Kharkiv", 36.84, 49.46) is None  # Balakliia
    assert outside_oblast("Kharkivska oblast", 36.84, 49.46) is None
    assert "outside Donetsk oblast" in outside_oblast("Donetsk", 36.84, 49.46)
    assert outside_oblast("Kyiv", 30.52, 50.45) is None  # the city, which "Kyiv" may name too
    assert outside_oblast("Kursk", 35.27, 51.19) is None  # Sudzha, in a Russian border oblast
    path = write_events(tmp_path / "e.geojson", [make_feature("a", admin1="Donetsk")])
    result = invoke(runner, "validate", str(path))
    assert (
        result.exit_code == 1
        and "a: geometry.coordinates: error: [36.84433, 49.45595] lies outside Donetsk" in result.stderr
    )
    before = path.read_bytes()
    args = add_args(
        path, place="Balakliia", date="2022-09-08", source_published="2022-09-09", lat="49.456", lon="36.844"
    )
    add = invoke(runner, *args, "--admin1", "Donetsk")
    assert add.exit_code == 2 and "lies outside Donetsk oblast" in add.stderr and "nothing written" in add.stderr
    assert path.read_bytes() == before
