"""What a reader of the whole war's page gets, tried in headless Chromium as a reader would.

Run: python benchmarks/bench_war_readers.py [EVENTS] [PAGE]   (default data/war, maps/ukraine-war.html)

Renders EVENTS to PAGE first unless PAGE exists, then prints:

- popups: 20 places drawn at random (each with no other place within 1.5 km), each clicked with the
  mouse at zoom 13 on the last day: how many popups name the place as its events spell it and link
  a DeepStateMap source, and how many say "place near" (a grid cell's name);
- search: 6 of those places typed into the search box, then Enter: how many the map is taken to,
  by name alone and by name and oblast ("Popivtsi, Sumy"), and how many of the 20 share their name;
- retaken: the share of the map in the retaken colours around Sudzha (Russia) on 11 Sep 2024 at zoom 12;
- markers at the opening view: the share of the screen's pixels that switching the settlements
  layer off changes, at 1400x900 and 390x844; and any script error.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import shapely
from bench_war_page import open_page
from PIL import Image

from conflictmap.control.territory import Timeline
from conflictmap.dataset import open_events

SUDZHA = (51.19, 35.27)
HIDE_CONTROLS = ".leaflet-control-container{display:none!important}"


def lonely_places(events: str, count: int, seed: int = 0) -> list[tuple[str, float, float, set[str], str]]:
    """``count`` places drawn at random among those with no other place within 1.5 km: the name the
    page gives each, its point, every spelling its events use, and its oblast."""
    timeline = Timeline(open_events([events]).events)
    xy = timeline.projected_xy
    points = shapely.points(xy)
    near, _ = shapely.STRtree(points).query(points, predicate="dwithin", distance=1_500)
    alone = np.flatnonzero(np.bincount(near, minlength=len(points)) == 1)  # only itself
    chosen = np.random.default_rng(seed).choice(alone, count, replace=False)
    spellings = timeline.changes.groupby(timeline.codes)["place"].agg(set)
    admin1 = timeline.changes.groupby(timeline.codes)["admin1"].last()
    return [
        (
            str(timeline.names[p]),
            timeline.points[p].x,
            timeline.points[p].y,
            spellings[p] | {str(timeline.names[p])},
            str(admin1[p]),
        )
        for p in chosen
    ]


def view(page, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(f"() => cmMap.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_timeout(150)


def pixels(page) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB")).astype(int)


def popups(page, places) -> tuple[int, int]:
    named, near = 0, 0
    for _name, lon, lat, spellings, _ in places:
        view(page, lat, lon, 13)
        x, y = page.evaluate(f"() => {{ const p = cmMap.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}")
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup .cm-popup").last
        if popup.count() == 0:
            continue
        title = popup.locator("h4").inner_text()
        links = popup.locator("a").evaluate_all("links => links.map(a => [a.textContent, a.href])")
        near += "place near" in popup.inner_text() or "places near" in popup.inner_text()
        named += title in spellings and any(text.startswith("DeepStateMap") and href for text, href in links)
        page.evaluate("() => cmMap.closePopup()")
    return named, near


def searches(page, places, with_oblast: bool = False) -> int:
    found = 0
    for name, lon, lat, _, admin1 in places:
        page.evaluate("() => cmMap.setView([48.5, 31.5], 6, {animate: false})")
        box = page.locator(".cm-search input")
        box.fill(f"{name}, {admin1}" if with_oblast else name)
        box.press("Enter")
        page.wait_for_timeout(100)
        centre = page.evaluate("() => { const c = cmMap.getCenter(); return [c.lat, c.lng]; }")
        title = page.locator(".leaflet-popup .cm-popup h4")
        shown = title.last.inner_text() if title.count() else ""
        found += abs(centre[0] - lat) < 0.01 and abs(centre[1] - lon) < 0.015 and shown == name
    return found


def retaken_share(browser, page_file: Path) -> float:
    page, _, _ = open_page(browser, page_file, (1400, 900), "#2024-09-11")
    page.add_style_tag(content=HIDE_CONTROLS)
    view(page, *SUDZHA, 12)
    rgb = pixels(page)
    page.close()
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return float(((r > 180) & (g > 150) & (b < 150) & (r - b > 80)).mean())  # the yellows of tint and rings


def markers_share(browser, page_file: Path, viewport: tuple[int, int]) -> tuple[float, list[str]]:
    page, _, errors = open_page(browser, page_file, viewport)
    page.add_style_tag(content=HIDE_CONTROLS)
    page.wait_for_timeout(150)
    with_markers = pixels(page)
    page.evaluate("() => cmMap.eachLayer(l => { if (l.cmDay !== undefined) cmMap.removeLayer(l); })")
    page.wait_for_timeout(150)
    without = pixels(page)
    page.close()
    return float((np.abs(with_markers - without).max(axis=2) > 8).mean()), errors


def main() -> None:
    events = sys.argv[1] if len(sys.argv) > 1 else "data/war"
    page_file = Path(sys.argv[2] if len(sys.argv) > 2 else "maps/ukraine-war.html")
    if not page_file.exists():
        subprocess.run([sys.executable, "-m", "conflictmap", "render", "--events", events, "--out", str(page_file)])
    places = lonely_places(events, 20)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page, _, errors = open_page(browser, page_file, (1400, 900))
        named, near = popups(page, places)
        print(
            f"popups: {named} of {len(places)} name the place and link its DeepStateMap source; {near} say 'place near'"
        )
        print(f"search: {searches(page, places[:6])} of 6 places found by name + Enter")
        print(f"search: {searches(page, places[:6], with_oblast=True)} of 6 found by name and oblast + Enter")
        shared = sum(len(page.evaluate(f"() => cmMap.cmSettlements.namesakes({json.dumps(p[0])})")) > 1 for p in places)
        print(f"names: {shared} of the {len(places)} places share their name with another place")
        page.close()
        print(
            f"retaken colours around Sudzha on 2024-09-11, zoom 12: {retaken_share(browser, page_file):.1%} of the map"
        )
        for viewport in ((1400, 900), (390, 844)):
            share, more = markers_share(browser, page_file, viewport)
            errors += more
            print(
                f"settlements layer off at the opening view, {viewport[0]}x{viewport[1]}: {share:.2%} of pixels change"
            )
        print(f"script errors: {len(errors)}")
        for error in errors[:3]:
            print(f"  error: {error}")
        browser.close()


if __name__ == "__main__":
    main()
