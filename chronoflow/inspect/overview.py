"""The whole recording at a glance: signals and crashes per stretch of seqs.

A front end draws a recording as one line of cells (the debugger's
scrubber); each cell is a *bucket*, one of ``buckets`` equal stretches of
seqs. :meth:`Timeline.overview <chronoflow.inspect.timeline.Timeline.overview>`
answers, per bucket, how many signals the index holds there, how many
messages were sent or pushed there (SEND and DELIVER: how busy the run
was, which a count of signals per stretch of seqs cannot show, every seq
having one) and its first CRASH, as an immutable :class:`Overview`,
reading only what the index keeps (its gaps and its type column), never
a signal.

Why it stays instant on ten million signals: a bucket's signals are its
seqs less the gaps in it (a ``bisect`` over the gaps), and the crashes are
found once, as the indexer goes, with ``bytes.find`` over the type column
(:meth:`Column.positions <chronoflow.inspect.columns.Column.positions>`);
their seqs are kept in a compact array shared by every bucket count, so
an overview for another width, or for a recording that grew, is a few
hundred bisects. Messages are counted per block of :data:`BLOCK` seqs as
the indexer goes (``bytes.count`` over the type column), so a bucket sums
its whole blocks and counts only its two partial ends. The last overview
of each bucket count is kept until the index moves on.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from chronoflow.inspect.index import Index
from chronoflow.signals import SignalType

#: Bucket counts whose last overview is kept (a terminal resized a few times).
KEPT = 4
#: Seqs per block of message counts.
BLOCK = 1 << 12
#: The signal types that carry a new message.
_MESSAGES = (int(SignalType.SEND), int(SignalType.DELIVER))


@dataclass(frozen=True)
class Overview:
    """Seqs ``0 .. total - 1`` cut into ``buckets`` stretches, as far as ``indexed``.

    Bucket ``b`` holds the seqs in :meth:`bounds` ``(b)``; ``counts[b]`` is
    how many signals the index holds there (seqs a salvaged copy lacks are
    not counted, nor seqs past ``indexed``), ``crashes[b]`` the seq of
    its first CRASH (None: none, as far as it is indexed) and
    ``messages[b]`` how many of its signals are SENDs or DELIVERs.
    """

    total: int
    indexed: int
    counts: tuple[int, ...]
    crashes: tuple[int | None, ...]
    messages: tuple[int, ...]

    @property
    def buckets(self) -> int:
        """How many buckets the recording is cut into."""
        return len(self.counts)

    def bounds(self, bucket: int) -> tuple[int, int]:
        """``(first seq, stop)`` of ``bucket``: its seqs are ``first <= seq < stop``
        (empty when there are more buckets than seqs)."""
        buckets, total = len(self.counts), self.total
        return bucket * total // buckets, (bucket + 1) * total // buckets

    def bucket_of(self, seq: int) -> int:
        """The bucket holding ``seq`` (a seq outside the recording: the nearest one)."""
        buckets, total = len(self.counts), self.total
        if total <= 0:
            return 0
        seq = max(0, min(seq, total - 1))
        # Why: the b with b * total // buckets <= seq < (b + 1) * total // buckets.
        return ((seq + 1) * buckets + total - 1) // total - 1

    def indexed_in(self, bucket: int) -> bool:
        """True when the index has reached every seq of ``bucket``."""
        return self.bounds(bucket)[1] <= self.indexed


class Overviews:
    """The overviews of one index, kept per bucket count; see the module docstring.

    ``length()`` is how many seqs the recording has now (the timeline's
    ``len``). Any thread may ask; a lock keeps the crash scan single.
    """

    def __init__(self, index: Index, length: Callable[[], int]) -> None:
        self._index = index
        self._length = length
        self._lock = threading.Lock()
        #: Every CRASH seq found so far, ascending; seqs below ``_scanned`` are searched.
        self._crashes = array("q")
        self._scanned = 0
        #: SENDs and DELIVERs per whole block of seqs counted so far.
        self._blocks = array("q")
        self._kept: OrderedDict[int, Overview] = OrderedDict()

    def overview(self, buckets: int) -> Overview:
        """The recording now, cut into ``buckets`` stretches (at least one)."""
        if buckets < 1:
            raise ValueError(f"an overview needs at least one bucket, got {buckets}")
        with self._lock:
            total = self._length()
            indexed = min(self._index.indexed, total)
            kept = self._kept.get(buckets)
            if kept is not None and kept.total == total and kept.indexed == indexed:
                self._kept.move_to_end(buckets)
                return kept
            self._scan_crashes(indexed)
            self._count_blocks(indexed)
            made = self._make(buckets, total, indexed)
            self._kept[buckets] = made
            self._kept.move_to_end(buckets)
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
            return made

    def _scan_crashes(self, indexed: int) -> None:
        """Find the CRASHes in the seqs the index reached since the last scan."""
        if indexed > self._scanned:
            self._crashes.extend(
                self._index.types.positions(int(SignalType.CRASH), self._scanned, indexed)
            )
            self._scanned = indexed

    def _count_blocks(self, indexed: int) -> None:
        """Count the messages of every whole block the index has reached."""
        blocks = self._blocks
        while (len(blocks) + 1) * BLOCK <= indexed:
            low = len(blocks) * BLOCK
            blocks.append(self._messages(low, low + BLOCK))

    def _messages(self, low: int, high: int) -> int:
        types = self._index.types
        return sum(types.count(kind, low, high) for kind in _MESSAGES)

    def _messages_in(self, first: int, stop: int) -> int:
        """SENDs and DELIVERs in ``[first, stop)``: whole blocks summed, ends counted."""
        whole_from = -(-first // BLOCK)
        whole_to = min(stop // BLOCK, len(self._blocks))
        if whole_from >= whole_to:
            return self._messages(first, stop)
        return (
            self._messages(first, whole_from * BLOCK)
            + sum(self._blocks[whole_from:whole_to])
            + self._messages(whole_to * BLOCK, stop)
        )

    def _make(self, buckets: int, total: int, indexed: int) -> Overview:
        gaps, crashes = self._index.gaps, self._crashes
        counts: list[int] = []
        messages: list[int] = []
        firsts: list[int | None] = []
        for bucket in range(buckets):
            first, stop = bucket * total // buckets, (bucket + 1) * total // buckets
            stop = min(stop, indexed)
            if first >= stop:
                counts.append(0)
                messages.append(0)
                firsts.append(None)
                continue
            counts.append(stop - first - (gaps.count_in(first, stop) if gaps else 0))
            messages.append(self._messages_in(first, stop))
            at = bisect_left(crashes, first)
            firsts.append(crashes[at] if at < len(crashes) and crashes[at] < stop else None)
        return Overview(total, indexed, tuple(counts), tuple(firsts), tuple(messages))
