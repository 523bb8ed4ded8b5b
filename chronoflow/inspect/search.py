"""Finding signals: a timeline's searches, run over the index's columns.

A :class:`Search` is the part of a :class:`~chronoflow.inspect.timeline.Timeline`
that answers ``find``, ``find_all``, ``next_match`` and the other searches;
:func:`scan` is the work they share, decoding only what the columns let
through.

Seqs are searched in blocks. In an indexed block the query's type, pid, id
and seq terms are decided from the columns: a positive pid, type or id term
first narrows the block to the seqs holding that value (a ``bytes.find`` in
the column), the other column terms filter those, and only if the query
also has text or a predicate are the block's signals decoded. Blocks the
indexer has not reached yet are decoded and tested signal by signal.

A seq inside a gap of the recording (:mod:`chronoflow.inspect.gaps`) has no
signal and matches nothing; a search steps over a gap at once, however
many seqs it spans.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator

from chronoflow.inspect.index import NO_REF, Index
from chronoflow.inspect.query import Predicate, Query
from chronoflow.signals import Signal, SignalType

#: Seqs per search block.
BLOCK = 16384

Reader = Callable[[int, int], Iterable[Signal]]
#: What a search accepts as its query (see :meth:`Query.of`).
QueryLike = Query | str | SignalType | Predicate


class Search:
    """``find``, ``find_all``, ``next_match`` and the other searches of one timeline.

    ``read(start, stop)`` reads signals, ``length()`` says how many seqs
    exist now, and ``signal(seq)`` reads one: the timeline's own.
    """

    def __init__(
        self,
        index: Index,
        read: Reader,
        length: Callable[[], int],
        signal: Callable[[int], Signal],
    ) -> None:
        self._index = index
        self._read = read
        self._length = length
        self._signal = signal

    def find_all(
        self, query: QueryLike, start: int | None = None, *, backward: bool = False
    ) -> Iterator[int]:
        """Every matching seq from ``start`` (inclusive), forward or backward."""
        if start is None:
            start = self._length() - 1 if backward else 0
        return scan(
            self._index, self._read, self._length, Query.of(query), start, backward=backward
        )

    def find(self, query: QueryLike, start: int = 0, *, backward: bool = False) -> int | None:
        """The first matching seq ``>= start`` (the last ``<= start`` when ``backward``)."""
        return next(self.find_all(query, start, backward=backward), None)

    def next_match(self, seq: int, query: QueryLike) -> int | None:
        """The nearest matching seq after ``seq``."""
        return self.find(query, seq + 1)

    def previous_match(self, seq: int, query: QueryLike) -> int | None:
        """The nearest matching seq before ``seq``."""
        return None if seq <= 0 else self.find(query, seq - 1, backward=True)

    def next_for(self, pid: int, seq: int) -> int | None:
        """The nearest signal of ``pid`` after ``seq``."""
        return self.find(Query.parse(f"pid:{pid}"), seq + 1)

    def previous_for(self, pid: int, seq: int) -> int | None:
        """The nearest signal of ``pid`` before ``seq``."""
        return None if seq <= 0 else self.find(Query.parse(f"pid:{pid}"), seq - 1, backward=True)

    def pid_at(self, seq: int) -> int:
        """The pid of signal ``seq`` (from its column when indexed)."""
        index = self._index
        if seq < index.indexed:
            pids = index.pids
            pid = pids[seq]
            if pid != pids.missing:
                return pid
        return self._signal(seq).pid

    def next_of_process(self, seq: int) -> int | None:
        """The nearest signal after ``seq`` of the process that made signal ``seq``."""
        return self.next_for(self.pid_at(seq), seq)

    def previous_of_process(self, seq: int) -> int | None:
        """The nearest signal before ``seq`` of the process that made signal ``seq``."""
        return self.previous_for(self.pid_at(seq), seq)


def scan(
    index: Index,
    read: Reader,
    length: Callable[[], int],
    query: Query,
    start: int,
    *,
    backward: bool = False,
) -> Iterator[int]:
    """Seqs matching ``query`` from ``start`` on (inclusive), in search order.

    ``read(start, stop)`` yields signals; ``length()`` is how many exist now
    (re-read per block, so a forward search sees a growing recording).
    """
    gaps = index.gaps
    if backward:
        hi = min(start + 1, length())
        while hi > 0:
            hi = gaps.present_before(hi) if hi <= index.indexed else hi
            lo = max(0, hi - BLOCK)
            yield from reversed(list(_block(index, read, query, lo, hi)))
            hi = lo
    else:
        lo = max(start, 0)
        while lo < length():
            lo = gaps.present_from(lo) if lo < index.indexed else lo
            hi = min(length(), lo + BLOCK)
            yield from _block(index, read, query, lo, hi)
            lo = hi


def _block(index: Index, read: Reader, query: Query, lo: int, hi: int) -> Iterator[int]:
    if hi > index.indexed or not _decidable(index, query, lo, hi):
        for signal in read(lo, hi):
            if query.matches(signal):
                yield signal.seq
        return
    candidates = [
        seq
        for low, high, shift in index.gaps.segments(lo, hi)
        for seq in _candidates(index, query, low, high, shift)
    ]
    if not query.needs_signal:
        yield from candidates
        return
    if not candidates:
        return
    wanted = set(candidates)
    for signal in read(candidates[0], candidates[-1] + 1):
        if signal.seq in wanted and query.matches(signal):
            yield signal.seq


def _decidable(index: Index, query: Query, lo: int, hi: int) -> bool:
    """True when the columns hold every fact the query's column terms ask about
    in ``[lo, hi)`` (a pid or type too odd for its column was stored as missing)."""
    columns = {"pid": index.pids, "type": index.types, "id": index.refs}
    for term in query.column_terms:
        column = columns.get(term.field)
        if column is None:
            continue
        if not all(column.fits(value) for value in term.values):
            return False
        if term.field != "id" and column.holds_missing(lo, hi):
            return False
    return True


def _candidates(index: Index, query: Query, lo: int, hi: int, shift: int) -> list[int]:
    """Seqs in ``[lo, hi)``, a stretch without gaps whose seq ``s`` sits at
    column position ``s - shift``, whose indexed facts satisfy the query's
    column terms."""
    narrowed: Iterable[int]
    pids = query.positive("pid")
    types = query.positive("type")
    ids = query.positive("id")
    if pids is not None:
        narrowed = _merge(index.pids.positions(pid, lo, hi) for pid in pids)
    elif ids is not None:
        narrowed = _merge(
            [
                *(index.refs.positions(mid, lo, hi) for mid in ids),
                sorted(mid for mid in ids if lo <= mid < hi),
            ]
        )
    elif types is not None:
        narrowed = _merge(index.types.positions(kind, lo, hi) for kind in types)
    else:
        narrowed = range(lo, hi)
    terms = query.column_terms
    if not terms:
        return list(narrowed)
    pid_at, type_at, ref_at = index.pids.data, index.types.data, index.refs.data
    found = []
    for seq in narrowed:
        at = seq - shift
        ref = ref_at[at]
        if query.matches_columns(seq, pid_at[at], type_at[at], None if ref == NO_REF else ref):
            found.append(seq)
    return found


def _merge(streams: Iterable[Iterable[int]]) -> list[int]:
    """Ascending, without duplicates."""
    merged: list[int] = []
    for seq in heapq.merge(*streams):
        if not merged or merged[-1] != seq:
            merged.append(seq)
    return merged
