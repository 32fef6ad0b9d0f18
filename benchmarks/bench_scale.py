"""Scale: time and peak memory of each command at 10k, 100k and 1M events.

Run: python benchmarks/bench_scale.py [N ...] [STEP ...]
     (default: 10000 100000 1000000, every step; e.g. `1000000 load validate`)

Writes synthetic event files (benchmarks/_synthetic.py: every field filled, two
sources each, 5 changes per place; the 1M file is 1.1 GB) in the store's
stable form to a temp folder, then runs each step in a fresh process and prints
its wall time and peak resident memory (VmHWM). Targets (issue #9): load +
validate of 1M events under 30 s, peak memory under 4 GiB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _synthetic import synthetic

from conflictmap.store import EventCollection, write_collection

STEPS = {
    "load": None,
    "validate": ["validate", "{events}"],
    "stats": ["stats", "--date", "2022-09-20", "--since", "2022-09-01", "--region", "Kharkiv", "--events", "{events}"],
    "geoparquet": ["export", "{events}", "--out", "{out}/events.parquet"],
    "csv": ["export", "{events}", "--out", "{out}/events.csv"],
    "kml": ["export", "{events}", "--out", "{out}/events.kml"],
    "geojson": ["export", "{events}", "--out", "{out}/events.geojson"],
    "render": ["render", "--events", "{events}", "--out", "{out}/map.html"],
}


def run_step(step: str, events: str, out: str) -> None:
    """In this process: run one step, print seconds and peak MiB as JSON."""
    start = time.perf_counter()
    if step == "load":
        from conflictmap.store import load_events

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
    path = folder / f"events-{n}.geojson"
    if not path.exists():
        write_collection(EventCollection(path, synthetic(n, np.random.default_rng(0))))
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
        for step in steps:
            proc = subprocess.run(
                [sys.executable, __file__, "--step", step, str(events), str(out)],
                capture_output=True, text=True, check=False,
            )
            if proc.returncode != 0:
                print(f"{n:>10,}  {step:<18} failed: {proc.stderr.strip().splitlines()[-1:]}")
                continue
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"{n:>10,}  {step:<18} {result['seconds']:8.1f} {result['peak_mib']:9.0f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:
        run_step(*sys.argv[2:5])
    else:
        main()
