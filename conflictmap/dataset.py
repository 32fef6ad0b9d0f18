"""Event files opened once: their list, events, metadata, extent and measured areas.

:class:`Dataset` is the one read path of every command that maps or counts: the event files
are listed once, and each part is read once, when it is first asked for (``export`` reads the
features and never builds the frame; ``stats`` never reads the map's metadata). Everything past
it (:mod:`conflictmap.control`, :mod:`conflictmap.render`, :mod:`conflictmap.events.export`)
takes the data it holds, never a path.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyarrow as pa

from conflictmap.control.measured_areas import MeasuredAreas, areas_path
from conflictmap.errors import ConflictmapError
from conflictmap.events.checks import Problem, check_files
from conflictmap.events.frame import load_events, read_checked, select_events
from conflictmap.events.store import EventPaths, event_files, map_metadata, read_features
from conflictmap.places.boundaries import Extent, extent_of
from conflictmap.vocab import Layer

__all__ = ["Dataset", "open_events"]


class Dataset:
    """The event files at some paths, read once, part by part.

    Parameters
    ----------
    paths : a file or a folder of event files, or several (read together, each file once)
    layer : keep only the events of this layer of sources (``maps``, ``datasets``, ``reports``)
    source : keep only the events with a source whose publisher contains this text (any case)
    region : the regions measured and drawn, by any spelling (default: those the events cover)

    Raises
    ------
    EventFileError
        for a path that does not exist.
    """

    def __init__(
        self, paths: EventPaths, layer: str | None = None, source: str | None = None, region: str | None = None
    ) -> None:
        given = [paths] if isinstance(paths, str | Path) else list(paths)
        self.label = ", ".join(map(str, given))
        self.files = event_files(given)
        self.layer, self.source, self.region = layer, source, region
        self._parsed: dict[Path, list[pa.Table]] = {}  # tables read while checking, for events

    def __repr__(self) -> str:
        return f"Dataset({self.label!r}, {len(self.files)} files)"

    @cached_property
    def events(self) -> gpd.GeoDataFrame:
        """The events (of ``layer``, cited to ``source``) as a GeoDataFrame (EPSG:4326), one row per
        event (:func:`conflictmap.events.frame.load_events`).

        Raises
        ------
        ConflictmapError
            when ``layer`` or ``source`` leave no event.
        """
        parsed, self._parsed = self._parsed, {}
        events = select_events(load_events(self.files, parsed=parsed), self.layer, self.source)
        if events.empty and (self.layer or self.source):
            raise ConflictmapError(f"{self.label}: no events of that layer or source")
        return events

    @cached_property
    def features(self) -> Sequence[dict[str, Any]]:
        """Every event as its validated GeoJSON feature, every field kept, decoded when used."""
        return read_features(self.files, lazy=True)

    @cached_property
    def metadata(self) -> dict[str, Any]:
        """The map settings the files carry: ``title``, ``date`` and ``since``
        (:func:`conflictmap.events.store.map_metadata`)."""
        return map_metadata(self.files)

    @cached_property
    def extent(self) -> Extent:
        """The ground measured and drawn: ``region``'s, else the regions the events cover."""
        return extent_of(self.region, self.events)

    @cached_property
    def measured(self) -> MeasuredAreas | None:
        """The areas a map measured itself that the files carry (``<file>.areas.csv``), if any."""
        found = [p for p in map(areas_path, self.files) if p.exists()]
        return (MeasuredAreas.read(found) or None) if found else None

    @property
    def measured_alone(self) -> MeasuredAreas | None:
        """:attr:`measured` when the events counted are all of the maps layer (the map's own
        figures then stand for them), else ``None``."""
        events = self.events
        if events.empty or "layer" not in events or not (events["layer"] == Layer.MAPS.value).all():
            return None
        return self.measured

    def read(self) -> Dataset:
        """Read every part now, in one pass: events, extent, metadata, measured areas; returns itself."""
        self.events, self.extent, self.metadata, self.measured  # noqa: B018 (each read and kept)
        return self

    def errors(self, then_read: bool = False) -> list[Problem]:
        """The errors ``validate`` finds in the files (its warnings aside), in file order.

        ``then_read``: the events will be read next; a big file is then checked and turned into
        columns in one read of it (:func:`~conflictmap.events.frame.read_checked`), kept for :attr:`events`.

        Raises
        ------
        EventFileError
            for the first file that cannot be read.
        """
        checked = {}
        if then_read:
            today = dt.date.today()
            for file in self.files:
                if (found := read_checked(file, today)) is not None:
                    checked[file], self._parsed[file] = found
        problems, _, unreadable = check_files(self.files, checked=checked)
        if unreadable:
            raise unreadable[0]
        return [p for p in problems if p.severity == "error"]

    def day(self, given: dt.date | None, key: str) -> dt.date | None:
        """``given``, else the files' own ``date`` or ``since`` (``key``)."""
        return given or self.metadata.get(key)

    def title(self, given: str | None = None) -> str | None:
        """``given``, else the files' own title."""
        return given or self.metadata.get("title")

    def default_map_path(self) -> Path:
        """``maps/<name>.html``: the name the event files share (``kharkiv-2022`` for
        ``kharkiv-2022.geojson`` and ``kharkiv-2022-deepstate.geojson``), else the folder's."""
        name = os.path.commonprefix([f.stem for f in self.files]).rstrip("-_. ")
        return Path("maps") / f"{name or Path(self.label).resolve().name}.html"


def open_events(
    paths: EventPaths, layer: str | None = None, source: str | None = None, region: str | None = None
) -> Dataset:
    """Open the event files at ``paths`` and read them: a :class:`Dataset` of events, extent,
    metadata and measured areas (features are decoded when first asked for).

    Examples
    --------
    >>> data = open_events("data/events")
    >>> data.events[["place", "date", "control_after"]].head()  # doctest: +SKIP
    """
    return Dataset(paths, layer, source, region).read()
