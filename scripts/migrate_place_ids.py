"""Point events at the gazetteer's place where their own place id no longer names a place with a point.

The gazetteer's places change as its sources do: a GeoNames postal point that lay in another oblast
than its place's (a namesake's point) no longer stands for a place of its own, and a KATOTTG
village that had taken such a point is back at its hromada's centre. An event whose ``place_id``
is such a place (while the event itself is placed at its own point), or no place at all any more,
takes the id of the gazetteer's place with a point
of its own that shares its name and lies within ``WITHIN_KM`` of the event's point (the nearest),
unless events of the file already name that place (two chains of events would then tell one
place's story twice); nothing else in the event changes (its id neither). Events with no such
place are listed and kept as they are.

Run from the repository root: python scripts/migrate_place_ids.py data/events [more files or folders]
"""

from __future__ import annotations

import sys

from conflictmap.events.store import read_collections, write_collection
from conflictmap.places.gazetteer import distance_km
from conflictmap.places.geocoder import Gazetteer
from conflictmap.places.translit import name_keys
from conflictmap.vocab import GeoPrecision

#: Farthest the place taking over may lie from the event's point.
WITHIN_KM = 1.0


def main(paths: list[str]) -> None:
    gazetteer = Gazetteer.default()
    for path in paths:
        for collection in read_collections(path):
            changed: dict[str, str] = {}
            kept: set[str] = set()
            in_use = {f["properties"].get("place_id") for f in collection.features}
            for feature in collection.features:
                props = feature["properties"]
                place_id = props.get("place_id", "")
                old = gazetteer.by_id.get(place_id)
                placed = props.get("geo_precision") != GeoPrecision.APPROXIMATE  # the event has a point of its own
                has_point = old is not None and (old.geo_precision == GeoPrecision.SETTLEMENT or not placed)
                if not place_id or place_id in kept or has_point:
                    continue
                if place_id not in changed:
                    lon, lat = feature["geometry"]["coordinates"]
                    keys = name_keys(props["place"]) | (name_keys(old.name) if old else frozenset())
                    near = sorted(
                        (d, p.place_id)
                        for p in gazetteer.places
                        if p.geo_precision == GeoPrecision.SETTLEMENT
                        and keys & name_keys(p.name)
                        and p.place_id not in in_use
                        and (d := distance_km(lat, lon, p.lat, p.lon)) <= WITHIN_KM
                    )
                    if not near:
                        kept.add(place_id)
                        continue
                    changed[place_id] = near[0][1]
                    in_use.add(near[0][1])
                props["place_id"] = changed[place_id]
            if changed:
                write_collection(collection)
            print(f"{collection.path}: {len(changed)} place ids moved, {len(kept)} with no place near: {sorted(kept)}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python scripts/migrate_place_ids.py PATH [PATH ...]")
    main(sys.argv[1:])
