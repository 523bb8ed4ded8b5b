"""DebuggerScreen: the debugger's main screen, and every action on what it shows.

One reactive, :attr:`DebuggerScreen.seq`, drives every panel: its watcher
asks the engine once for the signal, the world and what changed at that
seq (a :class:`~tui.moment.Moment`) and hands the answers to the process
tree, the mailbox, the timeline, the detail pane and the status bar. Every
action (a key, a click, a command) ends by setting ``seq`` or the selected
process; a seq that a salvaged recording lacks is never current
(``validate_seq`` moves it past the gap).

The screen is composed of parts it holds, each with a small public API:
a :class:`~tui.navigator.Navigator` (bookmarks, the filter, the last
search, where a move leads), a :class:`~tui.playback.Playback`, and the
panels, which do their own slow work in worker threads (the timeline scans
for a filter's matches, the detail pane looks for causal links, the Source
panel runs the workflow, the standstill banner looks at how the run
ends). The screen's own workers search and export; the engine's indexer
reports progress as :class:`~tui.messages.IndexProgressed`.

Why one module, longer than most: it is where every key of
:data:`tui.keys.KEYMAP` acts, as posting's and harlequin's screens hold
theirs, and each action is a few lines that ask the navigator, a panel or
the engine; cut in two, a reader would chase an action across files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import get_current_worker

from chronoflow.inspect import (
    ChronoflowError,
    MissingSeqError,
    Progress,
    Signal,
    Timeline,
    World,
    describe_gap,
    seq_span,
)
from tui.bookmarks import check_bookmark_name
from tui.exporting import ExportRange, check_target, exists, write_export
from tui.keys import screen_bindings
from tui.marks import Marks
from tui.messages import (
    ChangeFound,
    IndexProgressed,
    RowsScanned,
    SearchFinished,
    StandstillFound,
)
from tui.moment import Moment, moment_at
from tui.navigator import Navigator, check_query, parse_seq
from tui.playback import Playback
from tui.screens.compare import DiffScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.filter import FilterScreen
from tui.screens.pending import PendingScreen
from tui.screens.processes import ProcessTableScreen
from tui.screens.prompt import PromptScreen
from tui.screens.watch_chooser import WatchChooser
from tui.typeahead import TypeAhead
from tui.view_filter import ViewFilter
from tui.watching import Watched, choices, message_about
from tui.widgets.panels import Panels
from tui.widgets.process_tree import ProcessTree
from tui.widgets.scrubber import Scrubber
from tui.widgets.signal_detail import SignalDetail
from tui.widgets.signal_list import SignalList
from tui.widgets.standstill_banner import StandstillBanner
from tui.widgets.status_bar import Position, StatusBar
from tui.widgets.warning_banner import WarningBanner

if TYPE_CHECKING:
    from chronoflow.inspect import LiveSession


class DebuggerScreen(Screen[None]):
    """The debugger over one open :class:`~chronoflow.inspect.Timeline`."""

    BINDINGS: ClassVar[list[BindingType]] = screen_bindings()

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
        self.navigator = Navigator(timeline)
        self.playback = Playback()
        #: The moments A and B that c compares (m marks them).
        self.marks = Marks()
        #: The engine's answers about the current seq.
        self.moment = Moment(-1)
        #: The indexer's last report.
        self.progress = timeline.progress
        #: What a worker is busy with, for the status bar ("searching…").
        self.busy: str | None = None
        self._start_at = at
        self._play_timer: Timer | None = None
        self._shown_total = len(timeline)
        self._shown_gaps = len(timeline.gaps)
        #: Keys typed between a key that opens a prompt and the prompt.
        self.typeahead = TypeAhead()

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Banners, the four panels (five with live frames), the status bar, the footer."""
        yield WarningBanner(id="banner")
        yield StandstillBanner(id="standstill")
        yield Panels(self.timeline, self.live, id="panels")
        yield Scrubber(self.timeline, self.navigator.bookmarks, id="scrubber")
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Listen to the indexer, go to the starting seq."""
        self.timeline.add_listener(self._progress_from_thread)
        self.progress = self.timeline.progress
        if self.progress.done and not self.progress.following:
            self.query_one(StandstillBanner).look(self.timeline)
        total = len(self.timeline)
        if self.seq < 0:  # nobody moved before the screen was mounted
            # Following a recording being written starts at its end, like tail -f.
            first = total - 1 if self.following else 0
            start = self._start_at if self._start_at is not None else first
            if start < total:
                # Why remembered otherwise: a torn recording is still being
                # indexed and may reach the seq asked for with --at later.
                self._start_at = None
            self.set_reactive(DebuggerScreen.seq, self.validate_seq(min(start, total - 1)))
        if self.seq >= 0 and self.selected_pid is None:
            try:
                pid = self.timeline.signal(self.seq).pid
            except MissingSeqError:  # a gap the index has not reached yet
                pid = None
            self.set_reactive(DebuggerScreen.selected_pid, pid)
        self.query_one(SignalList).focus()
        self.query_one(SignalList).mark(self.navigator.bookmarks)
        self._repaint()
        # Why after the first paint: the indexer shares the interpreter, and
        # the first screen needs only the recording's first signals.
        self.call_after_refresh(self.timeline.start_indexing)

    def on_key(self, event: events.Key) -> None:
        """Keep the keys typed after ``g`` or ``/`` for the prompt they open."""
        top = self.app.screen
        if top is not self and isinstance(top, PromptScreen):
            top.early_key(event)  # queued here before the prompt opened
        elif self.typeahead.key(event):
            event.stop()
            event.prevent_default()

    def on_unmount(self) -> None:
        """Stop listening to the indexer."""
        self.timeline.remove_listener(self._progress_from_thread)

    # -- the one seq that drives everything ----------------------------------------

    def validate_seq(self, seq: int) -> int:
        """Every seq made current has a signal (see :meth:`Navigator.valid`)."""
        return self.navigator.valid(seq)

    # Why the watchers wait for the mount: a script (or a test's pilot) may
    # move before the panels exist; on_mount then starts from what it chose.

    def watch_seq(self) -> None:
        """The current seq changed: every panel shows the new moment."""
        if self.is_mounted:
            self._repaint()

    def watch_selected_pid(self) -> None:
        """Another process was selected: its row, its mailbox, its source."""
        if self.is_mounted:
            self.query_one(Panels).select(self.selected_pid)

    def go_to(self, seq: int) -> None:
        """Make ``seq`` current (clamped to the recording)."""
        clamped = self.navigator.clamped(seq)
        if clamped is not None:
            self.seq = clamped

    def select_process(self, pid: int) -> None:
        """Select ``pid``: its mailbox is shown, n / p step through its signals."""
        self.selected_pid = pid

    @property
    def signal(self) -> Signal | None:
        """The current signal (None in an empty recording)."""
        return self.moment.signal

    @property
    def world(self) -> World | None:
        """The world at the current seq (None until the index reaches it)."""
        return self.moment.world

    # -- painting -------------------------------------------------------------------

    def _repaint(self) -> None:
        seq = self.seq
        indexed = seq < 0 or self.progress.done or self.timeline.ready(seq)
        self.moment = moment_at(self.timeline, seq, indexed=indexed)
        self.query_one(Panels).show(self.moment, self.selected_pid)
        self._show_status()

    def _show_status(self) -> None:
        timeline, navigator = self.timeline, self.navigator
        standstill = self.query_one(StandstillBanner)
        self.query_one(StatusBar).show(
            Position(
                name=timeline.path.name,
                seq=self.seq,
                total=len(timeline),
                when=self.query_one(Panels).when(),
                progress=self.progress,
                playing=self.playback.label() if self.playback.playing else None,
                filter=navigator.view_filter.query() or None,
                search=navigator.search_query,
                bookmarks=len(navigator.bookmarks),
                bookmark_name=navigator.bookmarks.name(self.seq),
                marks=self.marks.label(),
                watching=None if self.watched is None else self.watched.label,
                busy=self.busy,
                standstill=standstill.note(self.seq),
            )
        )
        banner = self.query_one(WarningBanner)
        banner.show(tuple(timeline.warnings), timeline.complete or self.following, timeline.gaps)
        standstill.show(standstill.standstill, self.seq)
        self._show_scrubber()

    # -- what the panels and the workers report ------------------------------------

    @on(SignalList.SignalChosen)
    def _went_to(self, message: SignalList.SignalChosen) -> None:
        self.seq = message.seq

    @on(ProcessTree.ProcessChosen)
    def _process_chosen(self, message: ProcessTree.ProcessChosen) -> None:
        self.selected_pid = message.pid

    def _progress_from_thread(self, progress: Progress) -> None:
        # Called by the engine's indexing thread: hand over to the app's thread.
        self.post_message(IndexProgressed(progress))

    @on(IndexProgressed)
    def _index_progressed(self, message: IndexProgressed) -> None:
        if not self.query(SignalList):  # the app is closing
            return
        before, self.progress = self.progress, message.progress
        total = len(self.timeline)
        signals = self.query_one(SignalList)
        signals.scan_further()
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
            self.query_one(StandstillBanner).look(self.timeline)
        if message.progress.done:
            # Links into the part indexed since may have been missing.
            self.query_one(SignalDetail).look_again()
        self._shown_total = total
        self._shown_gaps = gaps

    # -- moving through time -----------------------------------------------------------

    def _go(self, target: int | None) -> None:
        """Make ``target`` current; None (nowhere to go) leaves the seq as it is."""
        if target is not None:
            self.seq = target

    def action_step(self, direction: int) -> None:
        """One signal forward or back (among the shown ones when filtered)."""
        self._go(self.query_one(SignalList).neighbour(self.seq, direction))

    def action_first(self) -> None:
        """The first (shown) signal."""
        self.jump_to(self.query_one(SignalList).first_shown())

    def action_last(self) -> None:
        """The last (shown) signal."""
        self.jump_to(self.query_one(SignalList).last_shown())

    def action_goto(self) -> None:
        """Ask for a seq and go there."""

        def done(text: str | None) -> None:
            seq = None if text is None else parse_seq(text)
            if seq is not None:
                self.jump_to(seq)
                gap = self.timeline.gap_at(seq)
                if gap is not None:
                    self.notify(
                        f"{describe_gap(gap)} from the recording: at seq {self.seq} instead",
                        markup=False,
                    )

        hint = f"seqs {seq_span(len(self.timeline))}; enter goes, escape cancels"
        check = self.navigator.check_seq
        prompt = PromptScreen(
            "Go to seq", hint, check, placeholder="seq", typed=self.typeahead.take()
        )
        self.app.push_screen(prompt, done)

    def action_process_step(self, direction: int) -> None:
        """The next (or previous) signal of the selected process."""
        pid = self.selected_pid
        if pid is None:
            self.notify("select a process first (click it in the tree)", severity="warning")
            return
        target = self.navigator.of_process(pid, self.seq, direction)
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

    def action_standstill(self) -> None:
        """Go to the first seq of the standstill the recording ends in."""
        standstill = self.query_one(StandstillBanner).standstill
        if standstill is None:
            self.notify(
                "the run does not end in a deadlock: some process could still move"
                if self.progress.done
                else "still indexing: how the run ends is not known yet"
            )
            return
        self.jump_to(standstill.since)

    @on(StandstillFound)
    def _standstill_found(self) -> None:
        # The banner shows what it found; the status bar may name it too.
        if self.query(StatusBar):  # else the app is closing
            self._show_status()

    # -- search and filter -------------------------------------------------------------

    def action_search(self) -> None:
        """Ask for a query and find its first match after the current seq."""

        def done(text: str | None) -> None:
            if text:
                self.navigator.search_query = text
                self.action_match(1)

        hint = 'e.g. type:RECEIVE pid:3 "ping" -type:WAIT  (see docs/engine.md); . next , previous'
        value = self.navigator.search_query or ""
        typed = self.typeahead.take()
        prompt = PromptScreen("Search", hint, check_query, value=value, typed=typed)
        self.app.push_screen(prompt, done)

    def action_match(self, direction: int) -> None:
        """The next (or previous) match of the last search."""
        query = self.navigator.search_query
        if not query:
            self.action_search()
            return
        self.busy = "searching…"
        self._show_status()
        self._search(query, self.seq, direction < 0)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, start: int, backward: bool) -> None:
        timeline = self.timeline
        seq = (
            timeline.previous_match(start, query) if backward else timeline.next_match(start, query)
        )
        if not get_current_worker().is_cancelled:
            self.post_message(SearchFinished(query, start, seq, backward))

    @on(SearchFinished)
    def _search_finished(self, message: SearchFinished) -> None:
        self.busy = None
        if message.seq is None:
            where = "before" if message.backward else "after"
            self.notify(f"no match {where} seq {message.start}", markup=False)
        else:
            self.jump_to(message.seq)
        self._show_status()

    def action_filter(self) -> None:
        """Choose which signal types and which process the timeline shows."""

        def done(chosen: ViewFilter | None) -> None:
            if chosen is not None:
                self.apply_filter(chosen)

        current = self.navigator.view_filter
        self.app.push_screen(FilterScreen(current, self.timeline.newer_types), done)

    def action_only_process(self) -> None:
        """Show only the selected process's signals, or every process again."""
        current = self.navigator.view_filter
        if current.pid is not None:
            self.apply_filter(current.only(None))
        elif self.selected_pid is not None:
            self.apply_filter(current.only(self.selected_pid))

    def apply_filter(self, chosen: ViewFilter) -> None:
        """Show the rows ``chosen`` lets through (scanned for in the background)."""
        self.navigator.view_filter = chosen
        self.query_one(SignalList).filter_by(chosen.query())
        self._show_status()

    # -- processes, playback, bookmarks, export --------------------------------------

    def action_select_current(self) -> None:
        """Select the process of the current signal."""
        if self.signal is not None:
            self.selected_pid = self.signal.pid

    def action_pending(self) -> None:
        """Show what every process waits for at the current seq (the engine's pending)."""
        if self.seq < 0 or self.world is None:
            self.notify("this seq is not indexed yet")
            return
        pending = PendingScreen(self.timeline, self.timeline.pending(self.seq))
        self.app.push_screen(pending, self.jump_to)

    def action_predict(self) -> None:
        """Predict mode from this seq; back here at the last signal it revealed."""
        # Why imported here: the first paint does not need predict mode.
        from tui.screens.predict import PredictScreen

        if self.playback.playing:
            self.action_play()  # pause: the lesson goes at the student's pace
        self.app.push_screen(PredictScreen(self.timeline, self.seq), self.jump_to)

    def action_play(self) -> None:
        """Play forward from the current seq, or pause."""
        self.playback.playing = not self.playback.playing
        self._restart_playing()
        self._show_status()

    def action_speed(self, direction: int) -> None:
        """Play faster or slower."""
        if direction > 0:
            self.playback.faster()
        else:
            self.playback.slower()
        self._restart_playing()
        self._show_status()
        self.notify(f"speed {self.playback.speed:,} signals/s", timeout=1)

    def _restart_playing(self) -> None:
        if self._play_timer is not None:
            self._play_timer.stop()
            self._play_timer = None
        if self.playback.playing:
            interval, _ = self.playback.tick()
            self._play_timer = self.set_interval(interval, self._play_tick)

    def _play_tick(self) -> None:
        signals = self.query_one(SignalList)
        seq = self.playback.advance(self.seq, lambda seq: signals.neighbour(seq, 1))
        if seq != self.seq:
            self.seq = seq
        elif not self.following:
            self.playback.playing = False
            self._restart_playing()
            self._show_status()

    def action_bookmark(self) -> None:
        """Bookmark the current seq, or remove its bookmark."""
        if self.seq < 0:
            return
        added = self.navigator.bookmarks.toggle(self.seq)
        self.query_one(SignalList).refresh_rows()  # its row's ★
        self.notify(f"{'bookmarked' if added else 'removed bookmark'} seq {self.seq}", timeout=2)
        self._show_status()

    def action_cycle_bookmark(self, direction: int) -> None:
        """Go to the next (or previous) bookmark, wrapping around."""
        target = self.navigator.bookmark(self.seq, direction)
        if target is None:
            self.notify("no bookmarks yet: b bookmarks the current seq")
        else:
            self.jump_to(target)

    def action_export(self) -> None:
        """Ask for a file name and export the current range there."""
        if self.seq < 0:
            return
        chosen = self.navigator.export_range(self.seq)

        def confirmed(target: str, yes: bool | None) -> None:
            if yes:
                self._export(target, chosen)

        def done(target: str | None) -> None:
            if target and exists(target):
                question = f"{target} exists. Replace it with {chosen.describe()}?"
                ask = ConfirmScreen("Export to file", question)
                self.app.push_screen(ask, lambda yes: confirmed(target, yes))
            elif target:
                self._export(target, chosen)

        hint = f"{chosen.describe()}: .mmd Mermaid, .jsonl JSON lines, .json Chrome trace"
        prompt = PromptScreen("Export to file", hint, check_target, placeholder="diagram.mmd")
        self.app.push_screen(prompt, done)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, target: str, chosen: ExportRange) -> None:
        app = self.app
        try:
            said = write_export(self.timeline.path, target, chosen)
        except (OSError, ChronoflowError) as error:
            app.call_from_thread(self.notify, f"export failed: {error}", severity="error")
            return
        app.call_from_thread(self.notify, said, markup=False)

    # -- the process table and watches: P, W, } and { ----------------------------------
    # The table is the engine's census (tui/screens/processes.py); a watch is the
    # engine's (tui/watching.py), looked for in a worker as a search is.

    #: What } and { jump through (W chooses it); None until something is watched.
    watched: Watched | None = None

    def action_process_table(self) -> None:
        """Every process at the current seq as a table; enter selects one in the tree."""
        if self.seq < 0 or self.world is None:
            self.notify("this seq is not indexed yet")
            return
        table = ProcessTableScreen(self.timeline.census(self.seq), selected=self.selected_pid)
        self.app.push_screen(table, self._table_chose)

    def _table_chose(self, pid: int | None) -> None:
        if pid is not None:
            self.selected_pid = pid

    def action_watch(self) -> None:
        """Choose what } and { jump through: the selected process, or the current message."""
        world, pid = self.world, self.selected_pid
        process = None
        if world is not None and pid is not None and pid in world:
            process = (pid, world.label_of(pid))
        offered = choices(process, message_about(self.timeline, self.signal))
        if not offered:
            self.notify("select a process, or go to a message's signal, to watch it")
            return
        self.app.push_screen(WatchChooser(offered), self._watch_chosen)

    def _watch_chosen(self, chosen: Watched | None) -> None:
        if chosen is not None:
            self.watched = chosen
            self._show_status()

    def action_watch_step(self, direction: int) -> None:
        """Jump to the next (or previous) seq at which the watched thing changes."""
        watched = self.watched
        if watched is None:
            self.action_watch()
            return
        self.busy = "looking for the next change…" if direction > 0 else "looking back…"
        self._show_status()
        self._find_change(watched, self.seq, direction < 0)

    @work(thread=True, exclusive=True, group="watch")
    def _find_change(self, watched: Watched, start: int, backward: bool) -> None:
        timeline = self.timeline
        if backward:
            seq = timeline.previous_change(watched.watch, start)
        else:
            seq = timeline.next_change(watched.watch, start)
        if not get_current_worker().is_cancelled:
            self.post_message(ChangeFound(watched.label, start, seq, backward))

    @on(ChangeFound)
    def _change_found(self, message: ChangeFound) -> None:
        self.busy = None
        if message.seq is None:
            where = "before" if message.backward else "after"
            known = "" if self.progress.done else " (as far as it is indexed)"
            said = f"{message.label} does not change {where} seq {message.start:,}{known}"
            self.notify(said, markup=False)
        else:
            self.jump_to(message.seq)
        self._show_status()

    # -- comparing two moments: m marks A and B, c shows what changed between ------------

    def action_mark(self) -> None:
        """Mark the current seq as A, then as B (see :class:`~tui.marks.Marks`)."""
        if self.seq >= 0:
            self.notify(self.marks.mark(self.seq), timeout=3)
            self._show_status()

    def action_compare(self) -> None:
        """What changed from A to B (or to the current seq), each change with its seq."""
        pair = self.marks.pair(self.seq)
        if pair is None:
            self.notify("mark a moment first: m marks the current seq as A, then as B")
            return
        self.app.push_screen(DiffScreen(self.timeline, *pair), self.jump_to)

    def action_fork(self) -> None:
        """Fork the run at the current seq (tui/screens/fork.py); needs ``--workflow``."""
        if self.live is None:
            self.notify("a fork runs the workflow again: open the recording with --workflow FILE")
            return
        from tui.screens.fork import ForkScreen  # Why here: it loads the runtime; start-up must not

        fork = ForkScreen(self.timeline, self.live.runner.workflow, self.seq, self.selected_pid)
        self.app.push_screen(fork)

    # -- jumps, their history, named bookmarks, the scrubber ---------------------------
    # Every jump goes through jump_to (tui/jumps.py keeps the history); plain
    # steps (→ ←, n p, a timeline row) set ``seq`` and are not recorded.

    def jump_to(self, seq: int | None) -> None:
        """Make ``seq`` current as a *jump*: recorded, so back (ctrl+o) returns here.

        Clamped to the recording and moved past a gap like any seq; None
        (nowhere to go) leaves the seq as it is. Every key, click and command
        that jumps calls this; a plain step sets :attr:`seq` instead.
        """
        clamped = None if seq is None else self.navigator.clamped(seq)
        if clamped is None:
            return
        target = self.validate_seq(clamped)
        if target != self.seq:
            if self.seq >= 0:
                self.navigator.jumps.record(self.seq, target)
            self.seq = target

    def action_jump_back(self) -> None:
        """Back to where the last jump left from (like a browser's back)."""
        target = self.navigator.jumps.back(self.seq)
        if target is None:
            self.notify("no earlier jump (jumps: enter, g, /, ', home, end, 0-9)", timeout=2)
        else:
            self.seq = target

    def action_jump_forward(self) -> None:
        """Forward again to where back came from."""
        target = self.navigator.jumps.forward(self.seq)
        if target is None:
            self.notify("no jump to go forward to: back (ctrl+o) first", timeout=2)
        else:
            self.seq = target

    def action_scrub(self, tenth: int) -> None:
        """Jump to ``tenth`` tenths of the recording (0 to 9: 0% to 90%)."""
        total = len(self.timeline)
        if total:
            self.jump_to(tenth * total // 10)

    def action_name_bookmark(self) -> None:
        """Name the bookmark at the current seq (bookmarking it if it is not)."""
        seq = self.seq
        if seq < 0:
            return
        bookmarks = self.navigator.bookmarks

        def done(name: str | None) -> None:
            if name is not None:
                bookmarks.set_name(seq, name)
                self.query_one(SignalList).refresh_rows()
                self._show_status()

        hint = "enter names it (empty: no name), escape cancels; ' and B go through bookmarks"
        prompt = PromptScreen(
            f"Name the bookmark at seq {seq:,}",
            hint,
            check_bookmark_name,
            value=bookmarks.name(seq) or "",
            placeholder="name",
            typed=self.typeahead.take(),
        )
        self.app.push_screen(prompt, done)

    @on(SignalDetail.LinkFollowed)
    def _link_followed(self, message: SignalDetail.LinkFollowed) -> None:
        self.jump_to(message.seq)

    @on(Scrubber.Scrubbed)
    def _scrubbed(self, message: Scrubber.Scrubbed) -> None:
        self.jump_to(message.seq)

    @on(RowsScanned)
    def _filter_rows_found(self) -> None:
        # The scrubber's density follows the filter's rows as the scan finds them.
        if self.query(Scrubber):  # else the app is closing
            self._show_scrubber()

    def _show_scrubber(self) -> None:
        rows = self.query_one(SignalList).rows
        self.query_one(Scrubber).show(self.seq, rows, self.navigator.search_query)
