"""A place's story (`where`) and `list --place`, found as the geocoder finds names."""

from __future__ import annotations

import json

from tests.helpers import invoke


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
