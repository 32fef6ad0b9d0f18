"""Render the bundled events and save screenshots of the map for the README.

Needs Debian's chromium and the playwright package (the test extra). Run from the repository root:

    python scripts/screenshot.py                      # docs/map.png, a laptop's 1280 x 820
    python scripts/screenshot.py --phone --out docs/phone.png   # a phone's 390 x 844
    python scripts/screenshot.py --date 2022-10-03 --out /tmp/map.png
    python scripts/screenshot.py --events data/war --date 2025-06-01 --out docs/war.png \
        --view 48.45,37.55,10 --popup Kostiantynivka
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from conflictmap.dataset import open_events
from conflictmap.render.page import render_map


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--date", type=dt.date.fromisoformat, help="day shown [default: the event files' own]")
    parser.add_argument("--phone", action="store_true", help="a phone's screen, 390 x 844")
    parser.add_argument("--out", default="docs/map.png")
    parser.add_argument("--events", default="data/events", help="event file or folder [default: data/events]")
    parser.add_argument("--view", help="LAT,LON,ZOOM to show [default: the page's own view]")
    parser.add_argument("--popup", help="a place whose popup is opened (found as the search box finds it)")
    args = parser.parse_args()
    width, height = (390, 844) if args.phone else (1280, 820)
    with tempfile.TemporaryDirectory() as tmp:
        html = render_map(open_events(args.events), Path(tmp) / "map.html", on=args.date)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(
                viewport={"width": width, "height": height}, device_scale_factor=2 if args.phone else 1
            )
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
            page.goto(html.resolve().as_uri())
            page.wait_for_function("() => Object.values(window).some(v => v && v.cmTerritory)")
            page.evaluate("() => { window.cmMap = Object.values(window).find(v => v && v.cmSettlements); }")
            if args.view:
                lat, lon, zoom = (float(x) for x in args.view.split(","))
                page.evaluate(
                    "([lat, lon, zoom]) => cmMap.setView([lat, lon], zoom, {animate: false})", [lat, lon, zoom]
                )
            if args.popup:
                page.evaluate("(name) => cmMap.cmSettlements.open(cmMap.cmSettlements.find(name))", args.popup)
            page.wait_for_timeout(300)
            page.screenshot(path=args.out)
            browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
