"""Country and oblast outlines, read from ``data/boundaries/``.

The committed files are made by ``scripts/build_boundaries.py`` from Natural Earth's
admin-1 polygons (public domain): the oblasts, and Ukraine's outline as their union.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from conflictmap import settings
from conflictmap.errors import ConflictmapError
from conflictmap.geocode.gazetteer import matching_oblasts


def _boundaries_dir() -> Path:
    return settings.data_dir() / "boundaries"


@cache
def country_outline() -> gpd.GeoDataFrame:
    """Ukraine's outline (EPSG:4326) from ``data/boundaries/ukraine.geojson``."""
    return gpd.read_file(_boundaries_dir() / "ukraine.geojson")


@cache
def oblasts() -> gpd.GeoDataFrame:
    """The oblast polygons (EPSG:4326), column ``admin1``."""
    return gpd.read_file(_boundaries_dir() / "oblasts.geojson")


@cache
def neighbours() -> gpd.GeoDataFrame:
    """The lands around Ukraine (EPSG:4326): Russia's provinces and the neighbouring countries,
    columns ``name`` and ``country``."""
    return gpd.read_file(_boundaries_dir() / "neighbours.geojson")


@cache
def towns() -> gpd.GeoDataFrame:
    """Towns of 10,000 inhabitants or more in and around Ukraine (EPSG:4326), largest first:
    ``name``, ``country``, ``population``."""
    return gpd.read_file(_boundaries_dir() / "towns.geojson")


def context_around(region: shapely.Geometry, margin_deg: float = 1.0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """What surrounds ``region`` within ``margin_deg``: the other oblasts and foreign lands
    (``name``, ``country``: UA for an oblast), and the towns (``name``, ``population``)."""
    reach = shapely.box(*shapely.bounds(shapely.buffer(region, margin_deg)))
    table = oblasts()
    others = table[~table.geometry.covered_by(region.buffer(1e-6))]
    lands = pd.concat(
        [others.rename(columns={"admin1": "name"}).assign(country="UA"), neighbours()], ignore_index=True
    )
    lands = lands[lands.intersects(reach)]
    places = towns()
    return gpd.GeoDataFrame(lands, crs=table.crs).reset_index(drop=True), places[places.within(reach)].reset_index(drop=True)


def region_polygon(name: str | None) -> shapely.Geometry:
    """The polygon of an oblast by any common spelling (Kharkiv, Харківська), or all Ukraine.

    Raises
    ------
    ConflictmapError
        for a name that is no oblast.
    """
    if not name:
        return country_outline().union_all()
    table = oblasts()
    for oblast in matching_oblasts(name, min_length=4):
        match = table[table["admin1"] == oblast]
        if not match.empty:
            return match.geometry.iloc[0]
    known = ", ".join(sorted(table["admin1"]))
    raise ConflictmapError(f"--region: unknown region {name!r}; known: {known}")


def default_region_name(events: gpd.GeoDataFrame) -> str | None:
    """The oblast most events name in ``admin1`` (``None`` when none does)."""
    if "admin1" not in events or not events["admin1"].notna().any():
        return None
    return str(events["admin1"].mode().iloc[0])


def area_km2(geometry: shapely.Geometry | np.ndarray, crs: str = settings.GEOGRAPHIC_CRS) -> float:
    """Area in km² of geometries given in ``crs``, measured in the equal-area CRS."""
    series = gpd.GeoSeries(np.atleast_1d(geometry), crs=crs).to_crs(settings.EQUAL_AREA_CRS)
    return float(series.area.sum() / 1e6)
