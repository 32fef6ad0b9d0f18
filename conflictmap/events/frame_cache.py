"""A disk cache of event frames: a big event file is read and checked once, then loaded as columns.

:func:`conflictmap.events.frame.load_events` keeps the columns of each event file of at least
:data:`MIN_BYTES` in the cache folder (:func:`conflictmap.settings.cache_dir`, ``frames/``): the
Arrow table its frame is made of, in an Arrow IPC file (zstd; 1M events take 48 MB). It reads them
back while the file is unchanged: a million events load in about 2 s instead of about 10. An entry
is keyed by the file's path and state (size, modification and change times, inode) and by the code
that checks and builds frames, so any change to either makes it stale; it is then replaced: one
entry per event file. An entry that cannot be read is rebuilt, and a cache folder that cannot be
written only costs time.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata, resources
from pathlib import Path

import pyarrow as pa
import pyarrow.feather

from conflictmap import settings
from conflictmap._io import atomic_writer

#: Smallest event file whose frame is kept (about 15,000 events): smaller ones load in a blink.
MIN_BYTES = 16 * 2**20
#: The modules that check events and build their frames, and the libraries that type the columns.
_CODE = ("events/codec.py", "events/frame.py", "events/frame_cache.py", "events/store.py", "vocab.py")
_LIBRARIES = ("geopandas", "msgspec", "pandas", "pyarrow", "shapely")
_KEY = b"conflictmap"


@cache
def _code_version() -> str:
    digest = hashlib.sha256()
    for module in _CODE:
        digest.update((resources.files("conflictmap") / module).read_bytes())
    for library in _LIBRARIES:
        digest.update(metadata.version(library).encode())
    return digest.hexdigest()[:16]


def state_key(path: Path) -> bytes | None:
    """What an entry for the event file at ``path`` must hold to be current: the file's path and
    state and the code's version; ``None`` for a file too small to keep."""
    path = path.resolve()
    state = path.stat()
    if state.st_size < MIN_BYTES:
        return None
    return f"{path}|{state.st_size}|{state.st_mtime_ns}|{state.st_ctime_ns}|{state.st_ino}|{_code_version()}".encode()


def _entry(path: Path) -> Path:
    return settings.cache_dir() / "frames" / f"{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]}.arrow"


def cached_table(path: Path, key: bytes) -> pa.Table | None:
    """The table kept for the event file at ``path`` if it holds ``key`` (:func:`state_key`), else ``None``."""
    try:
        table = pyarrow.feather.read_table(_entry(path), memory_map=True)
    except Exception:  # noqa: BLE001 - any unreadable entry is rebuilt
        return None
    return table if (table.schema.metadata or {}).get(_KEY) == key else None


def holds(path: Path, key: bytes) -> bool:
    """Whether the cache holds the table of the event file at ``path`` in the state ``key`` names
    (only the entry's footer is read)."""
    try:
        with pa.ipc.open_file(_entry(path)) as entry:
            return (entry.schema.metadata or {}).get(_KEY) == key
    except Exception:  # noqa: BLE001 - an unreadable entry is rebuilt
        return False


def keep_table(path: Path, key: bytes, table: pa.Table) -> None:
    """Keep ``table`` as the table of the event file at ``path`` in the state ``key`` names."""
    table = table.replace_schema_metadata({_KEY: key})
    file = _entry(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_writer(file) as out:
            pyarrow.feather.write_feather(table, out, compression="zstd")
    except OSError:
        pass  # a read-only cache folder only costs time
