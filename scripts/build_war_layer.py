"""Build data/war/deepstate.geojson, the map layer of the whole war, from both DeepStateMap archives.

The archives are two public repositories, read at pinned commits:

- DanielRose2310/deepstatemaps-history (``geojsons/<unix seconds>.geojson``, named layers, 3 April
  2022 - 5 August 2025), commit df633a1700680411949934a4345f1af263327377;
- cyterat/deepstate-map-data (``data/deepstatemap_data_YYYYMMDD.geojson``, the ground shown
  occupied, one file a day from 8 July 2024), commit e904719a6726c7e6b5d6e87a7701e1b77b18e554
  (its last file: 22 August 2026).

Every settlement of Ukraine and of the Russian border oblasts with a point of its own gets its
state in every snapshot (``conflictmap import deepstate`` with no --region: where both archives
have a day, the named layers stand), and the file keeps every one of them, "never occupied"
included, so that a reader can look up any village; each event cites its snapshot's file at its
commit. Beside it, ``deepstate.areas.csv`` keeps the km² each snapshot shows occupied, contested,
of unknown status and liberated in each region (``conflictmap.control.measured_areas``), with the same citation.
Only dated states, measured areas and their citation are written, never DeepStateMap's polygons
(they are not openly licensed).

Run from the repository root, with each archive's folder of snapshots unpacked:

    python scripts/build_war_layer.py PATH/TO/geojsons PATH/TO/data
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from rich.progress import track

from conflictmap.importers.deepstate import is_daily_file
from conflictmap.importers.pipelines import import_snapshots, save_imported

NAMED = (
    "https://github.com/DanielRose2310/deepstatemaps-history/blob/df633a1700680411949934a4345f1af263327377/geojsons/"
)
DAILY = "https://github.com/cyterat/deepstate-map-data/blob/e904719a6726c7e6b5d6e87a7701e1b77b18e554/data/"
OUT = Path("data/war/deepstate.geojson")


def source_url(when: dt.datetime, path: Path) -> str:
    """The snapshot's file in its archive, at the pinned commit."""
    return (DAILY if is_daily_file(path) else NAMED) + path.name


def ever_away(features: list[dict]) -> set[str]:
    """The places that were ever held by another than their country (Ukraine, or Russia for its own)."""
    return {
        p["place_id"]
        for p in (f["properties"] for f in features)
        if p["control_after"] != ("RU" if p["country"] == "RU" else "UA")
    }


def main(named: str, daily: str, out: Path = OUT) -> None:
    imported = import_snapshots(
        [named, daily],
        source_url=source_url,
        areas=True,
        progress=lambda items, description, total: track(items, description, total=total),
    )
    imported.members["title"] = "The war in Ukraine: control, April 2022 - August 2026"
    out.parent.mkdir(parents=True, exist_ok=True)
    areas = save_imported(imported, out, overwrite=True)
    features = imported.features
    with_state = len({f["properties"]["place_id"] for f in features})
    print(
        f"{len(imported.areas):,} snapshots, {with_state:,} places with a state, {len(ever_away(features)):,} "
        f"ever held by the other side: {len(features):,} events -> {out}, measured areas -> {areas}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python scripts/build_war_layer.py PATH/TO/geojsons PATH/TO/data")
    main(sys.argv[1], sys.argv[2])
