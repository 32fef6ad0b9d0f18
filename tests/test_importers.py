"""ACLED and VIINA imports: column mapping, transitions, errors naming file, row and column."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from conflictmap.errors import EventFileError
from conflictmap.events.codec import parse_event
from conflictmap.events.store import read_features
from conflictmap.importers import events_from_acled, events_from_viina
from tests.helpers import invoke

# ACLED's export layout (the columns of its CSV downloads, in their order).
ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]


def acled_row(**values: str) -> dict[str, str]:
    row = {
        "event_id_cnty": "UKR1001",
        "event_date": "2022-09-08",
        "year": "2022",
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Government regains territory",
        "actor1": "Military Forces of Ukraine (2019-)",
        "assoc_actor_1": "",
        "inter1": "1",
        "actor2": "Military Forces of Russia (2000-)",
        "assoc_actor_2": "",
        "inter2": "8",
        "interaction": "18",
        "civilian_targeting": "",
        "iso": "804",
        "region": "Europe",
        "country": "Ukraine",
        "admin1": "Kharkiv",
        "admin2": "Izium",
        "admin3": "Balakliiska",
        "location": "Balakliia",
        "latitude": "49.4627",
        "longitude": "36.8586",
        "geo_precision": "1",
        "source": "Ukrainska Pravda; Ukrinform",
        "source_scale": "National",
        "notes": "On 8 September 2022, Ukrainian forces regained control of Balakliia.",
        "fatalities": "0",
        "tags": "",
        "timestamp": "1663027200",
    }
    row.update(values)
    return row


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_acled_territory_transfer_becomes_control_change(tmp_path):
    rows = [
        acled_row(),
        acled_row(
            event_id_cnty="UKR1002",
            sub_event_type="Non-state actor overtakes territory",
            actor1="Military Forces of Russia (2000-)",
            actor2="Military Forces of Ukraine (2019-)",
            location="Kupiansk",
            event_date="27 February 2022",
            time_precision="2",
            geo_precision="2",
        ),
        acled_row(
            event_id_cnty="UKR1003",
            sub_event_type="Non-violent transfer of territory",
            event_type="Strategic developments",
            actor2="",
            location="Sviatohirsk",
        ),
    ]
    features = events_from_acled(write_csv(tmp_path / "acled.csv", rows, ACLED_COLUMNS))
    first, second, third = features
    for f in features:
        parse_event(f)
    assert first["id"] == "acled-UKR1001"
    assert first["geometry"]["coordinates"] == [36.8586, 49.4627]
    p = first["properties"]
    assert (p["event_type"], p["control_before"], p["control_after"]) == ("control_change", "RU", "UA")
    assert (p["place"], p["admin1"], p["country"], p["date"]) == ("Balakliia", "Kharkiv", "UA", "2022-09-08")
    assert (p["date_precision"], p["geo_precision"]) == ("day", "settlement")
    assert p["notes"] == rows[0]["notes"]
    source = p["sources"][0]
    assert source["publisher"] == "ACLED" and source["url"].startswith("https://acleddata.com")
    assert source["reported_by"] == "Ukrainska Pravda; Ukrinform"
    assert source["published"] == "2022-09-13"  # the row's timestamp, 1663027200
    assert p["acled"]["admin2"] == "Izium" and p["acled"]["fatalities"] == 0
    assert p["acled"]["sub_event_type"] == "Government regains territory"
    assert "assoc_actor_1" not in p["acled"]  # empty cells are left out

    q = second["properties"]
    assert (q["control_before"], q["control_after"], q["date"]) == ("UA", "RU", "2022-02-27")
    assert (q["date_precision"], q["geo_precision"]) == ("week", "approximate")
    assert (third["properties"]["control_before"], third["properties"]["control_after"]) == ("unknown", "UA")


def test_acled_other_rows_keep_their_type(tmp_path):
    rows = [acled_row(event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack")]
    (feature,) = events_from_acled(write_csv(tmp_path / "acled.csv", rows))
    props = feature["properties"]
    assert props["event_type"] == "explosions_remote_violence"
    assert "control_after" not in props
    assert props["acled"]["sub_event_type"] == "Shelling/artillery/missile attack"


def test_acled_without_timestamp_needs_the_download_date(tmp_path):
    columns = [c for c in ACLED_COLUMNS if c != "timestamp"]
    path = write_csv(tmp_path / "acled.csv", [acled_row()], columns)
    with pytest.raises(EventFileError, match="--published"):
        events_from_acled(path)
    (feature,) = events_from_acled(path, published=dt.date(2024, 1, 5))
    assert feature["properties"]["sources"][0]["published"] == "2024-01-05"


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"latitude": "north"}, "latitude", "expected a latitude"),
        ({"longitude": "200"}, "longitude", "expected a longitude"),
        ({"event_date": "2022-13-40"}, "event_date", "expected a date"),
        ({"time_precision": "7"}, "time_precision", "expected 1, 2 or 3"),
        ({"location": ""}, "location", "must not be empty"),
        ({"event_id_cnty": "UKR1001"}, "event_id_cnty", "repeats"),
    ],
)
def test_acled_bad_row_is_one_line_naming_file_row_and_column(tmp_path, runner, change, column, fragment):
    rows = [acled_row(), acled_row(**{"event_id_cnty": "UKR1002", **change})]
    path = write_csv(tmp_path / "acled.csv", rows)
    out = tmp_path / "out.geojson"
    result = invoke(runner, "import", "acled", str(path), "--out", str(out))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {path}: row 2 (UKR100")
    assert f": {column}: " in lines[0] and fragment in lines[0]
    assert not out.exists()


def test_acled_missing_column(tmp_path):
    path = write_csv(tmp_path / "acled.csv", [acled_row()], [c for c in ACLED_COLUMNS if c != "latitude"])
    with pytest.raises(EventFileError, match="missing column.*latitude"):
        events_from_acled(path)


def test_import_acled_cli_writes_a_valid_file_and_refuses_to_overwrite(tmp_path, runner):
    path = write_csv(
        tmp_path / "acled.csv",
        [acled_row(), acled_row(event_id_cnty="UKR1002", event_type="Battles", sub_event_type="Armed clash")],
    )
    out = tmp_path / "acled.geojson"
    result = invoke(runner, "import", "acled", str(path), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "2 events (1 control changes)" in result.stdout
    assert [f["id"] for f in read_features(out)] == ["acled-UKR1001", "acled-UKR1002"]
    assert invoke(runner, "validate", str(out)).exit_code == 0

    before = out.read_bytes()
    again = invoke(runner, "import", "acled", str(path), "--out", str(out))
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert out.read_bytes() == before
    assert invoke(runner, "import", "acled", str(path), "--out", str(out), "--overwrite").exit_code == 0


def viina_table(tmp_path: Path, statuses: dict[str, list[str]], columns: list[str]) -> Path:
    rows = []
    for i, (name, values) in enumerate(statuses.items()):
        rows.append(
            {
                "geonameid": str(700000 + i),
                "name": name,
                "asciiname": name,
                "alternatenames": "",
                "longitude": f"{36 + i / 10:.4f}",
                "latitude": "49.5",
                "feature_code": "PPL",
                **dict(zip(columns, values, strict=True)),
            }
        )
    return write_csv(tmp_path / "viina.csv", rows)


def test_viina_one_event_per_transition(tmp_path):
    columns = ["ctr_20220906000000", "ctr_20220906120000", "ctr_20220908000000", "ctr_20220920000000"]
    path = viina_table(
        tmp_path,
        {
            "Balakliia": ["RU", "CONTESTED", "UA", "UA"],
            "Kupiansk": ["RU", "", "", "UA"],  # a gap is not a change
            "Kharkiv": ["UA", "UA", "UA", "UA"],  # no change, no event
        },
        columns,
    )
    features = events_from_viina(path)
    for f in features:
        parse_event(f)
    got = [
        (
            f["properties"]["place"],
            f["properties"]["date"],
            f["properties"]["control_before"],
            f["properties"]["control_after"],
            f["properties"]["date_precision"],
        )
        for f in features
    ]
    assert sorted(got) == [
        ("Balakliia", "2022-09-06", "RU", "contested", "day"),
        ("Balakliia", "2022-09-08", "contested", "UA", "week"),
        ("Kupiansk", "2022-09-20", "RU", "UA", "month"),
    ]
    balakliia = next(f for f in features if f["properties"]["date"] == "2022-09-06")
    assert balakliia["id"] == "viina-700000-20220906120000"
    assert balakliia["properties"]["place_id"] == "geonames:700000"
    assert balakliia["properties"]["sources"][0]["published"] == "2022-09-06"


def test_viina_errors(tmp_path):
    path = viina_table(tmp_path, {"Izium": ["RU", "ua ", "gone"]}, ["ctr_20220901", "ctr_20220902", "ctr_20220903"])
    with pytest.raises(EventFileError) as caught:
        events_from_viina(path)
    assert str(caught.value) == f"{path}: row 1 (700000): ctr_20220903: expected UA, RU, CONTESTED or empty, got 'gone'"
    no_status = viina_table(tmp_path, {"Izium": []}, [])
    with pytest.raises(EventFileError, match="no control columns"):
        events_from_viina(no_status)


@settings(max_examples=40, deadline=None)
@given(arrays(np.int8, st.tuples(st.integers(1, 4), st.integers(1, 8)), elements=st.integers(0, 3)))
def test_viina_events_replay_the_table(tmp_path_factory, codes):
    """Replaying the events of each place gives back its observed statuses, gaps and repeats aside."""
    tmp_path = tmp_path_factory.mktemp("viina")
    names = ("", "UA", "RU", "CONTESTED")
    columns = [f"ctr_202209{day:02d}" for day in range(1, codes.shape[1] + 1)]
    statuses = {f"Place {i}": [names[c] for c in row] for i, row in enumerate(codes)}
    features = events_from_viina(viina_table(tmp_path, statuses, columns))
    for i, row in enumerate(codes):
        observed = [names[c].replace("CONTESTED", "contested") for c in row if c]
        expected = [s for j, s in enumerate(observed) if j == 0 or s != observed[j - 1]]
        mine = sorted(
            (f["properties"]["date"], f["properties"]["control_before"], f["properties"]["control_after"])
            for f in features
            if f["properties"]["place"] == f"Place {i}"
        )
        replay = expected[:1] if not mine else [mine[0][1]] + [after for _, _, after in mine]
        assert replay == expected
        assert all(before != after for _, before, after in mine)
