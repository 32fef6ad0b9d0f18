"""Give events whose point lies outside the oblast their ``admin1`` names the oblast that holds the point.

``validate`` refuses an event whose point lies beyond its oblast (``events.checks.outside_oblast``).
The bundled map layer carried such events: places whose postal point was a namesake's in another
oblast had kept that oblast's name when the gazetteer gave them their own point. Each such event
takes the name of the oblast (or Russian border oblast) whose outline holds its point; nothing
else in the event changes, its id neither. Events whose point no outline holds are listed and kept.

Run from the repository root: python scripts/fix_admin1.py data/events [more files or folders]
"""

from __future__ import annotations

import sys

import shapely

from conflictmap.events.checks import outside_oblast
from conflictmap.events.store import read_collections, write_collection
from conflictmap.places.boundaries import regions_table


def main(paths: list[str]) -> None:
    regions = regions_table()
    for path in paths:
        for collection in read_collections(path):
            changed, kept = 0, []
            for feature in collection.features:
                props, (lon, lat) = feature["properties"], feature["geometry"]["coordinates"][:2]
                if not props.get("admin1") or outside_oblast(props["admin1"], lon, lat) is None:
                    continue
                holding = regions[shapely.contains_xy(regions.geometry.to_numpy(), lon, lat)]["name"].tolist()
                if len(holding) == 1:
                    props["admin1"], changed = holding[0], changed + 1
                else:
                    kept.append(feature["id"])
            if changed:
                write_collection(collection)
            print(f"{collection.path}: {changed} events given the oblast holding their point; kept: {kept or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
