"""Seqs a recording lacks, and where each seq it has sits in the index's columns.

A copy salvaged from a damaged file (``chronoflow check --salvage``) keeps
the seqs of the signals it saved, so its seqs jump where signals were lost
(the format allows it). Seqs stay the signals' identity (a message is named
by the seq of its SEND), so the engine never renumbers them; the index
notes each *gap* — ``(first missing, last missing)`` — as it meets it, and
the columns hold one entry per signal that exists.

Why an offset table and not a marker per missing seq: a seq jumping by a
billion would cost a billion column entries. Here a gap costs one entry,
and turning a seq into its column position (or back) is a ``bisect``
over the gaps, skipped altogether by a recording without gaps.

Threads: the indexer adds gaps while other threads read. A gap is added
before the column entries after it, and :meth:`Gaps.add` appends the
lists that a lookup indexes before the one it searches, so a reader never
finds a gap whose numbers are not all there.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

#: ``(first missing seq, last missing seq)``.
Gap = tuple[int, int]


def describe_gap(gap: Gap) -> str:
    """``"seqs 9–14 missing"`` (``"seq 9 missing"`` for one)."""
    first, last = gap
    return f"seq {first} missing" if first == last else f"seqs {first}–{last} missing"


def gaps_warning(gaps: tuple[Gap, ...]) -> str:
    """The one warning that names a recording's gaps: ``"seqs 9–14 missing
    (and 2 more gaps): ..."``."""
    more = f" (and {len(gaps) - 1} more gaps)" if len(gaps) > 1 else ""
    return (
        f"{describe_gap(gaps[0])}{more}: the recording lacks those signals "
        "(a salvaged copy, or damage skipped); the world goes on without them"
    )


class Gaps:
    """The gaps of one index, in seq order, with the seq ↔ column position mapping."""

    __slots__ = ("_firsts", "_lasts", "_positions", "_skipped", "spans")

    def __init__(self) -> None:
        #: Every gap, ascending; read it, never change it.
        self.spans: list[Gap] = []
        self._firsts: list[int] = []
        self._lasts: list[int] = []
        #: Missing seqs in this gap and every one before it.
        self._skipped: list[int] = []
        #: The column position of the first seq after each gap.
        self._positions: list[int] = []

    def __bool__(self) -> bool:
        return bool(self.spans)

    def __len__(self) -> int:
        return len(self.spans)

    def add(self, first: int, last: int) -> None:
        """Note that seqs ``first .. last`` are missing (after every gap noted so far)."""
        if self._lasts and first <= self._lasts[-1]:
            raise ValueError(f"gap {first}–{last} does not follow the last one")
        skipped = (self._skipped[-1] if self._skipped else 0) + last - first + 1
        self._skipped.append(skipped)
        self._lasts.append(last)
        self._positions.append(last + 1 - skipped)
        self.spans.append((first, last))
        self._firsts.append(first)  # why last: a lookup bisects this list

    def gap_at(self, seq: int) -> Gap | None:
        """The gap holding ``seq``, or None when the index has it (or has not reached it)."""
        at = bisect_right(self._firsts, seq) - 1
        if at < 0 or seq > self._lasts[at]:
            return None
        return self.spans[at]

    def position(self, seq: int) -> int | None:
        """The column position of ``seq`` (None inside a gap)."""
        at = bisect_right(self._firsts, seq) - 1
        if at < 0:
            return seq
        if seq <= self._lasts[at]:
            return None
        return seq - self._skipped[at]

    def seq_at(self, position: int) -> int:
        """The seq at column position ``position``."""
        at = bisect_right(self._positions, position) - 1
        return position if at < 0 else position + self._skipped[at]

    def present_from(self, seq: int) -> int:
        """``seq``, or the first seq after the gap holding it."""
        gap = self.gap_at(seq)
        return seq if gap is None else gap[1] + 1

    def present_before(self, stop: int) -> int:
        """Where a backward scan of the seqs before ``stop`` may begin: ``stop``,
        or the first seq of the gap holding ``stop - 1``."""
        gap = self.gap_at(stop - 1)
        return stop if gap is None else gap[0]

    def segments(self, start: int, stop: int) -> Iterator[tuple[int, int, int]]:
        """``(low, high, shift)`` for each stretch of seqs ``low <= seq < high``
        within ``[start, stop)`` that has no gap, in order: seq ``s`` of it sits
        at column position ``s - shift``."""
        firsts = self._firsts
        at = bisect_right(firsts, start) - 1
        low = start
        if at >= 0 and low <= self._lasts[at]:
            low = self._lasts[at] + 1
        shift = self._skipped[at] if at >= 0 else 0
        at += 1
        while low < stop:
            high = min(stop, firsts[at]) if at < len(firsts) else stop
            if low < high:
                yield low, high, shift
            if at >= len(firsts):
                return
            low = self._lasts[at] + 1
            shift = self._skipped[at]
            at += 1

    def count_in(self, start: int, stop: int) -> int:
        """How many seqs in ``[start, stop)`` are missing."""
        present = sum(high - low for low, high, _ in self.segments(start, stop))
        return max(stop - start, 0) - present
