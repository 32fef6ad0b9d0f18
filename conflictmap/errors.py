"""One exception tree for conflictmap.

Each class also inherits the matching built-in, so callers may catch either
(a lock timeout is also a ``TimeoutError``, a bad file also a ``ValueError``).
"""

from __future__ import annotations

from pathlib import Path


class ConflictmapError(Exception):
    """Base class of every error a user can cause."""


class EventFileError(ConflictmapError, ValueError):
    """A problem in an event file, located by file, feature and field.

    Parameters
    ----------
    file : path of the file (or ``None``)
    message : what is wrong
    feature : id (or ``#index``) of the feature, if the problem is in one
    field : dotted path of the field, e.g. ``sources[0].url``
    """

    def __init__(
        self,
        file: str | Path | None,
        message: str,
        feature: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.feature = feature
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.file, self.feature, self.field, self.message]
        return ": ".join(p for p in parts if p)


class LockTimeoutError(ConflictmapError, TimeoutError):
    """The lock on an event file could not be acquired in time."""


class DuplicateEventError(EventFileError):
    """An event with the same id is already in the file."""


class GeocodeError(ConflictmapError, LookupError):
    """A place name could not be resolved to one place; ``ambiguous`` when it names several."""

    def __init__(self, message: str, ambiguous: bool = False) -> None:
        super().__init__(message)
        self.ambiguous = ambiguous


class OnlineGeocodeError(GeocodeError, ConnectionError):
    """The online geocoder could not be reached or gave no usable answer."""
