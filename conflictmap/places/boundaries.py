"""Country and oblast outlines, read from ``data/boundaries/``.

The committed files are made by ``scripts/build_boundaries.py`` from Natural Earth's
admin-1 polygons (public domain): the oblasts, and Ukraine's outline as their union.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from conflictmap import settings
from conflictmap.errors import ConflictmapError
from conflictmap.places.translit import name_keys
from conflictmap.vocab import UA_ADMIN1


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
    lands = pd.concat([others.rename(columns={"admin1": "name"}).assign(country="UA"), neighbours()], ignore_index=True)
    lands = lands[lands.intersects(reach)]
    places = towns()
    return gpd.GeoDataFrame(lands, crs=table.crs).reset_index(drop=True), places[places.within(reach)].reset_index(
        drop=True
    )


#: The Russian provinces bordering Ukraine that a region may name (their Natural Earth polygons are
#: whole in ``neighbours.geojson``), with their other spellings.
RUSSIAN_BORDER_OBLASTS = {
    "Bryansk": ("Брянская", "Брянська", "Briansk"),
    "Kursk": ("Курская", "Курська"),
    "Belgorod": ("Белгородская", "Бєлгородська", "Bilhorod"),
}
#: The whole country, as a region.
UKRAINE = "Ukraine"
_UKRAINE_NAMES = (UKRAINE, "Україна", "Украина")
#: Regions whose names stand without "oblast" in titles.
_NOT_OBLASTS = ("Kyiv City", "Sevastopol", "Crimea")


@cache
def _region_spellings() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Region name -> (match keys of the name itself, of its other spellings)."""
    named = [(UKRAINE, _UKRAINE_NAMES[1:])] + [(names[0], names[1:]) for names in UA_ADMIN1.values()]
    named += list(RUSSIAN_BORDER_OBLASTS.items())
    return {
        name: (frozenset(name_keys(name)), frozenset().union(*(name_keys(o) for o in others))) for name, others in named
    }


@cache
def _spelled() -> dict[str, frozenset[str]]:
    """Region name -> its name and spellings, case-folded."""
    named = [(UKRAINE, _UKRAINE_NAMES)] + [(names[0], names) for names in UA_ADMIN1.values()]
    named += [(name, (name, *others)) for name, others in RUSSIAN_BORDER_OBLASTS.items()]
    return {name: frozenset(n.casefold() for n in names) for name, names in named}


def _one_region(part: str) -> str:
    """The region one name spells: a name or spelling as written (Kyiv is the oblast, Київ the
    city), then by its folded keys (Kharkov), then a name it begins (Kharkivska)."""
    keys = {k for k in name_keys(part) if k}
    spellings = _region_spellings()
    written = part.casefold()
    for found in (
        [n for n, others in _spelled().items() if written in others],
        [n for n, (own, _) in spellings.items() if keys & own],
        [n for n, (_, other) in spellings.items() if keys & other],
        [
            n
            for n, (own, other) in spellings.items()
            if any(k.startswith(w) or w.startswith(k) for k in own | other for w in keys if len(w) >= 4)
        ],
    ):
        if len(found) == 1:
            return found[0]
        if found:
            raise ConflictmapError(f"--region: {part!r} could be {' or '.join(found)}; name one")
    raise ConflictmapError(f"--region: unknown region {part!r}; known: {', '.join(spellings)}")


def region_names(spec: str | None) -> tuple[str, ...]:
    """The regions a ``--region`` value names: oblasts by any common spelling, comma-separated,
    ``Ukraine``, and the Russian border oblasts (:data:`RUSSIAN_BORDER_OBLASTS`); none: Ukraine.

    Raises
    ------
    ConflictmapError
        for a name that is no region, or could be several.
    """
    parts = [part.strip() for part in (spec or UKRAINE).split(",") if part.strip()]
    if not parts:
        raise ConflictmapError(f"--region: {spec!r} names no region")
    return tuple(dict.fromkeys(_one_region(part) for part in parts))


