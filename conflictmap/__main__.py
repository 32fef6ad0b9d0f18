"""``python -m conflictmap``: the same as the ``conflictmap`` command."""

from conflictmap.cli import app

app(prog_name="conflictmap")
