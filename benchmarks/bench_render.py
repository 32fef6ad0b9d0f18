"""Rendering at scale: `conflictmap render` against `gpd.read_file(...).explore()` of the same file.

Run: python benchmarks/bench_render.py [N] [PLACES] [RUNS] [SET]   (default 100,000 events at 100,000 places,
3 runs, SET "own")
Synthetic events (benchmarks/_synthetic.py: every field filled) written as an event file: SET "own",
two sources each and the changes of a step on 6 days; SET "spread", one source each and the
changes of a step on any of 30 days (one change a place: a day of September 2022). Each side runs
as a whole process (imports, reading and validating included), RUNS times, and the median is
compared; conflictmap starts each run with an empty cache folder, as explore() has none, and then
runs RUNS times more reading the frame it kept (`frame_cache`).
Prints time and HTML size of both, and, when Debian's chromium is installed, how long
conflictmap's page takes to load in it with the network blocked.
`explore()` needs `mapclassify`, which geopandas does not install: `pip install mapclassify`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _synthetic import synthetic
from bench_war_page import open_page

from conflictmap.events.store import EventCollection, write_collection

EXPLORE = "import sys, geopandas as gpd; gpd.read_file(sys.argv[1]).explore().save(sys.argv[2])"


def timed(command: list[str], runs: int, cache: Path | None = None) -> list[float]:
    """Seconds of each run; each with an empty cache folder, or all with ``cache``."""
    times = []
    for _ in range(runs):
        env = {**os.environ, "CONFLICTMAP_CACHE": str(cache or tempfile.mkdtemp())}
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def page_load_seconds(page_file: Path) -> float:
    """Seconds until the map's layers exist, in headless Chromium, offline (:func:`bench_war_page.open_page`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        _, seconds, _ = open_page(browser, page_file, (1280, 800))
        browser.close()
    return seconds


def main() -> None:
    n, places, runs = (
        int(sys.argv[1]) if len(sys.argv) > 1 else 100_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 100_000,
        int(sys.argv[3]) if len(sys.argv) > 3 else 3,
    )
    spread = len(sys.argv) > 4 and sys.argv[4] == "spread"
    shape = {"spread_days": 30, "sources": 1} if spread else {}
    out = Path(tempfile.mkdtemp())
    events = out / "events.geojson"
    write_collection(
        EventCollection(events, synthetic(n, np.random.default_rng(0), changes_per_place=max(n // places, 1), **shape))
    )
    render = [sys.executable, "-m", "conflictmap", "render", "--events", str(events), "--out", str(out / "ours.html")]
    ours = timed(render, runs)
    timed(render, 1, out / "cache")  # keeps the frame
    cached = timed(render, runs, out / "cache")
    theirs = timed([sys.executable, "-c", EXPLORE, str(events), str(out / "explore.html")], runs)
    ours_mb, theirs_mb = ((out / f).stat().st_size / 1e6 for f in ("ours.html", "explore.html"))
    mid_ours, mid_theirs = statistics.median(ours), statistics.median(theirs)
    print(
        f"{n:,} events at {places:,} places ({'spread' if spread else 'own'} set), median of {runs} whole-process runs"
    )
    print(f"conflictmap render       {mid_ours:6.1f} s ({min(ours):.1f}-{max(ours):.1f})  {ours_mb:6.1f} MB")
    print(f"conflictmap render, cached {statistics.median(cached):4.1f} s ({min(cached):.1f}-{max(cached):.1f})")
    print(f"read_file().explore()    {mid_theirs:6.1f} s ({min(theirs):.1f}-{max(theirs):.1f})  {theirs_mb:6.1f} MB")
    print(f"ratio                    {mid_theirs / mid_ours:6.1f}x faster, {theirs_mb / ours_mb:.1f}x smaller")
    if Path("/usr/bin/chromium").exists():
        print(f"page load in Chromium    {page_load_seconds(out / 'ours.html'):6.1f} s")


if __name__ == "__main__":
    main()
