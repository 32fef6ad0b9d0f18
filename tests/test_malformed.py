"""A corpus of broken event files: every command ends in clear lines, a non-zero exit, and writes nothing."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conflictmap.errors import EventFileError
from conflictmap.events.store import parse_collection, validate_collection
from tests.helpers import add_args, invoke, make_feature, run_cli


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def with_geometry(geometry):
    feature = make_feature("g")
    feature["geometry"] = geometry
    return feature


def with_source(**change):
    feature = make_feature("s")
    feature["properties"]["sources"][0].update(change)
    return feature


VALID = collection(make_feature("ok"))
CORPUS = {  # name: (bytes, text every message for it must contain)
    "truncated": (VALID[: len(VALID) // 2], "invalid JSON"),
    "not-json": (b"place,date\nIzium,2022-09-10\n", "invalid JSON"),
    "empty": (b"", "invalid JSON"),
    "not-utf8": ('{"type": "FeatureCollection", "features": [], "name": "Ізюм"}'.encode("cp1251"), "not UTF-8"),
    "bom": (b"\xef\xbb\xbf" + VALID, "byte-order mark"),
    "topology": (b'{"type": "Topology", "objects": {}, "arcs": []}', "found 'Topology'"),
    "bare-feature": (json.dumps(make_feature("f")).encode(), "found 'Feature'"),
    "features-not-list": (b'{"type": "FeatureCollection", "features": {}}', "'features' must be a list"),
    "feature-not-feature": (collection({"type": "Point", "coordinates": [1, 2]}), "expected a GeoJSON Feature"),
    "null-geometry": (collection(with_geometry(None)), "g: geometry"),
    "line-geometry": (
        collection(with_geometry({"type": "LineString", "coordinates": [[36, 49], [37, 50]]})),
        "g: geometry",
    ),
    "3d-coordinates": (
        collection(with_geometry({"type": "Point", "coordinates": [36.8, 49.4, 120.0]})),
        "got 3 numbers",
    ),
    "swapped": (collection(with_geometry({"type": "Point", "coordinates": [49.45, 136.84]})), "swapped?"),
    "out-of-range": (collection(with_geometry({"type": "Point", "coordinates": [236.8, 49.4]})), "out of range"),
    "impossible-date": (collection(make_feature("d", date="2022-02-30")), "d: date: '2022-02-30' is not a real date"),
    "date-as-number": (collection(make_feature("d", date=20220910)), "d: date: expected a date"),
    "unknown-enum": (collection(make_feature("e", control_after="Ukraine")), "e: control_after:"),
    "unknown-confidence": (collection(make_feature("e", confidence="certain")), "e: confidence:"),
    "missing-date": (collection(make_feature("m", date=None)), "m: date: required field is missing"),
    "missing-sources": (collection(make_feature("m", sources=None)), "m: sources: required field is missing"),
    "empty-sources": (collection(make_feature("m", sources=[])), "m: sources:"),
    "javascript-url": (collection(with_source(url="javascript:alert(1)")), "s: sources[0].url: only http(s) URLs"),
    "data-url": (collection(with_source(url="data:text/html,<b>x</b>")), "s: sources[0].url: only http(s) URLs"),
    "bad-published": (collection(with_source(published="yesterday")), "s: sources[0].published"),
    "duplicate-ids": (collection(make_feature("dup"), make_feature("dup")), "dup: id: duplicate id"),
}


@pytest.fixture(params=sorted(CORPUS))
def broken(request, tmp_path):
    raw, fragment = CORPUS[request.param]
    path = tmp_path / f"{request.param}.geojson"
    path.write_bytes(raw)
    return path, raw, fragment


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 20


def test_every_command_refuses_broken_input_cleanly(broken, tmp_path):
    path, raw, fragment = broken
    out = tmp_path / "map.html"
    add = add_args(path, place="Izium", lat="49.2", lon="37.27")
    for args in (
        ["validate", str(path)],
        ["list", str(path)],
        ["render", "--events", str(path), "--out", str(out)],
        add,
    ):
        result = invoke(CliRunner(), *args)  # in-process: an exception would end the test, not a line
        assert result.exit_code != 0, (args[0], result.stdout)
        message = result.stderr.replace(": error: ", ": ")  # validate marks each problem error or warning
        assert str(path) in message and fragment in message, (args[0], result.stderr)
        if args[0] != "validate":
            assert len(result.stderr.strip().splitlines()) == 1, (args[0], result.stderr)
    assert path.read_bytes() == raw  # add wrote nothing
    assert not out.exists() and not list(tmp_path.glob(".map.html.*"))


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=300)
    | st.builds(
        lambda f: json.dumps(f).encode(),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(
                        ["type", "features", "geometry", "properties", "id", "coordinates", "date", "sources"]
                    ),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=20,
        ),
    )
)
def test_any_bytes_end_in_a_result_or_a_clear_error(raw):
    try:
        validate_collection(parse_collection("fuzz.geojson", raw))
    except EventFileError as exc:
        assert str(exc).startswith("fuzz.geojson")


def test_a_valid_copy_of_each_feature_still_loads():
    # the corpus's features break one thing each: the unbroken feature itself is valid
    collection = parse_collection("ok.geojson", VALID)
    assert list(validate_collection(collection)) == ["ok"]  # the ids it claims
    assert list(collection.features) == [make_feature("ok")]


@pytest.mark.slow
def test_fifty_megabytes_of_events_validate_in_one_piece(tmp_path):
    """A 50 MB file is read, validated and listed whole; a duplicate id deep inside is still named."""
    base = make_feature("x", notes="n" * 500)
    features = []
    for i in range(50_000):
        feature = copy.deepcopy(base)
        feature["id"] = f"big-{i}"
        features.append(feature)
    features[-1]["id"] = "big-7"  # one duplicate, at the very end
    path = tmp_path / "big.geojson"
    path.write_bytes(collection(*features))
    assert path.stat().st_size > 50_000_000
    proc = run_cli("validate", str(path))
    assert proc.returncode == 1
    assert f"{path}: big-7: id: error: duplicate id" in proc.stderr
    assert "50000 events: 1 errors" in proc.stdout
