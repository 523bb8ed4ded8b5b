"""SignalList: the timeline of signals around the current seq, one row each.

Row text: seq, pid, the template the process runs at that row's seq, type
and the engine's one-line text of the signal (:meth:`Timeline.describe
<chronoflow.inspect.Timeline.describe>`: its summary, and for a message to
a process that had ended, which one and when), the current signal
highlighted. A
:class:`~tui.widgets.virtual_list.VirtualList`, so only the rows on screen
are ever fetched or drawn, which is what keeps a ten-million-signal
recording as smooth as a small one. Signals are fetched a screenful at a
time through :meth:`Timeline.signals` and kept in a small cache, so
scrolling one line costs one new signal, not a screenful. A gap in the
recording's seqs (a salvaged copy) is one row, ``… seqs 9–14 missing …``. A
bookmarked seq's row is marked ``★`` and shows the bookmark's name.

The list owns which seqs it shows (:mod:`tui.rows`): every seq, or the
matches of a filter, which it scans for in a worker thread through the
engine (:meth:`Timeline.find_all <chronoflow.inspect.Timeline.find_all>`),
so a filter over ten million signals never freezes the screen; the rows
appear as the scan finds them. Stepping goes through the shown seqs too
(:meth:`SignalList.neighbour`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import get_current_worker

from chronoflow.inspect import (
    MissingSeqError,
    Signal,
    SignalType,
    Timeline,
    describe_gap,
)
from tui.bookmarks import Bookmarks
from tui.literal import literal
from tui.look import relative_time, type_name, type_style
from tui.messages import RowsScanned
from tui.rows import AllRows, MatchingRows, Rows
from tui.widgets.virtual_list import VirtualList

#: The template column's width when there is room, and the room the summary
#: keeps before the template column gives up any (see template_width).
TEMPLATE_WIDTH = 12
SUMMARY_ROOM = 32


def template_width(room: int) -> int:
    """How wide the template column is when ``room`` columns are left for it
    and the summary: 12 when the summary still gets 32, narrower below that,
    and none under 4 (the pid names the process; the summary says what
    happened, so it is the column that keeps its room)."""
    width = min(TEMPLATE_WIDTH, room - SUMMARY_ROOM - 1)
    return width if width >= 4 else 0


#: From this width on, rows show each signal's time too.
WIDE = 90
#: How many fetched signals (and their summaries) the list remembers.
CACHE_SIZE = 2048
#: Matching rows a filter scan collects before it reports them.
SCAN_BATCH = 4096


class SignalList(VirtualList):
    """The signal timeline; row ``r`` shows seq ``rows.seq_at(r)``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous row", show=False),
        Binding("down,j", "move(1)", "Next row", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    @dataclass
    class SignalChosen(Message):
        """The person picked the signal at ``seq`` in the list (click or arrow key)."""

        seq: int

        def can_replace(self, message: Message) -> bool:
            """Scrubbing with a held key: only the last choice matters."""
            return isinstance(message, SignalList.SignalChosen)

    def __init__(
        self,
        timeline: Timeline,
        template_of: Callable[[int, int], str | None],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._timeline = timeline
        self._template_of = template_of
        self.rows: Rows = self._every_seq()
        self.seq = -1
        self._cache: OrderedDict[int, tuple[Signal, str]] = OrderedDict()
        self._origin: float | None = None
        #: Templates named by START signals the list has read, for processes
        #: the engine cannot name yet (it has not indexed that far).
        self._started_as: dict[int, str] = {}
        #: True when a row was painted without its process's template.
        self._unnamed = False
        #: Seqs whose text was made before the index was complete, of signals
        #: the engine says more of once it knows the rest (see _may_say_more).
        self._provisional: set[int] = set()
        #: The person's bookmarks: a row marks its seq's (★) and shows its name.
        self._bookmarks = Bookmarks()

    # -- what the screen tells the list ------------------------------------------

    def show(self, seq: int, *, everything: bool = True) -> None:
        """Make ``seq`` the current signal: highlight its row and keep it in view.

        With ``everything`` False (a step to a neighbouring seq that changed
        no template), only the old and the new current rows are repainted
        when both are on screen.
        """
        old_row = self.cursor_row
        self.seq = seq
        row = self.rows.row_of(seq) if seq >= 0 else -1
        self.cursor_row = row if self.rows.contains(seq) else -1
        count = len(self.rows)
        if not everything and count == self._painted_count and self.row_visible(row):
            self.refresh_some_rows((old_row, self.cursor_row))
            return
        self.refresh_rows()
        if row >= 0:
            self.scroll_to_row(min(row, max(count - 1, 0)), center=True)

    def mark(self, bookmarks: Bookmarks) -> None:
        """Mark the rows of ``bookmarks`` (the screen's, read at each paint)."""
        self._bookmarks = bookmarks
        self.refresh_rows()

    def names_known(self) -> None:
        """The engine has indexed further: repaint rows painted without a
        template, and make again the text of rows the index may say more of."""
        provisional = self._provisional
        if provisional:
            for seq in provisional:
                self._cache.pop(seq, None)
            provisional.clear()
            self._unnamed = True
        if self._unnamed:
            self._unnamed = False
            self.refresh_rows()

    def set_rows(self, rows: Rows) -> None:
        """Show ``rows`` instead (a filter was set or cleared)."""
        self.rows = rows
        self.scroll_rows_to(0)
        self.show(self.seq)

    def _every_seq(self) -> AllRows:
        timeline = self._timeline
        return AllRows(lambda: len(timeline), lambda: timeline.gaps)

    # -- the filter --------------------------------------------------------------

    def filter_by(self, query: str) -> None:
        """Show only the seqs matching the engine ``query`` (empty: every seq); the
        matches are scanned for in the background and appear as they are found."""
        if not query:
            self.workers.cancel_group(self, "filter")
            self.set_rows(self._every_seq())
            return
        rows = MatchingRows(query, wide=len(self._timeline) >= 2**31)
        self.set_rows(rows)
        self._scan(rows, 0)

    def scan_further(self) -> None:
        """The engine indexed more: scan it too, if a finished filter scan stopped short."""
        rows = self.rows
        if not isinstance(rows, MatchingRows) or not rows.complete:
            return
        if len(self._timeline) - 1 > rows.scanned:
            rows.reopen()
            self._scan(rows, rows.scanned + 1)

    @work(thread=True, exclusive=True, group="filter")
    def _scan(self, rows: MatchingRows, start: int) -> None:
        worker = get_current_worker()
        timeline = self._timeline
        batch: list[int] = []
        for seq in timeline.find_all(rows.query, start):
            if worker.is_cancelled:
                return
            batch.append(seq)
            if len(batch) >= SCAN_BATCH:
                rows.add(batch, seq)
                batch = []
                self.post_message(RowsScanned(done=False))
        rows.add(batch, max(rows.scanned, len(timeline) - 1))
        rows.finish()
        self.post_message(RowsScanned(done=True))

    @on(RowsScanned)
    def _rows_scanned(self) -> None:
        """Show the rows found so far."""
        self.show(self.seq)

    # -- the shown seqs ----------------------------------------------------------

    def neighbour(self, seq: int, direction: int) -> int | None:
        """The next (or previous) shown seq from ``seq``: every seq (across a gap
        in the recording), or the filter's matches, asking the engine past
        what the scan has reached."""
        rows = self.rows
        if isinstance(rows, AllRows):
            return rows.after(seq) if direction > 0 else rows.before(seq)
        if direction > 0:
            if rows.complete or rows.scanned > seq:
                return rows.after(seq)
            return self._timeline.next_match(seq, rows.query)
        if rows.complete or rows.scanned >= seq:
            return rows.before(seq)
        return self._timeline.previous_match(seq, rows.query)

    def first_shown(self) -> int | None:
        """The first shown seq (None when none is)."""
        return self.rows.seq_at(0) if len(self.rows) else None

    def last_shown(self) -> int | None:
        """The last shown seq (None when none is)."""
        count = len(self.rows)
        return self.rows.seq_at(count - 1) if count else None

    def row_count(self) -> int:
        """One row per shown seq."""
        return len(self.rows)

    # -- painting ------------------------------------------------------------------

    def _fetch(self, seq: int) -> tuple[Signal, str]:
        """The signal at ``seq`` and its summary (MissingSeqError when the
        recording lacks it)."""
        entry = self._cache.get(seq)
        if entry is not None:
            return entry
        # Fetch the whole screenful this row belongs to in one sequential read.
        visible = self.visible_rows
        rows = self.rows
        if not rows.filtered and visible and rows.row_of(seq) in visible:
            start, stop = rows.seq_at(visible.start), rows.seq_at(visible.stop - 1) + 1
        else:
            start, stop = seq, seq + 1
        for signal in self._timeline.signals(start, stop):
            self._remember(signal)
        entry = self._cache.get(seq)
        if entry is None:
            entry = self._remember(self._timeline.signal(seq))
        return entry

    def _remember(self, signal: Signal) -> tuple[Signal, str]:
        if signal.type == SignalType.START and isinstance(signal.data, dict):
            name = signal.data.get("template")
            if isinstance(name, str):
                self._started_as[signal.pid] = name
        entry = (signal, self._timeline.describe(signal))
        if _may_say_more(signal) and not self._timeline.progress.done:
            self._provisional.add(signal.seq)
        self._cache[signal.seq] = entry
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return entry

    def origin(self) -> float:
        """The timestamp of the first signal, which every row's time is relative to."""
        if self._origin is None:
            self._origin = self._timeline.origin
        return self._origin

    def _seq_width(self) -> int:
        return len(str(max(len(self._timeline) - 1, 0)))

    def _time_above(self, row: int) -> str | None:
        """The time the row above shows unblanked, or None at the top of the view."""
        if row <= 0 or row <= self.visible_rows.start:
            return None
        try:
            signal, _ = self._fetch(self.rows.seq_at(row - 1))
        except (MissingSeqError, IndexError):
            return None
        return relative_time(signal.ts, self.origin())

    def render_row(self, row: int, width: int) -> Text:
        """``seq pid template TYPE [time] summary``, the current seq marked; a
        gap's row says which seqs are missing."""
        seq = self.rows.seq_at(row)
        gap = self.rows.gap_at(row) if isinstance(self.rows, AllRows) else None
        if gap is None:
            try:
                signal, summary = self._fetch(seq)
            except MissingSeqError as missing:  # a gap the index has not reached yet
                gap = missing.gap or (seq, seq)
        current = seq == self.seq or (gap is not None and gap[0] <= self.seq <= gap[1])
        text = Text(no_wrap=True, end="")
        if gap is not None:
            text.append("▶ " if current else "  ", "bold")
            text.append(f"… {describe_gap(gap)} …", "dim italic")
            return text
        text.append("▶" if current else " ", "bold")
        text.append("★" if seq in self._bookmarks else " ", "bold yellow")
        text.append(f"{seq:>{self._seq_width()}} ", "bold" if current else "dim")
        text.append(f"{signal.pid:>3} ")
        template = self._template_of(signal.pid, seq) or self._started_as.get(signal.pid)
        if template is None:
            template, self._unnamed = "", True
        shown = template_width(width - 2 - self._seq_width() - 1 - 4 - 11)
        if shown:
            text.append_text(literal(f"{template[:shown]:<{shown}} ", "italic"))
        text.append(f"{type_name(signal.type):<10} ", type_style(signal.type))
        if width >= WIDE:
            when = relative_time(signal.ts, self.origin())
            if when == self._time_above(row):
                when = ""  # no time passed since the row above: only changes are shown
            text.append(f"{when:>9} ", "dim")
        name = self._bookmarks.name(seq)
        if name:
            text.append_text(literal(f"[{name}] ", "bold yellow"))
        text.append_text(literal(summary))
        return text

    # -- input -------------------------------------------------------------------

    def _choose_row(self, row: int) -> None:
        count = len(self.rows)
        if count:
            self.post_message(self.SignalChosen(self.rows.seq_at(max(0, min(row, count - 1)))))

    def on_row_clicked(self, row: int) -> None:
        """A click on a row goes to its signal."""
        self._choose_row(row)

    def _current_row(self) -> int:
        return self.rows.row_of(self.seq) if self.seq >= 0 else 0

    def action_move(self, delta: int) -> None:
        """Go to the row ``delta`` rows away from the current one."""
        row = self._current_row()
        if delta < 0 and not self.rows.contains(self.seq):
            row += 1  # a hidden current seq sits just before its insertion row
        self._choose_row(row + delta)

    def action_page(self, direction: int) -> None:
        """Go a screenful up or down."""
        height = max(1, self.page - 1)
        self._choose_row(self._current_row() + direction * height)


def _may_say_more(signal: Signal) -> bool:
    """True for a signal whose text the engine makes from the index too
    (:meth:`Timeline.describe <chronoflow.inspect.Timeline.describe>`): a
    message that reached no inbox (was its addressee ended, or never there?)
    and a name given or taken by another process (named by its template)."""
    data = signal.data
    if not isinstance(data, dict):
        return False
    if signal.type in _MESSAGES:
        return not data.get("into") and isinstance(data.get("to"), int)
    return signal.type in _NAMING and "by" in data


_MESSAGES = frozenset({SignalType.SEND, SignalType.DELIVER})
_NAMING = frozenset({SignalType.REGISTER, SignalType.UNREGISTER})
