import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap.errors import DuplicateEventError, EventFileError, LockTimeoutError
from conflictmap.events import frame as frames
from conflictmap.events import store
from tests.helpers import make_feature, write_events

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**9), 10**9)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
extra_keys = st.text(min_size=1, max_size=12).filter(lambda k: k not in frames.FIELDS)  # none the model names


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    props=st.dictionaries(extra_keys, json_values, max_size=5),
    members=st.dictionaries(st.sampled_from(["name", "crs", "x-note", "bbox"]), json_values, max_size=3),
    feature_extra=st.dictionaries(st.sampled_from(["bbox", "x-origin", "title"]), json_values, max_size=2),
    source_extra=st.dictionaries(st.sampled_from(["archive_url", "language", "author"]), json_values, max_size=2),
)
def test_unknown_properties_and_members_survive_round_trip(tmp_path, props, members, feature_extra, source_extra):
    feature = make_feature("x")
    feature["properties"].update(props)
    feature.update(feature_extra)
    feature["properties"]["sources"][0].update(source_extra)
    path = write_events(tmp_path / "rt.geojson", [feature], **members)
    collection = store.read_collection(path)
    store.validate_collection(collection)
    store.write_collection(collection)
    again = json.loads(path.read_text(encoding="utf-8"))
    assert again == {"type": "FeatureCollection", **members, "features": [feature]}
    # a second write is byte-for-byte stable
    before = path.read_bytes()
    store.write_collection(store.read_collection(path))
    assert path.read_bytes() == before


def test_written_sorted_indented_utf8(tmp_path):
    path = tmp_path / "e.geojson"
    coll = store.EventCollection(
        path,
        [
            make_feature("b", date="2022-09-10", place="Ізюм"),
            make_feature("a", date="2022-09-10"),
            make_feature("c", date="2022-03-01"),
        ],
    )
    store.write_collection(coll)
    text = path.read_text(encoding="utf-8")
    assert "Ізюм" in text
    assert text.startswith('{\n  "type": "FeatureCollection"')
    assert [f["id"] for f in json.loads(text)["features"]] == ["c", "a", "b"]


def test_load_events_gives_a_geodataframe(events_file):
    frame = frames.load_events(events_file)
    assert frame.crs.to_epsg() == 4326
    assert list(frame["id"]) == ["a", "b"]
    assert frame.geometry.x.iloc[0] == pytest.approx(36.84433)
    assert str(frame["date"].dtype).startswith("datetime64")
    assert frame["date_precision"].tolist() == ["day", "day"]  # defaults filled in


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b'{"type": "FeatureCollection", "features": [', "invalid JSON at line 1 column 44"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'\xef\xbb\xbf{"type": "FeatureCollection", "features": []}', "byte-order mark"),
        (b'{"type": "Topology", "objects": {}}', "found 'Topology'"),
        (b'{"type": "Feature", "properties": {}}', "found 'Feature'"),
        (b"[]", "found 'list'"),
        (b'{"type": "FeatureCollection", "features": {}}', "'features' must be a list"),
        (b'{"type": "FeatureCollection", "features": [{"type": "Point"}]}', "#0: type: expected a GeoJSON Feature"),
    ],
)
def test_structural_errors_name_the_file(tmp_path, raw, fragment):
    path = tmp_path / "bad.geojson"
    path.write_bytes(raw)
    with pytest.raises(EventFileError) as info:
        store.read_collection(path)
    assert str(info.value).startswith(str(path))
    assert fragment in str(info.value)


@pytest.mark.parametrize("read", [store.read_features, frames.load_events])
def test_duplicate_ids_across_files(tmp_path, read):
    write_events(tmp_path / "one.geojson", [make_feature("a"), make_feature("same")])
    write_events(tmp_path / "two.geojson", [make_feature("b"), make_feature("same")])
    with pytest.raises(DuplicateEventError, match=r"two.geojson: same: id: duplicate id \(also in .*one.geojson\)"):
        read(tmp_path)


