"""DiffScreen: what changed between two moments, A and B, and when each change happened.

The engine's :meth:`Timeline.diff <chronoflow.inspect.Timeline.diff>` as a
list grouped by process: each process's name, then its rows in seq order
(started, status changes, messages that arrived or were taken out,
messages sent, ``use`` calls, names, its end), each with the seq where it
happened; a process and kind with more rows than the engine lists ends
with a line counting the rest. Enter (or a click) on a row closes the
screen at that row's seq; escape closes it where it was.

The diff runs in a worker thread: between two far seqs of a big recording
it reads the index's columns for a few tenths of a second, and waits for
the indexer if it has not reached the later seq yet.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from chronoflow.inspect import ChronoflowError, DiffKind, MomentDiff, Timeline
from tui.literal import literal

#: ``(text, seq to go to or None)``: one line of the list.
Row = tuple[Text, int | None]

#: How each kind of row is named on screen, and its colour.
KIND_LOOKS: dict[DiffKind, tuple[str, str]] = {
    DiffKind.STARTED: ("started", "green"),
    DiffKind.ADDED: ("arrived", "cyan"),
    DiffKind.STATUS: ("status", "yellow"),
    DiffKind.REMOVED: ("taken out", "cyan"),
    DiffKind.SENT: ("sent", ""),
    DiffKind.USE_STARTED: ("use", "magenta"),
    DiffKind.USE_FINISHED: ("use done", "magenta"),
    DiffKind.NAMED: ("name", "magenta"),
    DiffKind.ENDED: ("ended", "bold"),
}
KIND_WIDTH = max(len(label) for label, _ in KIND_LOOKS.values())


def diff_rows(timeline: Timeline, diff: MomentDiff) -> list[Row]:
    """The lines of the screen: per process a heading, its rows, its counts."""
    width = len(f"{diff.hi:,}")
    rows: list[Row] = []
    for pid in diff.processes:
        groups = diff.groups_of(pid)
        total = sum(group.total for group in groups)
        heading = literal(timeline.name_of(pid, diff.hi), "bold")
        heading.append(f"  {total:,} change{'s' * (total != 1)}", "dim")
        rows.append((heading, None))
        for row in diff.rows_of(pid):
            label, style = KIND_LOOKS[row.kind]
            text = Text(f"  {row.seq:>{width},}  ", "bold")
            text.append(f"{label:<{KIND_WIDTH}}", style)
            text.append_text(literal(f"  {row.text}"))
            rows.append((text, row.seq))
        for group in groups:
            if group.omitted:
                rows.append((Text(f"  … {group.note()}", "dim"), None))
    return rows


def summary(diff: MomentDiff) -> str:
    """The line above the list: how much changed, and how to go to a row."""
    if not diff:
        return f"nothing changed between seq {diff.a:,} and seq {diff.b:,}"
    text = f"{diff.headline()}; enter goes to a row's seq"
    if diff.backward:
        text += f"; B is before A: rows read from seq {diff.lo:,} on"
    if diff.truncated:
        text += f"; at most {diff.limit} listed per process and kind"
    return text


class DiffScreen(ModalScreen[int | None]):
    """The diff from seq ``a`` to seq ``b``; closes with the seq of the row
    chosen, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "close", "Close"),
    ]

    DEFAULT_CSS = """
    DiffScreen {
        align: center middle;
    }
    #diff-box {
        width: 120;
        max-width: 100%;
        height: 100%;
        max-height: 40;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    #diff-list {
        height: 1fr;
        border: none;
    }
    """

    def __init__(self, timeline: Timeline, a: int, b: int) -> None:
        super().__init__()
        self.timeline = timeline
        self.a, self.b = a, b
        #: The engine's answer, once the worker has it.
        self.diff: MomentDiff | None = None
        self._rows: list[Row] = []

    def compose(self) -> ComposeResult:
        """A line saying what is compared, then the rows."""
        with Vertical(id="diff-box") as box:
            box.border_title = f"Diff: seq {self.a:,} (A) → seq {self.b:,} (B) — escape closes"
            yield Static(
                Text(f"comparing seq {self.a:,} with seq {self.b:,}…", "dim"), id="diff-hint"
            )
            yield OptionList(id="diff-list")

    def on_mount(self) -> None:
        """Focus the list, so the arrows move in it at once; start comparing."""
        self.query_one(OptionList).focus()
        self._compare()

    @property
    def rows(self) -> list[Row]:
        """The rows shown (for tests)."""
        return self._rows

    @work(thread=True, exclusive=True, group="diff")
    def _compare(self) -> None:
        try:
            diff = self.timeline.diff(self.a, self.b)
            rows = diff_rows(self.timeline, diff)
        except ChronoflowError as error:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._failed, str(error))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, diff, rows)

    def _show(self, diff: MomentDiff, rows: list[Row]) -> None:
        if not self.query(OptionList):  # closed while the diff was made
            return
        self.diff, self._rows = diff, rows
        self.query_one("#diff-hint", Static).update(Text(summary(diff), "dim"))
        options = self.query_one(OptionList)
        options.add_options(
            Option(text, id=None if seq is None else f"row-{index}-{seq}")
            for index, (text, seq) in enumerate(rows)
        )
        first = next((index for index, (_, seq) in enumerate(rows) if seq is not None), None)
        if first is not None:
            options.highlighted = first

    def _failed(self, error: str) -> None:
        for hint in self.query("#diff-hint").results(Static):
            hint.update(literal(f"cannot compare: {error}", "red"))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        if option_id is not None:
            self.dismiss(int(option_id.rsplit("-", 1)[1]))

    def action_close(self) -> None:
        """Close without moving."""
        self.dismiss(None)
