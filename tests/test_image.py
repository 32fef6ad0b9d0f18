"""conflictmap image: a still map of one day, PNG or SVG, and its errors."""

from __future__ import annotations

import struct

import pytest

from tests.helpers import REPO, invoke, make_feature, write_events


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_png_of_the_bundled_data_is_wide_enough_for_print(tmp_path, runner):
    out = tmp_path / "kharkiv.png"
    result = invoke(runner, "image", "--events", str(REPO / "data" / "events"), "--out", str(out), "--width", "1200")
    assert result.exit_code == 0, result.output
    width, height = png_size(out)
    assert width == 1200 and height > 1000


def test_svg_carries_title_date_and_sources(tmp_path, runner):
    events = write_events(
        tmp_path / "e.geojson",
        [
            make_feature("a", date="2022-09-08"),
            make_feature("b", date="2022-09-01", control_before="UA", control_after="RU"),
        ],
    )
    out = tmp_path / "still.svg"
    result = invoke(
        runner,
        "image",
        "--events",
        str(events),
        "--out",
        str(out),
        "--title",
        "Balakliia <retaken>",
        "--date",
        "2022-09-08",
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "Balakliia &lt;retaken&gt;" in text  # the title is text, escaped in the SVG
    assert "Control on 8 September 2022" in text and "Example News" in text


@pytest.mark.parametrize(
    ("features", "out_name", "args", "message"),
    [
        ([make_feature("a")], "still.png", ["--date", "10/09/2022"], "--date: '10/09/2022' is not a date"),
        ([make_feature("a")], "still.png", ["--since", "2022-02-30"], "--since: '2022-02-30' is not a date"),
        ([make_feature("a")], "still.jpg", [], "write a .png or .svg file"),
        ([make_feature("a")], "missing/still.png", [], "the folder does not exist"),
        ([], "still.png", [], "no control changes to draw"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, runner, features, out_name, args, message):
    events = write_events(tmp_path / "e.geojson", features)
    out = tmp_path / out_name
    result = invoke(runner, "image", "--events", str(events), "--out", str(out), *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and result.output.count("Error:") == 1 and "Traceback" not in result.output
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["e.geojson"]


def test_a_path_that_cannot_be_written_is_one_line(tmp_path, runner):
    events = write_events(tmp_path / "e.geojson", [make_feature("a")])
    (tmp_path / "taken.png").mkdir()  # a folder where the image should go
    result = invoke(runner, "image", "--events", str(events), "--out", str(tmp_path / "taken.png"))
    assert result.exit_code == 2 and "taken.png: cannot be written" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.geojson", "taken.png"]  # no temp file left
