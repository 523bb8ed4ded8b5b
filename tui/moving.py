"""Moving through the recording: steps, jumps, playback and bookmarks.

Every action here ends by setting the app's ``seq`` (or the selected
process); the app's watcher does the rest. A mixin of
:class:`tui.app.ChronoflowApp`, kept apart so the app module stays
readable (see :mod:`tui.finding` for why mixins take no ``@on`` handlers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.timer import Timer

from chronoflow.inspect import Timeline, describe_gap
from chronoflow.signals import Signal
from tui.bookmarks import Bookmarks
from tui.playback import Playback
from tui.rows import AllRows
from tui.screens.prompt import PromptScreen
from tui.view_filter import ViewFilter
from tui.widgets.signal_detail import SignalDetail
from tui.widgets.signal_list import SignalList

if TYPE_CHECKING:
    # Why: the mixin calls App methods that only the final class has; type
    # checkers see it as an App, Python as a plain class.
    _Base = App[None]
else:
    _Base = object


class Moving(_Base):
    """Steps and jumps (arrows, home/end, g, n/p, enter), playback (space,
    +/-) and bookmarks (b, ' and ")."""

    timeline: Timeline
    seq: int
    selected_pid: int | None
    following: bool
    playback: Playback
    bookmarks: Bookmarks
    view_filter: ViewFilter
    _timer: Timer | None

    if TYPE_CHECKING:

        @property
        def signal(self) -> Signal | None:
            """The current signal (the app's)."""

        def _show_status(self) -> None:
            """Repaint the status bar (the app's)."""

    def go_to(self, seq: int) -> None:
        """Make ``seq`` current (clamped to the recording)."""
        last = len(self.timeline) - 1
        if last >= 0:
            self.seq = max(0, min(seq, last))

    def select_process(self, pid: int) -> None:
        """Select ``pid``: its mailbox is shown, n / p step through its signals."""
        self.selected_pid = pid

    def _neighbour(self, seq: int, direction: int) -> int | None:
        """The next (or previous) shown seq: every seq (across a gap in the
        recording), or the filter's matches."""
        rows = self.query_one(SignalList).rows
        if isinstance(rows, AllRows):
            return rows.after(seq) if direction > 0 else rows.before(seq)
        if direction > 0:
            if rows.complete or rows.scanned > seq:
                return rows.after(seq)
            return self.timeline.next_match(seq, self.view_filter.query())
        if rows.complete or rows.scanned >= seq:
            return rows.before(seq)
        return self.timeline.previous_match(seq, self.view_filter.query())

    def action_step(self, direction: int) -> None:
        """One signal forward or back (among the shown ones when filtered)."""
        target = self._neighbour(self.seq, direction)
        if target is not None:
            self.seq = target

    def action_first(self) -> None:
        """The first (shown) signal."""
        rows = self.query_one(SignalList).rows
        if len(rows):
            self.seq = rows.seq_at(0)

    def action_last(self) -> None:
        """The last (shown) signal."""
        rows = self.query_one(SignalList).rows
        if len(rows):
            self.seq = rows.seq_at(len(rows) - 1)

    def action_goto(self) -> None:
        """Ask for a seq and go there."""

        def check(text: str) -> str | None:
            total = len(self.timeline)
            if not text.isdigit():
                return "type a seq: a whole number"
            if int(text) >= total:
                return f"seq {text} is beyond the end: the last seq is {total - 1}"
            return None

        def done(text: str | None) -> None:
            if text:
                self.go_to(int(text))
                gap = self.timeline.gap_at(int(text))
                if gap is not None:
                    self.notify(
                        f"{describe_gap(gap)} from the recording: at seq {self.seq} instead",
                        markup=False,
                    )

        hint = f"0 to {len(self.timeline) - 1:,}; enter goes, escape cancels"
        self.push_screen(PromptScreen("Go to seq", hint, check, placeholder="seq"), done)

    def action_process_step(self, direction: int) -> None:
        """The next (or previous) signal of the selected process."""
        pid = self.selected_pid
        if pid is None:
            self.notify("select a process first (click it in the tree)", severity="warning")
            return
        timeline = self.timeline
        target = (
            timeline.next_for(pid, self.seq)
            if direction > 0
            else timeline.previous_for(pid, self.seq)
        )
        if target is None:
            where = "after" if direction > 0 else "before"
            self.notify(f"no signal of pid {pid} {where} seq {self.seq}")
        else:
            self.seq = target

    def action_follow_link(self) -> None:
        """Follow the highlighted causal link of the current signal."""
        detail = self.query_one(SignalDetail)
        if detail.finding:
            self.notify("still looking for this signal's causal links")
        elif not detail.follow():
            self.notify("this signal has no causal link")

    def action_select_current(self) -> None:
        """Select the process of the current signal."""
        if self.signal is not None:
            self.selected_pid = self.signal.pid

    # -- playback -------------------------------------------------------------------

    def action_play(self) -> None:
        """Play forward from the current seq, or pause."""
        self.playback.playing = not self.playback.playing
        self._restart_timer()
        self._show_status()

    def action_speed(self, direction: int) -> None:
        """Play faster or slower."""
        if direction > 0:
            self.playback.faster()
        else:
            self.playback.slower()
        self._restart_timer()
        self._show_status()
        self.notify(f"speed {self.playback.speed:,} signals/s", timeout=1)

    def _restart_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.playback.playing:
            interval, _ = self.playback.tick()
            self._timer = self.set_interval(interval, self._play_tick)

    def _play_tick(self) -> None:
        _, stride = self.playback.tick()
        seq = self.seq
        for _ in range(stride):
            target = self._neighbour(seq, 1)
            if target is None:
                break
            seq = target
        if seq != self.seq:
            self.seq = seq
        elif not self.following:
            self.playback.playing = False
            self._restart_timer()
            self._show_status()

    # -- bookmarks ------------------------------------------------------------------

    def action_bookmark(self) -> None:
        """Bookmark the current seq, or remove its bookmark."""
        if self.seq < 0:
            return
        added = self.bookmarks.toggle(self.seq)
        self.notify(f"{'bookmarked' if added else 'removed bookmark'} seq {self.seq}", timeout=2)
        self._show_status()

    def action_cycle_bookmark(self, direction: int) -> None:
        """Go to the next (or previous) bookmark, wrapping around."""
        target = (
            self.bookmarks.after(self.seq) if direction > 0 else self.bookmarks.before(self.seq)
        )
        if target is None:
            self.notify("no bookmarks yet: b bookmarks the current seq")
        else:
            self.seq = target
