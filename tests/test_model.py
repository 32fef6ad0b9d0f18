import datetime as dt

import pytest

from conflictmap.errors import EventFileError
from conflictmap.events.builder import make_event_id, new_event
from conflictmap.events.codec import parse_event
from conflictmap.events.model import Control, event_file_schema
from tests.helpers import REPO, make_feature


def test_valid_event_parses():
    event = parse_event(make_feature())
    assert event.properties.control_after is Control.UA
    assert (event.lon, event.lat) == (36.84433, 49.45595)
    assert event.properties.date == dt.date(2022, 9, 8)


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"date": "2022-02-30"}, "date", "not a real date"),
        ({"date": "08/09/2022"}, "date", "YYYY-MM-DD"),
        ({"date": 1662595200}, "date", "YYYY-MM-DD"),
        ({"date": None}, "date", "required"),
        ({"sources": []}, "sources", "at least 1"),
        ({"sources": None}, "sources", "required"),
        ({"control_after": "Ukraine"}, "control_after", "'UA', 'RU', 'contested' or 'unknown'"),
        ({"confidence": "sure"}, "confidence", "claimed"),
        ({"control_before": None}, "(feature)", "control_before"),
        ({"place": ""}, "place", "at least 1 character"),
    ],
)
def test_invalid_properties_name_the_field(change, field, fragment):
    with pytest.raises(EventFileError) as info:
        parse_event(make_feature("x", **change), "f.geojson")
    err = info.value
    assert (err.file, err.feature, err.field) == ("f.geojson", "x", field)
    assert fragment in err.message


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/a", "//example.org", "example.org"]
)
def test_only_http_urls(url):
    feature = make_feature()
    feature["properties"]["sources"][0]["url"] = url
    with pytest.raises(EventFileError, match=r"sources\[0\]\.url: only http\(s\) URLs"):
        parse_event(feature)


@pytest.mark.parametrize(
    ("coords", "fragment"),
    [
        ([49.45595, 136.84433], "swapped?"),
        ([200.0, 49.0], "out of range"),
        ([36.8, 49.4, 120.0], "got 3 numbers"),
        (["36.8", 49.4], "valid number"),
    ],
)
def test_bad_coordinates(coords, fragment):
    feature = make_feature()
    feature["geometry"]["coordinates"] = coords
    with pytest.raises(EventFileError) as info:
        parse_event(feature)
    assert info.value.field.startswith("geometry.coordinates")
    assert fragment in info.value.message


@pytest.mark.parametrize("geometry", [None, {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}])
def test_geometry_must_be_a_point(geometry):
    feature = make_feature()
    feature["geometry"] = geometry
    with pytest.raises(EventFileError, match="geometry"):
        parse_event(feature)


def test_new_event_has_a_stable_id():
    kwargs = dict(
        place="Izium",
        date=dt.date(2022, 9, 10),
        lon=37.27,
        lat=49.2,
        sources=[{"publisher": "P", "url": "https://example.org/x", "published": "2022-09-10"}],
        control_before="RU",
        control_after="UA",
    )
    first, second = new_event(**kwargs), new_event(**kwargs)
    assert first["id"] == second["id"]
    assert first["id"].startswith("izium-2022-09-10-")
    assert make_event_id("Ізюм", dt.date(2022, 9, 10), "UA", "u") != make_event_id(
        "Izium", dt.date(2022, 9, 10), "UA", "u"
    )


def test_schema_copy_in_repo_is_current():
    import json

    stored = json.loads((REPO / "docs" / "event-file.schema.json").read_text(encoding="utf-8"))
    assert stored == event_file_schema()
