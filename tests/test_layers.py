"""The import rules between Chronoflow's layers, checked on the source of every module.

Each module under ``chronoflow/`` and ``tui/`` is parsed with :mod:`ast`
(nothing is imported); every ``import`` and ``from ... import`` counts,
at module level and inside functions and classes, and so does
``importlib.import_module("name")`` with a literal name. Imports under
``if TYPE_CHECKING:`` do not count: they are read by the type checker only.
``docs/architecture.md`` quotes :data:`LAYERS`.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# fmt: off
#: Which layers each layer may import, besides its own modules: the one
#: direction of dependency. A layer is a package or module; a module belongs
#: to the longest layer name that prefixes it (or to its MEMBERS entry). The
#: bare ``chronoflow`` row is the package's top-level face
#: (``chronoflow/__init__.py``) alone. Third-party packages in GUARDED are
#: allowed only where listed; the standard library is not checked.
LAYERS: dict[str, tuple[str, ...]] = {
    # plain data and the error hierarchy: nothing of Chronoflow's but each other
    "chronoflow.signals":   ("chronoflow.errors",),
    "chronoflow.errors":    ("chronoflow.signals",),
    # processes and the scheduler: hand signals to observers, know no file
    "chronoflow.runtime":   ("chronoflow.signals", "chronoflow.errors"),
    # the only code that touches .cfl bytes; its recorder observes the runtime
    "chronoflow.recording": ("chronoflow.runtime", "chronoflow.signals", "chronoflow.errors",
                             "msgpack"),
    # replay, divergence checks, re-execution, workflow loading, live frames
    "chronoflow.replay":    ("chronoflow.recording", "chronoflow.runtime", "chronoflow.signals",
                             "chronoflow.errors"),
    # the debugger engine: reads recordings, reaches running code through replay
    "chronoflow.inspect":   ("chronoflow.replay", "chronoflow.recording", "chronoflow.signals",
                             "chronoflow.errors"),
    # many runs under chosen schedules, their outcomes by the engine, kept as recordings
    "chronoflow.explore":   ("chronoflow.inspect", "chronoflow.replay", "chronoflow.recording",
                             "chronoflow.runtime", "chronoflow.signals", "chronoflow.errors"),
    # the command line: any library layer, never the TUI
    "chronoflow.cli":       ("chronoflow", "chronoflow.explore", "chronoflow.inspect",
                             "chronoflow.replay", "chronoflow.recording", "chronoflow.runtime",
                             "chronoflow.signals", "chronoflow.errors", "typer", "rich"),
    # ``import chronoflow``: the runtime API, signals and errors
    "chronoflow":           ("chronoflow.recording", "chronoflow.runtime", "chronoflow.signals",
                             "chronoflow.errors"),
    # the debugger front end: the engine's public face only (FACE_ONLY)
    "tui":                  ("chronoflow.inspect", "textual", "rich", "typer"),
}
# fmt: on

#: Modules that belong to a layer whose package they are not inside.
#: Why: ``python -m chronoflow`` is the CLI.
MEMBERS: dict[str, str] = {
    "chronoflow.__main__": "chronoflow.cli",
}

#: Layers that may use another layer only through its top-level face
#: (``from chronoflow.inspect import Timeline``, not ``chronoflow.inspect.timeline``).
FACE_ONLY = frozenset({"tui"})

#: Third-party and checkout folders whose use is checked: only a layer that
#: lists one may import it; ``tools``, ``tests`` and ``benchmarks`` no layer may.
GUARDED = frozenset({"msgpack", "textual", "typer", "rich", "tools", "tests", "benchmarks"})


@dataclass(frozen=True)
class Import:
    """One import: where it is, the module it names, and for ``from package import name``
    the package and the name read from it."""

    path: Path
    line: int
    name: str
    package: str = ""
    attribute: str = ""

    def __str__(self) -> str:
        where = f"{self.path.relative_to(ROOT)}:{self.line}"
        if self.package and self.name == self.package:
            return f"{where}: from {self.package} import {self.attribute}"
        return f"{where} imports {self.name}"


def module_name(path: Path) -> str:
    """The dotted module name of a source file under :data:`ROOT`."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    """Whether ``name`` is a module or package of this checkout."""
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _package(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    """The module a ``from`` import reads from, relative imports resolved."""
    if node.level == 0:
        return node.module or ""
    package = _package(path).split(".")
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


@functools.cache
def _imports_in_file(path: Path) -> tuple[Import, ...]:
    return tuple(imports_of(path))


def imports_of(path: Path, source: str | None = None) -> list[Import]:
    """Every import in the file at ``path`` that runs, wherever it is written.

    ``from package import name`` names ``package.name`` when that is a
    module of this checkout, else ``package``.
    """
    tree = ast.parse(path.read_text("utf-8") if source is None else source, str(path))
    found: list[Import] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend(Import(path, node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            for alias in node.names:
                inner = f"{module}.{alias.name}"
                named = inner if _is_module(inner) else module
                found.append(Import(path, node.lineno, named, module, alias.name))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(path, node.lineno, node.args[0].value))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@functools.cache
def public_names(package: str) -> frozenset[str]:
    """What ``package`` lists in its ``__all__``: its public face."""
    tree = ast.parse(ROOT.joinpath(*package.split("."), "__init__.py").read_text("utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            return frozenset(ast.literal_eval(node.value))
    return frozenset()


def _through_face(imported: Import, target: str) -> bool:
    """Whether ``imported`` uses ``target`` only through its top-level face (its ``__all__``)."""
    if not imported.package:  # import target
        return imported.name == target
    return imported.package == target and imported.attribute in public_names(target)


def layer_of(name: str) -> str | None:
    """The layer of a module of this checkout, or of a guarded package; None otherwise."""
    top = name.split(".")[0]
    if top in GUARDED:
        return top
    if top not in ("chronoflow", "tui"):
        return None
    for member, layer in MEMBERS.items():
        if name == member or name.startswith(member + "."):
            return layer
    if name == "chronoflow":
        return "chronoflow"
    layers = [layer for layer in LAYERS if layer != "chronoflow"]
    matches = [layer for layer in layers if name == layer or name.startswith(layer + ".")]
    return max(matches, key=len) if matches else name


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def violations(layer: str) -> list[str]:
    """Every import in ``layer``'s modules that :data:`LAYERS` does not allow, once each."""
    allowed = LAYERS[layer]
    found: dict[str, None] = {}  # in order, each once
    for path in _modules(layer.split(".")[0]):
        if layer_of(module_name(path)) != layer:
            continue
        for imported in _imports_in_file(path):
            target = layer_of(imported.name)
            if target is None or target == layer:
                continue
            if target not in allowed:
                found[f"{imported} (layer {target})"] = None
            elif (
                layer in FACE_ONLY
                and target.startswith("chronoflow")
                and not _through_face(imported, target)
            ):
                found[f"{imported} (not through {target}.__all__)"] = None
    return list(found)


