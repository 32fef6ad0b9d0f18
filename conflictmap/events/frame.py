"""Events as a GeoDataFrame: one row per event, every property a column.

The store (:mod:`conflictmap.events.store`) reads and writes event files with no dataframe library;
this module builds frames of their events for the commands that compute on them (``stats``,
``render``, ``image``, ``export``), so that ``add`` and ``validate`` start without geopandas.

:func:`load_events` builds the columns straight from each feature's text, decoded into the
structs of :mod:`conflictmap.events.codec` (checked and typed in one pass, no mapping built), as
Arrow tables; a block of features with a property the model does not name takes the path through
mappings, :func:`events_frame`, which keeps every property. Both give the same columns.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import geopandas as gpd
import msgspec
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from conflictmap import settings
from conflictmap._parallel import ordered_map
from conflictmap.events import checks, frame_cache
from conflictmap.events import codec as structs
from conflictmap.events.store import (
    EventCollection,
    EventPaths,
    RawFeatures,
    batched,
    claim_ids,
    event_files,
    gc_paused,
    map_runs,
    read_collection,
    validated,
)


def _default(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


#: The model's properties, in order; all but ``date`` and ``sources`` are text columns.
FIELDS = tuple(f.name for f in msgspec.structs.fields(structs.EventProperties))
#: The text columns' defaults.
TEXT_FIELDS = {
    f.name: None if f.required else _default(f.default)
    for f in msgspec.structs.fields(structs.EventProperties)
    if f.name not in ("date", "sources")
}
_EPOCH = dt.date(1970, 1, 1).toordinal()
#: Properties named as the frame's own columns, and the columns they get.
_RENAMED = {"id": "properties.id", "geometry": "properties.geometry"}


class _Source(structs.BlockSource, forbid_unknown_fields=True, omit_defaults=True, gc=False):
    """A source with no field the model does not name (encoded without its empty fields)."""


class _Properties(structs.BlockEventProperties, forbid_unknown_fields=True, kw_only=True, gc=False):
    """Properties with no field the model does not name: all of them fit the columns."""

    sources: Annotated[list[_Source], msgspec.Meta(min_length=1)]  # type: ignore[assignment]  # a narrower struct


class _Event(structs.BlockEvent, gc=False):
    properties: _Properties


_DECODER = msgspec.json.Decoder(_Event)
_ENCODER = msgspec.json.Encoder()


def _table(
    ids: list[str], xy: list[Any], text: dict[str, list[Any]], days: np.ndarray, sources: list[bytes]
) -> pa.Table:
    """A block of events as Arrow columns: ``id``, the model's properties, ``lon`` and ``lat``;
    ``days`` as ``datetime64[D]``, ``sources`` each row's JSON text."""
    columns: dict[str, Any] = {"id": _text_column(ids)}
    for name in FIELDS:
        if name == "date":
            columns[name] = pa.array(days.astype("datetime64[us]"))
        else:
            columns[name] = _text_column(sources if name == "sources" else text[name])
    lonlat = np.fromiter(itertools.chain.from_iterable(xy), dtype=float, count=2 * len(xy)).reshape(-1, 2)
    return pa.table({**columns, "lon": lonlat[:, 0], "lat": lonlat[:, 1]})


def _text_column(values: Sequence[str | bytes | None]) -> pa.Array:
    """A text column of ``values`` (UTF-8 bytes taken as text)."""
    return pa.array(values, type=pa.large_string())


def _frame_of_table(table: pa.Table) -> gpd.GeoDataFrame:
    """The frame of a table of events (:func:`_table`): text columns as ``str``, the points made of
    ``lon`` and ``lat``."""
    points = shapely.points(table["lon"].to_numpy(), table["lat"].to_numpy())
    frame = table.drop_columns(["lon", "lat"]).to_pandas()
    return gpd.GeoDataFrame(frame, geometry=points, crs=settings.GEOGRAPHIC_CRS)


