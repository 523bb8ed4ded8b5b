"""The Source panel's feed: live frames of the current seq, in a worker thread.

With ``--workflow``, the engine's :class:`~chronoflow.inspect.live.LiveSession`
brings the selected process's real generator to the current seq (from its
last TRANSITION when it can, else by re-running the workflow) and the
:class:`~tui.widgets.source_pane.SourcePane` shows its line and locals.
A mixin of :class:`tui.app.ChronoflowApp`, kept apart so the app module
stays readable; like :mod:`tui.finding`, its message handler goes by name
(``on_frames_found``).
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.timer import Timer
from textual.worker import get_current_worker

from chronoflow.errors import ChronoflowError
from tui.messages import FramesFound
from tui.widgets.source_pane import SourcePane

if TYPE_CHECKING:
    from chronoflow.inspect.live import LiveFrames, LiveSession

    _Base = App[None]
else:
    _Base = object


class LiveSource(_Base):
    """Ask the engine for live frames and show them in the Source panel."""

    live: LiveSession | None
    frames: LiveFrames | None
    live_lock: threading.Lock
    live_timer: Timer | None
    seq: int
    selected_pid: int | None

    def show_source_of_selected(self) -> None:
        """Show the selected process's frame, asking for it if it is not known."""
        frames, pid = self.frames, self.selected_pid
        if frames is not None and frames.seq == self.seq and pid in frames.frames:
            self.query_one(SourcePane).show(frames, pid)
        elif self.seq >= 0:
            self._schedule_frames()

    def _schedule_frames(self) -> None:
        """Ask for the live frames of the current seq, once it stays put briefly.

        Why a delay: re-running the workflow up to the seq is the slowest
        answer on screen; a held key should not queue one per signal.
        """
        if self.live_timer is not None:
            self.live_timer.stop()
        seq, pid = self.seq, self.selected_pid
        self.query_one(SourcePane).show_message(f"running the workflow to seq {seq}…")
        self.live_timer = self.set_timer(0.05, partial(self._find_frames, seq, pid))

    @work(thread=True, exclusive=True, group="live")
    def _find_frames(self, seq: int, pid: int | None) -> None:
        if seq != self.seq or self.live is None:
            return
        with self.live_lock:  # one re-execution at a time: they share the workflow
            if seq != self.seq:
                return
            try:
                frames: LiveFrames | str = self.live.goto(seq, pid=pid)
            except ChronoflowError as error:
                frames = f"cannot run the workflow to seq {seq}: {error}"
            except Exception as error:  # the user's code may raise anything
                frames = f"the workflow raised {type(error).__name__}: {error}"
        if not get_current_worker().is_cancelled:
            self.post_message(FramesFound(seq, frames))

    def on_frames_found(self, found: FramesFound) -> None:
        """The frames of ``found.seq`` arrived: show the selected process's."""
        if not self.query(SourcePane) or found.seq != self.seq:
            return
        pane = self.query_one(SourcePane)
        if isinstance(found.frames, str):
            self.frames = None
            pane.show_message(found.frames)
        else:
            self.frames = found.frames
            pane.show(found.frames, self.selected_pid)
