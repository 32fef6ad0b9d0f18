"""The rendered HTML, read as text (the browser tests open it in Chromium)."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from conflictmap.dataset import open_events
from conflictmap.errors import EventFileError
from conflictmap.events.frame import events_frame
from conflictmap.render._html import script_json
from conflictmap.render.assets import leaflet_js
from conflictmap.render.page import build_map, render_map
from tests.helpers import make_feature, write_events


def test_script_json_cannot_end_a_script_or_run_a_template():
    text = script_json({"a": "</script><b>&{{ x }}{% y %}{# z #}\u2028"})
    assert "</script>" not in text and "<b>" not in text
    assert "{{" not in text and "{%" not in text and "{#" not in text
    assert json.loads(text) == {"a": "</script><b>&{{ x }}{% y %}{# z #}\u2028"}


def test_template_syntax_in_event_text_is_kept_as_text(tmp_path):
    feature = make_feature("a", place="{{ 7*7 }} {% if 1 %}x{% endif %}", notes="{# hidden #}")
    html = render_map(open_events(write_events(tmp_path / "e.geojson", [feature])), tmp_path / "m.html").read_text()
    data = _settlements(html)
    texts, changes = data["texts"], data["changes"]
    assert texts[data["places"]["name"][0]] == "{{ 7*7 }} {% if 1 %}x{% endif %}"
    assert texts[changes["notes"][0]] == "{# hidden #}"
    assert "49 " not in re.sub(r"_[0-9a-f]+\b", "", html)  # 7*7 never evaluated (ids are hex numbers)


def test_same_events_render_to_the_same_file(tmp_path):
    events = write_events(tmp_path / "e.geojson", [make_feature("a"), make_feature("b", place="Izium")])
    first = render_map(open_events(events), tmp_path / "one" / "m.html").read_bytes()
    second = render_map(open_events(events), tmp_path / "two" / "m.html").read_bytes()
    assert first == second
    names = re.findall(r"\bvar (\w+_[0-9a-f]+) =", first.decode())
    assert names and len(names) == len(set(names))  # ids stay unique within the page


def test_offline_by_default_cdn_on_request():
    frame = events_frame([make_feature("a")])
    offline = build_map(frame).get_root().render()
    assert "<script src=" not in offline.split("</head>")[0].replace('<script src="data:', "")
    assert f"<script>{leaflet_js()}</script>" in offline.split("</head>")[0]  # the whole library, inlined
    cdn = build_map(frame, cdn=True).get_root().render()
    assert 'src="https://unpkg.com/leaflet@1.9.4/dist/leaflet.js"' in cdn
    assert len(cdn) < len(offline) / 2


def test_an_admin1_no_one_knows_leaves_the_region_to_the_points(tmp_path):
    data = open_events(write_events(tmp_path / "e.geojson", [make_feature("a", admin1="Narnia")]))
    assert data.extent.names == ("Kharkiv",)  # the oblast that holds the point
    html = render_map(data, tmp_path / "m.html").read_text()
    assert "Narnia" not in html.split('id="settlement_layer')[0]  # not in the title nor the outline's name


def test_failed_render_writes_nothing(tmp_path):
    out = tmp_path / "m.html"
    bad = write_events(tmp_path / "e.geojson", [make_feature("a", date="2022-02-30")])
    with pytest.raises(EventFileError, match="date"):
        render_map(open_events(bad), out)
    assert not out.exists() and list(tmp_path.glob(".m.html*")) == []


def test_every_place_is_drawn_as_itself_with_its_sources_in_shared_tables():
    """Places as columns of numbers; each change points into tables of texts and sources, each
    distinct text and source once; nothing is dropped, however many places."""
    features = [make_feature(f"e{i}", place=f"P{i}", place_id=f"geonames:{i}", notes="same note") for i in range(60)]
    for i, f in enumerate(features):
        f["geometry"]["coordinates"] = [36.0 + (i % 10) * 0.03, 49.3 + (i // 10) * 0.03]
        f["properties"]["sources"][0]["url"] = f"https://example.org/{i % 3}"
    other = make_feature("e60", place="P0 as a report spells it", place_id="geonames:0", notes="same note")
    other["geometry"]["coordinates"] = features[0]["geometry"]["coordinates"]
    other["properties"]["sources"][0]["url"] = "https://example.org/0"
    data = _settlements(build_map(events_frame([*features, other])).get_root().render())
    texts, places, changes = data["texts"], data["places"], data["changes"]
    assert len(places["name"]) == 60 and len(changes["place"]) == 61
    (spelt,) = changes["spelling"].values()  # only the change not spelt as its place is named
    assert {texts[spelt], texts[places["name"][0]]} == {"P0", "P0 as a report spells it"}
    assert (places["lon"][0], places["lat"][0]) == (3_600_000, 4_930_000)  # whole 1e-5 degrees
    assert texts.count("same note") == 1 and {texts[n] for n in changes["notes"]} == {"same note"}
    cited = data["citations"]
    assert len(data["sources"]) == 3 and cited["counts"] == [1, 1, 1]  # three distinct URLs, each once
    starts = np.cumsum([0, *cited["counts"]])
    rows = [data["sources"][k] for c in changes["cites"] for k in cited["sources"][starts[c] : starts[c + 1]]]
    assert len(rows) == 61
    assert {texts[row[3]] + texts[row[4]] for row in rows} == {f"https://example.org/{k}" for k in range(3)}
    assert texts.count("https://example.org/") == 1  # the URLs' folder, once
    before, after, *_ = data["kinds"][changes["kind"][0]]
    assert [data["states"][before], data["states"][after]] == [
        features[0]["properties"][f"control_{when}"] for when in ("before", "after")
    ]


def _settlements(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/json" id="settlement_layer[^>]*>(.*?)</script>', html, re.S).group(1)
    )


def test_beyond_the_area_limit_the_areas_come_from_grid_cells_and_every_place_stays(monkeypatch):
    features = [make_feature(f"e{i}", place=f"P{i}", place_id=f"geonames:{i}") for i in range(60)]
    for i, f in enumerate(features):
        f["geometry"]["coordinates"] = [36.0 + (i % 10) * 0.03, 49.3 + (i // 10) * 0.03]
    monkeypatch.setattr("conflictmap.settings.AREA_MAX_PLACES", 50)
    monkeypatch.setattr("conflictmap.settings.AREA_GRID_CELLS", 10)
    html = build_map(events_frame(features)).get_root().render()
    assert len(_settlements(html)["places"]["name"]) == 60  # every place drawn as itself
    assert "60 places: the shaded areas and their km² come from grid cells of 0.16°" in html
    territory = json.loads(
        re.search(r'<script type="application/json" id="territory_layer[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    (variant,) = territory["variants"].values()
    assert 0 < len(variant["cells"][0]) <= 10  # the areas: at most 10 grid cells


def test_sources_are_read_as_a_popup_shows_them_whatever_else_they_carry():
    from conflictmap.render.settlements import _cited_sources

    lists = [
        json.dumps([{"publisher": "P", "url": "https://a.org/x/1", "published": "2022-09-10", "quote": "q"}]),
        json.dumps(
            [
                {"publisher": "Q", "title": "T", "url": "https://b.org/", "published": "2022-09-11"},
                {"publisher": "R", "url": "x", "published": "2022-09-12", "archive_url": {"deep": [1]}},
            ]
        ),
    ]
    counts, columns = _cited_sources(pd.array(lists, dtype=object))
    assert counts.tolist() == [1, 2]
    assert [c.to_pylist() for c in columns] == [
        ["P", "Q", "R"],
        [None, "T", None],
        ["2022-09-10", "2022-09-11", "2022-09-12"],
        ["https://a.org/x/", "https://b.org/", ""],  # the URL's folder, kept once in the texts
        ["1", "", "x"],
    ]
    assert _cited_sources(pd.array([], dtype=object))[0].tolist() == []