@pytest.mark.parametrize("read", [store.read_features, frames.load_events])
def test_duplicate_ids_within_a_file(tmp_path, read):
    write_events(tmp_path / "one.geojson", [make_feature("a"), make_feature("same"), make_feature("same")])
    with pytest.raises(DuplicateEventError, match="one.geojson: same: id: duplicate id$"):
        read(tmp_path)


def test_append_creates_and_refuses_duplicates(tmp_path):
    path = tmp_path / "new.geojson"
    store.append_event(path, make_feature("x"))
    with pytest.raises(DuplicateEventError):
        store.append_event(path, make_feature("x"))
    assert [f["id"] for f in store.read_features(path)] == ["x"]


def test_append_to_invalid_file_changes_nothing(tmp_path):
    path = write_events(tmp_path / "e.geojson", [make_feature("a", date="2022-02-30")])
    before = path.read_bytes()
    with pytest.raises(EventFileError, match="date"):
        store.append_event(path, make_feature("b"))
    assert path.read_bytes() == before


def test_lock_timeout_is_clear(tmp_path):
    path = write_events(tmp_path / "e.geojson", [])
    with store.locked(path):
        code = (
            "import sys; from conflictmap.events import store; from tests.helpers import make_feature\n"
            f"store.append_event({str(path)!r}, make_feature('late'), timeout=0.2)"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent
        )
    assert "LockTimeoutError" in proc.stderr and "another process holds its lock" in proc.stderr
    assert issubclass(LockTimeoutError, TimeoutError)


def _add_many(path: str, worker: int, count: int) -> None:
    for i in range(count):
        store.append_event(path, make_feature(f"w{worker}-{i}", place=f"Place {worker}-{i}"))


@pytest.mark.slow
def test_four_processes_times_25_adds_all_land(tmp_path):
    path = tmp_path / "busy.geojson"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_many, args=(str(path), w, 25)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    ids = {f["id"] for f in store.read_features(path)}
    assert ids == {f"w{w}-{i}" for w in range(4) for i in range(25)}
    assert not list(tmp_path.glob(".*.tmp"))


WRITER = """
import sys
from conflictmap.events import store
from tests.helpers import make_feature
path = sys.argv[1]
features = [make_feature(f"e{i}", notes="x" * 2000) for i in range(400)]
print("ready", flush=True)
n = 0
while True:
    n += 1
    with store.locked(path):
        store.write_collection(store.EventCollection(__import__("pathlib").Path(path), features[: 200 + n % 200]))
"""


def test_killed_writer_leaves_a_valid_file(tmp_path):
    path = write_events(tmp_path / "e.geojson", [make_feature("seed")])
    repo = Path(__file__).parent.parent
    for delay in (0.05, 0.13, 0.21, 0.34, 0.5):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=repo, stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        features = store.read_features(path)  # parses and validates: never a broken file
        assert len(features) in (1, *range(200, 400))
    # a leftover temp file from the killed writer is ignored by readers and cleaned by the next write
    assert all(p.suffix == ".geojson" for p in store.event_files(tmp_path))
    store.append_event(path, make_feature("after"))
    assert not list(tmp_path.glob(".e.geojson.*.tmp"))


def test_streamed_stable_form_is_json_dumps():
    """collection_text pieces join to exactly json.dumps(..., indent=2), line-break characters in strings included."""
    odd = make_feature("odd", notes="a\x85b\u2028c\nd", place="Ізюм")
    members = {"type": "FeatureCollection", "name": "x", "crs": {"a": [1, {}], "b": []}}
    for features in ([], [odd], [make_feature("a"), odd]):
        text = "".join(store.collection_text(members, features))
        assert text == json.dumps({**members, "features": features}, ensure_ascii=False, indent=2) + "\n"


