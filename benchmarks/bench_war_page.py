"""The whole war's page: render time, size, opening and the slider in headless Chromium.

Run: python benchmarks/bench_war_page.py [EVENTS] [DAYS]   (default data/war, 60 days of the slider)

Renders the events (a fresh process, an empty cache folder, imports included) and prints:

- the render's wall time and the page's size;
- how long the page takes to open in Debian's chromium, offline (until its layers exist), and
  whether any script error came;
- how long the slider takes to redraw a day (DAYS days drawn at random, each from the input event
  to the second animation frame after it: the map painted), median and 90th percentile;
- whether the slider is on screen and uncovered at 390 x 844 (a phone), and redraws there too.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REDRAW = """async (count) => {
    const slider = document.querySelector(".cm-slider input[type=range]");
    const days = Number(slider.max) + 1, times = [];
    let seed = 7;
    for (let i = 0; i < count; i++) {
        seed = (seed * 16807) % 2147483647;
        const start = performance.now();
        slider.value = seed % days;
        slider.dispatchEvent(new Event("input"));
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
        times.push(performance.now() - start);
    }
    return times;
}"""


def open_page(browser, page_file: Path, viewport: tuple[int, int], day: str = "") -> tuple[object, float, list[str]]:
    """The page opened offline on ``day`` (``#YYYY-MM-DD``; default: its own), the seconds until its
    layers exist, and the script errors it raises (the list grows while the page lives); the map
    is ``window.cmMap``."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    start = time.perf_counter()
    page.goto(page_file.resolve().as_uri() + day)
    page.wait_for_function(
        "() => Object.values(window).some(v => v && v.cmTerritory && v.cmSettlements)", timeout=120_000
    )
    seconds = time.perf_counter() - start
    page.evaluate("() => { window.cmMap = Object.values(window).find(v => v && v.cmSettlements); }")
    return page, seconds, errors


def slider_uncovered(page) -> bool:
    box = page.locator(".cm-slider input[type=range]").bounding_box()
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    inside = box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
    centre = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y) === document.querySelector('.cm-slider input[type=range]')", centre
    )
    return bool(inside and on_top)


def main() -> None:
    events = sys.argv[1] if len(sys.argv) > 1 else "data/war"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "war.html"
        env = {**os.environ, "CONFLICTMAP_CACHE": str(Path(tmp) / "cache")}
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "conflictmap", "render", "--events", events, "--out", str(page_file)],
            check=True,
            capture_output=True,
            env=env,
        )
        print(
            f"render --events {events}: {time.perf_counter() - start:.1f} s, "
            f"page {page_file.stat().st_size / 1e6:.1f} MB"
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            for name, viewport in (("laptop", (1366, 768)), ("phone", (390, 844))):
                page, seconds, errors = open_page(browser, page_file, viewport)
                times = sorted(page.evaluate(REDRAW, count))
                p90 = times[int(0.9 * (len(times) - 1))]
                print(
                    f"{name} {viewport[0]}x{viewport[1]}: opens in {seconds:.2f} s; slider redraw median "
                    f"{statistics.median(times):.0f} ms, 90th percentile {p90:.0f} ms ({count} days); "
                    f"slider on screen and uncovered: {slider_uncovered(page)}; script errors: {len(errors)}"
                )
                for error in errors[:3]:
                    print(f"  error: {error}")
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
