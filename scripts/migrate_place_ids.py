"""Point events at the gazetteer's place where their own place id no longer names a place with a point.

The gazetteer's places change as its sources do: a GeoNames postal point that lay in another oblast
than its place's (a namesake's point) no longer stands for a place of its own, and a KATOTTG
village that had taken such a point is back at its hromada's centre. An event whose ``place_id``
is such a place (while the event itself is placed at its own point), or no place at all any more,
takes the id of the gazetteer's place with a point
of its own that shares its name and lies within ``WITHIN_KM`` of the event's point (the nearest);
nothing else in the event changes (its id neither). Events with no such place are listed and kept.

Run from the repository root: python scripts/migrate_place_ids.py data/events [more files or folders]
"""

from __future__ import annotations

import sys

from conflictmap.geocode import Gazetteer
from conflictmap.geocode.gazetteer import distance_km
from conflictmap.geocode.translit import name_keys
from conflictmap.store import read_collections, write_collection
from conflictmap.vocab import GeoPrecision

#: Farthest the place taking over may lie from the event's point.
WITHIN_KM = 1.0


def main(paths: list[str]) -> None:
    gazetteer = Gazetteer.default()
    for path in paths:
        for collection in read_collections(path):
            changed, kept = {}, set()
            for feature in collection.features:
                props = feature["properties"]
                old = gazetteer.by_id.get(props.get("place_id", ""))
                placed = props.get("geo_precision") != GeoPrecision.APPROXIMATE  # the event has a point of its own
                if not props.get("place_id") or old is not None and (old.geo_precision == GeoPrecision.SETTLEMENT or not placed):
                    continue
                lon, lat = feature["geometry"]["coordinates"]
                keys = name_keys(props["place"]) | (name_keys(old.name) if old else frozenset())
                near = sorted(
                    (d, p.place_id) for p in gazetteer.places
                    if p.geo_precision == GeoPrecision.SETTLEMENT and keys & name_keys(p.name)
                    and (d := distance_km(lat, lon, p.lat, p.lon)) <= WITHIN_KM
                )
                if near:
                    changed[props["place_id"]] = near[0][1]
                    props["place_id"] = near[0][1]
                else:
                    kept.add(props["place_id"])
            if changed:
                write_collection(collection)
            print(f"{collection.path}: {len(changed)} place ids moved, {len(kept)} with no place near: {sorted(kept)}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python scripts/migrate_place_ids.py PATH [PATH ...]")
    main(sys.argv[1:])
