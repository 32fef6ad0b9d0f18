"""The package's layers (docs/architecture.md): each module imports only the layers above its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "conflictmap"
FOUNDATION = {"settings", "errors", "vocab", "_io", "_parallel", "_text", "http"}
#: Modules over the packages, under the public API and the command.
LIBRARY = {"dataset", "editing", "analysis"}
#: Each layer and the layers it may import (the foundation may import only itself).
MAY_IMPORT = {
    "foundation": {"foundation"},
    "events": {"foundation", "events"},
    "places": {"foundation", "places"},
    "control": {"foundation", "events", "places", "control"},
    "library": {"foundation", "events", "places", "control", "library"},
    "render": {"foundation", "events", "places", "control", "library", "render"},
    "importers": {"foundation", "events", "places", "control", "importers"},
}


def layer_of(module: str) -> str | None:
    """The layer of ``conflictmap.<module path>``; ``None`` for the API and the command."""
    top = module.split(".")[1] if module.count(".") else ""
    if top in FOUNDATION:
        return "foundation"
    if top in LIBRARY:
        return "library"
    return top if top in MAY_IMPORT else None


def imported_modules(path: Path) -> set[str]:
    """The conflictmap modules ``path`` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("conflictmap"):
            found |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("conflictmap")}
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_the_layers_above(path):
    module = "conflictmap." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    layer = layer_of(module)
    if layer is None:
        return  # the public API and the command may import every layer
    wrong = sorted(m for m in imported_modules(path) if (other := layer_of(m)) and other not in MAY_IMPORT[layer])
    assert not wrong, f"{module} ({layer}) imports {wrong}"


def test_every_module_is_named_in_the_architecture():
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if p.name != "__init__.py" and p.name not in text and str(p.relative_to(PACKAGE)) not in text
    ]
    assert not missing, f"docs/architecture.md does not name {missing}"


def test_no_command_body_is_longer_than_30_lines():
    """The command only parses, calls the library and prints (signature and docstring aside)."""
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    long = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            docstring = isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
            body = node.body[1:] if docstring and len(node.body) > 1 else node.body
            if (lines := body[-1].end_lineno - body[0].lineno + 1) > 30:
                long[node.name] = lines
    assert not long, f"command bodies over 30 lines: {long}"
