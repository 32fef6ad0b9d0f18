"""The rendered map in headless Chromium, with every network request blocked."""

import shutil
from pathlib import Path

import pytest

from conflictmap.dataset import open_events
from conflictmap.render.page import render_map
from tests.helpers import REPO, make_feature, placed_events, write_events

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
    pytest.mark.slow,
]
sync_api = pytest.importorskip("playwright.sync_api")

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "</script><script>alert(3)</script>",
    '"><svg onload=alert(4)>',
    "'><iframe src=javascript:alert(5)>",
    "${alert(6)}",
    "`${alert(7)}`",
    "{{constructor.constructor('alert(8)')()}}",
    "<a href=javascript:alert(9)>x</a>",
    "<body onload=alert(10)>",
    "<details open ontoggle=alert(11)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(12)>",
    "\u2028alert(13)\u2029",
    "<!--<img src=x onerror=alert(14)>-->",
    "<style>@import 'javascript:alert(15)'</style>",
    "&lt;img src=x onerror=alert(16)&gt;",
    "\u003cimg src=x onerror=alert(17)\u003e",
    "<input autofocus onfocus=alert(18)>",
    "<marquee onstart=alert(19)>",
    "<object data=javascript:alert(20)>",
    "javascript:alert(21)",
    "<video><source onerror=alert(22)>",
]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield browser
        browser.close()


def open_map(browser, html: Path, viewport: tuple[int, int] = (1280, 720), day: str = ""):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors, dialogs, requests = [], [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def route(r):
        requests.append(r.request.url)
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.goto(html.resolve().as_uri() + day)
    page.wait_for_function("() => Object.values(window).some(v => v && v.cmSettlements)")
    page.evaluate("() => { window.cmMap = Object.values(window).find(v => v && v.cmSettlements); }")
    return page, errors, dialogs, requests


@pytest.fixture(scope="module")
def bundled_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("maps") / "kharkiv.html"
    return render_map(open_events(REPO / "data" / "events"), out, title="Kharkiv")


def test_map_loads_offline_without_errors(browser, bundled_map):
    page, errors, dialogs, requests = open_map(browser, bundled_map)
    assert errors == [] and dialogs == []
    # only the optional basemap tiles reach for the network
    assert all("tile.openstreetmap.org" in url for url in requests if not url.startswith(("file:", "data:")))
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".cm-legend").count() == 1 and page.locator(".cm-search input").count() == 1
    page.close()


def test_one_marker_per_settlement(browser, bundled_map):
    from conflictmap.control.territory import control_changes
    from conflictmap.events.frame import load_events

    expected = control_changes(load_events(REPO / "data" / "events"))["place_key"].nunique()
    page, *_ = open_map(browser, bundled_map)
    assert page.evaluate("() => cmMap.cmSettlements.count") == expected
    page.close()


def test_popup_shows_source_links(browser, bundled_map):
    page, *_ = open_map(browser, bundled_map)
    page.evaluate("() => cmMap.cmSettlements.open(cmMap.cmSettlements.find('Izium'))")
    popup = page.locator(".cm-popup")
    assert popup.locator("h4").inner_text() == "Izium"
    hrefs = popup.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert (
        "https://kyivindependent.com/uncategorized/donetsk-proxy-confirms-russian-retreat-from-izium-kharkiv-oblast"
        in hrefs
    )
    assert all(h.startswith("https://") for h in hrefs)
    page.close()


def test_slider_changes_colours_and_front_line(browser, bundled_map):
    page, *_ = open_map(browser, bundled_map)
    colour = "() => cmMap.cmSettlements.fill(cmMap.cmSettlements.find('Izium'))"
    # the opening day (11 Sep, from the file's metadata): a report of the 10th says Ukrainian,
    # which sets aside the map snapshot of the 11th that marks Izium's status unknown
    assert page.locator(".cm-day").inner_text() == "Control on 2022-09-11"
    assert page.evaluate(colour) == "#0057b7"
    slider = page.locator(".cm-slider input[type=range]")
    slider.evaluate("""(s) => {
        const days = JSON.parse(document.querySelector('script[id^="settlement_layer"]').textContent).dates;
        s.value = days.indexOf("2022-09-09");
        s.dispatchEvent(new Event('input'));
    }""")
    assert page.locator(".cm-day").inner_text() == "Control on 2022-09-09"
    assert page.evaluate(colour) == "#d52b1e"  # Izium was still Russian-held
    assert page.evaluate("() => cmMap.cmTerritory.line.getLayers().length") > 0
    page.close()


