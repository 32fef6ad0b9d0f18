"""Export to GeoJSON, GeoParquet, CSV and KML: read each back and compare with what went in."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from conflictmap.events.export import (
    JSON_COLUMNS_ATTR,
    to_csv,
    to_geojson,
    to_geoparquet,
    to_kml,
)
from conflictmap.events.store import read_features
from tests.helpers import REPO, invoke, make_feature, write_events

KML = {"k": "http://www.opengis.net/kml/2.2"}


@pytest.fixture
def features():
    """The bundled dataset plus events with what exports find hard."""
    extra = [
        make_feature(
            "odd-1",
            place='<script>alert("x")</script> & Co',
            custom={"nested": [1, 2]},
            mixed=3,
            notes='line one\nline two, "quoted"\x01',
        ),
        make_feature(
            "odd-2", mixed="three", date="2022-09-10", event_type="clash", control_before=None, control_after=None
        ),
    ]
    extra[1]["properties"]["sources"].append(
        {"publisher": "Second", "url": "http://example.net/2", "published": "2022-09-11", "extra_key": "kept"}
    )
    return read_features(REPO / "data" / "events") + extra


def _ordered(features):
    return sorted(features, key=lambda f: (f["properties"]["date"], f["id"]))


def test_geojson_is_the_same_features(tmp_path, features):
    out = tmp_path / "all.geojson"
    to_geojson(features, out)
    assert read_features(out) == _ordered(features)


def _plain(value):
    """Arrow's values as plain Python: arrays -> lists, NaN/None -> None."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def test_geoparquet_keeps_every_field(tmp_path, features):
    out = tmp_path / "events.parquet"
    to_geoparquet(features, out)
    frame = gpd.read_parquet(out)
    assert frame.crs.to_epsg() == 4326 and len(frame) == len(features)
    json_columns = frame.attrs[JSON_COLUMNS_ATTR]
    assert json_columns == ["mixed"]  # 3 and "three" in one column: stored as JSON text
    rows = frame.set_index("id")
    for feature in features:
        row = rows.loc[feature["id"]]
        assert [row.geometry.x, row.geometry.y] == feature["geometry"]["coordinates"]
        for key, value in feature["properties"].items():
            got = row[key]
            if key == "date":
                got = got.date().isoformat()
            elif key in json_columns:
                got = json.loads(got)
            assert _plain(got) == value, (feature["id"], key)
        if "mixed" not in feature["properties"]:
            assert pd.isna(row["mixed"])  # absent stays absent, not the text "NaN"


def test_csv_flattens_sources_and_keeps_lon_lat(tmp_path, features):
    out = tmp_path / "events.csv"
    to_csv(features, out)
    table = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("id")
    assert list(table.columns[:3]) == ["lon", "lat", "place"]
    for feature in features:
        row = table.loc[feature["id"]]
        assert [float(row["lon"]), float(row["lat"])] == feature["geometry"]["coordinates"]
        assert row["place"] == feature["properties"]["place"]
        for i, source in enumerate(feature["properties"]["sources"], start=1):
            assert {k: row[f"source{i}_{k}"] for k in source} == source
    odd = table.loc["odd-1"]
    assert json.loads(odd["custom"]) == {"nested": [1, 2]}
    assert odd["notes"] == features[-2]["properties"]["notes"]
    assert table.loc["odd-2", "source2_extra_key"] == "kept"


def test_csv_keeps_properties_named_as_its_own_columns(tmp_path):
    out = tmp_path / "events.csv"
    to_csv([make_feature("a", id="p-1", lat="north")], out)
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.loc[0, ["id", "properties.id", "properties.lat"]].tolist() == ["a", "p-1", "north"]
    assert float(table.loc[0, "lat"]) == make_feature()["geometry"]["coordinates"][1]


def test_kml_is_valid_escaped_and_dated(tmp_path, features):
    out = tmp_path / "events.kml"
    to_kml(features, out)
    root = ET.parse(out).getroot()  # raises if the XML is not well-formed
    marks = root.findall(".//k:Placemark", KML)
    assert len(marks) == len(features)
    by_id = {m.find("k:ExtendedData/k:Data[@name='id']/k:value", KML).text: m for m in marks}
    odd = by_id["odd-1"]
    assert odd.find("k:name", KML).text == features[-2]["properties"]["place"]
    assert odd.find("k:TimeStamp/k:when", KML).text == "2022-09-08"
    assert odd.find("k:styleUrl", KML).text == "#UA"
    balloon = odd.find("k:description", KML).text
    assert "<script>" not in balloon and "&lt;script&gt;" in balloon
    assert '<a href="https://example.org/balakliia">' in balloon
    lon, lat = map(float, odd.find("k:Point/k:coordinates", KML).text.split(","))
    assert [lon, lat] == features[-2]["geometry"]["coordinates"]
    assert by_id["odd-2"].find("k:styleUrl", KML).text == "#unknown"


def test_export_cli_infers_format_and_fails_cleanly(tmp_path, runner):
    events = write_events(tmp_path / "in.geojson", [make_feature("a"), make_feature("b", date="2022-09-09")])
    out = tmp_path / "out.parquet"
    result = invoke(runner, "export", str(events), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "wrote 2 events" in result.stdout and len(gpd.read_parquet(out)) == 2
    kml = invoke(runner, "export", str(events), "--format", "kml", "--out", str(tmp_path / "x.data"))
    assert kml.exit_code == 0 and ET.parse(tmp_path / "x.data").getroot().tag.endswith("kml")

    unknown = invoke(runner, "export", str(events), "--out", str(tmp_path / "out.xyz"))
    assert unknown.exit_code == 2 and "pass --format" in unknown.stderr
    missing = invoke(runner, "export", str(events), "--out", str(tmp_path / "nope" / "out.csv"))
    assert missing.exit_code == 2 and "folder does not exist" in missing.stderr
    bad = write_events(tmp_path / "bad.geojson", [make_feature("a", date="08/09/2022")])
    failed = invoke(runner, "export", str(bad), "--out", str(tmp_path / "bad.csv"))
    assert failed.exit_code == 2 and failed.stderr.count("\n") == 1 and ": a: date: " in failed.stderr
    assert not (tmp_path / "bad.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.geojson", "in.geojson", "out.parquet", "x.data"]
