"""ChronoflowApp: the time-travel debugger's Textual application, kept thin.

The app starts the debugger over one open recording: it holds the options
the command line chose, loads the one stylesheet, shows the
:class:`~tui.screens.debugger.DebuggerScreen` (where every panel and every
action on what they show lives), binds the keys that work on any screen
(help and quit) and offers the debugger's commands in the palette. For
scripts, tests and the benchmarks it also reads out where the debugger is
(``seq``, ``selected_pid``, ``signal``, ``world``) and moves it
(``go_to``, ``select_process``), through the screen.

``main`` is the ``chronoflow-tui`` console script (see :mod:`tui.cli`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import BindingType

from chronoflow.inspect import Signal, Timeline, World
from tui.commands import DebuggerCommands
from tui.keys import app_bindings
from tui.literal import literal
from tui.screens.debugger import DebuggerScreen
from tui.screens.help import HelpScreen

if TYPE_CHECKING:
    from chronoflow.inspect import LiveSession


class ChronoflowApp(App[None]):
    """The debugger over one open :class:`~chronoflow.inspect.Timeline`."""

    CSS_PATH = "chronoflow.tcss"
    TITLE = "chronoflow-tui"
    BINDINGS: ClassVar[list[BindingType]] = app_bindings()
    #: The palette offers the debugger's commands on every screen.
    COMMANDS = App.COMMANDS | {DebuggerCommands}

    def __init__(
        self,
        timeline: Timeline,
        *,
        at: int | None = None,
        follow: bool = False,
        live: LiveSession | None = None,
        predict: bool = False,
    ) -> None:
        """``at``: the seq to open at; ``follow``: keep reading a recording being
        written; ``live``: live frames of the workflow that made it (``--workflow``);
        ``predict``: open in predict mode (``--predict``)."""
        super().__init__()
        self.timeline = timeline
        #: Open in predict mode once the debugger is shown (``--predict``).
        self.predict_at_start = predict
        #: The main screen: the panels and every action on them.
        self.debugger = DebuggerScreen(timeline, at=at, follow=follow, live=live)

    def get_default_screen(self) -> DebuggerScreen:
        """The debugger is the screen the app opens on (and the bottom of its stack)."""
        return self.debugger

    def on_mount(self) -> None:
        """Name the recording in the title."""
        self.title = f"chronoflow-tui — {literal(self.timeline.path.name).plain}"
        if self.predict_at_start:
            self.call_after_refresh(self.debugger.action_predict)

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen())

    # -- where the debugger is, for scripts and tests ------------------------------------

    @property
    def seq(self) -> int:
        """The current seq (``-1`` in an empty recording)."""
        return self.debugger.seq

    @property
    def selected_pid(self) -> int | None:
        """The selected process."""
        return self.debugger.selected_pid

    @property
    def signal(self) -> Signal | None:
        """The current signal."""
        return self.debugger.signal

    @property
    def world(self) -> World | None:
        """The world at the current seq (None until the index reaches it)."""
        return self.debugger.world

    def go_to(self, seq: int) -> None:
        """Make ``seq`` current (clamped to the recording)."""
        self.debugger.go_to(seq)

    def select_process(self, pid: int) -> None:
        """Select process ``pid``."""
        self.debugger.select_process(pid)


def main() -> None:
    """The ``chronoflow-tui`` console script (``pyproject.toml`` names it here)."""
    # Why imported here: the command line is the entry point and the app
    # never depends on it; this only hands over to it.
    from tui.cli import run

    run()