def test_search_box_flies_to_a_place(browser, bundled_map):
    page, *_ = open_map(browser, bundled_map)
    box = page.locator(".cm-search input")
    box.fill("kupiansk-vuz")
    box.press("Enter")
    assert page.locator(".cm-popup h4").inner_text() == "Kupiansk-Vuzlovyi"
    page.close()


def test_search_tells_namesakes_apart_by_the_oblast_typed_after_a_comma(browser, tmp_path):
    def popivtsi(fid, admin1, lon, lat, date):
        feature = make_feature(fid, place="Popivtsi", place_id=f"test:{admin1}", admin1=admin1, date=date)
        feature["geometry"]["coordinates"] = [lon, lat]
        return feature

    features = [
        popivtsi("sumy", "Sumy", 34.8, 50.9, "2022-09-10"),
        popivtsi("kharkiv-1", "Kharkiv", 36.2, 49.9, "2022-09-08"),  # the longer story
        popivtsi("kharkiv-2", "Kharkiv", 36.2, 49.9, "2022-09-10"),
    ]
    features[1]["properties"].update(control_before="UA", control_after="RU")
    page, errors, *_ = open_map(
        browser, render_map(open_events(write_events(tmp_path / "e.geojson", features)), tmp_path / "m.html")
    )
    box = page.locator(".cm-search input")

    def enter(query):
        box.fill(query)
        box.press("Enter")
        centre = page.evaluate("() => cmMap.getCenter()")
        return round(centre["lng"], 1), page.locator(".cm-suggestions li").all_inner_texts()

    lon, offered = enter("Popivtsi")
    assert lon == 36.2 and offered == ["Popivtsi \u00b7 Kharkiv", "Popivtsi \u00b7 Sumy"]  # the others stay on offer
    assert enter("popivtsi, Sumy")[0] == 34.8
    assert enter("Popivtsi (Sumy oblast)")[0] == 34.8
    assert enter("Popivtsi \u00b7 Kharkiv")[0] == 36.2  # a suggestion's text, as shown
    assert len(page.evaluate("() => cmMap.cmSettlements.namesakes('Popivtsi')")) == 2
    enter("Popivtsi, Kherson")  # none there: said, not guessed
    assert "cm-miss" in box.get_attribute("class")
    assert errors == []
    page.close()


def test_injected_payloads_show_as_text_and_never_run(browser, tmp_path):
    features = []
    for i, payload in enumerate(PAYLOADS):
        feature = make_feature(f"x{i}", place=payload, notes=payload, date="2022-09-10")
        feature["geometry"]["coordinates"] = [36.0 + i * 0.05, 49.5]
        source = feature["properties"]["sources"][0]
        source.update(publisher=payload, title=payload, quote=payload, published="2022-09-11")
        features.append(feature)
    path = write_events(tmp_path / "evil.geojson", features)
    html = render_map(open_events(path), tmp_path / "evil.html", title="</title><script>alert('title')</script>")
    text = html.read_text(encoding="utf-8")
    assert "<img src=x onerror" not in text and "</script><script>alert(3)" not in text
    page, errors, dialogs, _ = open_map(browser, html)
    shown = page.evaluate("""() => Array.from({length: cmMap.cmSettlements.count}, (_, p) => p).map(p => {
        const box = cmMap.cmSettlements.open(p);
        const tags = box.querySelectorAll("img, script, iframe, svg, object, video, details, marquee, input, style");
        const out = {place: box.querySelector("h4").textContent, notes: box.querySelector(".cm-notes").textContent,
                     source: box.querySelector(".cm-sources li").textContent, tags: tags.length};
        cmMap.closePopup();
        return out;
    })""")
    assert [s["place"] for s in shown] == PAYLOADS
    assert [s["notes"] for s in shown] == PAYLOADS
    assert all(s["tags"] == 0 for s in shown)
    assert all(payload in s["source"] for s, payload in zip(shown, PAYLOADS, strict=True))
    page.wait_for_timeout(300)
    assert dialogs == [] and errors == []
    assert page.locator(".cm-title").text_content() == "</title><script>alert('title')</script>"
    page.close()


