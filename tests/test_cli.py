import json

import pytest

from conflictmap.events.store import read_features
from tests.helpers import add_args, invoke, make_feature, run_cli, write_events

ADD = add_args()


def test_add_creates_file_and_reads_back(runner, tmp_path):
    path = tmp_path / "new.geojson"
    result = invoke(runner, *ADD, "--file", str(path), "--note", "west bank", "--admin1", "Kharkiv")
    assert result.exit_code == 0, result.output
    (feature,) = read_features(path)
    assert result.stdout.strip() == f"added {feature['id']} to {path}"
    assert feature["geometry"]["coordinates"] == [37.61581, 49.71003]
    assert feature["properties"]["notes"] == "west bank"
    assert feature["properties"]["sources"][0]["published"] == "2022-09-10"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (["--date", "2022-02-30"], "--date: '2022-02-30' is not a date"),
        (["--source-published", "yesterday"], "sources[0].published"),
        (["--source-url", "javascript:alert(1)"], "sources[0].url: only http(s) URLs"),
        (["--lat", "136.8"], "out of range"),
        (["--date", "2099-01-01", "--source-published", "2099-01-02"], "date: error: 2099-01-01 is in the future"),
        (["--lat", "37.05", "--lon", "48.335"], "geometry.coordinates: error: [48.335, 37.05] lies outside"),
        (
            ["--admin1", "Donesk"],
            "admin1: error: 'Donesk' is no oblast of Ukraine nor a Russian border oblast: did you mean Donetsk?",
        ),
    ],
)
def test_add_invalid_input_changes_nothing(runner, events_file, change, fragment):
    before = events_file.read_bytes()
    args = list(ADD)
    for option, value in zip(change[::2], change[1::2], strict=True):
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    result = invoke(runner, *args, "--file", str(events_file))
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert events_file.read_bytes() == before


def test_list_filters_and_json(runner, events_file):
    result = invoke(runner, "list", str(events_file), "--place", "izi", "--json")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [f["id"] for f in lines] == ["b"]
    result = invoke(runner, "list", str(events_file), "--since", "2022-09-09")
    assert "Izium" in result.stdout and "Balakliia" not in result.stdout and "1 events" in result.stdout


def test_list_bad_file_is_one_line(runner, tmp_path):
    bad = write_events(tmp_path / "bad.geojson", [make_feature("a", date="2022-02-30")])
    result = invoke(runner, "list", str(bad))
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"Error: {bad}: a: date: '2022-02-30' is not a real date (day is out of range for month)"
    )


