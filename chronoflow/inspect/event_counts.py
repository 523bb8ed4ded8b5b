"""How many messages each process sent, and ``use`` calls it started and finished, in a stretch.

A moment diff (:mod:`chronoflow.inspect.moment_diff`) counts, per process,
the SEND, USE and RESULT signals between two seqs, which may be ten
million signals apart. Counting reads only the index's columns: a mask of
the type column made with ``bytes.translate`` picks, with ``compress``,
the pids of those signals out of the pid column, and ``Counter`` counts
them, all in C (about 30 ns a signal).

Why blocks: the column is cut into blocks of :data:`BLOCK` positions,
each counted once and kept (a block's signals never change once indexed),
so a stretch costs the two partial blocks at its ends plus a sum of kept
counts: a second diff between far seqs costs a few tens of milliseconds,
not a few hundred. Why counts per block and not running totals: a world
of 100,000 processes would make a running total per pid per block cost
megabytes; a block's counts hold only the processes that sent in it.

Threads: any thread may ask; two may count the same block, harmlessly.
"""

from __future__ import annotations

from collections import Counter
from itertools import compress

from chronoflow.inspect.index import Index
from chronoflow.signals import SignalType

#: The signal types counted per process: messages sent, ``use`` calls started
#: and finished.
EVENT_TYPES = (SignalType.SEND, SignalType.USE, SignalType.RESULT)
#: Column positions per counted block (a block of SENDs counts in about 10 ms).
BLOCK = 1 << 18

_MASKS = {kind: bytes(int(i == kind) for i in range(256)) for kind in EVENT_TYPES}
_MARKS = {kind: bytes((kind,)) for kind in EVENT_TYPES}

#: ``(pid, type) -> count``.
Counts = dict[tuple[int, int], int]


class EventCounts:
    """The :data:`EVENT_TYPES` counts of one index, by process; a part of the
    :class:`~chronoflow.inspect.timeline.Timeline` (``timeline.event_counts``)."""

    def __init__(self, index: Index) -> None:
        self._index = index
        self._blocks: dict[int, Counts] = {}

    def between(self, low: int, high: int) -> Counts:
        """``(pid, type) -> count`` of the :data:`EVENT_TYPES` signals at column
        positions ``[low, high)``, which the index holds."""
        counts: Counter[tuple[int, int]] = Counter()
        first, last = -(-low // BLOCK), high // BLOCK
        if first >= last:
            self._count(counts, low, high)
        else:
            self._count(counts, low, first * BLOCK)
            for block in range(first, last):
                counts.update(self._block(block))
            self._count(counts, last * BLOCK, high)
        return {key: count for key, count in counts.items() if count}

    def _block(self, block: int) -> Counts:
        found = self._blocks.get(block)
        if found is None:
            counted: Counter[tuple[int, int]] = Counter()
            self._count(counted, block * BLOCK, (block + 1) * BLOCK)
            found = self._blocks[block] = dict(counted)
        return found

    def _count(self, counts: Counter[tuple[int, int]], low: int, high: int) -> None:
        if low >= high:
            return
        index = self._index
        types = index.types.data[low:high].tobytes()
        pids = None
        missing = index.pids.missing
        for kind in EVENT_TYPES:
            if _MARKS[kind] not in types:
                continue
            if pids is None:
                pids = index.pids.data[low:high]
            for pid, count in Counter(compress(pids, types.translate(_MASKS[kind]))).items():
                if pid != missing:  # a pid the column could not hold
                    counts[pid, kind] += count
