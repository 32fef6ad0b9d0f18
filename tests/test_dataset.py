"""Invariants of the bundled dataset (data/events)."""

import pytest

from conflictmap.control.territory import control_changes
from conflictmap.events.checks import check_collections
from conflictmap.events.frame import load_events, sources_of
from conflictmap.events.store import read_collections
from tests.helpers import REPO

EVENTS = REPO / "data" / "events"


def test_no_errors_and_every_event_sourced():
    collections = read_collections(EVENTS)
    problems = check_collections(collections)
    assert [p for p in problems if p.severity == "error"] == []
    for feature in (f for c in collections for f in c.features):
        props = feature["properties"]
        sources = props["sources"]
        assert sources and all(s["url"].startswith(("http://", "https://")) for s in sources)
        if props.get("layer", "reports") == "reports":  # a report quotes its source; a map snapshot has no words
            assert all(s.get("quote") for s in sources), feature["id"]
        else:
            assert props["layer"] == "maps" and all(s["publisher"] == "DeepStateMap" for s in sources)


def test_each_file_holds_one_layer():
    layers = [{f["properties"].get("layer", "reports") for f in c.features} for c in read_collections(EVENTS)]
    assert sorted(map(sorted, layers)) == [["maps"], ["reports"]]


def test_each_settlements_chain_of_control_is_consistent_within_each_layer():
    changes = control_changes(load_events(EVENTS))
    for key, chain in changes.groupby(["place_key", "layer"], sort=False):
        befores, afters = chain["control_before"].tolist(), chain["control_after"].tolist()
        assert befores[1:] == afters[:-1], f"{key}: {list(zip(befores, afters, strict=True))}"


def test_map_layer_follows_every_kharkiv_settlement_through_the_offensive():
    frame = load_events(EVENTS)
    maps = frame[frame["layer"] == "maps"]
    assert maps["place_id"].nunique() >= 1_200
    first = maps.groupby("place_id")["date"].min()
    assert (first == first.min()).all() and str(first.min().date()) == "2022-04-03"  # each from the first snapshot
    in_offensive = maps[(maps["date"] >= "2022-09-06") & (maps["date"] <= "2022-10-03")]
    assert len(in_offensive) >= 300


def test_seed_article_events_are_there_and_warned():
    frame = load_events(EVENTS)
    places = set(frame["place"])
    assert {"Balakliia", "Kupiansk", "Izium", "Hrakove"} <= places
    warned = {p.feature for p in check_collections(read_collections(EVENTS)) if p.severity == "warning"}
    london_daily = {
        row.id for row in frame.itertuples() if any(s["publisher"] == "London Daily" for s in sources_of(row.sources))
    }
    assert london_daily and london_daily <= warned


def test_confirmed_events_have_two_sources():
    frame = load_events(EVENTS)
    confirmed = frame[frame["confidence"] == "confirmed"]
    assert all(len(sources_of(text)) >= 2 for text in confirmed["sources"])


WAR = REPO / "data" / "war"
ARCHIVES = (
    "https://github.com/DanielRose2310/deepstatemaps-history/blob/df633a1700680411949934a4345f1af263327377/geojsons/",
    "https://github.com/cyterat/deepstate-map-data/blob/e904719a6726c7e6b5d6e87a7701e1b77b18e554/data/",
)


@pytest.mark.slow
def test_the_whole_war_is_valid_and_each_event_cites_its_snapshot_at_a_pinned_commit():
    collections = read_collections(WAR)
    assert [p for p in check_collections(collections) if p.severity == "error"] == []
    features = [f for c in collections for f in c.features]
    assert len(features) >= 5_000
    for feature in features:
        props = feature["properties"]
        (source,) = props["sources"]
        assert props["layer"] == "maps" and source["publisher"] == "DeepStateMap"
        assert source["url"].startswith(ARCHIVES), feature["id"]
        assert (
            source["url"].rsplit("/", 1)[1].removesuffix(".geojson") in feature["id"]
            or "deepstatemap_data_" in source["url"]
        )


@pytest.mark.slow
def test_the_whole_war_spans_both_archives_and_follows_every_settlement_never_occupied_included():
    frame = load_events(WAR)
    assert str(frame["date"].min().date()) == "2022-04-03" and str(frame["date"].max().date()) >= "2026-08-01"
    places = frame.drop_duplicates("place_id")
    assert len(places) >= 25_000
    away = set(frame.loc[frame["control_after"] != frame["country"], "place_id"])
    never = places[~places["place_id"].isin(away)]
    assert 0 < len(away) < len(never)  # most of the country was never occupied, and it is there too
    assert (places["admin1"] == "Luhansk").sum() >= 850
    assert {"Lviv", "Zakarpattia", "Volyn"} <= set(never["admin1"])
    assert {"Kupiansk", "Kupiansk-Vuzlovyi"} <= set(frame["place"]) and "Kupyansk" not in set(frame["place"])
    assert {"Kharkiv", "Donetsk", "Luhansk", "Zaporizhzhia", "Kherson", "Crimea", "Kursk"} <= set(frame["admin1"])
    assert {"Pokrovsk", "Bakhmut", "Sudzha"} <= set(frame["place"])
