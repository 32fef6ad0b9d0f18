"""Build data/events/kharkiv-2022-deepstate.geojson, the map layer, from the DeepStateMap archive.

The archive is the public repository DanielRose2310/deepstatemaps-history (one GeoJSON file per
snapshot, ``geojsons/<unix seconds>.geojson``), at commit
df633a1700680411949934a4345f1af263327377. Every settlement of Kharkiv oblast with its own point
in the gazetteer gets its state in each snapshot from 3 April 2022 (the first) to 15 October
2022; each event cites the snapshot's file at that commit. Only dated states and their citation
are written, never DeepStateMap's polygons (they are not openly licensed).

Run from the repository root, with the archive's files unpacked in a folder:

    python scripts/build_deepstate_layer.py PATH/TO/geojsons
"""

from __future__ import annotations

import sys

from conflictmap.cli import app

ARCHIVE = "https://github.com/DanielRose2310/deepstatemaps-history/blob/df633a1700680411949934a4345f1af263327377/geojsons/{file}"

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/build_deepstate_layer.py PATH/TO/geojsons")
    app(
        [
            "import",
            "deepstate",
            sys.argv[1],
            "--region",
            "Kharkiv",
            "--until",
            "2022-10-15",
            "--source-url",
            ARCHIVE,
            "--out",
            "data/events/kharkiv-2022-deepstate.geojson",
            "--overwrite",
        ]
    )
