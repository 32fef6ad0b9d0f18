"""The read path of a command: which modules it passes, and how often it lists the event files.

Runs a ``conflictmap`` command in this process under :func:`sys.setprofile` and records the first
call of each conflictmap function from another module (module code at import aside). A *stop*
is a run of such calls in one module; a *return* is a stop in a module the command had already
passed. The read path is the part
before it computes: reading files, metadata, extent and measured areas. The check of the files
as ``validate`` does it (``Dataset.errors``) is a pass of its own, and its stops are counted apart.

Usage: python benchmarks/bench_read_path.py [render|image|stats]  (default: all three, on data/war)
"""

from __future__ import annotations

import sys
import tempfile

from typer.testing import CliRunner

from conflictmap.cli import app

COMMANDS = {
    "render": ["render", "--events", "data/war", "--out", "{tmp}/war.html"],
    "image": ["image", "--events", "data/war", "--out", "{tmp}/war.png"],
    "stats": ["stats", "--events", "data/war", "--date", "2025-06-01"],
}
LISTING = ("_list_files",)
#: The check of the files as validate does it: a pass of its own, counted apart.
CHECKING = "Dataset.errors"
#: Where the read path ends: the first call that computes on the data read.
COMPUTING = {"build_map", "day_figures", "period_figures", "frontline_collection", "Timeline.__init__", "write_geojson"}


def _importing(frame) -> bool:  # noqa: ANN001
    """Whether a module is being imported somewhere up the stack."""
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals.get("__name__") != "__main__":
            return True
        frame = frame.f_back
    return False


def _caller(frame) -> str:  # noqa: ANN001
    """The conflictmap module nearest up the stack (library frames between are skipped)."""
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("conflictmap"):
            return module
        frame = frame.f_back
    return ""


def trace(args: list[str]) -> tuple[list[str], list[str], int, int]:
    """The modules the read path passes in order (stops), those of the check as ``validate`` does it
    (:meth:`Dataset.errors`, a pass of its own), the calls listing event files, and the exit code."""
    stops: list[str] = []
    checked: list[str] = []
    listings = 0
    reading = True
    checking: object = None  # the frame of Dataset.errors while it runs
    seen: set[object] = set()

    def profile(frame, event, _arg):  # noqa: ANN001
        nonlocal listings, reading, checking
        if event == "return" and frame is checking:
            checking = None
        if event != "call":
            return
        if frame.f_code.co_qualname == CHECKING:
            checking = frame
        module = frame.f_globals.get("__name__", "")
        if not module.startswith("conflictmap") or module == "conflictmap.cli":
            return
        name = frame.f_code.co_name
        if name == "<module>":
            return
        if name in LISTING:
            listings += 1
        if frame.f_code.co_qualname in COMPUTING:
            reading = False
        back = frame.f_back
        if frame.f_code not in seen and _importing(back):
            seen.add(frame.f_code)
            return
        caller = _caller(back)
        first = frame.f_code not in seen
        seen.add(frame.f_code)
        into = checked if checking is not None else stops
        if reading and first and caller != module and (not into or into[-1] != module):
            into.append(module)

    sys.setprofile(profile)
    try:
        result = CliRunner().invoke(app, args)
    finally:
        sys.setprofile(None)
    return stops, checked, listings, result.exit_code


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in names or list(COMMANDS):
            args = [a.format(tmp=tmp) for a in COMMANDS[name]]
            stops, checked, listings, code = trace(args)
            returns = len(stops) - len(set(stops))
            print(
                f"{name}: exit {code}; read path: {len(stops)} stops in {len(set(stops))} modules, "
                f"{returns} returns; event files listed {listings} times; the check: {len(checked)} stops"
            )
            print("   read: " + " > ".join(m.removeprefix("conflictmap.") for m in stops))
            print("   check: " + " > ".join(m.removeprefix("conflictmap.") for m in checked))


if __name__ == "__main__":
    main(sys.argv[1:])