def test_lazy_features_of_a_folder_are_the_eager_ones(tmp_path):
    write_events(tmp_path / "a.geojson", [make_feature("a1"), make_feature("a2", date="2022-09-01")])
    write_events(tmp_path / "b.geojson", [make_feature("b1", date="2022-09-03")])
    eager = store.read_features(tmp_path)
    lazy = store.read_features(tmp_path, lazy=True)
    assert isinstance(lazy, store.FeatureChain)
    assert len(lazy) == 3 and list(lazy) == eager
    assert [lazy[i] for i in range(-3, 3)] == eager + eager
    with pytest.raises(IndexError):
        lazy[3]
    assert [f["id"] for f in store.sorted_features(lazy)] == ["a2", "b1", "a1"]
    frame = frames.events_frame(lazy, chunk_size=2)  # built two features at a time
    assert frame["id"].tolist() == ["a1", "a2", "b1"]
    write_events(tmp_path / "c.geojson", [make_feature("a1")])
    with pytest.raises(store.DuplicateEventError, match="also in"):
        store.read_features(tmp_path, lazy=True)


def test_lazy_read_and_append_keep_the_other_members(tmp_path):
    members = {
        "name": "Kharkiv",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "bbox": [35.5, 49.0, 38.0, 50.4],
        "x-nested": [[1, {"a": [2]}], [], None],
        "x-count": 3,
        "x-flag": False,
        "x-none": None,
    }
    path = write_events(tmp_path / "e.geojson", [make_feature("b", date="2022-09-10")], **members)
    lazy = store.read_collection(path, lazy=True)
    assert lazy.members == store.read_collection(path).members == {"type": "FeatureCollection", **members}
    store.append_event(path, make_feature("a", date="2022-09-09"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert {k: v for k, v in doc.items() if k != "features"} == {"type": "FeatureCollection", **members}
    assert [f["id"] for f in doc["features"]] == ["a", "b"]


def test_read_members_reads_the_envelope_alone(tmp_path):
    path = write_events(tmp_path / "e.geojson", [make_feature("a")], title="A map", map={"date": "2022-09-11"})
    assert store.read_members(path) == {"type": "FeatureCollection", "title": "A map", "map": {"date": "2022-09-11"}}
    path.write_text('{"type": "FeatureCollection", "features": {}}', encoding="utf-8")
    with pytest.raises(EventFileError, match="'features' must be a list"):
        store.read_collection(path, lazy=True)
    path.write_text('{"type": "FeatureCollection", "title": ', encoding="utf-8")
    with pytest.raises(EventFileError, match="invalid JSON"):
        store.read_members(path)


@pytest.mark.parametrize("stable", [True, False], ids=["stable form, in runs", "compact, in blocks"])
def test_load_events_by_several_processes_gives_the_frame_of_one(tmp_path, forks, monkeypatch, stable):
    from conflictmap import _parallel

    monkeypatch.setattr(store, "RUN_BYTES", 1)  # a run per feature

    def write(features):
        if stable:
            return write_events(tmp_path / "e.geojson", features)
        path = tmp_path / "e.geojson"  # one line: no run can be found, so blocks of features are read
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
        return path

    features = [make_feature(f"e{i}", date=f"2022-09-{i + 1:02d}", place=f"P{i}", notes=f"n{i}") for i in range(7)]
    path = write(features)
    assert (frames._stable_tables(path) is not None) == stable
    frame = frames.load_events(path, chunk_size=2)  # seven runs, or four blocks
    assert forks[-1:] == (["fork"] if _parallel.cores() > 1 and sys.platform == "linux" else [])
    pd.testing.assert_frame_equal(frame, frames.events_frame(store.read_features(path)))
    # what is wrong in a later block is found as by one process: the first fault in file order
    write([*features[:5], make_feature("e1", date="2022-09-30"), make_feature("e9", date="x")])
    with pytest.raises(DuplicateEventError, match="e.geojson: e1: id: duplicate id$"):
        frames.load_events(path, chunk_size=2)
    write([*features[:4], make_feature("e9", date="x"), make_feature("e1", date="2022-09-30")])
    with pytest.raises(EventFileError, match="e.geojson: e9: date: "):
        frames.load_events(path, chunk_size=2)


def test_load_events_reads_the_text_as_the_mapping_path_reads_mappings(tmp_path):
    plain = [
        make_feature("a", place_id="geonames:1", notes="a note"),
        make_feature("b", place="Izium", date="2022-09-10", place_id="geonames:2", layer="maps"),
        make_feature("c", confidence="claimed", date_precision="week"),
    ]
    path = write_events(tmp_path / "plain.geojson", plain)
    assert frames._text_block(store.read_collection(path, lazy=True).features, (0, 3)) is not None  # the text path
    fast, mapped = frames.load_events(path), frames.events_frame(store.read_features(path))
    pd.testing.assert_frame_equal(fast, mapped)
    assert fast.columns[:3].tolist() == ["id", "place", "place_id"] and fast["place_id"].isna().tolist() == [
        False,
        False,
        True,
    ]
    assert frames.sources_of(fast["sources"].iloc[0]) == plain[0]["properties"]["sources"]
    # a property the model does not name sends its block through the mappings, and is kept
    odd = [*plain[:2], make_feature("d", casualties=3)]
    path = write_events(tmp_path / "odd.geojson", odd)
    frame = frames.load_events(path, chunk_size=2)  # one block of the text, one of mappings
    assert frame["id"].tolist() == ["a", "b", "d"]
    assert frame["casualties"].tolist()[2] == 3
    pd.testing.assert_frame_equal(
        frame.drop(columns="casualties"),
        frames.load_events(write_events(tmp_path / "even.geojson", [*plain[:2], make_feature("d")]), chunk_size=2),
    )
    write_events(path, [make_feature("a"), make_feature("a")])
    with pytest.raises(store.DuplicateEventError):
        frames.load_events(path)
    # properties named as the frame's own columns keep their values beside them
    frame = frames.load_events(write_events(path, [make_feature("a", id="p-1", geometry="here")]))
    assert frame[["id", "properties.id", "properties.geometry"]].values.tolist() == [["a", "p-1", "here"]]


def _stable_texts(path, run_bytes):
    """The features' texts of a file read in runs, or None for a file not in the stable form."""
    with open(path, "rb") as file:
        layout = store.stable_layout(file.fileno())
        if layout is None:
            return None
        runs = [
            store.run_texts(os.pread(file.fileno(), b - a, a), last=b == layout.close)
            for a, b in layout.runs(file.fileno(), run_bytes)
        ]
    return None if None in runs else [bytes(text) for run in runs for text in run]


FEATURES = [
    make_feature("a", notes="ends in a brace }\n    {"),
    make_feature("b", date="2022-09-09"),
    make_feature("c"),
]
STABLE, OTHER = True, False
DOCUMENTS = {  # each with whether its features are read in runs
    "stable form": (
        STABLE,
        lambda: json.dumps({"type": "FeatureCollection", "name": "x", "features": FEATURES}, indent=2),
    ),
    "members after the features": (
        STABLE,
        lambda: json.dumps(
            {"type": "FeatureCollection", "features": FEATURES, "name": "]", "bbox": [1, 2, 3, 4]}, indent=2
        ),
    ),
    "a member with features of its own": (
        STABLE,
        lambda: json.dumps(
            {"type": "FeatureCollection", "meta": {"features": [{"x": [1]}]}, "features": FEATURES}, indent=2
        ),
    ),
    "one feature": (STABLE, lambda: json.dumps({"type": "FeatureCollection", "features": FEATURES[:1]}, indent=2)),
    "compact": (OTHER, lambda: json.dumps({"type": "FeatureCollection", "features": FEATURES})),
    "four-space indent": (OTHER, lambda: json.dumps({"type": "FeatureCollection", "features": FEATURES}, indent=4)),
    "CRLF": (
        OTHER,
        lambda: json.dumps({"type": "FeatureCollection", "features": FEATURES}, indent=2).replace("\n", "\r\n"),
    ),
    "no features": (OTHER, lambda: json.dumps({"type": "FeatureCollection", "features": []}, indent=2)),
    "not a FeatureCollection": (OTHER, lambda: json.dumps({"type": "Topology", "features": FEATURES}, indent=2)),
    "an opening in another array": (
        OTHER,
        lambda: '{"type": "FeatureCollection", "other": {"features": [\n    {"a": 1}\n  ]}, "features": []}',
    ),
}


@pytest.mark.parametrize(("stable", "document"), DOCUMENTS.values(), ids=DOCUMENTS.keys())
@pytest.mark.parametrize("run_bytes", [1, 1 << 20])
def test_runs_of_the_stable_form_split_as_the_full_parse(tmp_path, stable, document, run_bytes):
    path = tmp_path / "e.geojson"
    path.write_text(document(), encoding="utf-8")
    texts = _stable_texts(path, run_bytes)
    assert (texts is not None) == stable
    if stable:
        lazy = store.read_collection(path, lazy=True)
        assert texts == [bytes(lazy.features.text(i)) for i in range(len(lazy.features))]
        assert store.read_members(path) == lazy.members  # read from the ends


def test_a_broken_stable_form_is_left_to_the_full_parse(tmp_path):
    text = DOCUMENTS["stable form"][1]()
    path = tmp_path / "e.geojson"
    for broken in (text[:-5], text.replace("},\n    {", "}\n    {", 1), text.replace('"name": "x"', '"name": x')):
        path.write_text(broken, encoding="utf-8")
        assert _stable_texts(path, 1) is None
        with pytest.raises(EventFileError):
            store.read_collection(path, lazy=True)


@pytest.mark.parametrize("where", [b"Example", b'"x"'], ids=["in a feature", "in the members"])
def test_bytes_that_are_not_utf8_in_a_stable_file_are_named_not_raised(tmp_path, monkeypatch, where):
    from conflictmap.events.checks import check_files

    monkeypatch.setattr(store, "RUN_BYTES", 1)  # a run per feature
    path = tmp_path / "e.geojson"
    path.write_bytes(DOCUMENTS["stable form"][1]().encode().replace(where, where[:2] + b"\xff" + where[2:], 1))
    with pytest.raises(EventFileError, match="e.geojson: not UTF-8"):
        frames.load_events(path)
    problems, events, unreadable = check_files([path])
    byte = path.read_bytes().index(0xFF)
    assert [str(exc) for exc in unreadable] == [f"{path}: not UTF-8 (byte {byte} is 0xff)"]


def test_adds_leave_no_lock_file_in_the_users_folder_done_or_failed(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "mine"
    folder.mkdir()
    path = folder / "e.geojson"
    store.append_event(path, make_feature("a"))
    with pytest.raises(DuplicateEventError):
        store.append_event(path, make_feature("a"))
    assert sorted(p.name for p in folder.iterdir()) == ["e.geojson"]
    assert store.lock_path(path).parent == tmp_path / "cache" / "locks"
    assert store.lock_path(folder / "." / "e.geojson") == store.lock_path(path)  # one lock per file, however named


@pytest.mark.parametrize(("span", "workers", "runs"), [(10, 2, 1), (65, 2, 2), (90, 4, 4), (300, 4, 8)])
def test_a_big_file_is_cut_in_equal_runs_that_keep_every_core_busy(monkeypatch, span, workers, runs):
    monkeypatch.setattr(store, "RUN_BYTES", 64)
    size = store._run_bytes(span, workers)
    assert size <= 64 and -(-span // size) == runs  # a file of one run's size stays one
