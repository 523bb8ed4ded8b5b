"""Search and filter: the debugger's actions that scan the recording.

Both hand the scanning to the engine (``Timeline.next_match``,
``previous_match``, ``find_all``) in worker threads, so a search through ten
million signals never freezes the screen: a search posts
:class:`~tui.messages.SearchFinished`, the filter scan fills a
:class:`~tui.rows.MatchingRows` and posts :class:`~tui.messages.RowsScanned`.
A mixin of :class:`tui.app.ChronoflowApp`, kept apart so the app module stays
readable. Why its message handlers go by name (``on_search_finished``) and
not ``@on``: Textual collects ``@on`` handlers from the widget classes
themselves, and this mixin is not one at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.worker import get_current_worker

from chronoflow.inspect import Query, QueryError, Timeline
from tui.messages import RowsScanned, SearchFinished
from tui.rows import AllRows, MatchingRows
from tui.screens.filter import FilterScreen
from tui.screens.prompt import PromptScreen
from tui.view_filter import ViewFilter
from tui.widgets.signal_list import SignalList

#: Matching rows a filter scan collects before it reports them.
SCAN_BATCH = 4096

if TYPE_CHECKING:
    # Why: the mixin calls App methods that only the final class has; type
    # checkers see it as an App, Python as a plain class.
    _Base = App[None]
else:
    _Base = object


class SearchAndFilter(_Base):
    """Search (``/``, ``.``, ``,``) and the timeline filter (``f``, ``o``)."""

    timeline: Timeline
    seq: int
    selected_pid: int | None
    search_query: str | None
    view_filter: ViewFilter
    busy: str | None

    if TYPE_CHECKING:

        def _show_status(self) -> None:
            """Repaint the status bar (the app's)."""

    def action_search(self) -> None:
        """Ask for a query and find its first match after the current seq."""

        def check(text: str) -> str | None:
            if not text:
                return 'type a query, e.g. type:SEND pid:3 "ping"'
            try:
                Query.parse(text)
            except QueryError as error:
                return str(error)
            return None

        def done(text: str | None) -> None:
            if text:
                self.search_query = text
                self.action_match(1)

        hint = 'e.g. type:RECEIVE pid:3 "ping" -type:WAIT  (see docs/engine.md); . next , previous'
        self.push_screen(PromptScreen("Search", hint, check, value=self.search_query or ""), done)

    def action_match(self, direction: int) -> None:
        """The next (or previous) match of the last search."""
        if not self.search_query:
            self.action_search()
            return
        self.busy = "searching…"
        self._show_status()
        self._search(self.search_query, self.seq, direction < 0)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str, start: int, backward: bool) -> None:
        timeline = self.timeline
        seq = (
            timeline.previous_match(start, query) if backward else timeline.next_match(start, query)
        )
        if not get_current_worker().is_cancelled:
            self.post_message(SearchFinished(query, start, seq, backward))

    def on_search_finished(self, message: SearchFinished) -> None:
        """Go to the match, or say there is none."""
        self.busy = None
        if message.seq is None:
            where = "before" if message.backward else "after"
            self.notify(f"no match {where} seq {message.start}", markup=False)
            self._show_status()
        else:
            self.seq = message.seq
            self._show_status()

    # -- filter ---------------------------------------------------------------------

    def action_filter(self) -> None:
        """Choose which signal types and which process the timeline shows."""

        def done(chosen: ViewFilter | None) -> None:
            if chosen is not None:
                self.apply_filter(chosen)

        self.push_screen(FilterScreen(self.view_filter, self.timeline.newer_types), done)

    def action_only_process(self) -> None:
        """Show only the selected process's signals, or every process again."""
        if self.view_filter.pid is not None:
            self.apply_filter(self.view_filter.only(None))
        elif self.selected_pid is not None:
            self.apply_filter(self.view_filter.only(self.selected_pid))

    def apply_filter(self, chosen: ViewFilter) -> None:
        """Show the rows ``chosen`` lets through (scanned in the background)."""
        self.view_filter = chosen
        signals = self.query_one(SignalList)
        if not chosen.active:
            self.workers.cancel_group(self, "filter")
            signals.set_rows(AllRows(lambda: len(self.timeline), lambda: self.timeline.gaps))
        else:
            rows = MatchingRows(wide=len(self.timeline) >= 2**31)
            signals.set_rows(rows)
            self._scan(rows, chosen.query(), 0)
        self._show_status()

    @work(thread=True, exclusive=True, group="filter")
    def _scan(self, rows: MatchingRows, query: str, start: int) -> None:
        worker = get_current_worker()
        batch: list[int] = []
        for seq in self.timeline.find_all(query, start):
            if worker.is_cancelled:
                return
            batch.append(seq)
            if len(batch) >= SCAN_BATCH:
                rows.add(batch, seq)
                batch = []
                self.post_message(RowsScanned(done=False))
        rows.add(batch, max(rows.scanned, len(self.timeline) - 1))
        rows.finish()
        self.post_message(RowsScanned(done=True))

    def on_rows_scanned(self) -> None:
        """Show the rows found so far."""
        self.query_one(SignalList).show(self.seq)
