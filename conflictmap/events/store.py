"""Read and write GeoJSON event files: atomic, locked, lossless.

A file is kept as the mappings it was read from, so every property and foreign
member the tool does not know survives a read -> write round trip. Writes go to
a temporary file in the same folder, are fsynced and then ``os.replace``-d over
the original under an exclusive lock: a reader sees the old file or the new one,
never half of one, and concurrent writers all land.
"""

from __future__ import annotations

import bisect
import codecs
import datetime as dt
import gc
import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock
import msgspec

from conflictmap import settings
from conflictmap._io import atomic_writer
from conflictmap._parallel import Result, Shared, cores, ordered_map
from conflictmap.errors import DuplicateEventError, EventFileError, LockTimeoutError
from conflictmap.events.codec import feature_label, parse_event
from conflictmap.vocab import Layer

EVENT_FILE_SUFFIXES = (".geojson", ".json")


@dataclass
class EventCollection:
    """The content of one event file.

    Attributes
    ----------
    path : where it was read from (or will be written to)
    features : the feature mappings, exactly as read (a list, or a read-only
        :class:`RawFeatures` when read lazily)
    members : the FeatureCollection's other members (``name``, ``crs``, ...)
    """

    path: Path
    features: Sequence[dict[str, Any]] = field(default_factory=list)
    members: dict[str, Any] = field(default_factory=lambda: {"type": "FeatureCollection"})


