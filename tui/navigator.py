"""Navigator: what the person marked and chose, and where a move leads from a seq.

The debugger screen holds one. It owns the person's bookmarks, the
timeline filter (a :class:`~tui.view_filter.ViewFilter`), the last
search query and the jump history (:class:`~tui.jumps.JumpHistory`), and
answers the questions a move asks of them and of the engine: which seq
stands for one a salvaged recording lacks, whether a typed seq or query
is usable, the next signal of a process, the next bookmark, the range
``x`` exports. It never moves anything itself: the
screen's reactive ``seq`` is the one current seq, and every action ends by
setting it to an answer from here (or from the timeline list, which knows
the seqs it shows).
"""

from __future__ import annotations

from chronoflow.inspect import Query, QueryError, Timeline, seq_span
from tui.bookmarks import Bookmarks
from tui.exporting import ExportRange
from tui.jumps import JumpHistory
from tui.view_filter import ViewFilter

#: The search prompt's example, shown when the query is empty.
QUERY_EXAMPLE = 'type a query, e.g. type:SEND pid:3 "ping"'


def check_query(text: str) -> str | None:
    """Why ``text`` is no search query (None: it is one)."""
    if not text:
        return QUERY_EXAMPLE
    try:
        Query.parse(text)
    except QueryError as error:
        return str(error)
    return None


def parse_seq(text: str) -> int | None:
    """The seq ``text`` names, written as the status bar shows seqs (``300,000``)
    or with ``_`` or spaces between digit groups; None if it names none."""
    digits = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    return int(digits) if digits.isascii() and digits.isdigit() else None


class Navigator:
    """Bookmarks, the filter and the search of one recording; see the module docstring."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.bookmarks = Bookmarks()
        #: Which signals the timeline shows.
        self.view_filter = ViewFilter()
        #: The last search (``.`` and ``,`` find its next and previous match).
        self.search_query: str | None = None
        #: Where jumps left from and led to (back and forward go through them).
        self.jumps = JumpHistory()

    def valid(self, seq: int) -> int:
        """``seq``, or for a seq the recording lacks (inside a gap of a salvaged
        copy) the first seq after the gap: every seq made current has a signal."""
        gap = self.timeline.gap_at(seq) if seq >= 0 else None
        if gap is None:
            return seq
        after = gap[1] + 1
        return after if after < len(self.timeline) else max(gap[0] - 1, -1)

    def clamped(self, seq: int) -> int | None:
        """``seq`` brought inside the recording (None for an empty one)."""
        last = len(self.timeline) - 1
        return max(0, min(seq, last)) if last >= 0 else None

    def check_seq(self, text: str) -> str | None:
        """Why ``text`` is no seq to go to (None: it is one)."""
        total = len(self.timeline)
        seq = parse_seq(text)
        if seq is None:
            return "type a seq: a whole number (300000, 300,000 or 300_000)"
        if seq >= total:
            return f"seq {seq:,} is beyond the end: the recording has seqs {seq_span(total)}"
        return None

    def of_process(self, pid: int, seq: int, direction: int) -> int | None:
        """The next (or previous) signal of ``pid`` after (before) ``seq``, or None."""
        if direction > 0:
            return self.timeline.next_for(pid, seq)
        return self.timeline.previous_for(pid, seq)

    def bookmark(self, seq: int, direction: int) -> int | None:
        """The next (or previous) bookmark from ``seq``, wrapping around; None without any."""
        return self.bookmarks.after(seq) if direction > 0 else self.bookmarks.before(seq)

    def export_range(self, seq: int) -> ExportRange:
        """What ``x`` exports at ``seq``: from the last bookmark before it (or the
        start) to ``seq``; only the shown process when the filter keeps one."""
        start = 0
        marked = self.bookmarks.before(seq)
        if marked is not None and marked < seq:
            start = marked
        return ExportRange(start, max(seq, 0), self.view_filter.pid)
