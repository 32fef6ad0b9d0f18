"""Areas a map measured itself: the km² each state covers in each region, per snapshot.

A map snapshot's polygons (DeepStateMap's) are facts about that map: the ground it shows occupied,
contested, of unknown status or liberated. ``import deepstate --areas`` keeps, per snapshot and
region, the km² of each (numbers with the snapshot's citation, never the polygons) in a CSV file
beside the event file, ``<name>.areas.csv``. Where the events counted are that map's alone,
``stats`` takes its km² from them (``"areas": "measured"``) instead of the settlement model's
estimate.

Columns: ``time`` (the snapshot's, UTC, ISO 8601), ``date`` (its day, Kyiv time), ``region``,
``RU_km2``, ``contested_km2``, ``unknown_km2``, ``UA_km2``, ``kind`` (``named`` layers, or
``occupied-only``: free, contested and unknown ground not told apart, nothing drawn in Russia) and
``source_url``. A snapshot has a row for each region where it draws anything; a region of Ukraine
without a row is all free, a Russian region without one all Russian-held (in a named snapshot).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapely

from conflictmap._io import atomic_writer
from conflictmap.errors import EventFileError

COLUMNS = ("time", "date", "region", "RU_km2", "contested_km2", "unknown_km2", "UA_km2", "kind", "source_url")
STATES = ("RU", "contested", "unknown", "UA")
NAMED, OCCUPIED_ONLY = "named", "occupied-only"


@dataclass(frozen=True)
class RegionTable:
    """Regions areas are measured in (EPSG:3035), indexed: names, polygons, bounds, a tree, which
    are in Russia, and a key naming the set (what the km² of cells in them are remembered by)."""

    names: np.ndarray
    polygons: np.ndarray
    bounds: np.ndarray
    tree: shapely.STRtree
    russian: np.ndarray
    key: bytes

    @classmethod
    def of(cls, names: np.ndarray, polygons: np.ndarray) -> RegionTable:
        """The table of these regions (polygons in EPSG:3035)."""
        from conflictmap.places.boundaries import RUSSIAN_BORDER_OBLASTS

        russian = np.isin(names, list(RUSSIAN_BORDER_OBLASTS))
        key = shapely.to_wkb(shapely.geometrycollections(polygons))
        return cls(names, polygons, shapely.bounds(polygons), shapely.STRtree(polygons), russian, key)

    @classmethod
    def default(cls) -> RegionTable:
        """Every oblast of Ukraine and the Russian border oblasts (made once)."""
        return _default_regions()

    def subset(self, names: Iterable[str]) -> RegionTable:
        """These regions of the table, in the order given."""
        position = {name: i for i, name in enumerate(self.names.tolist())}
        keep = np.array([position[name] for name in names], dtype=int)
        return RegionTable.of(self.names[keep], self.polygons[keep])

    @property
    def km2(self) -> dict[str, float]:
        """Each region's area."""
        return dict(zip(self.names.tolist(), (shapely.area(self.polygons) / 1e6).tolist(), strict=True))


@cache
def _default_regions() -> RegionTable:
    from conflictmap.places.boundaries import regions_table
    from conflictmap.places.projection import to_equal_area

    table = regions_table()
    return RegionTable.of(table["name"].to_numpy(), to_equal_area(table.geometry.to_numpy()))


def areas_path(events_file: str | Path) -> Path:
    """The measured areas' file beside an event file: ``war.geojson`` -> ``war.areas.csv``."""
    path = Path(events_file)
    return path.with_name(f"{path.stem}.areas.csv")


@dataclass(frozen=True)
class SnapshotAreas:
    """One snapshot's measured km² per region and state (``km2[region][state]``)."""

    time: dt.datetime
    day: dt.date
    kind: str
    source_url: str
    km2: dict[str, dict[str, float]]


def write_areas(path: Path, snapshots: Iterable[SnapshotAreas]) -> None:
    """Write the rows of ``snapshots`` (in time order) to ``path``, atomically."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    for snap in sorted(snapshots, key=lambda s: s.time):
        stamp = snap.time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for region, km2 in sorted(snap.km2.items()):
            figures = [f"{km2.get(state, 0.0):.1f}" for state in STATES]
            writer.writerow([stamp, snap.day.isoformat(), region, *figures, snap.kind, snap.source_url])
    with atomic_writer(path) as handle:
        handle.write(text.getvalue().encode("utf-8"))


@dataclass(frozen=True)
class MeasuredAreas:
    """The measured areas of one or more event files, looked up by day."""

    snapshots: tuple[SnapshotAreas, ...]

    @classmethod
    def read(cls, paths: Sequence[Path]) -> MeasuredAreas:
        """The measured areas in ``paths``' files.

        Raises
        ------
        EventFileError
            naming the file, the line and the column of a value that cannot be read.
        """
        rows: dict[tuple[dt.datetime, str], SnapshotAreas] = {}
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise EventFileError(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
            reader = csv.DictReader(io.StringIO(text))
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise EventFileError(path, f"expected the columns {', '.join(COLUMNS)}")
            for line, row in enumerate(reader, start=2):
                where = f"line {line}"
                try:
                    time = dt.datetime.fromisoformat(row["time"].replace("Z", "+00:00"))
                    day = dt.date.fromisoformat(row["date"])
                except ValueError:
                    message = f"not a time and a day: {row['time']!r}, {row['date']!r}"
                    raise EventFileError(path, message, where, "time") from None
                figures = {}
                for state in STATES:
                    try:
                        figures[state] = float(row[f"{state}_km2"])
                    except (TypeError, ValueError):
                        raise EventFileError(
                            path, f"not a number: {row[f'{state}_km2']!r}", where, f"{state}_km2"
                        ) from None
                key = (time, row["source_url"])
                snap = rows.setdefault(key, SnapshotAreas(time, day, row["kind"], row["source_url"], {}))
                snap.km2[row["region"]] = figures
        return cls(tuple(sorted(rows.values(), key=lambda s: s.time)))

    def __bool__(self) -> bool:
        return bool(self.snapshots)

    def on(self, day: dt.date) -> SnapshotAreas | None:
        """The last snapshot of ``day`` or before it (Kyiv time); ``None`` before the first."""
        days = np.array([s.day.toordinal() for s in self.snapshots])
        position = int(np.searchsorted(days, day.toordinal(), side="right")) - 1
        return self.snapshots[position] if position >= 0 else None


def region_km2(snapshot: SnapshotAreas, regions: dict[str, float], russian: set[str]) -> dict[str, dict[str, float]]:
    """Each region's km² per state (UA, RU, contested) in a snapshot; ``regions``: each region's
    whole area, ``russian``: the regions in Russia. A region the snapshot has no row for is its
    country's (nothing drawn there)."""
    out = {}
    for name, whole in regions.items():
        row = snapshot.km2.get(name)
        if row is None:
            out[name] = {
                "UA": 0.0 if name in russian else whole,
                "RU": whole if name in russian else 0.0,
                "contested": 0.0,
            }
            continue
        drawn = row["RU"] + row["contested"] + row["unknown"] + (row["UA"] if name in russian else 0.0)
        rest = max(0.0, whole - drawn)
        out[name] = {
            "UA": row["UA"] if name in russian else rest,
            "RU": row["RU"] + (rest if name in russian else 0.0),
            "contested": row["contested"],
        }
    return out