def _report(layer: str, found: list[str]) -> str:
    face = " (through their __all__ only)" if layer in FACE_ONLY else ""
    allowed = ", ".join(LAYERS[layer])
    return f"{layer} may import only {allowed}{face}; it imports:\n" + "\n".join(found)


def test_every_module_belongs_to_a_layer() -> None:
    lost = [
        str(path.relative_to(ROOT))
        for folder in ("chronoflow", "tui")
        for path in _modules(folder)
        if layer_of(module_name(path)) not in LAYERS
    ]
    assert lost == [], "modules in no layer of LAYERS (add a row or a MEMBERS entry)"


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if layer != "tui"])
def test_each_layer_imports_only_what_the_table_allows(layer: str) -> None:
    found = violations(layer)
    assert not found, _report(layer, found)


def test_the_tui_imports_only_the_engines_public_face() -> None:
    # Its own test: the TUI is being converted to chronoflow.inspect's face.
    found = violations("tui")
    assert not found, _report("tui", found)


def test_the_checker_sees_every_import_that_runs() -> None:
    source = """
from typing import TYPE_CHECKING
import importlib
import msgpack
from chronoflow import inspect, __version__
from chronoflow.inspect import Timeline
if TYPE_CHECKING:
    from tui.app import ChronoflowApp
else:
    import typer

def later():
    from textual.app import App
    importlib.import_module("chronoflow.cli")

class Late:
    import rich
"""
    path = ROOT / "chronoflow" / "runtime" / "example.py"
    names = [(found.line, found.name) for found in imports_of(path, source)]
    assert names == [
        (2, "typing"),
        (3, "importlib"),
        (4, "msgpack"),
        (5, "chronoflow.inspect"),
        (5, "chronoflow"),
        (6, "chronoflow.inspect"),
        (10, "typer"),
        (13, "textual.app"),
        (14, "chronoflow.cli"),
        (17, "rich"),
    ]
    assert [layer_of(name) for _, name in names] == [
        None,
        None,
        "msgpack",
        "chronoflow.inspect",
        "chronoflow",
        "chronoflow.inspect",
        "typer",
        "textual",
        "chronoflow.cli",
        "rich",
    ]
    assert layer_of("chronoflow.replay.workflow") == "chronoflow.replay"
    face = "chronoflow.inspect"
    assert "Timeline" in public_names(face)
    assert _through_face(Import(path, 1, face, face, "Timeline"), face)
    assert _through_face(Import(path, 1, face), face)
    assert not _through_face(Import(path, 1, f"{face}.timeline"), face)
    assert not _through_face(Import(path, 1, f"{face}.timeline", f"{face}.timeline", "X"), face)
    assert not _through_face(Import(path, 1, face, face, "_private"), face)
    assert layer_of("chronoflow.recording.reader") == "chronoflow.recording"
    relative = ast.parse("from ..signals import Signal\nfrom . import effects\n")
    path = ROOT / "chronoflow" / "runtime" / "kernel.py"
    assert [
        _absolute(path, node) for node in relative.body if isinstance(node, ast.ImportFrom)
    ] == [
        "chronoflow.signals",
        "chronoflow.runtime",
    ]