def test_validate_exit_codes(runner, tmp_path, events_file):
    assert invoke(runner, "validate", str(events_file)).exit_code == 0
    bad = write_events(tmp_path / "bad.geojson", [make_feature("c", control_after="RU", control_before="RU")])
    result = invoke(runner, "validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}: c: control_after: error: control does not change" in result.stderr
    (tmp_path / "broken.geojson").write_text("{", encoding="utf-8")
    result = invoke(runner, "validate", str(tmp_path))
    assert result.exit_code == 2
    assert "broken.geojson: invalid JSON at line 1 column 2" in result.stderr


def test_bundled_data_validates_with_the_recycled_story_warned():
    proc = run_cli("validate", "data/events")
    assert proc.returncode == 0, proc.stderr
    assert "warning: published 2025-06-01" in proc.stdout
    assert "0 errors" in proc.stdout


def test_schema_is_json():
    proc = run_cli("schema")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["properties"]["type"] == {"const": "FeatureCollection"}


def test_subprocess_add_and_list(tmp_path):
    path = tmp_path / "sub.geojson"
    proc = run_cli(*ADD, "--file", str(path))
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("list", str(path), "--json")
    assert json.loads(proc.stdout)["properties"]["place"] == "Kupiansk"


def test_subprocess_bad_input_no_traceback(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(b"\x00\xffnot json")
    for args in (
        ["list", str(bad)],
        ["validate", str(bad)],
        ["render", "--events", str(bad), "--out", str(tmp_path / "m.html")],
        [*ADD, "--file", str(bad)],
    ):
        proc = run_cli(*args)
        assert proc.returncode == 2, args
        assert "Traceback" not in proc.stderr
        assert "bad.geojson: not UTF-8" in proc.stderr
    assert not (tmp_path / "m.html").exists()


def test_unknown_enum_from_cli_is_usage_error(runner, tmp_path):
    args = list(ADD)
    args[args.index("--control-after") + 1] = "Ukraine"
    result = runner.invoke(__import__("conflictmap.cli").cli.app, [*args, "--file", str(tmp_path / "x.geojson")])
    assert result.exit_code == 2
    assert not (tmp_path / "x.geojson").exists()


def test_render_writes_map(runner, tmp_path, events_file):
    out = tmp_path / "maps" / "m.html"
    result = invoke(
        runner, "render", "--events", str(events_file), "--out", str(out), "--date", "2022-09-09", "--title", "T"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out}"
    html = out.read_text(encoding="utf-8")
    assert "cdn.jsdelivr" not in html and "code.jquery" not in html
    assert '"start":"2022-09-09"' in html


def test_help_lists_every_command():
    proc = run_cli("--help")
    for command in ("add", "list", "validate", "schema", "render", "geocode", "stats", "frontline"):
        assert command in proc.stdout


def test_subprocess_stats_on_bundled_data():
    proc = run_cli("stats", "--date", "2022-09-12", "--since", "2022-09-05", "--json")
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)
    assert figures["date"] == "2022-09-12" and figures["settlements"]["UA"] > 0


def test_schema_and_geocode_in_process(runner):
    result = invoke(runner, "schema")
    assert result.exit_code == 0 and "FeatureCollection" in result.stdout
    result = invoke(runner, "geocode", "Izyium", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["place_id"] == "geonames:707292"


def test_subprocess_frontline_writes_geojson(tmp_path):
    out = tmp_path / "line.geojson"
    proc = run_cli("frontline", "--date", "2022-09-10", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    kinds = [f["properties"]["kind"] for f in json.loads(out.read_text())["features"]]
    assert kinds[0] == "frontline" and "area" in kinds


def test_list_table_is_limited_json_is_not(runner, tmp_path):
    from tests.helpers import make_feature, write_events

    path = write_events(
        tmp_path / "e.geojson", [make_feature(f"e{i:02d}", date=f"2022-09-{i + 1:02d}") for i in range(12)]
    )
    table = invoke(runner, "list", str(path), "--limit", "5")
    assert table.exit_code == 0
    assert "e04" in table.stdout and "e05" not in table.stdout
    assert "12 events (the first 5 shown; --limit 0 for all, or --json)" in table.stdout
    assert "the first" not in invoke(runner, "list", str(path), "--limit", "0").stdout
    assert len(invoke(runner, "list", str(path), "--json", "--limit", "5").stdout.splitlines()) == 12


def test_every_path_given_is_read_files_and_folders_together_each_file_once(runner, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    first = write_events(folder / "a.geojson", [make_feature("a")])
    izium = make_feature("b", place="Izium", place_id="geonames:707292", date="2022-09-09")
    izium["geometry"]["coordinates"] = [37.27679, 49.20697]
    other = write_events(tmp_path / "b.geojson", [izium])
    result = invoke(runner, "list", str(folder), str(other), str(first), "--json")  # a.geojson twice: read once
    assert result.exit_code == 0, result.stderr
    assert sorted(json.loads(line)["id"] for line in result.stdout.splitlines()) == ["a", "b"]
    result = invoke(runner, "stats", "--events", str(first), "--events", str(other), "--date", "2022-09-10", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["settlements"]["UA"] == 2
    out = tmp_path / "both.geojson"
    result = invoke(runner, "export", str(first), str(other), "--out", str(out))
    assert result.exit_code == 0 and {f["id"] for f in read_features(out)} == {"a", "b"}
