"""Persistent cache of online answers (sqlite in the user cache folder).

Keyed by a hash of the sorted request, checked before any rate-limit pause;
only real answers are stored (a 'no match' answer is one), never a failure.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from conflictmap import settings


def request_key(provider: str, params: dict[str, Any]) -> str:
    """A stable key for one request: sha256 of the provider and the sorted parameters."""
    text = json.dumps({"provider": provider, **params}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AnswerCache:
    """A key -> JSON answer store in one sqlite file.

    Parameters
    ----------
    path : the sqlite file (default: ``geocode-cache.sqlite`` in the cache folder)
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else settings.cache_dir() / "geocode-cache.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=settings.LOCK_TIMEOUT_S)

    def get(self, key: str) -> Any | None:
        """The stored answer, or ``None``."""
        with self._connect() as db:
            row = db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, answer: Any) -> None:
        with self._connect() as db:
            db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)", (key, json.dumps(answer, ensure_ascii=False)))

    def __len__(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
