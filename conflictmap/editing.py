"""Adding events to files: the place found by name when no point is given, the event built, checked
as ``validate`` would, and appended under the file's lock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from conflictmap.errors import ConflictmapError, GeocodeError
from conflictmap.events.builder import new_event
from conflictmap.events.checks import check_event
from conflictmap.events.codec import parse_event
from conflictmap.events.store import append_event

__all__ = ["add_event"]


def add_event(
    file: str | Path,
    place: str,
    date: dt.date,
    sources: list[dict[str, Any]],
    lon: float | None = None,
    lat: float | None = None,
    place_id: str | None = None,
    admin1: str | None = None,
    country: str | None = None,
    **properties: Any,
) -> dict[str, Any]:
    """Append one event to ``file`` (created if missing) and return its feature.

    Without ``lon``/``lat`` the place is ``place_id``'s, else ``place`` looked up in the offline
    gazetteer (``admin1`` the region hint), which also gives ``admin1`` and ``country`` when they
    are not given. ``properties`` are the event's other fields (``control_before``, ``confidence``,
    ...). An event ``validate`` would refuse is not written.

    Raises
    ------
    ConflictmapError
        naming the file and the new event: for a name not found or ambiguous, a field the event
        model refuses, or an error of ``validate`` (a future date, a swapped point, an oblast no one
        knows).
    """
    if lon is not None and lat is not None:
        point = (float(lon), float(lat))
    else:
        from conflictmap.places.geocoder import place_by_id, resolve_place  # the gazetteer only when needed

        try:
            found = place_by_id(place_id) if place_id is not None else resolve_place(place, region=admin1)
        except GeocodeError as exc:
            hint = "--lat and --lon"
            if exc.ambiguous:
                hint = f"--place-id{'' if admin1 else ', --admin1 (the oblast)'} or {hint}"
            raise ConflictmapError(f"{file}: new event: {exc}; pass {hint}") from None
        if found.lon is None or found.lat is None:  # never: a name not found raises above
            raise ConflictmapError(f"{file}: new event: {place!r} has no point")
        point = (found.lon, found.lat)
        properties |= {"place_id": found.place_id, "geo_precision": found.geo_precision}
        admin1, country = admin1 or found.admin1, country or found.country
    feature = new_event(
        file=file,
        place=place,
        date=date,
        lon=point[0],
        lat=point[1],
        sources=sources,
        admin1=admin1,
        country=country,
        **properties,
    )
    event = parse_event(feature, file)
    problems = check_event(event, str(file), dt.date.today())  # type: ignore[arg-type]  # the model's event has the same fields
    if errors := [p for p in problems if p.severity == "error"]:
        raise ConflictmapError(f"{errors[0]} (nothing written)")
    append_event(file, feature)
    return feature
