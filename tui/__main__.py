"""``python -m tui FILE``: the same as ``chronoflow-tui FILE``."""

from __future__ import annotations

from tui.cli import run

run()
