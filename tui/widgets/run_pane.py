"""RunPane: one of the two recordings compare mode shows side by side, at one seq.

It shows what the engine says about its recording at its seq: each process
with its status and the ids of the messages waiting in its inbox (the
selected one marked ``▸``), then the signals around the seq, the current
one marked ``▶`` and the seq where the two runs diverge marked ``≠`` in
red. A seq past the recording's end shows the last world and says where
the run ended. Every string from the recording is shown as text, never
as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from chronoflow.inspect import ChronoflowError, ProcessState, Timeline, seq_among
from tui.literal import literal

#: Rows of signals shown before the current one (the rest of the pane shows after).
BEFORE = 4


@dataclass(frozen=True)
class PaneState:
    """What a pane shows: its seq, the selected process and the divergence seq."""

    seq: int
    pid: int | None
    diverged: int | None


class RunPane(Widget):
    """One recording at one seq (see the module docstring)."""

    DEFAULT_CSS = """
    RunPane {
        width: 1fr;
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, timeline: Timeline, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline = timeline
        self.label = label
        self.state = PaneState(seq=0, pid=None, diverged=None)
        self.border_title = f"{label}: {literal(timeline.path.name).plain}"

    def show(self, state: PaneState) -> None:
        """Show ``state`` (repaints)."""
        self.state = state
        length = len(self.timeline)
        self.border_subtitle = seq_among(min(state.seq, length - 1), length)
        self.refresh()

    def render(self) -> Text:
        """The processes, then the signals around the seq."""
        try:
            return self._text()
        except ChronoflowError as error:
            return literal(f"cannot show seq {self.state.seq}: {error}", "red")

    def _text(self) -> Text:
        timeline, state = self.timeline, self.state
        length = len(timeline)
        text = Text(no_wrap=True, overflow="ellipsis")
        if not length:
            return text.append("no signals", "dim")
        seq = min(state.seq, length - 1)
        if not timeline.ready(seq):
            # Why: the world at a seq the index has not reached would make the
            # repaint wait for the indexer; the screen repaints until it is there.
            done = timeline.progress
            return text.append(f"indexing… {done.indexed:,} signals so far", "dim")
        if state.seq >= length:
            text.append(f"the run ended at seq {length - 1:,}\n", "yellow")
        shown, hidden = self._processes(list(timeline.state_at(seq)))
        for process in shown:
            selected = process.pid == state.pid
            line = Text("▸ " if selected else "  ", "bold" if selected else "")
            line.append(f"{process.pid:>3} ")
            line.append_text(literal(process.name, "bold" if selected else ""))
            line.append(f"  {process.status.value}", _STATUS_STYLE.get(process.status.value, ""))
            if process.inbox:
                ids = " ".join(f"#{entry.id}" for entry in process.inbox[:6])
                more = " …" if len(process.inbox) > 6 else ""
                line.append(f"  inbox {ids}{more}", "cyan")
            text.append_text(line).append("\n")
        if hidden:
            text.append(f"  … {hidden:,} more processes\n", "dim")
        rows = max(self.size.height - len(shown) - bool(hidden) - 2, 3)
        first = max(0, min(seq - BEFORE, length - rows))
        text.append("\n")
        for at in range(first, min(first + rows, length)):
            text.append_text(self._signal_line(at, seq)).append("\n")
        text.rstrip()
        return text

    def _processes(self, processes: list[ProcessState]) -> tuple[list[ProcessState], int]:
        """The processes to list (at most half the pane, around the selected one)
        and how many are left out."""
        limit = max(self.size.height // 2 - 1, 3)
        if len(processes) <= limit:
            return processes, 0
        index = next((i for i, p in enumerate(processes) if p.pid == self.state.pid), 0)
        start = max(0, min(index - limit // 2, len(processes) - (limit - 1)))
        shown = processes[start : start + limit - 1]
        return shown, len(processes) - len(shown)

    def _signal_line(self, at: int, seq: int) -> Text:
        timeline, state = self.timeline, self.state
        signal = timeline.signal(at)
        current = at == seq and state.seq < len(timeline)
        diverged = at == state.diverged
        mark = "▶" if current else " "
        line = Text(mark, "bold")
        line.append("≠" if diverged else " ", "bold red")
        style = "reverse" if current else ""
        if diverged:
            style = f"{style} red".strip()
        if state.pid is not None and signal.pid != state.pid:
            style = f"{style} dim".strip()
        body = Text(f"{at:>5} {signal.pid:>3} ", style)
        body.append_text(literal(timeline.describe(signal), style))
        return line.append_text(body)


_STATUS_STYLE = {
    "stopped": "green",
    "crashed": "red",
    "killed": "red",
    "waiting": "yellow",
    "ready": "cyan",
}
