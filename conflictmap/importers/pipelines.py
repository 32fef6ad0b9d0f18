"""Each import as one call: files or the live API in, events (and measured areas) out, and written.

The command line only parses options and prints; a notebook calls the same functions:

>>> imported = import_snapshots(["geojsons/"], region="Kharkiv", since=dt.date(2022, 9, 1))  # doctest: +SKIP
>>> save_imported(imported, Path("kharkiv.geojson"))  # doctest: +SKIP

``progress`` arguments wrap a long iteration (e.g. ``rich.progress.track``): they are given the
items, a description and their count, and yield the items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from conflictmap.control.measured_areas import MeasuredAreas, RegionTable, SnapshotAreas, areas_path, write_areas
from conflictmap.errors import ConflictmapError
from conflictmap.events.store import append_events, save_new_collection
from conflictmap.importers.deepstate import (
    DEFAULT_SOURCE_URL,
    Observations,
    SourceUrl,
    events_from_deepstate,
    gazetteer_settlements,
    observe,
    on_days,
    one_kind_a_day,
    snapshot_files,
)
from conflictmap.importers.places import read_places

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int], Iterable[T]]

__all__ = ["Imported", "check_out", "import_live_updates", "import_snapshots", "observe_settlements", "save_imported"]


def no_progress(items: Iterable[T], description: str, total: int) -> Iterable[T]:
    """No progress shown: the items as they are."""
    return items


@dataclass
class Imported:
    """What an import made: the events, the areas measured (when asked), warnings for the user, the
    event file's other members to write (a live import records what it read; a caller may add a
    title) and, for a live import, how many updates it read."""

    features: list[dict[str, Any]]
    areas: list[SnapshotAreas] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    members: dict[str, Any] = field(default_factory=dict)
    updates: int = 0


def observe_settlements(
    files: Sequence[Path],
    region: str | None = None,
    places: Path | None = None,
    when: dt.datetime | None = None,
    areas: bool = False,
    progress: Progress[Any] = no_progress,
) -> Observations:
    """The settlements of ``region`` (or of the file ``places``) observed in each snapshot file; with
    ``areas``, the km² each state covers per region too.

    Raises
    ------
    ConflictmapError
        when there is no settlement to follow, or a file cannot be read as a snapshot.
    """
    settlements = read_places(places, region) if places is not None else gazetteer_settlements(region)
    if not settlements:
        raise ConflictmapError(f"no settlement to follow in {region or 'the region'}")
    description = f"Reading {len(files):,} snapshots for {len(settlements):,} places"
    return observe(
        files,
        settlements,
        when,
        lambda items: progress(items, description, len(files)),
        RegionTable.default() if areas else None,
    )


def _warnings(observed: Observations) -> list[str]:
    if not observed.unknown_layers:
        return []
    names = ", ".join(f"{name!r} ({n})" for name, n in observed.unknown_layers.most_common())
    return [f"polygons with a layer name no rule knows were left out: {names}"]


def import_snapshots(
    paths: Iterable[str | Path],
    region: str | None = None,
    places: Path | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    time: dt.datetime | None = None,
    source_url: SourceUrl = DEFAULT_SOURCE_URL,
    areas: bool = False,
    progress: Progress[Any] = no_progress,
) -> Imported:
    """Import DeepStateMap snapshot files (either archive, files or folders): each settlement's
    state per snapshot, one control change per change.

    Parameters
    ----------
    paths : snapshot files or folders of them
    region : the regions whose settlements to follow (default: Ukraine and Russia's border oblasts)
    places : follow the places of this CSV or GeoJSON file instead of the gazetteer's
    since, until : skip snapshots before or after these days (Kyiv time)
    time : the time of a single snapshot whose file name carries none
    source_url : the URL each event cites (``{time}`` and ``{file}`` filled in)
    areas : measure the km² each state covers per region and snapshot (:attr:`Imported.areas`)

    Raises
    ------
    ConflictmapError
        for no snapshot in the days asked, a ``time`` given for several files, or a file that
        cannot be read.
    """
    files = snapshot_files(paths)
    if time is not None and len(files) != 1:
        raise ConflictmapError(f"--time: gives the time of one snapshot, but {len(files)} were named")
    files = one_kind_a_day(on_days(files, since, until, time), time)
    if not files:
        raise ConflictmapError("no snapshot between --since and --until")
    observed = observe_settlements(files, region, places, time, areas, progress)
    return Imported(
        events_from_deepstate(observed, source_url),
        observed.measured_areas(source_url) if areas else [],
        _warnings(observed),
    )


def import_live_updates(
    api: str,
    timeout: float,
    since: dt.date | None = None,
    until: dt.date | None = None,
    region: str | None = None,
    places: Path | None = None,
    append_to: Path | None = None,
    areas: bool = False,
    progress: Progress[Any] = no_progress,
) -> Imported | None:
    """Import the live map's updates: the latest alone, those from ``since`` (to ``until``), or
    those after the last one ``append_to`` holds; ``None`` when there is no update to read.

    Raises
    ------
    ConflictmapError
        for an API that cannot be read, or an ``append_to`` file no live import wrote.
    """
    from conflictmap.importers.deepstate_live import LiveMap, import_live

    client = LiveMap(api, timeout=timeout)
    done = import_live(
        client,
        lambda files: observe_settlements(files, region, places, areas=areas),
        since,
        until,
        append_to,
        progress=lambda files, total: progress(files, f"Reading {total:,} updates of the live map", total),
    )
    if done is None:
        return None
    measured = done.observed.measured_areas(client.cite) if areas else []
    return Imported(done.features, measured, _warnings(done.observed), dict(done.member), len(done.updates))


def check_out(out: Path, overwrite: bool = False, append: bool = False) -> None:
    """Refuse, before any work, to write ``out`` where :func:`save_imported` would refuse.

    Raises
    ------
    ConflictmapError
        for an ``out`` to append to that is missing, or a new one that exists (without ``overwrite``).
    """
    if append and not out.exists():
        raise ConflictmapError(f"{out}: no such file to append to (import without --append first)")
    if not append and out.exists() and not overwrite:
        raise ConflictmapError(f"{out}: already exists (pass --overwrite to replace it, or --append to add to it)")


def save_imported(imported: Imported, out: Path, overwrite: bool = False, append: bool = False) -> Path | None:
    """Write the events to ``out`` (a new file, or with ``append`` after its events) and the areas
    measured beside it (``<out>.areas.csv``, after the rows already there with ``append``); returns
    the areas file written, if any.

    Raises
    ------
    ConflictmapError
        for an ``out`` that exists (without ``overwrite`` or ``append``) or is missing (with ``append``).
    """
    if append:
        append_events(out, imported.features, imported.members or None)
    else:
        save_new_collection(out, imported.features, overwrite, imported.members or None)
    if not imported.areas:
        return None
    path = areas_path(out)
    kept = MeasuredAreas.read([path]).snapshots if append and path.exists() else ()
    write_areas(path, [*kept, *imported.areas])
    return path
