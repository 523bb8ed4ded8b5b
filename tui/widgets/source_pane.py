"""SourcePane: where the selected process's generator is, with its local variables.

Shown when the debugger was started with ``--workflow FILE``: the engine's
live frames (:mod:`chronoflow.inspect.live`) re-execute the recording with
the real code up to the current seq, and this pane shows the selected
process's source around the line where its generator is suspended (that
line marked), what it waits on, and its local variables as short reprs.
Every string is shown as text, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from tui.literal import literal
from tui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from chronoflow.inspect.live import Frame, LiveFrames


class SourcePane(VirtualList):
    """The live frame of one process; see the module docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Text] = [Text("source: waiting for the first seq", "italic")]
        self.frame: Frame | None = None

    def show_message(self, text: str) -> None:
        """Show one line of explanation instead of a frame (e.g. while running)."""
        self.frame = None
        self._lines = [Text(text, "italic")]
        self.refresh_rows()

    def show(self, frames: LiveFrames, pid: int | None) -> None:
        """Show ``pid``'s frame from ``frames`` (or say why there is none)."""
        if pid is None:
            self.show_message("select a process to see its source")
            return
        frame = frames.frames.get(pid)
        if frame is None:
            self.show_message(f"process {pid} has no live frame at seq {frames.seq}: it has ended")
            return
        self.frame = frame
        lines: list[Text] = []
        head = Text(f"{frame.template}[{frame.pid}] ", "bold")
        head.append_text(literal(f"{frame.status}, {frame.waiting_on}"))
        lines.append(head)
        where = literal(f"{frame.file}:{frame.line}")
        where.stylize("dim")
        lines.append(where)
        if frames.reached != frames.seq:
            lines.append(Text(f"(its step ends at seq {frames.reached})", "dim italic"))
        lines.append(Text(f"re-run {frames.origin}", "dim italic"))
        first, source = frame.source
        for offset, code in enumerate(source):
            number = first + offset
            here = number == frame.line
            row = Text("▶ " if here else "  ", "bold green" if here else "")
            row.append(f"{number:>4} ", "dim")
            row.append_text(literal(code))
            if here:
                row.stylize("bold")
            lines.append(row)
        lines.append(Text("locals", "bold underline"))
        if not frame.locals:
            lines.append(Text("  (none)", "dim"))
        for name, value in frame.locals:
            row = Text("  ")
            row.append_text(literal(name))
            row.append(" = ", "dim")
            row.append_text(literal(value))
            lines.append(row)
        self._lines = lines
        self.refresh_rows()
        line_row = next((i for i, row in enumerate(lines) if row.plain.startswith("▶")), 0)
        self.scroll_to_row(line_row, center=True)

    def row_count(self) -> int:
        """One row per line."""
        return len(self._lines)

    def render_row(self, row: int, width: int) -> Text:
        """The ``row``-th line."""
        return self._lines[row].copy()
