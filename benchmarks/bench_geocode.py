"""Geocoder throughput through the Python API, and through `conflictmap geocode -`.

Run: python benchmarks/bench_geocode.py
Prints lookups per second for every distinct name of the gazetteer once (cold:
nothing memoised yet), for 50,000 names drawn at random from its places (repeats
included, as in a batch of reports) and for names with one typo, and how many
land within 5 km of the place they were made from; then the CLI's start-up time,
its batch rate, and `geocode - --region Kharkiv --json` on 40,000 names of the oblast.
"""

from __future__ import annotations

import math
import random
import statistics
import subprocess
import sys
import time

from conflictmap.places.geocoder import Gazetteer
from conflictmap.places.translit import name_keys


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = a, b
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


def api(gazetteer: Gazetteer, rng: random.Random) -> None:
    places = gazetteer.places

    def typo(name: str) -> str:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + rng.choice("aeiouklmnrst") + name[i + 1 :]

    distinct = list({p.name: p for p in places}.values())
    rng.shuffle(distinct)
    exact = [rng.choice(places) for _ in range(50_000)]
    fuzzy = [rng.choice([p for p in places if len(p.name) >= 7]) for _ in range(5_000)]
    for label, sample, queries in (
        ("exact, distinct", distinct, [p.name for p in distinct]),
        ("exact", exact, [p.name for p in exact]),
        ("fuzzy (one typo)", fuzzy, [typo(p.name) for p in fuzzy]),
    ):
        gazetteer = Gazetteer.default()  # each set starts cold: nothing memoised
        name_keys.cache_clear()
        if label.startswith("fuzzy"):
            start = time.perf_counter()
            gazetteer.deletions  # noqa: B018 - the typo index, packed in the cache, decoded on first use
            print(f"{'':17s} typo index decoded once per process in {time.perf_counter() - start:.2f} s")
        for run in ("first pass", "again (memoised)"):
            start = time.perf_counter()
            results = [gazetteer.geocode(q) for q in queries]
            elapsed = time.perf_counter() - start
            near = sum(
                r.resolved and km((r.lat, r.lon), (p.lat, p.lon)) <= 5 for r, p in zip(results, sample, strict=True)
            )
            print(
                f"{label:17s} {run:17s} {len(queries):6d} queries {len(queries) / elapsed:10,.0f} /s"
                f"   within 5 km of the source place: {near / len(queries):.1%}"
            )


def cli(gazetteer: Gazetteer, rng: random.Random) -> None:
    command = [sys.executable, "-m", "conflictmap", "geocode", "-", "--json"]
    start = time.perf_counter()
    subprocess.run(command, input="Izium\n", capture_output=True, text=True, check=True)
    startup = time.perf_counter() - start
    names = "\n".join(rng.choice(gazetteer.places).name for _ in range(100_000))
    start = time.perf_counter()
    subprocess.run(command, input=names, capture_output=True, text=True)
    batch = time.perf_counter() - start
    print(f"CLI start-up (one name)  {startup:.2f} s")
    print(f"CLI batch of 100,000     {batch:.2f} s   {100_000 / (batch - startup):10,.0f} names/s once started")
    kharkiv = [place.name for place in gazetteer.places if place.admin1 == "Kharkiv"]
    names = "\n".join(rng.choice(kharkiv) for _ in range(40_000))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([*command, "--region", "Kharkiv"], input=names, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
    batch = statistics.median(times)
    print(
        f"CLI --region Kharkiv, 40,000 names of the oblast, start-up included (median of 5): "
        f"{batch:.2f} s ({min(times):.2f}-{max(times):.2f}), {40_000 / batch:,.0f} names/s"
    )


if __name__ == "__main__":
    gazetteer = Gazetteer.default()
    rng = random.Random(0)
    api(gazetteer, rng)
    cli(gazetteer, rng)
