"""The public Python API (conflictmap/__init__.py): what the README shows, computed as the commands do."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

import conflictmap as cm
from tests.helpers import REPO, invoke

DAY = dt.date(2022, 9, 12)


def test_every_public_name_resolves_and_import_stays_light():
    assert all(callable(getattr(cm, name)) for name in cm.__all__)
    with pytest.raises(AttributeError):
        cm.no_such_name  # noqa: B018
    loaded = subprocess.run(
        [sys.executable, "-c", "import conflictmap, sys; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "geopandas" not in loaded and "conflictmap.dataset" not in loaded


def test_frames_agree_with_stats_and_frontline(tmp_path, runner):
    data = cm.open_events(REPO / "data" / "events")
    stats = json.loads(invoke(runner, "stats", "--date", DAY.isoformat(), "--json").stdout)
    by_region = cm.figures_by_region(data, DAY)
    assert by_region.loc["Kharkiv"].to_dict() == stats["regions"]["Kharkiv"]["controlled_km2"]
    assert by_region.attrs["areas"] == stats["areas"]
    states = cm.states_on(data, DAY)  # every place; stats counts one per point (places at one point share a cell)
    per_point = states.drop_duplicates("geometry")["control"].value_counts().to_dict()
    assert per_point == {k: v for k, v in stats["settlements"].items() if v}
    out = tmp_path / "front.geojson"
    invoke(runner, "frontline", "--date", DAY.isoformat(), "--out", str(out))
    written = json.loads(out.read_text())["features"]
    areas = cm.control_areas(data, DAY)
    assert sorted(areas["kind"]) == sorted(f["properties"]["kind"] for f in written)
    assert areas["area_km2"].sum() == pytest.approx(sum(f["properties"].get("area_km2", 0) for f in written))


def test_figures_by_period_has_a_row_per_week_with_the_gains():
    periods = cm.figures_by_period(
        cm.open_events(REPO / "data" / "events"), "week", dt.date(2022, 9, 1), dt.date(2022, 9, 30)
    )
    assert list(periods.index) == ["2022-08-29", "2022-09-05", "2022-09-12", "2022-09-19", "2022-09-26"]
    assert periods.loc["2022-09-05", "UA_gained_km2"] > 1_000  # the counteroffensive's week


def test_the_readme_example_runs_from_the_repository_root():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    example = text.split("## Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    result = subprocess.run([sys.executable, "-c", example], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Kharkiv" in result.stdout
