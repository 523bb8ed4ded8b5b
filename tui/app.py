"""ChronoflowApp: the time-travel debugger's Textual application.

One reactive, :attr:`ChronoflowApp.seq`, drives every panel: its watcher
asks the engine once for the signal, the world and what changed at that
seq, and hands the answers to the process tree, the mailbox, the timeline,
the detail pane and the status bar. Every action (a key, a click, a
command) ends by setting ``seq`` or the selected process; a seq that a
salvaged recording lacks is never current (``validate_seq`` moves it past
the gap). Slow answers (a
search far away, the filtered rows of a long recording) are computed in
threads that post messages back; the engine's indexer reports progress the
same way.

``main`` is the ``chronoflow-tui`` console script (see :mod:`tui.cli`).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import get_current_worker

from chronoflow.inspect import (
    MissingSeqError,
    Progress,
    Timeline,
    World,
    WorldDiff,
)
from chronoflow.signals import Signal
from tui.bookmarks import Bookmarks
from tui.commands import DebuggerCommands
from tui.exporting import Exporting
from tui.finding import SearchAndFilter
from tui.keys import all_bindings
from tui.literal import literal
from tui.look import relative_time
from tui.messages import CausesFound, IndexProgressed, StandstillFound
from tui.moment import Moment, causes_at, moment_at
from tui.moving import Moving
from tui.playback import Playback
from tui.rows import MatchingRows
from tui.screens.help import HelpScreen
from tui.screens.pending import PendingScreen
from tui.source import LiveSource
from tui.view_filter import ViewFilter
from tui.widgets.mailbox import MailboxPane
from tui.widgets.process_tree import ProcessTree
from tui.widgets.signal_detail import SignalDetail
from tui.widgets.signal_list import SignalList
from tui.widgets.source_pane import SourcePane
from tui.widgets.standstill_banner import StandstillBanner
from tui.widgets.status_bar import Position, StatusBar
from tui.widgets.warning_banner import WarningBanner

if TYPE_CHECKING:
    from chronoflow.inspect.live import LiveFrames, LiveSession


class ChronoflowApp(Moving, SearchAndFilter, LiveSource, Exporting, App[None]):
    """The debugger over one open :class:`~chronoflow.inspect.Timeline`."""

    CSS_PATH = "chronoflow.tcss"
    TITLE = "chronoflow-tui"
    BINDINGS: ClassVar[list[BindingType]] = all_bindings()
    COMMANDS = App.COMMANDS | {DebuggerCommands}
    #: Seconds the current seq must stay before its causal links are looked for.
    CAUSES_DELAY = 0.03

    # Why repaint=False: the watchers repaint exactly the panels (and rows)
    # that change; a reactive's default repaint would redraw the whole screen
    # on every step.

    #: The current seq (``-1``: before the first signal, only in an empty recording).
    seq: reactive[int] = reactive(-1, init=False, repaint=False)
    #: The process whose mailbox is shown and whose signals n / p step through.
    selected_pid: reactive[int | None] = reactive(None, init=False, repaint=False)

    def __init__(
        self,
        timeline: Timeline,
        *,
        at: int | None = None,
        follow: bool = False,
        live: LiveSession | None = None,
    ) -> None:
        super().__init__()
        self.timeline = timeline
        self.following = follow
        #: Live frames (``--workflow``): the real generators at the current seq.
        self.live = live
        self.frames: LiveFrames | None = None
        self.live_lock = threading.Lock()
        self.live_timer: Timer | None = None
        #: The engine's answers about the current seq.
        self.moment = Moment(-1)
        self.bookmarks = Bookmarks()
        self.playback = Playback()
        self.view_filter = ViewFilter()
        self.search_query: str | None = None
        self.busy: str | None = None
        self._start_at = at
        self._progress = timeline.progress
        self._timer: Timer | None = None
        self._causes_timer: Timer | None = None
        #: True while the shown links were found before indexing was done.
        self._partial_links = False
        self._shown_total = len(timeline)
        self._shown_gaps = len(timeline.gaps)

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Banner, the four panels, the status bar and the footer."""
        yield WarningBanner(id="banner")
        yield StandstillBanner(id="standstill")
        with Horizontal(id="panels"):
            with Vertical(id="left"):
                yield ProcessTree(id="tree")
                yield MailboxPane(id="mailbox")
            with Vertical(id="right"):
                yield SignalList(self.timeline, self.template_of, id="signals")
                yield SignalDetail(id="detail")
                if self.live is not None:
                    yield SourcePane(id="source")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Title the panels, listen to the indexer, go to the starting seq."""
        self.query_one("#tree").border_title = "Processes"
        self.query_one("#mailbox").border_title = "Mailbox"
        self.query_one("#signals").border_title = "Timeline"
        self.query_one("#detail").border_title = "Signal"
        if self.live is not None:
            self.query_one("#source").border_title = "Source"
        self.title = f"chronoflow-tui — {literal(self.timeline.path.name).plain}"
        self.timeline.add_listener(self._progress_from_thread)
        self._progress = self.timeline.progress
        if self._progress.done and not self._progress.following:
            self._find_standstill()
        total = len(self.timeline)
        # Following a recording being written starts at its end, like tail -f.
        first = total - 1 if self.following else 0
        start = self._start_at if self._start_at is not None else first
        if start < total:
            # Why remembered otherwise: a torn recording is still being
            # indexed and may reach the seq asked for with --at later.
            self._start_at = None
        self.set_reactive(ChronoflowApp.seq, self.validate_seq(min(start, total - 1)))
        if self.seq >= 0:
            try:
                pid = self.timeline.signal(self.seq).pid
            except MissingSeqError:  # a gap the index has not reached yet
                pid = None
            self.set_reactive(ChronoflowApp.selected_pid, pid)
        self.query_one(SignalList).focus()
        self._repaint()
        # Why after the first paint: the indexer shares the interpreter, and
        # the first screen needs only the recording's first signals.
        self.call_after_refresh(self.timeline.start_indexing)

    def on_unmount(self) -> None:
        """Stop listening to the indexer, and looking for links."""
        self.timeline.remove_listener(self._progress_from_thread)
        if self._causes_timer is not None:
            self._causes_timer.stop()

    # -- the one seq that drives everything ----------------------------------------

    def validate_seq(self, seq: int) -> int:
        """``seq``, or for a seq the recording lacks (inside a gap of a salvaged
        copy) the first seq after the gap: every seq made current has a signal."""
        gap = self.timeline.gap_at(seq) if seq >= 0 else None
        if gap is None:
            return seq
        after = gap[1] + 1
        return after if after < len(self.timeline) else max(gap[0] - 1, -1)

    def watch_seq(self) -> None:
        """The current seq changed: every panel shows the new moment."""
        self._repaint()

    def watch_selected_pid(self) -> None:
        """Another process was selected: its row, its mailbox, its source."""
        self._show_processes()
        if self.live is not None:
            self.show_source_of_selected()

    def _indexed(self, seq: int) -> bool:
        return self._progress.done or self.timeline.ready(seq)

    def _repaint(self) -> None:
        before = self.moment
        self.moment = moment = moment_at(
            self.timeline, self.seq, indexed=self.seq < 0 or self._indexed(self.seq)
        )
        self._show_processes()
        self.query_one(SignalList).show(moment.seq, everything=not moment.is_step_from(before))
        self._show_detail()
        self._show_status()
        if self.live is not None and moment.seq >= 0:
            self._schedule_frames()
        if moment.links is None and moment.signal is not None:
            # Why a delay: finding links may scan the recording for tens of
            # milliseconds, holding the interpreter while the next key waits;
            # a person holding a key down never needs the links of the
            # signals flying past, only of the one they stop at.
            if self._causes_timer is not None:
                self._causes_timer.stop()
            self._causes_timer = self.set_timer(
                self.CAUSES_DELAY, partial(self._find_causes, moment.signal)
            )

    def _show_detail(self) -> None:
        moment = self.moment
        process = moment.process
        why = None if process is None else self.timeline.why(process.pid, moment.seq)
        self.query_one(SignalDetail).show(
            moment.signal, process, moment.links, self._when(), moment.message, why, moment.gap
        )

    # Why a description: by default Textual names a worker by the repr of its
    # arguments, and a signal's data may be megabytes (or too deep to repr).
    @work(thread=True, exclusive=True, group="causes", description="find causal links")
    def _find_causes(self, signal: Signal) -> None:
        if signal.seq != self.seq:  # stepped on meanwhile: nobody will see it
            return
        complete = self.timeline.progress.done
        links, message = causes_at(self.timeline, signal)
        if not get_current_worker().is_cancelled:
            self.post_message(CausesFound(signal.seq, links, message, complete))

    @on(CausesFound)
    def _causes_found(self, found: CausesFound) -> None:
        if not self.query(SignalDetail):  # the app is closing
            return
        if found.seq == self.moment.seq and (self.moment.links is None or self._partial_links):
            self.moment = replace(self.moment, links=found.links, message=found.message)
            self._partial_links = not found.complete
            self._show_detail()

    @property
    def signal(self) -> Signal | None:
        """The current signal (None in an empty recording)."""
        return self.moment.signal

    @property
    def world(self) -> World | None:
        """The world at the current seq (None until the index reaches it)."""
        return self.moment.world

    @property
    def changed(self) -> WorldDiff | None:
        """What the current signal changed."""
        return self.moment.changed

    def _show_processes(self) -> None:
        current = self.signal.pid if self.signal is not None else None
        world, pid = self.world, self.selected_pid
        self.query_one(ProcessTree).show(world, self.changed, current, pid)
        view = why = None
        if world is not None and pid is not None and pid in world and self.seq >= 0:
            view = self.timeline.mailbox(pid, self.seq)
            why = self.timeline.why(pid, self.seq)
        self.query_one(MailboxPane).show(world, pid, view, why)

    def _when(self) -> str:
        if self.signal is None:
            return ""
        return relative_time(self.signal.ts, self.query_one(SignalList).origin())

    def _show_status(self) -> None:
        timeline = self.timeline
        self.query_one(StatusBar).show(
            Position(
                name=timeline.path.name,
                seq=self.seq,
                total=len(timeline),
                when=self._when(),
                progress=self._progress,
                playing=self.playback.label() if self.playback.playing else None,
                filter=self.view_filter.query() or None,
                search=self.search_query,
                bookmarks=len(self.bookmarks),
                busy=self.busy,
                standstill=self._standstill_here(),
            )
        )
        banner = self.query_one(WarningBanner)
        banner.show(tuple(timeline.warnings), timeline.complete or self.following, timeline.gaps)
        standstill = self.query_one(StandstillBanner)
        if standstill.standstill is not None:
            standstill.show(standstill.standstill, self.seq)

    def template_of(self, pid: int, seq: int) -> str | None:
        """The template ``pid`` runs at ``seq``, for the timeline's template column.

        Until the index reaches ``seq`` the engine names the process by the
        world at the current seq, or from the indexed end.
        """
        template = self.timeline.template_at(pid, seq)
        if template is not None:
            return template
        template = None if self.world is None else self.world.template_of(pid)
        if template is not None:
            return template
        name = self.timeline.name_of(pid)
        suffix = f"[{pid}]"
        return name[: -len(suffix)] if name.endswith(suffix) else None

    # -- choosing with the mouse and links -----------------------------------------

    @on(SignalList.SignalChosen)
    def _signal_chosen(self, message: SignalList.SignalChosen) -> None:
        self.seq = message.seq

    @on(SignalDetail.LinkFollowed)
    def _link_followed(self, message: SignalDetail.LinkFollowed) -> None:
        self.seq = message.seq

    @on(ProcessTree.ProcessChosen)
    def _process_chosen(self, message: ProcessTree.ProcessChosen) -> None:
        self.selected_pid = message.pid

    # -- the rest -------------------------------------------------------------------

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen())

    def action_pending(self) -> None:
        """Show what every process waits for at the current seq (the engine's pending)."""
        if self.seq < 0 or self.world is None:
            self.notify("this seq is not indexed yet")
            return
        self.push_screen(PendingScreen(self.timeline, self.timeline.pending(self.seq)), self._went)

    def _went(self, seq: int | None) -> None:
        if seq is not None:
            self.seq = seq

    def _standstill_here(self) -> str | None:
        """``■ blocked forever since seq N`` at the seqs of a standstill that is no
        deadlock (the banner shows a deadlock)."""
        standstill = self.query_one(StandstillBanner).standstill
        if standstill is None or standstill.hangs or self.seq < standstill.since:
            return None
        return f"■ blocked forever since seq {standstill.since} (w: the waits)"

    def action_standstill(self) -> None:
        """Go to the first seq of the standstill the recording ends in."""
        standstill = self.query_one(StandstillBanner).standstill
        if standstill is None:
            done = self._progress.done
            self.notify(
                "the run does not end in a deadlock: some process could still move"
                if done
                else "still indexing: how the run ends is not known yet"
            )
            return
        self.seq = standstill.since

    @work(thread=True, exclusive=True, group="standstill")
    def _find_standstill(self) -> None:
        standstill = self.timeline.standstill(wait=False)
        if not get_current_worker().is_cancelled:
            self.post_message(StandstillFound(standstill))

    @on(StandstillFound)
    def _standstill_found(self, found: StandstillFound) -> None:
        if self.query(StandstillBanner):
            self.query_one(StandstillBanner).show(found.standstill, self.seq)
            self._show_status()

    def _progress_from_thread(self, progress: Progress) -> None:
        # Called by the engine's indexing thread: hand over to the app's thread.
        self.post_message(IndexProgressed(progress))

    @on(IndexProgressed)
    def _index_progressed(self, message: IndexProgressed) -> None:
        before, self._progress = self._progress, message.progress
        total = len(self.timeline)
        signals = self.query_one(SignalList)
        rows = signals.rows
        if isinstance(rows, MatchingRows) and rows.complete and total - 1 > rows.scanned:
            rows.complete = False
            self._scan(rows, self.view_filter.query(), rows.scanned + 1)
        at_end = self.seq >= before.indexed - 1
        gaps = len(self.timeline.gaps)
        if self.seq >= 0 and self.timeline.gap_at(self.seq) is not None:
            self.seq = self.validate_seq(self.seq)  # the index has found the gap it is in
        elif self._start_at is not None and self.seq < self._start_at < total:
            self.seq, self._start_at = self._start_at, None
        elif self.following and at_end and total - 1 > self.seq:
            self.seq = total - 1
        elif self.world is None or self.seq < 0:
            self.seq = max(self.seq, 0 if total else -1)
            self._repaint()
        else:
            if total != self._shown_total or gaps != self._shown_gaps:
                signals.refresh_rows()
            self._show_status()
        signals.names_known()
        if message.progress.done and not before.done and not message.progress.following:
            self._find_standstill()
        if self._partial_links and message.progress.done and self.signal is not None:
            # Links into the part indexed since may have been missing.
            self._find_causes(self.signal)
        self._shown_total = total
        self._shown_gaps = gaps


def main() -> None:
    """The ``chronoflow-tui`` console script."""
    from tui.cli import run

    run()
