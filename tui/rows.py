"""Which seqs the timeline list shows, row by row.

Unfiltered, row ``r`` is seq ``r``: nothing is stored, however long the
recording. A recording with gaps (a salvaged copy lacks some seqs, see
:attr:`Timeline.gaps <chronoflow.inspect.Timeline.gaps>`) shows each gap
as one row in place of its seqs (``… seqs 9–14 missing …``), so a row
is its seq minus the seqs hidden in the gaps before it; that arithmetic is
a ``bisect`` over the gaps. Filtered (types hidden, one process only), the
rows are the matching seqs, collected by a background scan into a compact
``array`` (4 bytes a row while seqs fit in 31 bits, else 8) and searched
with ``bisect``; there gaps have no row. The scan itself is the engine's
(:meth:`Timeline.find_all`); this module only keeps its answers.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable

#: ``(first missing seq, last missing seq)``, as the engine reports a gap.
Gap = tuple[int, int]


class _GapRows:
    """Where each gap's row lies: rows before it, and seqs hidden before it."""

    def __init__(self, gaps: tuple[Gap, ...]) -> None:
        self.gaps = gaps
        self.firsts = [first for first, _ in gaps]
        #: The row of each gap.
        self.rows: list[int] = []
        #: Seqs hidden before the seq after each gap (its size less its one row, summed).
        self.hidden: list[int] = []
        hidden = 0
        for first, last in gaps:
            self.rows.append(first - hidden)
            hidden += last - first
            self.hidden.append(hidden)


class AllRows:
    """Every seq of the recording, one per row, each gap one row:
    ``row == seq`` when there are none."""

    def __init__(
        self, length: Callable[[], int], gaps: Callable[[], tuple[Gap, ...]] = tuple
    ) -> None:
        self._length = length
        self._gaps = gaps
        self._layout = _GapRows(())

    filtered = False
    complete = True

    def _laid_out(self) -> _GapRows:
        gaps = self._gaps()
        if gaps is not self._layout.gaps and gaps != self._layout.gaps:
            self._layout = _GapRows(gaps)
        return self._layout

    def __len__(self) -> int:
        layout = self._laid_out()
        return self._length() - (layout.hidden[-1] if layout.hidden else 0)

    def gap_at(self, row: int) -> Gap | None:
        """The gap ``row`` stands for, or None for a row of one signal."""
        layout = self._laid_out()
        at = bisect_right(layout.rows, row) - 1
        if at >= 0 and layout.rows[at] == row:
            return layout.gaps[at]
        return None

    def seq_at(self, row: int) -> int:
        """The seq shown in ``row`` (for a gap's row, its first missing seq)."""
        layout = self._laid_out()
        at = bisect_right(layout.rows, row) - 1
        if at < 0:
            return row
        if layout.rows[at] == row:
            return layout.firsts[at]
        return row + layout.hidden[at]

    def row_of(self, seq: int) -> int:
        """The row of ``seq`` (a missing seq's is its gap's row)."""
        layout = self._laid_out()
        at = bisect_right(layout.firsts, seq) - 1
        if at < 0:
            return seq
        if seq <= layout.gaps[at][1]:
            return layout.rows[at]
        return seq - layout.hidden[at]

    def _missing(self, seq: int) -> Gap | None:
        layout = self._laid_out()
        at = bisect_right(layout.firsts, seq) - 1
        if at >= 0 and seq <= layout.gaps[at][1]:
            return layout.gaps[at]
        return None

    def contains(self, seq: int) -> bool:
        """True for every seq with a signal."""
        return 0 <= seq < self._length() and self._missing(seq) is None

    def after(self, seq: int) -> int | None:
        """The first seq after ``seq`` with a signal (across a gap), or None."""
        following = seq + 1
        gap = self._missing(following)
        if gap is not None:
            following = gap[1] + 1
        return following if following < self._length() else None

    def before(self, seq: int) -> int | None:
        """The last seq before ``seq`` with a signal (across a gap), or None."""
        previous = seq - 1
        gap = self._missing(previous)
        if gap is not None:
            previous = gap[0] - 1
        return previous if previous >= 0 else None


class MatchingRows:
    """The seqs that match ``query``, in order, appended by a scanning thread.

    ``complete`` turns True when the scan reached the end of what was
    indexed; until then the rows are a growing prefix and :meth:`after`
    answers None past the last one found (the caller asks the engine then).
    """

    filtered = True

    def __init__(self, query: str, *, wide: bool = False) -> None:
        #: The engine query the rows match.
        self.query = query
        # Why "i": four bytes a row keeps ten million matches at 40 MB; a
        # recording with more than 2**31 signals asks for ``wide`` rows.
        self._seqs = array("q" if wide else "i")
        self._lock = threading.Lock()
        self.complete = False
        #: The last seq the scan has looked at (matching or not).
        self.scanned = -1

    def add(self, seqs: list[int], scanned: int) -> None:
        """Append matching ``seqs`` (ascending, after the current ones); called by the scan."""
        with self._lock:
            self._seqs.extend(seqs)
            self.scanned = scanned

    def finish(self) -> None:
        """Mark the scan complete."""
        self.complete = True

    def reopen(self) -> None:
        """Mark the scan incomplete again: the recording grew past what it scanned."""
        self.complete = False

    def __len__(self) -> int:
        return len(self._seqs)

    def seq_at(self, row: int) -> int:
        """The seq shown in ``row``."""
        return self._seqs[row]

    def row_of(self, seq: int) -> int:
        """The row of ``seq``, or of the first shown seq after it when it is hidden."""
        with self._lock:
            return bisect_left(self._seqs, seq)

    def contains(self, seq: int) -> bool:
        """True when ``seq`` passes the filter (as far as the scan has come)."""
        with self._lock:
            row = bisect_left(self._seqs, seq)
            return row < len(self._seqs) and self._seqs[row] == seq

    def after(self, seq: int) -> int | None:
        """The first shown seq after ``seq``, or None if none is known yet."""
        with self._lock:
            row = bisect_right(self._seqs, seq)
            return self._seqs[row] if row < len(self._seqs) else None

    def before(self, seq: int) -> int | None:
        """The last shown seq before ``seq``, or None."""
        with self._lock:
            row = bisect_left(self._seqs, seq)
            return self._seqs[row - 1] if row > 0 else None


Rows = AllRows | MatchingRows
