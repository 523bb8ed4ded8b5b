"""CompareRunsApp: ``chronoflow-tui A.cfl --compare B.cfl``, two runs side by side.

As thin as :class:`~tui.app.ChronoflowApp`: it holds the two open
recordings, loads the one stylesheet and shows the
:class:`~tui.screens.compare_runs.CompareRunsScreen`, where the panes and
every action live.
"""

from __future__ import annotations

from textual.app import App

from chronoflow.inspect import Timeline
from tui.literal import literal
from tui.screens.compare_runs import CompareRunsScreen


class CompareRunsApp(App[None]):
    """Two recordings of one workflow compared (see :mod:`tui.screens.compare_runs`)."""

    CSS_PATH = "chronoflow.tcss"
    TITLE = "chronoflow-tui"

    def __init__(self, a: Timeline, b: Timeline, *, at: int | None = None) -> None:
        """``a`` and ``b``: the two runs; ``at``: the seq to open at."""
        super().__init__()
        self.a, self.b = a, b
        self.comparing = CompareRunsScreen(a, b, at=at)

    def get_default_screen(self) -> CompareRunsScreen:
        """The comparison is the screen the app opens on."""
        return self.comparing

    def on_mount(self) -> None:
        """Name both recordings in the title."""
        names = f"{literal(self.a.path.name).plain} vs {literal(self.b.path.name).plain}"
        self.title = f"chronoflow-tui — {names}"
