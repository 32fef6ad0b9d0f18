"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def temp_files(path: Path) -> list[Path]:
    """Temporary files left beside ``path`` by writers that were killed."""
    return list(path.parent.glob(f".{path.name}.*.tmp"))


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 (``\n`` line ends) atomically, see :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, see :func:`atomic_writer`."""
    with atomic_writer(path) as out:
        out.write(data)


@contextmanager
def atomic_writer(path: str | Path) -> Iterator[BinaryIO]:
    """Open a temp file beside ``path`` that replaces ``path`` when the block ends.

    The temp file sits in the same folder, so the rename is atomic; it is fsynced
    first, and removed instead when the block raises. Leftovers of killed
    writers are removed first (use it under the file's lock when others may
    write the same file).
    """
    path = Path(path)
    for stale in temp_files(path):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
