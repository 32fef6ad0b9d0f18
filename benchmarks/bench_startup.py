"""Start-up: the commands a script calls again and again, each timed as a whole process.

Run: python benchmarks/bench_startup.py [RUNS]   (default 5)
Prints the median and range of RUNS runs of `conflictmap --help`, `validate data/events`,
`add` with `--lat/--lon` and `add` by name (each into a fresh file), with the targets of
issue 17 beside them. Run it from the repository's root; the gazetteer's cache is built first.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ADD = [
    "add",
    "--place",
    "Balakliia",
    "--date",
    "2022-09-08",
    "--control-before",
    "RU",
    "--control-after",
    "UA",
    "--source-url",
    "https://example.org/a",
    "--source-publisher",
    "Example",
    "--source-published",
    "2022-09-09",
    "--admin1",
    "Kharkiv",
]
COMMANDS = {
    "--help": (["--help"], 0.3),
    "validate data/events": (["validate", "data/events"], 0.5),
    "add --lat/--lon": ([*ADD, "--lat", "49.46", "--lon", "36.86"], 0.35),
    "add by name": (ADD, 0.6),
}


def run(args: list[str], folder: Path) -> float:
    """Seconds for one run of ``conflictmap ARGS`` (``add`` writes a new file in ``folder``)."""
    if args[0] == "add":
        args = [*args, "--file", str(Path(tempfile.mkdtemp(dir=folder)) / "events.geojson")]
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "conflictmap", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    subprocess.run([sys.executable, "-m", "conflictmap", "geocode", "Izium"], check=True, capture_output=True)
    print(f"{'command':<24} {'median':>7} {'range':>13}  target")
    with tempfile.TemporaryDirectory() as folder:
        for name, (args, target) in COMMANDS.items():
            times = [run(args, Path(folder)) for _ in range(runs)]
            print(f"{name:<24} {statistics.median(times):6.2f}s {min(times):5.2f}-{max(times):.2f} s  <= {target} s")


if __name__ == "__main__":
    main()
