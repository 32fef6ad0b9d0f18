"""New events: a feature built from its fields, checked, with a stable id."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from conflictmap._text import slug
from conflictmap.events.codec import parse_event


def make_event_id(place: str, date: dt.date, control_after: str | None, url: str) -> str:
    """A stable id from what identifies an event: ``<place-slug>-<date>-<hash>``."""
    key = json.dumps([place, date.isoformat(), control_after, url], ensure_ascii=False)
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:6]  # text the check then refuses
    return f"{slug(place) or 'event'}-{date.isoformat()}-{digest}"


def new_event(
    *,
    place: str,
    date: dt.date,
    lon: float,
    lat: float,
    sources: list[dict[str, Any]],
    file: str | Path | None = None,
    **properties: Any,
) -> dict[str, Any]:
    """Build and check a new event feature, returned as a plain mapping.

    ``properties`` takes the optional fields of :class:`EventProperties`;
    ``None`` values are left out. Errors name ``file`` and the new id.
    """
    props = {"place": place, "date": date.isoformat(), **properties, "sources": sources}
    props = {k: v for k, v in props.items() if v is not None}
    feature = {
        "type": "Feature",
        "id": make_event_id(place, date, props.get("control_after"), sources[0]["url"]),
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }
    parse_event(feature, file)
    return feature
