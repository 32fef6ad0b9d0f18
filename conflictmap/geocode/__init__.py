"""Names -> coordinates: an offline gazetteer first, online geocoding only when asked."""

from __future__ import annotations

from collections.abc import Iterable

from conflictmap.errors import GeocodeError
from conflictmap.geocode.gazetteer import Gazetteer, GeocodeResult, Place

__all__ = ["Gazetteer", "GeocodeResult", "Place", "geocode_names", "resolve_place"]


def geocode_names(names: Iterable[str], region: str | None = None) -> list[GeocodeResult]:
    """Resolve each name with the bundled offline gazetteer, in order."""
    gazetteer = Gazetteer.default()
    return [gazetteer.geocode(name, region) for name in names]


def resolve_place(name: str, region: str | None = None) -> GeocodeResult:
    """One name that must resolve to exactly one place, else :class:`GeocodeError`."""
    (result,) = geocode_names([name], region)
    if not result.resolved:
        raise GeocodeError(f"place: cannot find {name!r} in the gazetteer; pass --lat and --lon")
    if result.ambiguous:
        options = "; ".join(
            f"{c['name']} ({c['admin1']}, {c['lat']:.4f}, {c['lon']:.4f})" for c in result.candidates
        )
        raise GeocodeError(
            f"place: {name!r} is ambiguous: {options}. Pass --admin1 to choose the oblast, or --lat and --lon"
        )
    return result
