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

import textwrap
import threading
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.worker import get_current_worker

from chronoflow.inspect import ChronoflowError
from tui.literal import literal
from tui.messages import FramesFound
from tui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    from chronoflow.inspect import Frame, LiveFrames, LiveSession


def wrap_text(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, its own line breaks kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width, break_long_words=True) or [""])
    return lines


#: Seconds the current seq must stay before the workflow is run to it.
RUN_DELAY = 0.05


class SourcePane(VirtualList):
    """The live frame of one process; see the module docstring.

    Focused, it scrolls with the keys; stepping keeps where it was scrolled
    to while the same process is shown (a new process is shown from its
    suspended line). A message (a divergence, an error) is wrapped to the
    pane's width, so it is always shown whole.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "scroll_by(-1)", "Scroll up", show=False),
        Binding("down,j", "scroll_by(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_page(-1)", "Page up", show=False),
        Binding("pagedown", "scroll_page(1)", "Page down", show=False),
    ]

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
        #: The message shown instead of a frame, wrapped anew when the width changes.
        self._message: str | None = None
        #: The process whose frame is shown, and whether it was scrolled by hand.
        self._shown_pid: int | None = None
        self._scrolled = False
        self._kept_top = 0

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
        """Show an explanation instead of a frame (e.g. while running), whole:
        wrapped to the pane's width."""
        self.frame = None
        self._message = text
        width = max(self.size.width - 1, 20)  # the last column is the scroll bar's
        self._lines = [Text(line, "italic") for line in wrap_text(text, width)]
        self.refresh_rows()
        self.scroll_rows_to(0)

    def on_resize(self, event: events.Resize) -> None:
        """Wrap a message anew for the new width."""
        if self.frame is None and self._message is not None:
            self.show_message(self._message)
        super().on_resize(event)

    def action_scroll_by(self, rows: int) -> None:
        """Scroll by ``rows`` (the keys, when the pane has the focus)."""
        self.scroll_rows_to(self.top + rows)
        self._keep_place()

    def _keep_place(self) -> None:
        """Remember where the person scrolled the frame to, for the next step."""
        if self.frame is not None:
            self._scrolled = True
            self._kept_top = self.top

    def action_scroll_page(self, pages: int) -> None:
        """Scroll by whole pages."""
        self.action_scroll_by(pages * max(self.page - 1, 1))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        """The wheel scrolls too, and the place is kept while stepping."""
        super().on_mouse_scroll_down(event)
        self._keep_place()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        """The wheel scrolls too, and the place is kept while stepping."""
        super().on_mouse_scroll_up(event)
        self._keep_place()

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
        self._message = None
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
        keep = self._scrolled and pid == self._shown_pid
        self._shown_pid = pid
        if keep:
            self.refresh_rows()
            self.scroll_rows_to(self._kept_top)  # where the person scrolled to
            return
        self._scrolled = False
        self.refresh_rows()
        line_row = next((i for i, row in enumerate(lines) if row.plain.startswith("▶")), 0)
        self.scroll_to_row(line_row, center=True)

    def row_count(self) -> int:
        """One row per line."""
        return len(self._lines)

    def render_row(self, row: int, width: int) -> Text:
        """The ``row``-th line."""
        return self._lines[row].copy()
