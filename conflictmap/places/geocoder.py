"""Names -> coordinates: an offline gazetteer first, online geocoding only when asked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import msgspec

from conflictmap.errors import GeocodeError, OnlineGeocodeError
from conflictmap.places.gazetteer import Gazetteer, GeocodeResult, Place

if TYPE_CHECKING:
    from conflictmap.places.online import NominatimFallback

__all__ = [
    "Gazetteer",
    "GeocodeResult",
    "Place",
    "Resolver",
    "geocode_names",
    "json_lines",
    "place_by_id",
    "resolve_place",
]


@dataclass
class Resolver:
    """The offline gazetteer, then (optionally) an online fallback for what it lacks.

    Parameters
    ----------
    gazetteer : the offline index (default: the bundled one)
    online : e.g. :class:`~conflictmap.places.online.NominatimFallback`; ``None`` stays offline

    After the first network failure the fallback is not asked again in this run;
    the failure is kept in ``warnings`` and the offline answers stand.
    """

    gazetteer: Gazetteer = field(default_factory=Gazetteer.default)
    online: NominatimFallback | None = None
    warnings: list[str] = field(default_factory=list)

    def geocode(self, query: str, region: str | None = None) -> GeocodeResult:
        result = self.gazetteer.geocode(query, region)
        if result.resolved or self.online is None:
            return result
        try:
            return self.online.geocode(query, region)
        except OnlineGeocodeError as exc:
            self.warnings.append(f"{exc}: offline answers stand")
            self.online = None
            return result


def geocode_names(
    names: Iterable[str], region: str | None = None, resolver: Resolver | None = None
) -> list[GeocodeResult]:
    """Resolve each name in order (offline unless ``resolver`` has a fallback)."""
    resolver = resolver or Resolver()
    return [resolver.geocode(name, region) for name in names]


def json_lines(results: Sequence[GeocodeResult]) -> str:
    """The output of ``conflictmap geocode --json``: one JSON object per result, in order.

    A batch repeats names, and the gazetteer answers a repeated name with the same result
    object: each distinct result is encoded once.
    """
    encode = msgspec.json.Encoder().encode
    encoded: dict[int, bytes] = {}
    for result in results:
        if id(result) not in encoded:
            encoded[id(result)] = encode(result.to_dict())
    return b"\n".join(encoded[id(r)] for r in results).decode()


#: A fuzzy match below this score is only a suggestion when a place must be pinned down.
SURE_SCORE = 90.0


def resolve_place(name: str, region: str | None = None) -> GeocodeResult:
    """One name that must resolve to exactly one place, else :class:`GeocodeError`.

    A fuzzy match scoring below ``SURE_SCORE`` is refused with a suggestion: a
    village missing from the gazetteer must not silently take a similar name's place.
    """
    (result,) = geocode_names([name], region)
    if not result.resolved:
        raise GeocodeError(f"place: cannot find {name!r} in the gazetteer")
    if result.score < SURE_SCORE:
        raise GeocodeError(
            f"place: {name!r} is not in the gazetteer; the closest name is {result.name!r} "
            f"({result.admin1}, score {result.score:g})"
        )
    if result.ambiguous:
        options = "; ".join(
            f"{c['name']} ({c['admin1']}, {c['lat']:.4f}, {c['lon']:.4f}) {c['place_id']}" for c in result.candidates
        )
        raise GeocodeError(f"place: {name!r} is ambiguous: {options}", ambiguous=True)
    return result


def place_by_id(place_id: str) -> Place:
    """The gazetteer entry with ``place_id`` (``geonames:...``, ``katottg:...``), else :class:`GeocodeError`."""
    place = Gazetteer.default().by_id.get(place_id)
    if place is None:
        raise GeocodeError(f"place_id: {place_id!r} is not in the gazetteer (see `conflictmap geocode NAME`)")
    return place
