"""The disk cache of event frames: read back only while the file and the code are unchanged."""

import pytest
from geopandas.testing import assert_geodataframe_equal

from conflictmap.errors import DuplicateEventError
from conflictmap.events import frame as frames
from conflictmap.events import frame_cache
from tests.helpers import make_feature, write_events


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder of its own that keeps every file's frame, however small."""
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(frame_cache, "MIN_BYTES", 0)
    return tmp_path / "cache" / "frames"


def events(path, place="Balakliia", extra=None):
    features = [make_feature("a", place=place, notes=None), make_feature("b", date="2022-09-09", **(extra or {}))]
    return write_events(path, features)


def unreadable(monkeypatch):
    """From now on the event files cannot be parsed: a frame can only come from the cache."""
    monkeypatch.setattr(frames, "_parsed_blocks", lambda *_a, **_k: pytest.fail("the file was parsed"))


def test_a_kept_frame_is_read_back_equal(tmp_path, cache, monkeypatch):
    path = events(tmp_path / "events.geojson")
    built = frames.load_events(path)
    assert len(list(cache.glob("*.arrow"))) == 1
    unreadable(monkeypatch)
    assert_geodataframe_equal(frames.load_events(path), built, check_dtype=True, check_index_type=True)


def test_a_changed_file_is_read_again(tmp_path, cache, monkeypatch):
    path = events(tmp_path / "events.geojson")
    frames.load_events(path)
    events(path, place="Balakliya")  # the same size
    assert frames.load_events(path)["place"].iloc[0] == "Balakliya"
    assert len(list(cache.glob("*.arrow"))) == 1  # the entry replaced, not added to


def test_an_unreadable_entry_is_rebuilt(tmp_path, cache):
    path = events(tmp_path / "events.geojson")
    built = frames.load_events(path)
    [entry] = cache.glob("*.arrow")
    entry.write_bytes(b"not arrow")
    assert_geodataframe_equal(frames.load_events(path), built)
    assert entry.read_bytes() != b"not arrow"


def test_a_frame_with_properties_the_model_does_not_name_is_not_kept(tmp_path, cache):
    path = events(tmp_path / "events.geojson", extra={"casualties": 3})
    assert frames.load_events(path)["casualties"].tolist()[1] == 3
    assert not list(cache.glob("*.arrow"))


def test_ids_of_a_kept_frame_are_still_checked_across_files(tmp_path, cache, monkeypatch):
    folder = tmp_path / "events"
    folder.mkdir()
    events(folder / "one.geojson")
    frames.load_events(folder / "one.geojson")
    write_events(folder / "two.geojson", [make_feature("a")])
    read = frames._parsed_blocks
    monkeypatch.setattr(
        frames,
        "_parsed_blocks",
        lambda path, *args: read(path, *args) if path.name == "two.geojson" else pytest.fail("one.geojson parsed"),
    )
    with pytest.raises(DuplicateEventError, match=r"two.geojson: a: id: duplicate id \(also in .*one.geojson\)"):
        frames.load_events(folder)


def test_other_code_builds_the_frame_again(tmp_path, cache, monkeypatch):
    path = events(tmp_path / "events.geojson")
    frames.load_events(path)
    monkeypatch.setattr(frame_cache, "_code_version", lambda: "other code")
    parsed = []
    read = frames._parsed_blocks
    monkeypatch.setattr(frames, "_parsed_blocks", lambda *args, **kwargs: parsed.append(args) or read(*args, **kwargs))
    frames.load_events(path)
    assert len(parsed) == 1


def test_a_file_with_a_repeated_id_is_not_kept(tmp_path, cache):
    path = write_events(tmp_path / "events.geojson", [make_feature("a"), make_feature("b"), make_feature("a")])
    with pytest.raises(DuplicateEventError, match="events.geojson: a: id: duplicate id$"):
        frames.load_events(path, chunk_size=1)  # each id in a block of its own, none repeated within one
    assert not list(cache.glob("*.arrow"))


def test_a_command_that_checks_then_reads_a_big_file_reads_it_once(tmp_path, monkeypatch):
    from conflictmap.dataset import Dataset
    from conflictmap.events import checks, store

    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "RUN_BYTES", 1)  # a run per feature
    features = [make_feature(f"e{i}", date=f"2022-09-{i + 1:02d}", place=f"P{i}") for i in range(5)]
    path = write_events(tmp_path / "e.geojson", [*features, make_feature("e5", date="2099-01-01")])
    expected = frames.load_events(path)
    found = [p for p in checks.check_files([path])[0] if p.severity == "error"]
    reads = []
    for module in (frames, checks):
        monkeypatch.setattr(
            module, "map_runs", lambda path, work, shared: reads.append(work) or store.map_runs(path, work, shared)
        )
    data = Dataset(path)
    assert data.errors(then_read=True) == found and found[0].field == "date"  # as validate finds
    unreadable(monkeypatch)
    assert_geodataframe_equal(data.events, expected)
    assert reads == [frames._checked_table]