def test_non_http_links_never_become_links(browser, tmp_path):
    feature = make_feature("a")
    # validate refuses such files; a hand-built page must still not link them
    from conflictmap.events.frame import events_frame
    from conflictmap.render.page import build_map

    frame = events_frame([feature])
    frame.at[0, "sources"] = '[{"publisher": "P", "url": "javascript:alert(1)", "published": "2022-09-09"}]'
    html = tmp_path / "m.html"
    html.write_text(build_map(frame).get_root().render(), encoding="utf-8")
    page, errors, dialogs, _ = open_map(browser, html)
    page.evaluate("() => cmMap.cmSettlements.open(0)")
    assert page.locator(".cm-popup a").count() == 0
    assert "P" in page.locator(".cm-sources").inner_text()
    assert dialogs == [] and errors == []
    page.close()


def test_source_switch_recolours_and_swaps_the_areas(browser, bundled_map):
    page, errors, *_ = open_map(browser, bundled_map)
    colour = "() => cmMap.cmSettlements.fill(cmMap.cmSettlements.find('Izium'))"
    figures = page.locator(".cm-figures")
    with_reports = figures.inner_text()
    assert "Retaken since 2022-09-05" in with_reports
    page.get_by_role("checkbox", name="reports (62)").uncheck()
    assert page.evaluate(colour) == "#8c8c8c"  # the map layer alone: status unknown on the 11th
    assert page.evaluate("() => cmMap.cmTerritory.state.variant") == "maps"
    assert figures.inner_text() != with_reports
    page.get_by_role("checkbox", name="maps (2,515)").uncheck()  # nothing left: no areas, one line of text
    assert page.evaluate("() => cmMap.cmTerritory.areas.getLayers().length") == 0
    assert "No control areas" in figures.inner_text()
    page.get_by_role("checkbox", name="reports (62)").check()
    assert page.evaluate("() => cmMap.cmTerritory.state.variant") == "reports"
    assert page.evaluate("() => cmMap.cmTerritory.areas.getLayers().length") > 0
    assert errors == []
    page.close()


def test_retaken_ground_is_drawn_and_measured_as_stats_does(browser, bundled_map):
    import datetime as dt

    from conflictmap.control.territory import territory_stats
    from conflictmap.events.frame import load_events
    from conflictmap.places.boundaries import region_polygon

    stats = territory_stats(
        load_events(REPO / "data" / "events"), dt.date(2022, 9, 11), dt.date(2022, 9, 5), region_polygon("Kharkiv")
    )
    page, *_ = open_map(browser, bundled_map)
    assert page.evaluate("() => cmMap.cmTerritory.retaken.getLayers().length") > 0
    km2 = page.locator(".cm-figures").inner_text().split("Retaken since 2022-09-05: ")[1].split(" km")[0]
    assert int(km2.replace(",", "")) == round(stats["recaptured_km2"]) > 3_000
    assert page.locator(".cm-chart polygon").count() == 3
    page.close()


def test_recapture_rings_count_returns_through_unknown_days(browser, bundled_map):
    import datetime as dt

    from conflictmap.control.territory import territory_stats
    from conflictmap.events.frame import load_events
    from conflictmap.places.boundaries import region_polygon

    stats = territory_stats(
        load_events(REPO / "data" / "events"), dt.date(2022, 10, 3), dt.date(2022, 9, 5), region_polygon("Kharkiv")
    )
    page, *_ = open_map(browser, bundled_map)
    rings = page.evaluate("""() => {
        cmMap.cmSettlements.show("2022-10-03");
        return cmMap.cmSettlements.recaptured();
    }""")
    # every place Russian-held on 5 Sep and Ukrainian on 3 Oct wears a ring (most went through
    # contested or unknown days), and so do those retaken earlier in the year
    assert rings >= stats["recaptured_settlements"] > 300
    page.close()