def _decode(path: Path, raw: bytes) -> Any:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise EventFileError(path, "starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventFileError(path, f"not UTF-8 (byte {exc.start} is {raw[exc.start]:#04x})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventFileError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def _is_utf8(raw: bytes, chunk: int = 1 << 24) -> bool:
    """Whether ``raw`` is valid UTF-8, checked a chunk at a time (no copy of the whole)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(view), chunk):
            decoder.decode(view[start : start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _check_feature(path: Path, feature: Any, index: int) -> dict[str, Any]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise EventFileError(path, "expected a GeoJSON Feature", feature_label(feature, index), "type")
    return feature


def parse_collection(path: str | Path, raw: bytes) -> EventCollection:
    """Parse the bytes of an event file into an :class:`EventCollection`.

    Checks the file's structure (UTF-8, JSON, a FeatureCollection of Features);
    the content of each feature is checked by :func:`validate_collection`.
    """
    path = Path(path)
    doc = _decode(path, raw)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        found = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise EventFileError(path, f"expected a GeoJSON FeatureCollection, found {found!r}")
    features = doc.get("features")
    if not isinstance(features, list):
        raise EventFileError(path, "'features' must be a list", field="features")
    for index, feature in enumerate(features):
        _check_feature(path, feature, index)
    members = {k: v for k, v in doc.items() if k != "features"}
    return EventCollection(path, features, members)


_JSON_DECODER = msgspec.json.Decoder()
#: A JSON object's members, those that are arrays as the texts of their items.
_SPLIT_DECODER = msgspec.json.Decoder(dict[str, list[msgspec.Raw] | dict | str | int | float | bool | None])


class RawFeatures(Sequence[dict[str, Any]]):
    """The features of a file, each decoded from its JSON text when asked for.

    A million-event file is held as its bytes plus one slice per feature, and
    read a feature at a time, instead of as a million nested dicts at once.
    """

    def __init__(self, path: Path, raws: list[msgspec.Raw]) -> None:
        self.path = path
        self._raws = raws

    def __len__(self) -> int:
        return len(self._raws)

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        return self._decode(index, self._raws[index])

    def text(self, index: int) -> msgspec.Raw:
        """The JSON text of feature ``index``, undecoded."""
        return self._raws[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for index, raw in enumerate(self._raws):
            yield self._decode(index, raw)

    def _decode(self, index: int, raw: msgspec.Raw) -> dict[str, Any]:
        try:
            feature = _JSON_DECODER.decode(raw)
        except msgspec.DecodeError as exc:
            raise EventFileError(self.path, f"feature #{index}: {exc}") from None
        return _check_feature(self.path, feature, index)


def read_collection(path: str | Path, lazy: bool = False) -> EventCollection:
    """Read one event file (structure only, see :func:`parse_collection`).

    With ``lazy`` the features are a read-only :class:`RawFeatures` sequence,
    decoded one by one as they are used (the other members are decoded as
    usual): :func:`write_collection` can stream them back, but they cannot be
    changed in place.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if lazy and not raw.startswith(b"\xef\xbb\xbf") and (raw.isascii() or _is_utf8(raw)):
        try:
            top = _SPLIT_DECODER.decode(raw)  # the members, and the features as slices, in one pass
        except msgspec.DecodeError:
            top = {}
        features = top.pop("features", None)
        members = _members(top)
        if members.get("type") == "FeatureCollection" and isinstance(features, list):
            return EventCollection(path, RawFeatures(path, features), members)
    return parse_collection(path, raw)  # the eager parse, and its messages for broken files


def _members(top: dict[str, Any]) -> dict[str, Any]:
    """The members :data:`_SPLIT_DECODER` decoded, their arrays' items decoded too."""
    return {
        key: [_JSON_DECODER.decode(v) for v in value] if isinstance(value, list) else value
        for key, value in top.items()
    }


def read_members(path: str | Path) -> dict[str, Any]:
    """The FeatureCollection members of an event file other than ``features``, which are left unread."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            if (layout := stable_layout(file.fileno())) is not None:
                return layout.members  # read from the file's ends only
    except OSError:
        pass  # _read_bytes says why
    raw = _read_bytes(path)
    try:
        top = msgspec.json.decode(raw, type=dict[str, msgspec.Raw])
        members = {k: _JSON_DECODER.decode(v) for k, v in top.items() if k != "features"}
    except msgspec.DecodeError:
        members = {}
    return members if members.get("type") == "FeatureCollection" else parse_collection(path, raw).members


#: The stable form (:func:`collection_text`) puts ``features`` last, starts each feature on a line
#: of its own, indented four spaces, after a comma that ends the one before, and closes the array
#: on a line indented two spaces (the lines within a feature are indented six or more).
_FEATURES_KEY = b'"features": ['
_OPENING = b"\n    {"
_GLUE = b",\n    "
_CLOSING = b"\n  ]"
#: How much of a file's ends, or of the bytes where a run is to start, is read to find an opening.
_LOOK_BYTES = 1 << 20


@dataclass(frozen=True)
class StableLayout:
    """Where the features of an event file in the stable form lie (:func:`stable_layout`).

    Attributes
    ----------
    members : the FeatureCollection's other members
    first : the offset of the first feature's opening ``{``
    close : the offset of the features array's closing ``]``
    """

    members: dict[str, Any]
    first: int
    close: int

    def runs(self, fd: int, run_bytes: int) -> list[tuple[int, int]]:
        """Byte ranges ``(start, stop)`` of about ``run_bytes`` from the first feature to the array's
        end, each from a feature's opening ``{`` to the next range's: :func:`run_texts` splits one
        into the features' texts. Only the bytes where each range is to start are read."""
        starts = [self.first]
        look = self.first + run_bytes
        while look < self.close:
            window = os.pread(fd, min(_LOOK_BYTES, self.close - look), look)
            at = window.find(_OPENING)
            if at < 0:  # within a long feature: look further
                look += max(1, len(window) - len(_OPENING) + 1)
                continue
            starts.append(look + at + len(_OPENING) - 1)
            look = starts[-1] + run_bytes
        return list(zip(starts, [*starts[1:], self.close], strict=True))


def stable_layout(fd: int) -> StableLayout | None:
    """The layout of the event file open as ``fd`` if it is in the stable form with at least one
    feature, else ``None`` (then read it with :func:`read_collection`; always ``None`` on a system
    without ``os.pread``).

    Only the file's ends are read. The members around the features are checked by decoding them
    with ``0`` in place of the features; the features are checked as they are read:
    :func:`run_texts` requires a comma between every two texts, and each text must decode as one
    JSON value. A run of whole values joined by commas has one parse, so the texts are then the
    array's items, as a full parse would find them.
    """
    if not hasattr(os, "pread"):
        return None
    size = os.fstat(fd).st_size
    head = os.pread(fd, min(size, _LOOK_BYTES), 0)
    key = head.find(_FEATURES_KEY)
    at = head.find(_OPENING, key) if key >= 0 else -1
    if at < 0:
        return None
    first = at + len(_OPENING) - 1
    tail_start = max(first + 1, size - _LOOK_BYTES)
    tail = os.pread(fd, size - tail_start, tail_start)
    at = tail.rfind(_OPENING)
    if at < 0 and tail_start > first + 1:
        return None  # the last feature is longer than what was read of the end
    at = tail.find(_CLOSING, max(at, 0))  # the first closing after the last opening
    if at < 0:
        return None
    close = at + len(_CLOSING) - 1
    try:
        top = _SPLIT_DECODER.decode(head[:first] + b"0" + tail[close:])
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    if top.get("type") != "FeatureCollection" or top.pop("features", None) != [msgspec.Raw(b"0")]:
        return None
    return StableLayout(_members(top), first, tail_start + close)


#: Bytes of an event file in the stable form read and worked on by one task (about 58,000 of the
#: synthetic events of ``benchmarks/``).
RUN_BYTES = 64 * 2**20


def map_runs(
    path: Path, work: Callable[[Shared, list[memoryview]], Result | None], shared: Shared
) -> list[Result] | None:
    """``work(shared, texts)`` for the features' texts of each run of the event file at ``path``
    (:func:`_run_bytes`), in order, by a process per core that reads its run itself
    (:func:`~conflictmap._parallel.ordered_map`); ``None`` if the file is not in the stable form
    (:func:`stable_layout`), is a single run, cannot be opened, or a run's work gives ``None``: then
    read it with :func:`read_collection`, which says what is wrong."""
    try:
        file = path.open("rb")
    except OSError:
        return None
    with file:
        layout = stable_layout(file.fileno())
        if layout is None:
            return None
        runs = layout.runs(file.fileno(), _run_bytes(layout.close - layout.first, cores()))
        if len(runs) < 2:
            return None  # nothing to share among processes
        results = []
        for result in ordered_map(_work_on_run, (file.fileno(), layout.close, work, shared), runs):
            if result is None:
                return None
            results.append(result)
    return results


def _run_bytes(span: int, workers: int) -> int:
    """The size of a run: at most :data:`RUN_BYTES`, with as many runs as a multiple of the
    ``workers``, of equal size, so they finish together (a file of one run's size stays one)."""
    count = -(-span // RUN_BYTES)
    if count > 1:
        count = -(-count // workers) * workers
    return -(-span // count)


def _work_on_run(shared: tuple[int, int, Callable[[Any, list[memoryview]], Any], Any], run: tuple[int, int]) -> Any:
    (fd, close, work, extra), (start, stop) = shared, run
    texts = run_texts(os.pread(fd, stop - start, start), last=stop == close)
    return None if texts is None else work(extra, texts)


def run_texts(run: bytes, last: bool) -> list[memoryview] | None:
    """The features' texts in a run of a stable-form file (:meth:`StableLayout.runs`), split where a
    line opens a feature, each ending at the comma before the next; ``None`` if two features are
    not joined by a comma (or a run but the ``last`` does not end with one)."""
    import numpy as np  # here: only big files are read in runs, by commands that load it anyway

    end = len(run)
    if not last:
        if not run.endswith(_GLUE):
            return None
        end -= len(_GLUE)
    while last and end > 0 and run[end - 1] in b" \t\n\r":  # the blanks before the array's "]"
        end -= 1
    data = np.frombuffer(run, dtype=np.uint8, count=end)
    at = np.flatnonzero(data[len(_GLUE) :] == ord("{")) + len(_GLUE)  # each "{" that has a glue's room before it
    for offset, byte in enumerate(reversed(_OPENING[:-1]), 1):
        at = at[data[at - offset] == byte]  # the "{" that open a line, indented four spaces
    if not (data[at - len(_GLUE)] == ord(",")).all():
        return None
    view = memoryview(run)
    starts, ends = [0, *at.tolist()], [*(at - len(_GLUE)).tolist(), end]
    return [view[start:stop] for start, stop in zip(starts, ends, strict=True)]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise EventFileError(path, "no such file") from None
    except OSError as exc:
        raise EventFileError(path, f"cannot read: {exc.strerror}") from None


def validated(
    collection: EventCollection, seen: dict[str, Path] | None = None, indices: Iterable[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield the features of ``collection`` (those at ``indices``, else all), each validated,
    raising at the first bad one.

    Ids must be unique within the file and among those in ``seen`` (id -> file),
    which is updated: pass one dict to check ids across files.
    """
    seen = {} if seen is None else seen
    for index in range(len(collection.features)) if indices is None else indices:
        feature = collection.features[index]
        claim_id(seen, parse_event(feature, str(collection.path), index).id, collection.path)
        yield feature


def claim_id(seen: dict[str, Path], event_id: str, path: Path) -> None:
    """Record that ``path`` holds ``event_id``; raise :class:`DuplicateEventError` if ``seen`` has it."""
    if (other := seen.get(event_id)) is not None:
        where = "" if other == path else f" (also in {other})"
        raise DuplicateEventError(path, f"duplicate id{where}", event_id, "id")
    seen[event_id] = path


def claim_ids(seen: dict[str, Path], event_ids: list[str], path: Path) -> None:
    """:func:`claim_id` for each of ``event_ids`` in turn, in a few set operations when none repeats."""
    if len(set(event_ids)) == len(event_ids) and seen.keys().isdisjoint(event_ids):
        seen.update(dict.fromkeys(event_ids, path))
        return
    for event_id in event_ids:
        claim_id(seen, event_id, path)


def validate_collection(collection: EventCollection, seen: dict[str, Path] | None = None) -> dict[str, Path]:
    """Raise :class:`EventFileError` for the first invalid feature or repeated id.

    Returns the ids seen (id -> file), those of ``seen`` included: pass one
    dict to check ids across files.
    """
    seen = {} if seen is None else seen
    with gc_paused():
        for _ in validated(collection, seen):
            pass
    return seen


#: Where events are read from: a file or a folder, or several of them (merged).
EventPaths = str | Path | Sequence[str | Path]


class EventFiles(list[Path]):
    """Event files already listed (:func:`event_files`): passed on, they are not listed again."""


def event_files(paths: EventPaths) -> EventFiles:
    """The event files at ``paths``: each file itself, or a folder's files, sorted; each file once,
    in the order given. Files already listed come back as they are."""
    return paths if isinstance(paths, EventFiles) else _list_files(paths)


def _list_files(paths: EventPaths) -> EventFiles:
    found: list[Path] = []
    for path in map(Path, [paths] if isinstance(paths, str | Path) else paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in EVENT_FILE_SUFFIXES and p.is_file())
        elif path.exists():
            found.append(path)
        else:
            raise EventFileError(path, "no such file or folder")
    first_of: dict[Path, Path] = {}
    for file in found:
        first_of.setdefault(file.resolve(), file)  # a file named twice (a folder and a file in it) is read once
    return EventFiles(first_of.values())


def read_collections(path: EventPaths, validate: bool = True, lazy: bool = False) -> list[EventCollection]:
    """Read every event file at ``path`` (a file or a folder).

    With ``validate`` each feature is checked, and ids must be unique across
    files; ``lazy`` as in :func:`read_collection`.
    """
    with gc_paused():
        collections = [read_collection(p, lazy) for p in event_files(path)]
    if validate:
        seen: dict[str, Path] = {}
        for collection in collections:
            validate_collection(collection, seen)
    return collections


def read_features(path: EventPaths, lazy: bool = False) -> Sequence[dict[str, Any]]:
    """All validated feature mappings at ``path``, in file order.

    With ``lazy``, a read-only sequence whose features are decoded when used.
    """
    collections = read_collections(path, lazy=lazy)
    if not lazy:
        return [f for c in collections for f in c.features]
    return collections[0].features if len(collections) == 1 else FeatureChain([c.features for c in collections])


class FeatureChain(Sequence[dict[str, Any]]):
    """Several files' feature sequences as one read-only sequence."""

    def __init__(self, parts: list[Sequence[dict[str, Any]]]) -> None:
        self._parts = parts
        self._ends = list(itertools.accumulate(len(p) for p in parts))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __getitem__(self, index: int) -> dict[str, Any]:  # type: ignore[override]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        part = bisect.bisect_right(self._ends, index)
        return self._parts[part][index - (self._ends[part - 1] if part else 0)]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return itertools.chain.from_iterable(self._parts)


def select_features(
    features: Sequence[dict[str, Any]],
    since: dt.date | None = None,
    until: dt.date | None = None,
    place: str | None = None,
    layer: str | None = None,
    source: str | None = None,
    test: Callable[[dict[str, Any]], bool] | None = None,
) -> list[dict[str, Any]]:
    """Features dated within ``[since, until]`` whose place contains ``place`` (any case),
    of ``layer``, with a source whose publisher contains ``source`` (any case), that pass ``test``."""
    lo, hi = (d.isoformat() if d else None for d in (since, until))
    needle = place.casefold() if place else None
    publisher = source.casefold() if source else None
    return [
        f
        for f in features
        if (lo is None or f["properties"]["date"] >= lo)
        and (hi is None or f["properties"]["date"] <= hi)
        and (needle is None or needle in f["properties"]["place"].casefold())
        and (layer is None or f["properties"].get("layer", Layer.REPORTS.value) == layer)
        and (publisher is None or any(publisher in s["publisher"].casefold() for s in f["properties"]["sources"]))
        and (test is None or test(f))
    ]


def map_metadata(events_path: EventPaths) -> dict[str, Any]:
    """The map settings the event files carry as FeatureCollection members, the first file's first.

    ``title`` (else ``name``): the map's title; ``map``: an object whose ``date`` is the day
    the map opens on and ``since`` the day retaken ground is counted from (``YYYY-MM-DD``).

    Raises
    ------
    EventFileError
        naming the file and member of a value that is not of that form.
    """
    found: dict[str, Any] = {}
    for path in reversed(event_files(events_path)):
        members = read_members(path)
        member = members.get("map", {})
        if not isinstance(member, dict):
            raise EventFileError(path, "expected an object with date and since", field="map")
        for key in ("date", "since"):
            if key in member:
                try:
                    found[key] = dt.date.fromisoformat(str(member[key]))
                except ValueError:
                    raise EventFileError(
                        path, f"expected YYYY-MM-DD, got {member[key]!r}", field=f"map.{key}"
                    ) from None
        if isinstance(title := members.get("title") or members.get("name"), str) and title.strip():
            found["title"] = title.strip()
    return found


def _sort_key(feature: dict[str, Any]) -> tuple[str, str]:
    return (str(feature["properties"]["date"]), str(feature["id"]))


def collection_text(members: dict[str, Any], features: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The stable form, piece by piece, of ``features`` (already in order) and the other members.

    The pieces join to ``json.dumps({**members, "features": [...]}, indent=2)``
    plus a newline, without holding the whole text.
    """
    head = json.dumps({**members, "features": []}, ensure_ascii=False, indent=2)
    yield head.removesuffix("[]\n}") + "["
    separator = "\n"
    for feature in features:
        # JSON escapes "\n" inside strings, so every "\n" in the text is a line end
        # (str.splitlines would also split at U+0085, U+2028, ... inside strings).
        yield separator + "    " + json.dumps(feature, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        separator = ",\n"
    yield ("\n  ]" if separator == ",\n" else "]") + "\n}\n"


def sorted_features(features: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``features`` in the stable order, (date, id); a lazy sequence is decoded twice, never held."""
    keys = [_sort_key(f) for f in features]
    return (features[i] for i in sorted(range(len(keys)), key=keys.__getitem__))


def write_collection(collection: EventCollection) -> None:
    """Write atomically in the one stable form: sorted by (date, id), 2-space indent, UTF-8.

    Call it while holding :func:`locked` when others may write the same file.
    """
    with atomic_writer(collection.path) as out:
        for piece in collection_text(collection.members, sorted_features(collection.features)):
            out.write(piece.encode("utf-8"))


def lock_path(path: str | Path) -> Path:
    """Where the lock of an event file lives: in the cache folder (never beside the user's file),
    named after the file and a hash of its resolved path, so every process finds the same one."""
    path = Path(path)
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return settings.cache_dir() / "locks" / f"{path.name}-{digest}.lock"


@contextmanager
def locked(path: str | Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the exclusive lock of an event file (:func:`lock_path`)."""
    lock_file = lock_path(path)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    timeout = settings.LOCK_TIMEOUT_S if timeout is None else timeout
    try:
        with filelock.FileLock(lock_file, timeout=timeout):
            yield
    except filelock.Timeout:
        raise LockTimeoutError(f"{path}: another process holds its lock {lock_file} (waited {timeout:g} s)") from None


def append_event(path: str | Path, feature: dict[str, Any], timeout: float | None = None) -> None:
    """Add one validated feature to an event file, creating the file if needed (:func:`append_events`)."""
    append_events(path, [feature], timeout=timeout)


def append_events(
    path: str | Path,
    features: Sequence[dict[str, Any]],
    members: dict[str, Any] | None = None,
    timeout: float | None = None,
) -> None:
    """Add validated features to an event file, creating the file if needed; ``members`` update the
    FeatureCollection's other members.

    The whole read-modify-write happens under the file's lock, so concurrent
    appends from several processes all land. The file is read lazily and
    rewritten as a stream: a large file is never held as dicts.

    Raises
    ------
    EventFileError
        when the folder is missing, a feature is invalid, or an id is already in the file
        (:class:`DuplicateEventError`): then the file is left as it was.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise EventFileError(path, "the folder does not exist")
    validate_collection(EventCollection(path, features))
    with locked(path, timeout):
        collection = read_collection(path, lazy=True) if path.exists() else EventCollection(path)
        seen = validate_collection(collection)
        for feature in features:
            if feature["id"] in seen:
                raise DuplicateEventError(path, "an event with this id is already in the file", feature["id"], "id")
        chained = FeatureChain([collection.features, features])
        write_collection(EventCollection(path, chained, {**collection.members, **(members or {})}))


def save_new_collection(
    path: str | Path, features: list[dict[str, Any]], overwrite: bool = False, members: dict[str, Any] | None = None
) -> EventCollection:
    """Validate ``features`` and write them as the event file ``path``, with the FeatureCollection's
    other ``members``.

    Raises
    ------
    EventFileError
        when ``path`` exists (unless ``overwrite``), its folder is missing, or a
        feature is invalid or repeats an id.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise EventFileError(path, "the folder does not exist")
    collection = EventCollection(path, features, {"type": "FeatureCollection", **(members or {})})
    validate_collection(collection)
    with locked(path):
        if path.exists() and not overwrite:
            raise EventFileError(path, "already exists (pass --overwrite to replace it)")
        write_collection(collection)
    return collection


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many objects.

    Decoding a million features creates tens of millions of (acyclic) objects;
    the collector would re-scan all of them again and again, tripling the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    """``itertools.batched`` (Python 3.12) for 3.11."""
    while batch := list(itertools.islice(items, size)):
        yield batch