def _frame_of_mappings(features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """The frame of validated feature mappings: every property kept."""
    props = [f["properties"] for f in features]
    others = dict.fromkeys(k for p in props for k in p if k not in FIELDS)
    frame = _frame_of_table(
        _table(
            [f["id"] for f in features],
            [f["geometry"]["coordinates"] for f in features],
            {name: [p.get(name, default) for p in props] for name, default in TEXT_FIELDS.items()},
            np.array([p["date"] for p in props], dtype="datetime64[D]"),
            [_ENCODER.encode(p["sources"]) for p in props],
        )
    )
    for name in others:  # as pandas types them, before the geometry
        frame.insert(len(frame.columns) - 1, _RENAMED.get(name, name), pd.Series([p.get(name) for p in props]))
    return frame


def _table_of_events(events: list[_Event]) -> pa.Table:
    """The table of decoded events (no property the model does not name)."""
    props = [e.properties for e in events]
    return _table(
        [e.id for e in events],
        [e.geometry.coordinates for e in events],
        {name: [getattr(p, name) for p in props] for name in TEXT_FIELDS},
        (np.array([p.date.toordinal() for p in props], dtype=np.int64) - _EPOCH).astype("datetime64[D]"),
        [_ENCODER.encode(p.sources) for p in props],
    )


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    if len(frames) > 1:
        return pd.concat(frames, ignore_index=True)
    return frames[0] if frames else _frame_of_mappings([])


def events_frame(features: Iterable[dict[str, Any]], chunk_size: int = 50_000) -> gpd.GeoDataFrame:
    """Build a GeoDataFrame (EPSG:4326) of validated feature mappings.

    One row per event; ``id``, then one column per property of the model (defaults filled in;
    ``date`` a ``datetime64`` column; ``sources`` the JSON text of the list: see
    :func:`sources_of`), then the other properties (``id`` and ``geometry`` among them as
    ``properties.id`` and ``properties.geometry``). Rows are built ``chunk_size`` features at
    a time, so a lazy sequence of features is never all decoded at once.
    """
    with gc_paused():
        return _concat([_frame_of_mappings(chunk) for chunk in batched(iter(features), chunk_size)])


def load_events(
    path: EventPaths, chunk_size: int = 50_000, parsed: Mapping[Path, list[pa.Table]] | None = None
) -> gpd.GeoDataFrame:
    """Read and validate the event file(s) at ``path`` into a GeoDataFrame (EPSG:4326), as
    :func:`events_frame` builds it.

    A file in the stable form is read in runs of about :data:`~conflictmap.events.store.RUN_BYTES`, each read, checked
    and turned into columns by a process per core, so memory holds the frame and a run per
    process. Another file (or one with a feature to explain) is read whole, then checked as
    the rows are built, a block of ``chunk_size`` features at a time, so memory holds its bytes
    and the frame, never every feature. The frame of a big file is kept in the cache folder
    and read back while the file and the code are unchanged (:mod:`conflictmap.events.frame_cache`).

    ``parsed``: the tables of some of the files, already read (:func:`read_checked`); those files
    are not read again.
    """
    ids = _Ids()
    frames = []
    with gc_paused():
        for file in event_files(path):
            ids.claimed()  # the files before: this one's ids are checked against theirs
            frames.append(_file_frame(file, ids, chunk_size, (parsed or {}).get(file)))
        if len(frames) > 1:
            ids.claimed()
        return _concat(frames)


class _Ids:
    """The ids of one load and their files, for :func:`~conflictmap.events.store.claim_ids`.

    The ids of a frame built from text are claimed only when other ids are checked against
    them: those of the next file, or of a block checked feature by feature (which gets
    :meth:`claimed`). A file's own ids are checked for repeats at once, vectorised, and claimed
    one at a time only to name a repeat. So a one-file load builds no dict of its ids.
    """

    def __init__(self) -> None:
        self._seen: dict[str, Path] = {}
        self._unclaimed: list[tuple[pa.Array | pa.ChunkedArray, Path]] = []

    def add(self, ids: pa.Array | pa.ChunkedArray, path: Path) -> None:
        self._unclaimed.append((ids, path))

    def claimed(self) -> dict[str, Path]:
        """Every id so far and its file, claimed in turn: raises at the first repeat."""
        for ids, path in self._unclaimed:
            claim_ids(self._seen, ids.to_pylist(), path)
        self._unclaimed.clear()
        return self._seen


def _file_frame(path: Path, ids: _Ids, chunk_size: int, parsed: list[pa.Table] | None) -> gpd.GeoDataFrame:
    """The frame of one event file, from its ``parsed`` tables, else from the cache when it is
    current, else read; its ids added to ``ids``."""
    key = frame_cache.state_key(path)
    table = frame_cache.cached_table(path, key) if key and parsed is None else None
    if table is not None:  # its ids were checked before it was kept
        ids.add(table["id"], path)
        return _frame_of_table(table)
    if parsed is not None:
        for table in parsed:
            ids.add(table["id"], path)
    blocks: list[pa.Table | gpd.GeoDataFrame] = parsed or _parsed_blocks(path, ids, chunk_size)
    if blocks and all(isinstance(block, pa.Table) for block in blocks):  # no column typed by pandas alone
        table = pa.concat_tables(blocks)
        frame = _frame_of_table(table)
    else:
        table, frame = None, _concat([_frame_of_table(b) if isinstance(b, pa.Table) else b for b in blocks])
    if not frame["id"].is_unique:
        ids.claimed()  # names the first repeat
    if key and table is not None:
        frame_cache.keep_table(path, key, table)
    return frame


def _parsed_blocks(path: Path, ids: _Ids, chunk_size: int) -> list[pa.Table | gpd.GeoDataFrame]:
    """The blocks of one event file, parsed: in runs if it is in the stable form and every feature
    fits the columns, else ``chunk_size`` features at a time; their ids added to ``ids``."""
    tables = _stable_tables(path)
    if tables is None:
        return list(_blocks(read_collection(path, lazy=True), ids, chunk_size))
    for table in tables:
        ids.add(table["id"], path)
    return tables


def _stable_tables(path: Path) -> list[pa.Table] | None:
    """The tables of an event file in the stable form, a run of features at a time
    (:func:`~conflictmap.events.store.map_runs`); ``None`` for a file in another form, or with a feature
    that does not fit the columns (then :func:`_blocks` reads it)."""
    return map_runs(path, lambda _, texts: _table_of_texts(texts), None)


def read_checked(path: Path, today: dt.date) -> tuple[list[checks.Block], list[pa.Table]] | None:
    """The event file at ``path`` checked as ``validate`` checks it and turned into tables, in one
    read of it: the blocks of :func:`~conflictmap.events.checks.check_files` and the tables of
    :func:`load_events` (its ``parsed``), a run at a time by a process per core; ``None`` when it
    is read otherwise (:func:`~conflictmap.events.store.map_runs`), or its frame is in the cache."""
    if (key := frame_cache.state_key(path)) and frame_cache.holds(path, key):
        return None
    runs = map_runs(path, _checked_table, (str(path), today))
    if runs is None:
        return None
    return [block for block, _ in runs], [table for _, table in runs]


def _checked_table(shared: tuple[str, dt.date], texts: list[memoryview]) -> tuple[checks.Block, pa.Table] | None:
    """The check block and the table of a run's features, or ``None`` if one does not fit the columns."""
    file, today = shared
    events = structs.decode_events(texts, _DECODER)
    if any(event is None for event in events):
        return None
    block = checks.block_of(file, ((event, []) for event in events), today)
    return block, _table_of_events(events)  # type: ignore[arg-type]


def _table_of_texts(texts: Iterable[bytes | memoryview | msgspec.Raw]) -> pa.Table | None:
    """The table of features decoded from their texts, or ``None`` if one does not fit the columns."""
    events = structs.decode_events(texts, _DECODER)
    return None if any(event is None for event in events) else _table_of_events(events)  # type: ignore[arg-type]


def _blocks(collection: EventCollection, ids: _Ids, chunk_size: int) -> Iterator[pa.Table | gpd.GeoDataFrame]:
    """The tables of one file's features, ``chunk_size`` at a time, built by a process per core
    (:mod:`conflictmap._parallel`) and taken in order, their ids added to ``ids``; the frame of a
    block with a property the model does not name, or a feature to explain."""
    features: Sequence[dict[str, Any]] = collection.features
    tasks = [(start, min(start + chunk_size, len(features))) for start in range(0, len(features), chunk_size)]
    workers = None if isinstance(features, RawFeatures) else 1  # mappings are built here
    for (start, stop), table in zip(tasks, ordered_map(_text_block, features, tasks, workers), strict=True):
        if table is None:
            yield _frame_of_mappings(list(validated(collection, ids.claimed(), range(start, stop))))
        else:
            ids.add(table["id"], collection.path)
            yield table


def _text_block(features: Sequence[dict[str, Any]], task: tuple[int, int]) -> pa.Table | None:
    """The table of features ``start:stop`` decoded from their text, or ``None`` if one does not fit the columns."""
    if not isinstance(features, RawFeatures):
        return None
    return _table_of_texts(features.text(i) for i in range(*task))


def sources_of(text: str) -> list[dict[str, Any]]:
    """The sources of a frame's row (the ``sources`` column holds them as JSON text)."""
    return msgspec.json.decode(text)


def select_events(events: gpd.GeoDataFrame, layer: str | None = None, source: str | None = None) -> gpd.GeoDataFrame:
    """The rows of ``layer`` with a source whose publisher contains ``source`` (any case)."""
    keep = np.ones(len(events), dtype=bool)
    if layer is not None:
        keep &= (events["layer"] == layer).to_numpy()
    if source is not None:
        needle = source.casefold()
        keep &= (
            events["sources"]
            .map(lambda text: any(needle in s["publisher"].casefold() for s in sources_of(text)))
            .to_numpy(bool)
        )
    return events if keep.all() else events[keep]
