"""Helpers the tests import: valid events to start from, event files, the CLI in-process or as a process."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from typer.testing import CliRunner

from conflictmap.cli import app

REPO = Path(__file__).resolve().parent.parent

BASE_FEATURE: dict[str, Any] = {
    "type": "Feature",
    "id": "balakliia-2022-09-08",
    "geometry": {"type": "Point", "coordinates": [36.84433, 49.45595]},
    "properties": {
        "place": "Balakliia",
        "admin1": "Kharkiv",
        "country": "UA",
        "date": "2022-09-08",
        "event_type": "control_change",
        "control_before": "RU",
        "control_after": "UA",
        "confidence": "confirmed",
        "sources": [
            {
                "publisher": "Example News",
                "url": "https://example.org/balakliia",
                "published": "2022-09-09",
                "title": "Balakliia retaken",
                "quote": "Ukrainian forces retook Balakliia",
            }
        ],
    },
}


def make_feature(fid: str = "ev-1", **props: Any) -> dict[str, Any]:
    """A valid feature; keyword arguments replace properties (None removes one)."""
    feature = copy.deepcopy(BASE_FEATURE)
    feature["id"] = fid
    for key, value in props.items():
        if value is None:
            feature["properties"].pop(key, None)
        else:
            feature["properties"][key] = value
    return feature


def placed_events(
    rows: list[tuple[str, tuple[float, float], str, str, str, str]], **props: Any
) -> list[dict[str, Any]]:
    """Events from rows of ``(id, (lon, lat), country, date, before, after)``; the place is the id
    before its first hyphen (``balakliia-2``: Balakliia, ``test:balakliia``), published on the date."""
    features = []
    for fid, (lon, lat), country, date, before, after in rows:
        stem = fid.split("-")[0]
        feature = make_feature(
            fid,
            place=stem.title(),
            date=date,
            control_before=before,
            control_after=after,
            country=country,
            place_id=f"test:{stem}",
            **props,
        )
        feature["geometry"]["coordinates"] = [lon, lat]
        feature["properties"]["sources"][0]["published"] = date
        features.append(feature)
    return features


def write_events(path: Path, features: list[dict[str, Any]], **members: Any) -> Path:
    """Write ``features`` as the event file ``path``, with the FeatureCollection's other ``members``."""
    path.write_text(
        json.dumps({"type": "FeatureCollection", **members, "features": features}, indent=2),
        encoding="utf-8",
    )
    return path


#: ``conflictmap add``'s options for a valid event: Kupiansk retaken on 10 September 2022, one source.
ADD_OPTIONS = {
    "place": "Kupiansk",
    "date": "2022-09-10",
    "control_before": "RU",
    "control_after": "UA",
    "source_url": "https://example.org/kupiansk",
    "source_publisher": "Example",
    "source_published": "2022-09-10",
    "lat": "49.71003",
    "lon": "37.61581",
}


def add_args(path: Path | None = None, **options: str | None) -> list[str]:
    """``add`` and its options for a valid event (:data:`ADD_OPTIONS`), into ``path`` if given;
    keyword arguments replace options (``admin1="Kharkiv"``: ``--admin1 Kharkiv``; ``None`` leaves one out)."""
    args = ["add", *(["--file", str(path)] if path else [])]
    for name, value in {**ADD_OPTIONS, **options}.items():
        if value is not None:
            args += [f"--{name.replace('_', '-')}", value]
    return args


def invoke(runner: CliRunner, *args: str):
    """Run the typer app in-process (stdout and stderr kept apart)."""
    return runner.invoke(app, list(args), catch_exceptions=False)


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run ``conflictmap`` as a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "conflictmap", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        input=stdin,
        timeout=120,
    )


def decoded_points(flat: list[int]) -> np.ndarray:
    """A line or ring as the page keeps it (``conflictmap.control.daily._delta_coded``), as (n, 2) degrees."""
    return np.cumsum(np.array(flat, dtype=np.int64).reshape(-1, 2), axis=0) * 1e-5


def decoded_shape(polygons: list) -> shapely.Geometry:
    """A shape as the page keeps it (``conflictmap.control.daily.encode_shapes``), as a (multi)polygon."""
    parts = [shapely.Polygon(decoded_points(rings[0]), [decoded_points(r) for r in rings[1:]]) for rings in polygons]
    return shapely.multipolygons(parts) if len(parts) > 1 else parts[0]
