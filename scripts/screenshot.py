"""Render the bundled events and save a screenshot of the map for the README (docs/map.png).

Needs Debian's chromium and the playwright package (the test extra).
Run from the repository root: python scripts/screenshot.py [--date 2022-09-11] [--out docs/map.png]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from conflictmap.render import render_map


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--date", help="day shown [default: the event files' own, 2022-09-11]")
    parser.add_argument("--out", default="docs/map.png")
    args = parser.parse_args()
    import datetime as dt

    with tempfile.TemporaryDirectory() as tmp:
        on = dt.date.fromisoformat(args.date) if args.date else None
        html = render_map("data/events", Path(tmp) / "map.html", on=on)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 820})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
            page.goto(html.resolve().as_uri())
            page.wait_for_timeout(500)
            page.screenshot(path=args.out)
            browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
