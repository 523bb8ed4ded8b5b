"""How many signals each process made up to a seq, counted in the index's pid column.

Counting one pid's entries is a search of the column; counting every
pid's up to seq S for a table of thousands of processes would search it
thousands of times. Instead the column is cut into blocks of
:data:`BLOCK` signals, each counted once (``collections.Counter`` over the
block, in C) and kept as running totals; a question adds the count of the
part of one block up to S to the totals before it.

Why running totals in arrays indexed by pid: ten million signals make 38
blocks, and a dict of counts per block for a world of 10,000 processes
would hold 380,000 entries; an ``array`` of 4-byte counts holds the same
in 1.5 MB. A recording whose pids are too large for that (a damaged one)
is counted from its first signal each time instead.
"""

from __future__ import annotations

import threading
from array import array
from collections import Counter

from chronoflow.inspect.index import Index

#: Signals per counted block (a block counts in about 10 ms).
BLOCK = 1 << 18
#: Pids up to this are counted in running totals (see the module docstring).
MAX_DENSE_PID = 1 << 20


class Tally:
    """The signals of each pid up to one seq: running totals plus a partial block."""

    __slots__ = ("_rest", "_totals")

    def __init__(self, totals: array[int], rest: Counter[int]) -> None:
        self._totals = totals
        self._rest = rest

    def __getitem__(self, pid: int) -> int:
        """How many signals ``pid`` made (0 for a pid that made none)."""
        before = self._totals[pid] if 0 <= pid < len(self._totals) else 0
        return before + self._rest.get(pid, 0)


class SignalCounts:
    """The signal counts of one index; a part of the
    :class:`~chronoflow.inspect.timeline.Timeline` (``timeline.signal_counts``)."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._lock = threading.Lock()
        #: ``_totals[k]``: the signals of each pid in column positions ``[0, k * BLOCK)``.
        self._totals: list[array[int]] = [array("I")]
        self._dense = True

    def upto(self, seq: int) -> Tally:
        """The signals each pid made at seqs ``<= seq`` that the index holds."""
        index = self._index
        stop = min(seq + 1, index.indexed)
        # Why positions: a salvaged copy's column holds an entry per signal only.
        stop -= index.gaps.count_in(0, stop) if stop > 0 else 0
        stop = max(stop, 0)
        data = index.pids.data
        with self._lock:
            blocks = stop // BLOCK
            while self._dense and len(self._totals) <= blocks:
                self._count_block(data, len(self._totals) - 1)
            if not self._dense:
                return Tally(array("I"), Counter(data[:stop]))
            totals = self._totals[blocks]
        return Tally(totals, Counter(data[blocks * BLOCK : stop]))

    def _count_block(self, data: array[int], block: int) -> None:
        counted = Counter(data[block * BLOCK : (block + 1) * BLOCK])
        counted.pop(self._index.pids.missing, None)  # a pid too large for the column
        if counted and max(counted) >= MAX_DENSE_PID:
            self._dense = False
            return
        totals = array("I", self._totals[-1])
        top = max(counted, default=-1)
        if top >= len(totals):
            totals.extend(array("I", [0]) * (top + 1 - len(totals)))
        for pid, count in counted.items():
            totals[pid] += count
        self._totals.append(totals)
