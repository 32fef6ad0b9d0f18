"""A place's story (`where`) and `list --place`, found as the geocoder finds names."""

from __future__ import annotations

import json

from tests.helpers import REPO, invoke


def test_where_tells_a_places_state_since_when_and_who_says_so(runner):
    latin = json.loads(invoke(runner, "where", "Kupiansk", "--date", "2022-09-12", "--json").stdout)
    cyrillic = json.loads(invoke(runner, "where", "Купʼянськ", "--date", "2022-09-12", "--json").stdout)
    assert latin["place"]["place_id"] == cyrillic["place"]["place_id"] == "geonames:703656"
    assert (latin["state"], latin["date"]) == ("UA", "2022-09-12") and latin["since"] <= "2022-09-12"
    assert latin["changes"] == cyrillic["changes"] and len(latin["changes"]) >= 2
    assert all(s["url"].startswith("https://") for change in latin["changes"] for s in change["sources"])
    assert {c["layer"] for c in latin["changes"]} == {"maps", "reports"}
    before = json.loads(invoke(runner, "where", "Kupiansk", "--date", "2022-09-01", "--json").stdout)
    assert before["state"] == "RU"
    text = invoke(runner, "where", "Kupyansk", "--date", "2022-09-12").stdout
    assert text.startswith("Kupiansk (Kharkiv, UA)") and "held by Ukraine since" in text


def test_where_lists_the_places_a_name_shares_and_region_chooses(runner):
    result = invoke(runner, "where", "Balakliia")
    assert result.exit_code == 2 and result.stderr.count("Error:") == 1
    assert "geonames:712926" in result.stderr and "geonames:712925" in result.stderr and "--region" in result.stderr
    chosen = json.loads(invoke(runner, "where", "Balakliia", "--region", "Kharkiv", "--json").stdout)
    assert chosen["place"]["admin1"] == "Kharkiv" and chosen["changes"]


def test_list_place_finds_any_spelling_and_keeps_text_for_the_rest(runner):
    counts = {}
    for name in ("Kupiansk", "Купʼянськ", "Kupyansk", "kup"):
        counts[name] = int(invoke(runner, "list", "--place", name).stdout.strip().splitlines()[-1].split()[0])
    assert counts["Kupiansk"] == counts["Купʼянськ"] == counts["Kupyansk"] > 0
    assert counts["kup"] > counts["Kupiansk"]  # not a place's name: the names containing it (Kupiansk-Vuzlovyi too)


def test_a_piped_list_cuts_nothing(runner):
    out = invoke(runner, "list", "--place", "Kupiansk").stdout  # the runner's output is no terminal
    assert "2022-09-10" in out and "…" not in out


def test_stats_places_lists_the_places_that_changed_hands_as_counted(runner):
    args = ["stats", "--date", "2022-09-12", "--since", "2022-09-05"]
    figures = json.loads(invoke(runner, *args, "--places", "--json").stdout)
    moved = figures["changed_hands"]
    assert sum(p["from"] == "RU" and p["to"] == "UA" for p in moved) == figures["recaptured_settlements"] > 100
    assert all("2022-09-05" < p["date"] <= "2022-09-12" and p["from"] != p["to"] for p in moved)
    assert {"place", "place_key", "lon", "lat"} <= set(moved[0])
    text = invoke(runner, *args, "--places").stdout
    assert f"changed hands since 2022-09-05: {len(moved):,} places" in text and moved[0]["place_key"] in text
    result = invoke(runner, "stats", "--date", "2022-09-12", "--places")
    assert result.exit_code == 2 and "give both" in result.stderr


def test_export_panel_gives_each_places_state_per_period(tmp_path, runner):
    import datetime as dt

    import pandas as pd

    import conflictmap as cm

    out = tmp_path / "panel.csv"
    result = invoke(runner, "export", "--panel", "week", "--out", str(out))
    assert result.exit_code == 0, result.output
    panel = pd.read_csv(out)
    assert list(panel.columns) == ["date", "place_key", "place", "state", "lon", "lat"]
    kupiansk = panel[panel["place_key"] == "id:geonames:703656"].set_index("date")["state"]
    assert kupiansk["2022-08-29"] == "RU" and kupiansk["2022-09-12"] == "UA"  # freed on 10 September
    daily = tmp_path / "panel.parquet"
    assert invoke(runner, "export", "--panel", "day", "--out", str(daily)).exit_code == 0
    days = pd.read_parquet(daily)
    on_day = days[days["date"] == dt.date(2022, 9, 12)]
    assert len(on_day) == len(cm.states_on(cm.open_events(REPO / "data" / "events"), dt.date(2022, 9, 12)))
    bad = invoke(runner, "export", "--panel", "day", "--out", str(tmp_path / "panel.kml"))
    assert bad.exit_code == 2 and ".csv or .parquet" in bad.stderr and not (tmp_path / "panel.kml").exists()
