"""Which seqs the timeline list shows, row by row.

Unfiltered, row ``r`` is seq ``r``: nothing is stored, however long the
recording. Filtered (types hidden, one process only), the rows are the
matching seqs, collected by a background scan into a compact ``array``
(4 bytes a row while seqs fit in 31 bits, else 8) and searched with ``bisect``.
The scan itself is the engine's (:meth:`Timeline.find_all`); this module
only keeps its answers.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable


class AllRows:
    """Every seq of the recording, one per row: ``row == seq``."""

    def __init__(self, length: Callable[[], int]) -> None:
        self._length = length

    filtered = False
    complete = True

    def __len__(self) -> int:
        return self._length()

    def seq_at(self, row: int) -> int:
        """The seq shown in ``row``."""
        return row

    def row_of(self, seq: int) -> int:
        """The row of ``seq`` (every seq has one)."""
        return seq

    def contains(self, seq: int) -> bool:
        """True: every seq is shown."""
        return 0 <= seq < self._length()

    def after(self, seq: int) -> int | None:
        """The first shown seq after ``seq``, or None."""
        return seq + 1 if seq + 1 < self._length() else None

    def before(self, seq: int) -> int | None:
        """The last shown seq before ``seq``, or None."""
        return seq - 1 if seq > 0 else None


class MatchingRows:
    """The seqs that pass a filter, in order, appended by a scanning thread.

    ``complete`` turns True when the scan reached the end of what was
    indexed; until then the rows are a growing prefix and :meth:`after`
    answers None past the last one found (the caller asks the engine then).
    """

    filtered = True

    def __init__(self, *, wide: bool = False) -> None:
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
