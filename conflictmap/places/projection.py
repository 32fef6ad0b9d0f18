"""Geometries between the geographic CRS (EPSG:4326) and the equal-area CRS (EPSG:3035), vectorised."""

from __future__ import annotations

from functools import cache
from typing import TypeVar

import numpy as np
import shapely
from pyproj import Transformer

from conflictmap import settings


@cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


Geometries = TypeVar("Geometries", shapely.Geometry, np.ndarray)


def to_equal_area(geometries: Geometries) -> Geometries:
    """Geometries (one, or an array) from EPSG:4326 to the equal-area CRS (vectorised, no frame)."""
    transformer = _transformer(settings.GEOGRAPHIC_CRS, settings.EQUAL_AREA_CRS)
    return shapely.transform(geometries, transformer.transform, interleaved=False)


def to_geographic(geometries: Geometries) -> Geometries:
    """Geometries (one, or an array) from the equal-area CRS to EPSG:4326 (vectorised, no frame)."""
    transformer = _transformer(settings.EQUAL_AREA_CRS, settings.GEOGRAPHIC_CRS)
    return shapely.transform(geometries, transformer.transform, interleaved=False)
