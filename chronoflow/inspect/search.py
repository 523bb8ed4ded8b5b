"""Finding signals: a query run over the index's columns, decoding only what they let through.

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
from chronoflow.inspect.query import Query
from chronoflow.signals import Signal

#: Seqs per search block.
BLOCK = 16384

Reader = Callable[[int, int], Iterable[Signal]]


def find_all(
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
