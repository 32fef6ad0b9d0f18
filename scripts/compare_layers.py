"""Compare the news layer's control changes with the map layer's (the figures in docs/territory.md).

For each report of a change dated within the window, the map layer's states around it
(:func:`conflictmap.events.source_layers.compare_layers`): whether it agrees within both dates' precision plus
two days, and how many days separate it from the map's nearest change to the same state.

Run from the repository root: python scripts/compare_layers.py [--since 2022-09-06] [--until 2022-10-03]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics

from conflictmap.events.codec import parse_event
from conflictmap.events.source_layers import Change, compare_layers
from conflictmap.events.store import read_collections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--since", type=dt.date.fromisoformat, default=dt.date(2022, 9, 6))
    parser.add_argument("--until", type=dt.date.fromisoformat, default=dt.date(2022, 10, 3))
    args = parser.parse_args()
    changes = [
        change
        for collection in read_collections("data/events")
        for feature in collection.features
        if (change := Change.of(parse_event(feature), str(collection.path))) is not None
    ]
    reports = [c for c in changes if c.layer == "reports" and args.since <= c.date <= args.until]
    compared = [c for c in compare_layers(changes) if args.since <= c.change.date <= args.until]
    print(
        "| place | reported | precision (days) | state | map layer around it "
        "| nearest map change to it (days) | agrees |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for c in compared:
        print(
            f"| {c.change.place} | {c.change.date} | {c.change.precision_days} | {c.change.after} "
            f"| {' then '.join(c.shown)} | {c.days_apart:+d} | {'yes' if c.agrees else 'no'} |"
        )
    apart = [c.days_apart for c in compared if c.days_apart is not None]
    missing = sorted({c.place for c in reports} - {c.change.place for c in compared})
    print(
        f"\n{len(reports)} reported changes from {args.since} to {args.until}; {len(compared)} at places the map "
        f"layer covers, {sum(c.agrees for c in compared)} agree; days to the map's change: median "
        f"{statistics.median(apart):+g}, median absolute {statistics.median(map(abs, apart)):g}, "
        f"range {min(apart):+d} to {max(apart):+d}. Not covered: {', '.join(missing)}."
    )


if __name__ == "__main__":
    main()
