"""CompareRunsScreen: two recordings of one workflow side by side (``--compare B.cfl``).

Run A on the left, run B on the right (:class:`~tui.widgets.run_pane.RunPane`),
stepped together. Two ways to align them:

- *by seq* (the default): both panes at the same seq, the order in which
  both runs made their signals;
- *by step*: each pane at the selected process's own signals, its *n*-th
  signal in A beside its *n*-th in B (``s`` switches; it starts at the
  process's first signal), for runs whose other processes moved the seqs.

The first divergence, as the engine's
:func:`~chronoflow.inspect.compare_runs` finds it (worded as
``chronoflow replay`` words its error), is named on the top line and
marked ``≠`` in both panes; ``d`` jumps to it (by step: to the selected
process's first differing step). The processes that differ are listed at
the bottom. The comparison reads both recordings whole, in a worker
thread.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from chronoflow.inspect import RunComparison, Timeline, compare_runs
from tui.literal import literal
from tui.widgets.run_pane import PaneState, RunPane

#: How many differing processes the bottom lines list.
LISTED = 4
#: How often the panes repaint while the recordings are being indexed (seconds).
INDEXING_REPAINT = 0.25


class CompareRunsScreen(Screen[None]):
    """Run A and run B side by side (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,l", "step(1)", "Next"),
        Binding("left,h", "step(-1)", "Previous"),
        Binding("down,j", "select(1)", "Next process"),
        Binding("up,k", "select(-1)", "Previous process", show=False),
        Binding("d", "divergence", "Divergence"),
        Binding("s", "align", "By seq/step"),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("q,escape", "close", "Close"),
    ]

    DEFAULT_CSS = """
    CompareRunsScreen #compare-top, CompareRunsScreen #compare-bottom {
        height: auto;
        max-height: 5;
        padding: 0 1;
    }
    CompareRunsScreen #compare-panes {
        height: 1fr;
    }
    """

    def __init__(
        self, a: Timeline, b: Timeline, *, at: int | None = None, pushed: bool = False
    ) -> None:
        """``at``: the seq to show first; ``pushed``: opened over the debugger (a
        fork made there): closing returns to it and closes ``b``."""
        super().__init__()
        self.a, self.b = a, b
        self.pushed = pushed
        #: The engine's comparison, once the worker has it.
        self.comparison: RunComparison | None = None
        #: Where each pane is: equal when aligned by seq.
        self.seq_a = self.seq_b = max(at or 0, 0)
        #: Aligned by each process's own step count (True) or by seq.
        self.by_step = False
        self.pid: int | None = None

    def compose(self) -> ComposeResult:
        """The divergence line, the two panes, the processes that differ, the keys."""
        yield Static(Text("comparing the two runs…", "dim"), id="compare-top")
        with Horizontal(id="compare-panes"):
            yield RunPane(self.a, "A", id="pane-a")
            yield RunPane(self.b, "B", id="pane-b")
        yield Static("", id="compare-bottom")
        yield Footer()

    def on_mount(self) -> None:
        """Show seq ``at``; start comparing; repaint while the indexes grow."""
        self._repaint()
        self._compare()
        self._indexing = self.set_interval(INDEXING_REPAINT, self._repaint)

    @work(thread=True, exclusive=True, group="compare-runs")
    def _compare(self) -> None:
        try:
            self.a.wait()
            self.b.wait()
            comparison = compare_runs(self.a, self.b)
        except Exception as error:  # a recording closed under it, when the screen closed
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._failed, str(error))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._compared, comparison)

    def _compared(self, comparison: RunComparison) -> None:
        self._indexing.stop()  # both recordings are indexed: nothing moves any more
        self.comparison = comparison
        if self.pid is None:
            first = comparison.divergence
            self.pid = first.pid if first is not None else self._pids()[0] if self._pids() else None
        self._repaint()

    def _failed(self, error: str) -> None:
        self._indexing.stop()
        self.query_one("#compare-top", Static).update(literal(f"cannot compare: {error}", "red"))

    # -- what is shown -----------------------------------------------------------------

    def _pids(self) -> list[int]:
        if self.comparison is not None:
            return [process.pid for process in self.comparison.processes]
        return []

    @property
    def diverged(self) -> int | None:
        """The seq of the first divergence (None: none, or not compared yet)."""
        comparison = self.comparison
        return (
            None
            if comparison is None or comparison.divergence is None
            else comparison.divergence.seq
        )

    def _repaint(self) -> None:
        diverged = self.diverged
        self.query_one("#pane-a", RunPane).show(PaneState(self.seq_a, self.pid, diverged))
        self.query_one("#pane-b", RunPane).show(PaneState(self.seq_b, self.pid, diverged))
        self.query_one("#compare-top", Static).update(self._top_line())
        self.query_one("#compare-bottom", Static).update(self._bottom_lines())

    def _top_line(self) -> Text:
        mode = f"by step of process {self.pid}" if self.by_step else "by seq"
        where = (
            f"A seq {self.seq_a:,} · B seq {self.seq_b:,}"
            if self.by_step
            else f"seq {self.seq_a:,}"
        )
        text = Text(f"{where} · aligned {mode} · ", "bold")
        comparison = self.comparison
        if comparison is None:
            return text.append("comparing the two runs…", "dim")
        if comparison.divergence is None:
            return text.append(
                f"no divergence: the runs agree on all {comparison.length_a:,} signals", "green"
            )
        text.append("≠ ", "bold red")
        text.append_text(literal(comparison.divergence.headline(), "red"))
        return text.append(" · d jumps there", "dim")

    def _bottom_lines(self) -> Text:
        comparison = self.comparison
        if comparison is None or comparison.same:
            return Text("")
        differing = comparison.differing
        text = Text(f"processes that differ: {len(differing)} of {len(comparison.processes)}")
        for process in differing[:LISTED]:
            text.append("\n")
            text.append_text(literal(f"  {process.name}: {'; '.join(process.notes())}"))
        if len(differing) > LISTED:
            text.append(f"\n  … {len(differing) - LISTED} more", "dim")
        return text

    # -- actions ---------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        """One seq forward or back; by step, one signal of the selected process."""
        if self.by_step and self.pid is not None:
            self.seq_a = self._step(self.a, self.seq_a, delta)
            self.seq_b = self._step(self.b, self.seq_b, delta)
        else:
            last = max(len(self.a), len(self.b)) - 1
            self.seq_a = self.seq_b = min(max(self.seq_a + delta, 0), max(last, 0))
        self._repaint()

    def _step(self, timeline: Timeline, seq: int, delta: int) -> int:
        assert self.pid is not None
        found = (
            timeline.next_for(self.pid, seq) if delta > 0 else timeline.previous_for(self.pid, seq)
        )
        return seq if found is None else found

    def action_select(self, delta: int) -> None:
        """Select the next or previous process (the one ``s`` aligns by)."""
        pids = self._pids()
        if not pids:
            return
        index = pids.index(self.pid) if self.pid in pids else -1
        self.pid = pids[(index + delta) % len(pids)]
        if self.by_step:
            self._to_first_step()
        self._repaint()

    def action_align(self) -> None:
        """Switch between aligned by seq and aligned by the selected process's step."""
        if self.pid is None:
            return
        self.by_step = not self.by_step
        if self.by_step:
            self._to_first_step()
        else:
            self.seq_b = self.seq_a
        self._repaint()

    def _to_first_step(self) -> None:
        assert self.pid is not None
        first_a = self.a.next_for(self.pid, -1)
        first_b = self.b.next_for(self.pid, -1)
        self.seq_a = 0 if first_a is None else first_a
        self.seq_b = 0 if first_b is None else first_b

    def action_divergence(self) -> None:
        """Go to the first divergence (by step: the selected process's first differing step)."""
        comparison = self.comparison
        if comparison is None or comparison.divergence is None:
            self.notify("the runs do not diverge", severity="information")
            return
        if self.by_step and self.pid is not None:
            process = next(p for p in comparison.processes if p.pid == self.pid)
            if process.first_step is None:
                self.notify(f"process {self.pid}'s signals are the same in both runs")
                return
            self.seq_a = self.seq_a if process.seq_a is None else process.seq_a
            self.seq_b = self.seq_b if process.seq_b is None else process.seq_b
        else:
            self.seq_a = self.seq_b = comparison.divergence.seq
        self._repaint()

    def action_close(self) -> None:
        """Back to the debugger (a fork made there), or quit (compare mode)."""
        if self.pushed:
            self.dismiss(None)
        else:
            self.app.exit()

    def on_unmount(self) -> None:
        """A fork opened over the debugger is closed with the screen."""
        if self.pushed:
            self.workers.cancel_group(self, "compare-runs")
            self.b.close()

    def action_edge(self, end: int) -> None:
        """The first seq, or the last of the longer run (aligned by seq)."""
        self.by_step = False
        last = max(len(self.a), len(self.b)) - 1
        self.seq_a = self.seq_b = max(last, 0) if end else 0
        self._repaint()
