"""Panels: the debugger's four panels (five with live frames), and how one moment shows.

The left column holds the process tree and the selected process's mailbox;
the right one the timeline, the current signal in full and, with
``--workflow``, the Source panel. The debugger screen hands this container
each :class:`~tui.moment.Moment` and the selected process; it tells every
panel its part, asking the engine only for what one panel needs (the
selected process's mailbox, why a process is not running). It holds no
state of its own beyond what it was last told to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from chronoflow.inspect import Timeline
from tui.look import relative_time
from tui.moment import Moment
from tui.widgets.mailbox import MailboxPane
from tui.widgets.process_tree import ProcessTree
from tui.widgets.signal_detail import SignalDetail
from tui.widgets.signal_list import SignalList
from tui.widgets.source_pane import SourcePane

if TYPE_CHECKING:
    from chronoflow.inspect import LiveSession

#: Each panel's border title.
TITLES = {
    "tree": "Processes",
    "mailbox": "Mailbox",
    "signals": "Timeline",
    "detail": "Signal",
    "source": "Source",
}


class Panels(Horizontal):
    """The panels of the main screen; see the module docstring."""

    def __init__(
        self, timeline: Timeline, live: LiveSession | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._timeline = timeline
        self._live = live
        self._moment = Moment(-1)
        self._selected: int | None = None

    def compose(self) -> ComposeResult:
        """Tree and mailbox on the left; timeline, detail and maybe source on the right."""
        with Vertical(id="left"):
            yield ProcessTree(id="tree")
            yield MailboxPane(id="mailbox")
        with Vertical(id="right"):
            yield SignalList(self._timeline, self.template_of, id="signals")
            yield SignalDetail(self._timeline, id="detail")
            if self._live is not None:
                yield SourcePane(self._live, id="source")

    def on_mount(self) -> None:
        """Title every panel."""
        for panel_id, title in TITLES.items():
            for panel in self.query(f"#{panel_id}"):
                panel.border_title = title

    def show(self, moment: Moment, selected: int | None) -> None:
        """Show ``moment``, and the mailbox (and source) of process ``selected``."""
        before, self._moment, self._selected = self._moment, moment, selected
        self._show_processes()
        self.query_one(SignalList).show(moment.seq, everything=not moment.is_step_from(before))
        process = moment.process
        why = None if process is None else self._timeline.why(process.pid, moment.seq)
        self.query_one(SignalDetail).show(
            moment.signal, process, moment.links, self.when(), why, moment.gap
        )
        if self._live is not None and moment.seq >= 0:
            self.query_one(SourcePane).run_to(moment.seq, selected)

    def select(self, pid: int | None) -> None:
        """Show process ``pid`` as the selected one: its row, its mailbox, its source."""
        self._selected = pid
        self._show_processes()
        if self._live is not None:
            self.query_one(SourcePane).show_process(self._moment.seq, pid)

    def _show_processes(self) -> None:
        moment, pid = self._moment, self._selected
        world, seq = moment.world, moment.seq
        current = moment.signal.pid if moment.signal is not None else None
        self.query_one(ProcessTree).show(world, moment.changed, current, pid)
        view = why = None
        if world is not None and pid is not None and pid in world and seq >= 0:
            view = self._timeline.mailbox(pid, seq)
            why = self._timeline.why(pid, seq)
        self.query_one(MailboxPane).show(world, pid, view, why)

    def when(self) -> str:
        """The current signal's time, relative to the first signal (``+0.125s``)."""
        signal = self._moment.signal
        if signal is None:
            return ""
        return relative_time(signal.ts, self.query_one(SignalList).origin())

    def template_of(self, pid: int, seq: int) -> str | None:
        """The template ``pid`` runs at ``seq``, for the timeline's template column.

        Until the index reaches ``seq`` the engine names the process by the
        world at the current seq, or from the indexed end.
        """
        template = self._timeline.template_at(pid, seq)
        if template is not None:
            return template
        world = self._moment.world
        template = None if world is None else world.template_of(pid)
        if template is not None:
            return template
        # Why seq -1: before the first signal no process has a registered name,
        # so the label is "Template[pid]" alone.
        name = self._timeline.name_of(pid, -1)
        suffix = f"[{pid}]"
        return name[: -len(suffix)] if name.endswith(suffix) else None
