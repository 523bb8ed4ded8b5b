"""The house rules that a machine can check: lint, format, types and layering."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    """The tool installed next to this Python (the project's environment)."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    assert found, f"{name} is not installed; install the project with its 'test' extra"
    return found


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_static_checks_are_clean(command: list[str]) -> None:
    done = subprocess.run(
        [_tool(command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(folder: Path, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_chronoflow_never_imports_the_tui() -> None:
    assert _violations(ROOT / "chronoflow", ("textual", "tui")) == []


def test_the_runtime_knows_nothing_about_files() -> None:
    runtime = _violations(ROOT / "chronoflow" / "runtime", ("msgpack", "chronoflow.recording"))
    signals = [
        name
        for name in _imports(ROOT / "chronoflow" / "signals.py")
        if name.startswith(("msgpack", "chronoflow"))
    ]
    assert runtime == []
    assert signals == []


def test_the_tui_reads_nothing_but_the_engine() -> None:
    tui = ROOT / "tui"
    assert (tui / "app.py").is_file()
    assert _violations(tui, ("msgpack", "chronoflow.recording", "chronoflow.runtime")) == []
