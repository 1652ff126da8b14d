"""The package's structure: wings whose imports run one way, no cycles, no module over 600 lines.

``sim/`` is built in wings, from the ground floor up (docs/architecture.md)::

    vocab < inputs < core < stats < runs < views < drivers

A module may import from its own wing and from the wings below it, never from a wing above; no
two modules import each other, directly or round a circle; the project's own imports stand at the
top of each file (none hidden inside a function to dodge a cycle) — except in the command-line
entry points of :data:`DEFERRING`, which import what a command needs when it runs it, and under
``if TYPE_CHECKING:`` (never run) — and no module is over 600 lines. Deferred imports still count
for the direction of the wings and for cycles. These tests read the source with :mod:`ast` and
fail naming the file and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sim"
#: The wings, ground floor first: a wing imports only itself and the wings before it.
WINGS = ("vocab", "inputs", "core", "stats", "runs", "views", "drivers")
MAX_LINES = 600
#: Entry points that defer the package's imports to the command that needs them, and why.
DEFERRING = {
    "sim.drivers.cli": "--help answers in 0.3 s and bad input is refused in under 1 s (no Mesa loaded)",
    "sim.drivers.app": "Solara is imported only after the app extra is known to be installed",
}


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """``(imported sim module, line, at top level)`` for each of the file's imports of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` imports are for annotations; they never run
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            top |= {id(n) for n in node.body}
    out = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node, path.name == "__init__.py")
            targets = [base]
            # `from sim.views import app` imports the module sim.views.app
            targets += [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
        for target in targets:
            if target == "sim" or target.startswith("sim."):
                out.append((target, node.lineno, id(node) in top))
    return out


def _wing(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in WINGS else None


def _owner(target: str) -> str:
    """The module an import names (a name inside a module belongs to that module)."""
    while target not in MODULES and "." in target:
        target = target.rsplit(".", 1)[0]
    return target


GRAPH = {m: sorted({_owner(t) for t, _, _ in _imports(m, p)} - {m}) for m, p in MODULES.items()}


def test_every_module_lives_in_a_wing():
    loose = [m for m in MODULES if m != "sim" and _wing(m) is None]
    assert not loose, f"modules outside the wings {WINGS}: {loose}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_down_the_wings(module):
    wing = _wing(module)
    if wing is None:  # the package's face, sim/__init__.py, may show anything
        return
    rank = WINGS.index(wing)
    upward = [f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} imports {target} (wing {_wing(target)})"
              for target, line, _ in _imports(module, MODULES[module])
              if _wing(target) is not None and WINGS.index(_wing(target)) > rank]
    assert not upward, "upward import: " + "; ".join(upward)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_the_packages_own_imports_stand_at_the_top(module):
    if module in DEFERRING:
        return
    hidden = [f"{MODULES[module].relative_to(PACKAGE.parent)}:{line} imports {target} inside a block"
              for target, line, top in _imports(module, MODULES[module]) if not top]
    assert not hidden, "; ".join(hidden)


def test_no_import_cycles():
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in GRAPH.get(m, []):
            if n == "sim":
                continue
            if state.get(n) == 1:
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_600_lines(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[module].relative_to(PACKAGE.parent)} has {lines} lines (at most {MAX_LINES})"


def test_the_checks_catch_what_they_should(tmp_path):
    """The reader sees a relative import, a hidden import and an upward one (the checks can fail)."""
    path = tmp_path / "x.py"
    path.write_text("from ..drivers import cli\n\ndef f():\n    from sim.views import figures\n")
    found = _imports("sim.core.x", path)
    assert ("sim.drivers", 1, True) in found
    assert ("sim.views", 4, False) in found
    path.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim.runs import x\n")
    assert ("sim.runs", 3, True) in _imports("sim.core.x", path)


def test_deferring_modules_exist_and_defer():
    """Each declared entry point exists and really defers an import (else it should not be listed)."""
    for module in DEFERRING:
        assert module in MODULES, f"{module} is declared as deferring but does not exist"
        assert any(not top for _, _, top in _imports(module, MODULES[module])), \
            f"{module} defers no import: remove it from DEFERRING"
