"""Shared fixtures: an event file, the CLI runner, the process pools opened. Helpers live in helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import make_feature, write_events


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    """A file with two valid events."""
    return write_events(
        tmp_path / "events.geojson",
        [make_feature("a"), make_feature("b", place="Izium", date="2022-09-09")],
    )


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def forks(monkeypatch) -> list[str]:
    """The start methods of the process pools opened (:mod:`conflictmap._parallel`), as they open."""
    import multiprocessing

    methods: list[str] = []
    get_context = multiprocessing.get_context
    monkeypatch.setattr(
        multiprocessing, "get_context", lambda method=None: methods.append(method) or get_context(method)
    )
    return methods