@pytest.mark.parametrize("viewport", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_readers_controls_on_a_phone_and_a_laptop(browser, bundled_map, viewport):
    page, errors, dialogs, _ = open_map(browser, bundled_map, viewport, "#2022-09-10")
    assert page.locator(".cm-day").inner_text() == "Control on 2022-09-10"  # the day in the address
    slider = page.locator(".cm-slider input[type=range]")
    box = slider.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport[0] and box["y"] + box["height"] <= viewport[1]
    at_centre = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y) === document.querySelector('.cm-slider input[type=range]')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert at_centre  # nothing covers the slider
    legend = page.locator(".cm-legend")
    folded = viewport[0] < 600
    assert ("cm-collapsed" in legend.get_attribute("class")) == folded  # folded at first on a phone only
    assert page.locator(".leaflet-control-layers.cm-collapsed").count() == int(folded)
    toggle = legend.locator(".cm-toggle")
    toggle.click()
    assert ("cm-collapsed" in legend.get_attribute("class")) != folded
    assert legend.locator(".cm-legend-row").first.is_visible() == folded  # opened on a phone, closed on a laptop
    toggle.click()
    assert ("cm-collapsed" in legend.get_attribute("class")) == folded
    page.locator(".cm-play").click()  # play: the next day of change comes within a second
    page.wait_for_function(
        "() => document.querySelector('.cm-day').textContent !== 'Control on 2022-09-10'", timeout=3000
    )
    page.locator(".cm-play").click()  # pause
    day = page.locator(".cm-day").inner_text()
    assert page.evaluate("() => location.hash") == "#" + day.split()[-1]  # the address follows the day
    page.locator("body").press("ArrowLeft")
    assert page.locator(".cm-day").inner_text() != day
    assert errors == [] and dialogs == []
    page.close()


def test_a_maps_own_km2_and_the_monthly_gains_show_in_the_panel(browser, tmp_path):
    import datetime as dt

    from conflictmap.control.measured_areas import SnapshotAreas, areas_path, write_areas

    features = placed_events(
        [
            ("balakliia-1", (36.844, 49.456), "UA", "2022-08-01", "unknown", "RU"),
            ("kupiansk-1", (37.616, 49.710), "UA", "2022-08-01", "unknown", "RU"),
            ("sudzha-1", (35.27, 51.19), "RU", "2022-08-01", "unknown", "RU"),
            ("balakliia-2", (36.844, 49.456), "UA", "2022-09-08", "RU", "UA"),
            ("sudzha-2", (35.27, 51.19), "RU", "2022-09-08", "RU", "UA"),
        ],
        layer="maps",
    )
    path = write_events(tmp_path / "war.geojson", features)
    write_areas(
        areas_path(path),
        [
            SnapshotAreas(
                dt.datetime(2022, 8, 1, 12, tzinfo=dt.UTC),
                dt.date(2022, 8, 1),
                "named",
                "https://example.org/a",
                {"Kharkiv": {"RU": 9_000.0, "contested": 0.0, "unknown": 0.0, "UA": 0.0}},
            ),
            SnapshotAreas(
                dt.datetime(2022, 9, 8, 12, tzinfo=dt.UTC),
                dt.date(2022, 9, 8),
                "named",
                "https://example.org/b",
                {"Kharkiv": {"RU": 4_000.0, "contested": 0.0, "unknown": 0.0, "UA": 0.0}, "Kursk": {"UA": 700.0}},
            ),
        ],
    )
    html = render_map(open_events(path), tmp_path / "war.html", on=dt.date(2022, 9, 8), since=dt.date(2022, 8, 1))
    page, errors, *_ = open_map(browser, html)
    figures = page.locator(".cm-figures").inner_text()
    assert "Held in Ukraine (measured by the map of 2022-09-08)" in figures
    assert "Russia 4,000 km²" in figures and "held by Ukraine in Russia: 700 km²" in figures
    assert page.locator(".cm-bars rect").count() == 1  # September: Ukraine gained 5,000 km²
    assert "5,000 km² in 2022-09" in page.locator(".cm-bars-caption").inner_text()
    rings = page.evaluate("() => cmMap.cmSettlements.recaptured()")
    assert rings == 1  # Balakliia; not Sudzha, which Ukraine takes in Russia, never retakes
    assert errors == []
    page.close()


def test_the_panel_counts_the_settlements_as_stats_does(browser, bundled_map):
    """One place a point: places reported at one point share a cell, and stats counts them once."""
    import datetime as dt

    from conflictmap.control.figures import day_figures

    data = open_events(REPO / "data" / "events")
    page, *_ = open_map(browser, bundled_map)
    for day in ("2022-09-05", "2022-09-12", "2022-10-01"):
        text = page.evaluate(f"""() => {{
            cmMap.cmSettlements.show("{day}");
            return document.querySelector(".cm-counts").textContent;
        }}""")
        held = day_figures(data.events, dt.date.fromisoformat(day), None, data.extent)["settlements"]
        assert text.startswith(f"Ukraine {held['UA']} · Russia {held['RU']} · contested {held['contested']} ·"), text
    page.close()
