"""Rendering at scale: conflictmap's map against GeoDataFrame.explore() for the same events.

Run: python benchmarks/bench_render.py [N]   (default N = 100,000 events)
Synthetic events (benchmarks/_synthetic.py): every field filled, two sources each, 5 changes per
place. Prints time and HTML size of both, and, when Debian's chromium is installed, how long
conflictmap's page takes to load in it with the network blocked.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _synthetic import synthetic

from conflictmap.frames import events_frame
from conflictmap.render import build_map


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    events = events_frame(synthetic(n, np.random.default_rng(0)))
    out = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    (out / "conflictmap.html").write_text(build_map(events).get_root().render(), encoding="utf-8")
    ours = time.perf_counter() - start
    start = time.perf_counter()
    events.explore().save(str(out / "explore.html"))
    theirs = time.perf_counter() - start
    ours_mb, theirs_mb = ((out / f).stat().st_size / 1e6 for f in ("conflictmap.html", "explore.html"))
    print(f"{n:,} events")
    print(f"conflictmap render   {ours:6.1f} s  {ours_mb:6.1f} MB")
    print(f"GeoDataFrame.explore {theirs:6.1f} s  {theirs_mb:6.1f} MB")
    print(f"ratio                {theirs / ours:6.1f}x faster, {theirs_mb / ours_mb:.1f}x smaller")
    if Path("/usr/bin/chromium").exists():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
            start = time.perf_counter()
            page.goto((out / "conflictmap.html").as_uri())
            page.wait_for_function("() => Object.values(window).some(v => v && v.cmSettlements)", timeout=120_000)
            print(f"page load in Chromium {time.perf_counter() - start:5.1f} s")
            browser.close()


if __name__ == "__main__":
    main()
