"""Scale: time and peak memory of each command at 10k, 100k and 1M events.

Run: python benchmarks/bench_scale.py [N ...] [STEP ...]
     (default: 10000 100000 1000000, every step; e.g. `1000000 load validate`)

Writes synthetic event files (benchmarks/_synthetic.py: every field filled, two
sources each, 5 changes per place; the 1M file is 1.1 GB) in the store's
stable form to a temp folder, with an ACLED export of N rows and a VIINA table
of N/20 places x 41 columns beside each, then runs each step in a fresh process and prints
its wall time and peak resident memory (VmHWM). Every step starts with an empty
cache folder of its own (``CONFLICTMAP_CACHE``); load, stats and render then run
a second time, reading the frame the first run kept (``conflictmap.events.frame_cache``:
files of 16 MB or more), and print as "..., cached". Targets (issue #9): load +
validate of 1M events under 30 s, peak memory under 4 GiB.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _synthetic import synthetic

from conflictmap.events.store import EventCollection, write_collection

STEPS = {
    "load": None,
    "validate": ["validate", "{events}"],
    "stats": ["stats", "--date", "2022-09-20", "--since", "2022-09-01", "--region", "Kharkiv", "--events", "{events}"],
    "geoparquet": ["export", "{events}", "--out", "{out}/events.parquet"],
    "csv": ["export", "{events}", "--out", "{out}/events.csv"],
    "kml": ["export", "{events}", "--out", "{out}/events.kml"],
    "geojson": ["export", "{events}", "--out", "{out}/events.geojson"],
    "render": ["render", "--events", "{events}", "--out", "{out}/map.html"],
    "import acled": ["import", "acled", "{events}.acled.csv", "--out", "{out}/acled.geojson"],
    "import viina": ["import", "viina", "{events}.viina.csv", "--out", "{out}/viina.geojson"],
}
#: Steps that read the events' frame, run again with the frame the first run kept.
CACHED = ("load", "stats", "render")


def run_step(step: str, events: str, out: str) -> None:
    """In this process: run one step, print seconds and peak MiB as JSON."""
    start = time.perf_counter()
    if step == "load":
        from conflictmap.events.frame import load_events

        load_events(events)
    else:
        from conflictmap.cli import app

        args = [a.format(events=events, out=out) for a in STEPS[step]]
        try:
            app(args, standalone_mode=False)
        except SystemExit as exc:  # validate exits 0 or 1 by design
            if exc.code not in (0, None):
                raise
    seconds = time.perf_counter() - start
    status = Path("/proc/self/status").read_text()
    peak_mib = int(status.split("VmHWM:")[1].split()[0]) / 1024  # ru_maxrss would count the parent's
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib}))


def events_file(n: int, folder: Path) -> Path:
    """The synthetic events, and beside them an ACLED export and a VIINA table of as many events."""
    path = folder / f"events-{n}.geojson"
    if not path.exists():
        write_collection(EventCollection(path, synthetic(n, np.random.default_rng(0))))
    rng = np.random.default_rng(1)
    if not (acled := Path(f"{path}.acled.csv")).exists():
        transfers = ["Government regains territory", "Non-state actor overtakes territory", "Armed clash"]
        pd.DataFrame(
            {
                "event_id_cnty": [f"UKR{i}" for i in range(n)],
                "event_date": pd.Timestamp("2022-09-01") + pd.to_timedelta(rng.integers(0, 30, n), unit="D"),
                "time_precision": rng.integers(1, 4, n),
                "event_type": "Battles",
                "sub_event_type": rng.choice(transfers, n),
                "actor1": "Military Forces of Ukraine (2019-)",
                "actor2": "Military Forces of Russia (2000-)",
                "country": "Ukraine",
                "admin1": "Kharkiv",
                "admin2": "Izium",
                "location": [f"Place {i % 5000}" for i in range(n)],
                "latitude": rng.uniform(49.0, 50.4, n).round(4),
                "longitude": rng.uniform(35.5, 38.0, n).round(4),
                "geo_precision": rng.integers(1, 4, n),
                "source": "Ukrinform; Ukrainska Pravda",
                "source_scale": "National",
                "notes": "On a day in September 2022, a synthetic event.",
                "fatalities": rng.integers(0, 5, n),
                "timestamp": 1663027200,
            }
        ).to_csv(acled, index=False)
    if not (viina := Path(f"{path}.viina.csv")).exists():
        places, columns = max(n // 20, 1), 41  # every place flips about every other column: ~n events
        codes = np.cumsum(rng.integers(0, 2, (places, columns)), axis=1) % 2
        table = pd.DataFrame(
            np.array(["UA", "RU"])[codes],
            columns=[f"ctr_202209{d // 4 + 1:02d}{(d % 4) * 6:02d}0000" for d in range(columns)],
        )
        table.insert(0, "geonameid", np.arange(places) + 700000)
        table.insert(1, "name", [f"Place {i}" for i in range(places)])
        table.insert(2, "longitude", rng.uniform(35.5, 38.0, places).round(4))
        table.insert(3, "latitude", rng.uniform(49.0, 50.4, places).round(4))
        table.to_csv(viina, index=False)
    return path


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [10_000, 100_000, 1_000_000]
    steps = [a for a in sys.argv[1:] if not a.isdigit()] or list(STEPS)
    folder = Path(tempfile.gettempdir()) / "conflictmap-bench-scale"
    folder.mkdir(exist_ok=True)
    print(f"{'events':>10}  {'step':<18} {'seconds':>8} {'peak MiB':>9}")
    for n in sizes:
        events = events_file(n, folder)
        out = Path(tempfile.mkdtemp(dir=folder))
        cache = out / "cache"
        for step in steps:
            shutil.rmtree(cache, ignore_errors=True)
            for label in [step, f"{step}, cached"] if step in CACHED else [step]:
                proc = subprocess.run(
                    [sys.executable, __file__, "--step", step, str(events), str(out)],
                    capture_output=True,
                    text=True,
                    check=False,
                    env={**os.environ, "CONFLICTMAP_CACHE": str(cache)},
                )
                if proc.returncode != 0:
                    print(f"{n:>10,}  {label:<18} failed: {proc.stderr.strip().splitlines()[-1:]}")
                    continue
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                print(f"{n:>10,}  {label:<18} {result['seconds']:8.1f} {result['peak_mib']:9.0f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:
        run_step(*sys.argv[2:5])
    else:
        main()
