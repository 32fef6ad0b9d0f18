"""Commands import only what they use: add (with coordinates), validate and --help start light."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import REPO, add_args, make_feature, write_events

HEAVY = ("geopandas", "pandas", "shapely", "numpy", "pyproj", "folium", "matplotlib", "rapidfuzz", "multiprocessing")

PROBE = """
import json, sys
from conflictmap.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {heavy} or m == "conflictmap.events.model")))
"""


def imported(*args: str) -> list[str]:
    """The top-level modules of HEAVY (and pydantic), and the pydantic event model, loaded by
    running the command in a fresh process."""
    code = PROBE.format(heavy=repr(set(HEAVY) | {"pydantic"}))
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, check=True)
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    return sorted({m if m == "conflictmap.events.model" else m.split(".")[0] for m in loaded})


def test_validate_imports_no_dataframe_or_geometry_library(tmp_path):
    # pydantic and the event model only for an invalid feature, to name the field at fault
    path = write_events(tmp_path / "e.geojson", [make_feature("a")])
    assert imported("validate", str(path)) == []
    write_events(path, [make_feature("a", date="2022-02-30")])
    assert imported("validate", str(path)) == ["conflictmap.events.model", "pydantic"]


def test_add_with_coordinates_imports_no_gazetteer_or_geometry_library(tmp_path):
    path = tmp_path / "new.geojson"
    loaded = imported(
        *add_args(path, place="X", date="2022-09-08", source_published="2022-09-09", lat="49.5", lon="36.5")
    )
    assert loaded == []
    assert (tmp_path / "new.geojson").exists()


def test_help_imports_nothing_heavy():
    assert imported("--help") == []


@pytest.mark.parametrize("command", [["render"], ["image"], ["import", "deepstate"]])
def test_a_commands_help_imports_nothing_heavy(command):
    assert imported(*command, "--help") == []


def test_the_model_and_the_fast_check_import_one_way():
    """conflictmap.events.codec falls back on conflictmap.events.model for its messages;
    the model needs nothing of it."""
    code = "import sys, conflictmap.events.model; print('conflictmap.events.codec' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert proc.stdout.strip() == "False"
