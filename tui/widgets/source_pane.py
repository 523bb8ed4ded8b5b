"""SourcePane: where the selected process's generator is, with its local variables.

Shown when the debugger was started with ``--workflow FILE``: the engine's
live frames (:class:`~chronoflow.inspect.LiveSession`) re-execute the
recording with the real code up to the current seq, and this pane shows the
selected process's source around the line where its generator is suspended
(that line marked), what it waits on, and its local variables as short
reprs. Every string is shown as text, never as markup.

The pane asks the engine itself, in a worker thread, once the current seq
has stayed put briefly (:meth:`SourcePane.run_to`): re-running the
workflow up to a seq is the slowest answer on screen, and a held key
should not queue one per signal.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.timer import Timer
from textual.worker import get_current_worker

from chronoflow.inspect import ChronoflowError
from tui.literal import literal
from tui.messages import FramesFound
from tui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from chronoflow.inspect import Frame, LiveFrames, LiveSession

#: Seconds the current seq must stay before the workflow is run to it.
RUN_DELAY = 0.05


class SourcePane(VirtualList):
    """The live frame of one process; see the module docstring."""

    def __init__(self, live: LiveSession, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._live = live
        #: One re-execution at a time: they share the workflow.
        self._lock = threading.Lock()
        self._timer: Timer | None = None
        #: The seq whose frames are wanted, and the process shown.
        self._seq = -1
        self._pid: int | None = None
        #: The frames of the last seq the workflow was run to.
        self.frames: LiveFrames | None = None
        self._lines: list[Text] = [Text("source: waiting for the first seq", "italic")]
        self.frame: Frame | None = None

    # -- what the screen tells the pane -------------------------------------------

    def run_to(self, seq: int, pid: int | None) -> None:
        """Ask for the live frames at ``seq`` once it stays put briefly; show ``pid``'s."""
        if self._timer is not None:
            self._timer.stop()
        self._seq, self._pid = seq, pid
        self.show_message(f"running the workflow to seq {seq}…")
        self._timer = self.set_timer(RUN_DELAY, partial(self._find_frames, seq, pid))

    def show_process(self, seq: int, pid: int | None) -> None:
        """Show ``pid``'s frame at ``seq``: at once if it is known, else ask for it."""
        frames = self.frames
        if frames is not None and frames.seq == seq and pid in frames.frames:
            self._pid = pid
            self.show(frames, pid)
        elif seq >= 0:
            self.run_to(seq, pid)

    @work(thread=True, exclusive=True, group="live")
    def _find_frames(self, seq: int, pid: int | None) -> None:
        if seq != self._seq:
            return
        with self._lock:
            if seq != self._seq:
                return
            try:
                frames: LiveFrames | str = self._live.goto(seq, pid=pid)
            except ChronoflowError as error:
                frames = f"cannot run the workflow to seq {seq}: {error}"
            except Exception as error:  # the user's code may raise anything
                frames = f"the workflow raised {type(error).__name__}: {error}"
        if not get_current_worker().is_cancelled:
            self.post_message(FramesFound(seq, frames))

    @on(FramesFound)
    def _frames_found(self, found: FramesFound) -> None:
        """The frames of ``found.seq`` arrived: show the selected process's."""
        if found.seq != self._seq:
            return
        if isinstance(found.frames, str):
            self.frames = None
            self.show_message(found.frames)
        else:
            self.frames = found.frames
            self.show(found.frames, self._pid)

    def on_unmount(self) -> None:
        """Stop waiting to run the workflow."""
        if self._timer is not None:
            self._timer.stop()

    # -- painting ------------------------------------------------------------------

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
