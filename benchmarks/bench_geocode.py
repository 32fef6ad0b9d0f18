"""Geocoder throughput through the Python API: exact and fuzzy lookups per second.

Run: python benchmarks/bench_geocode.py
"""

from __future__ import annotations

import random
import time

from conflictmap.geocode import Gazetteer


def main() -> None:
    gazetteer = Gazetteer.default()
    rng = random.Random(0)
    names = [p.name for p in gazetteer.places]
    exact = [rng.choice(names) for _ in range(50_000)]

    def typo(name: str) -> str:
        i = rng.randrange(1, len(name) - 1) if len(name) > 4 else 1
        return name[:i] + rng.choice("aeiouklmnrst") + name[i + 1 :]

    fuzzy = [typo(rng.choice([n for n in names if len(n) >= 7])) for _ in range(2_000)]
    for label, queries in (("exact", exact), ("fuzzy (one typo)", fuzzy)):
        start = time.perf_counter()
        resolved = sum(gazetteer.geocode(q).resolved for q in queries)
        elapsed = time.perf_counter() - start
        print(f"{label:18s} {len(queries):6d} queries  {len(queries) / elapsed:10,.0f} /s  resolved {resolved / len(queries):.1%}")


if __name__ == "__main__":
    main()