def region_polygon(spec: str | None) -> shapely.Geometry:
    """The polygon of the regions ``spec`` names (:func:`region_names`): one, or their union.

    Raises
    ------
    ConflictmapError
        for a name that is no region.
    """
    names = region_names(spec)
    if names == (UKRAINE,):
        return country_outline().union_all()
    parts = []
    for name in names:
        if name == UKRAINE:
            parts.append(country_outline().union_all())
        else:
            table = neighbours() if name in RUSSIAN_BORDER_OBLASTS else oblasts().rename(columns={"admin1": "name"})
            parts.append(table.geometry[table["name"] == name].union_all())
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def region_label(spec: str | None, most: int = 4) -> str:
    """How titles name the regions of ``spec``: "Ukraine", "Kharkiv oblast", "Kharkiv and Donetsk
    oblasts"; more than ``most`` regions are counted ("9 regions of Ukraine and Kursk oblast")."""
    names = region_names(spec)
    if UKRAINE in names:
        return UKRAINE if len(names) == 1 else ", ".join(names)
    if len(names) > most:
        russian = [n for n in names if n in RUSSIAN_BORDER_OBLASTS]
        counted = f"{len(names) - len(russian)} regions of Ukraine"
        return f"{counted} and {region_label(','.join(russian))}" if russian else counted
    plain = [n for n in names if n in _NOT_OBLASTS]
    oblast_names = [n for n in names if n not in plain]
    joined = " and ".join(filter(None, [", ".join(oblast_names[:-1]), oblast_names[-1] if oblast_names else ""]))
    label = f"{joined} oblast{'s' if len(oblast_names) > 1 else ''}" if oblast_names else ""
    return " and ".join(filter(None, [label, *plain]))


@cache
def regions_table() -> gpd.GeoDataFrame:
    """Every region a ``--region`` may name but Ukraine as a whole: the oblasts, then the Russian border oblasts."""
    russian = neighbours()[neighbours()["name"].isin(list(RUSSIAN_BORDER_OBLASTS))]
    table = pd.concat([oblasts().rename(columns={"admin1": "name"}), russian[["name", "geometry"]]], ignore_index=True)
    return gpd.GeoDataFrame(table, crs=oblasts().crs)


def covering_regions(events: gpd.GeoDataFrame) -> tuple[str, ...]:
    """The regions (oblasts, Russian border oblasts) that hold the events' points, in the order of
    :func:`region_names`' list; none for events outside all of them."""
    table = regions_table()
    x, y = shapely.get_coordinates(events.geometry.to_numpy()).T
    shapes = table.geometry.to_numpy()
    shapely.prepare(shapes)  # each region against the points in its box at once: faster than a tree of points
    found = []
    for name, shape, (west, south, east, north) in zip(table["name"], shapes, shapely.bounds(shapes), strict=True):
        boxed = (x >= west) & (x <= east) & (y >= south) & (y <= north)
        if boxed.any() and shapely.intersects_xy(shape, x[boxed], y[boxed]).any():
            found.append(name)
    return tuple(found)


@dataclass(frozen=True)
class Extent:
    """The ground a map or a figure covers: its regions' names, its title label, its polygon (EPSG:4326)."""

    names: tuple[str, ...]
    label: str
    polygon: shapely.Geometry


def extent_of(spec: str | None, events: gpd.GeoDataFrame) -> Extent:
    """The regions ``spec`` names, or by default the ground the ``events`` cover: the regions that
    hold their points (all Ukraine when none does).

    Raises
    ------
    ConflictmapError
        for a ``spec`` that names no region.
    """
    spec = spec or ",".join(covering_regions(events)) or UKRAINE
    return Extent(region_names(spec), region_label(spec), region_polygon(spec))


def area_km2(geometry: shapely.Geometry | np.ndarray, crs: str = settings.GEOGRAPHIC_CRS) -> float:
    """Area in km² of geometries given in ``crs``, measured in the equal-area CRS."""
    series = gpd.GeoSeries(np.atleast_1d(geometry), crs=crs).to_crs(settings.EQUAL_AREA_CRS)
    return float(series.area.sum() / 1e6)
