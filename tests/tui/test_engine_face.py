"""The TUI imports nothing of chronoflow but the engine's public face.

Every ``chronoflow`` name a module of ``tui/`` uses comes from
``chronoflow.inspect`` itself (``from chronoflow.inspect import Timeline``),
never from one of its modules, another layer or ``chronoflow.signals``: the
engine re-exports what a front end needs, so its insides can move without
the debugger noticing. Imports under ``TYPE_CHECKING`` and inside functions
count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"
ALLOWED = "chronoflow.inspect"


def violations(source: str, name: str = "<source>") -> list[str]:
    """Each import of ``chronoflow`` in ``source`` other than ``from
    chronoflow.inspect import ...``, in line order.

    ``import chronoflow.inspect`` is one too: it binds ``chronoflow``, whose
    insides are then one attribute away.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == ALLOWED:
                continue
            modules = [node.module]
        else:
            continue
        found.extend(
            (node.lineno, f"{name}:{node.lineno} imports {module}")
            for module in modules
            if module == "chronoflow" or module.startswith("chronoflow.")
        )
    return [message for _, message in sorted(found)]


def test_every_tui_module_imports_only_the_engines_public_face() -> None:
    modules = sorted(TUI.rglob("*.py"))
    assert TUI / "app.py" in modules
    found: list[tuple[int, str]] = []
    for path in modules:
        found.extend(violations(path.read_text(encoding="utf-8"), str(path.relative_to(TUI))))
    assert found == []


def test_the_rule_catches_every_way_around_it() -> None:
    source = "\n".join(
        [
            "from chronoflow.inspect import Timeline",
            "from chronoflow.signals import Signal",
            "from chronoflow.inspect.live import LiveSession",
            "import chronoflow.inspect",
            "from chronoflow import errors",
            "if TYPE_CHECKING:",
            "    from chronoflow.inspect.excerpt import TEXT_LIMIT",
            "def later():",
            "    from chronoflow.errors import ChronoflowError",
            "from tui.look import type_name",
        ]
    )
    assert [message.split(" imports ")[1] for message in violations(source)] == [
        "chronoflow.signals",
        "chronoflow.inspect.live",
        "chronoflow.inspect",
        "chronoflow",
        "chronoflow.inspect.excerpt",
        "chronoflow.errors",
    ]
