"""The runtime's house rules: modules import downward only, and no one reaches into the kernel."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "chronoflow" / "runtime"

#: Runtime modules that drive the kernel from outside, through its public API.
DRIVERS = {"supervisor.py", "checking.py", "replay.py"}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The runtime modules ``path`` imports, at module level or in a function,
    leaving out imports for type checking only."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for other in node.orelse:
                visit(other)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in modules else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found & modules


def test_runtime_modules_import_downward_only() -> None:
    paths = {
        f"chronoflow.runtime.{p.stem}": p for p in RUNTIME.glob("*.py") if p.stem != "__init__"
    }
    modules = {*paths, "chronoflow.runtime"}
    graph = {name: _runtime_imports(path, modules) - {name} for name, path in paths.items()}
    assert [name for name, deps in graph.items() if "chronoflow.runtime" in deps] == []
    done: set[str] = set()

    def check(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, "import loop: " + " -> ".join((*trail, name))
        if name not in done:
            for dep in sorted(graph[name]):
                check(dep, (*trail, name))
            done.add(name)

    for name in sorted(graph):
        check(name, ())


def _private_names() -> set[str]:
    """Private attributes the kernel's own modules define (``self._x = ...``, slots)."""
    names: set[str] = set()
    for path in RUNTIME.glob("*.py"):
        if path.name in DRIVERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if node.attr.startswith("_") and not node.attr.startswith("__"):
                    names.add(node.attr)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value.startswith("_")
                and not node.value.startswith("__")
                and node.value.isidentifier()
            ):
                names.add(node.value)  # __slots__ entries
    return names


def test_nothing_outside_the_kernel_reaches_into_it() -> None:
    private = _private_names()
    assert {"_kernel", "_effect", "_timer", "_emit"} <= private
    drivers = [RUNTIME / name for name in sorted(DRIVERS)] + [
        ROOT / "chronoflow" / "replay" / "reexecution.py",
        ROOT / "chronoflow" / "replay" / "workflow.py",
        ROOT / "chronoflow" / "replay" / "solo.py",
        ROOT / "chronoflow" / "replay" / "live.py",
    ]
    reaches = []
    for path in drivers:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in private
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
            ):
                reaches.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert reaches == []
