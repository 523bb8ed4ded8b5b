"""Compact per-signal columns, searchable at C speed.

The index keeps three facts of every signal in flat arrays (``pid``, type,
and the seq it answers), a few bytes per signal instead of a Python object.
:meth:`Column.positions` finds every seq where a column holds a value by
searching the array's bytes with ``bytes.find``/``rfind`` in chunks, so
"the next signal of pid 7" skips millions of signals in milliseconds.

Why copies and not memoryviews: the indexer thread appends to these arrays
while other threads search them, and an array with an exported buffer
cannot grow. Slicing copies under the GIL, which is both safe and cheap.

A column is read by seq. A recording with gaps in its seqs (a salvaged
copy) holds an entry per signal only: the column's
:class:`~chronoflow.inspect.gaps.Gaps` turn a seq into its position, a
seq inside a gap reads as the ``missing`` value, and searches skip gaps.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from chronoflow.inspect.gaps import Gaps

#: Seqs scanned per chunk (a chunk of a 4-byte column is 256 KiB).
CHUNK = 1 << 16


class Column:
    """One value per signal, in seq order, in an ``array`` of ``typecode``.

    ``data`` holds one entry per signal that exists, in order; ``gaps`` says
    which seqs are missing (the data is indexed by seq when there are none).
    """

    __slots__ = ("_pattern_cache", "data", "gaps", "missing", "width")

    def __init__(self, typecode: str, missing: int, gaps: Gaps | None = None) -> None:
        """``missing`` is stored for a value that does not fit (or is absent)."""
        self.data = array(typecode)
        self.width = self.data.itemsize
        self.missing = missing
        self.gaps = Gaps() if gaps is None else gaps
        self._pattern_cache: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self.data)

    def widen(self, typecode: str, missing: int) -> None:
        """Store values in the wider ``typecode`` from now on (copying those held).

        Why: pids almost always fit two bytes; the pid column starts narrow
        and widens the first time one does not. Threads that still hold the
        old array read the seqs it had, which stay valid.
        """
        marker = array(self.data.typecode, [self.missing]).tobytes()
        unknown = list(self._chunk(marker, 0, len(self.data)))
        wider = array(typecode, self.data)
        for seq in unknown:
            wider[seq] = missing
        self.data = wider
        self.width = wider.itemsize
        self.missing = missing
        self._pattern_cache = {}

    def adopt(self, data: array[int], missing: int) -> None:
        """Hold ``data`` (an index read back from its sidecar) in place of an
        empty column; ``missing`` as in the constructor."""
        self.data = data
        self.width = data.itemsize
        self.missing = missing
        self._pattern_cache = {}

    def __getitem__(self, seq: int) -> int:
        """The value at ``seq`` (``missing`` for a seq inside a gap)."""
        if not self.gaps.spans:
            return self.data[seq]
        position = self.gaps.position(seq)
        return self.missing if position is None else self.data[position]

    def _stretches(self, start: int, stop: int) -> Iterator[tuple[int, int, int]]:
        """``(low, high, shift)``: the stretches of seqs in ``[start, stop)``
        outside the gaps that the data holds, seq ``s`` at position ``s - shift``."""
        start = max(start, 0)
        gaps = self.gaps
        if not gaps.spans:
            stop = min(stop, len(self.data))
            if start < stop:
                yield start, stop, 0
            return
        size = len(self.data)
        for low, high, shift in gaps.segments(start, stop):
            high = min(high, size + shift)
            if low < high:
                yield low, high, shift

    def fits(self, value: int) -> bool:
        """True when ``value`` can be stored (and so searched for) exactly."""
        return 0 <= value < self.missing

    def _pattern(self, value: int) -> bytes:
        pattern = self._pattern_cache.get(value)
        if pattern is None:
            pattern = array(self.data.typecode, [value]).tobytes()
            if len(self._pattern_cache) < 1024:
                self._pattern_cache[value] = pattern
        return pattern

    def holds_missing(self, start: int, stop: int) -> bool:
        """True if some seq in ``[start, stop)`` outside the gaps holds the
        ``missing`` marker (a value that did not fit)."""
        marker = array(self.data.typecode, [self.missing]).tobytes()
        return any(
            next(self._chunk(marker, low - shift, high - shift), None) is not None
            for low, high, shift in self._stretches(start, stop)
        )

    def count(self, value: int, start: int, stop: int) -> int:
        """How many seqs in ``[start, stop)`` hold ``value``, counted in C.

        Why bytes: a one-byte column (the types) counts with ``bytes.count``,
        a memchr scan, about a gigabyte a second; a wider one with
        ``array.count``.
        """
        if not self.fits(value):
            return 0
        data = self.data
        if self.width == 1:
            pattern = self._pattern(value)
            view = memoryview(data)
            return sum(
                view[low - shift : high - shift].tobytes().count(pattern)
                for low, high, shift in self._stretches(start, stop)
            )
        return sum(
            data[low - shift : high - shift].count(value)
            for low, high, shift in self._stretches(start, stop)
        )

    def positions(
        self, value: int, start: int, stop: int, *, backward: bool = False
    ) -> Iterator[int]:
        """Every seq in ``[start, stop)`` holding ``value``: ascending, or
        descending when ``backward``."""
        if not self.fits(value):
            return
        pattern = self._pattern(value)
        stretches = list(self._stretches(start, stop))
        if backward:
            for low, high, shift in reversed(stretches):
                found = self._backward(pattern, low - shift, high - shift)
                yield from found if not shift else (at + shift for at in found)
        else:
            for low, high, shift in stretches:
                found = self._forward(pattern, low - shift, high - shift)
                yield from found if not shift else (at + shift for at in found)

    def _forward(self, pattern: bytes, start: int, stop: int) -> Iterator[int]:
        lo = start
        while lo < stop:
            hi = min(stop, lo + CHUNK)
            yield from self._chunk(pattern, lo, hi)
            lo = hi

    def _backward(self, pattern: bytes, start: int, stop: int) -> Iterator[int]:
        hi = stop
        while hi > start:
            lo = max(start, hi - CHUNK)
            yield from reversed(list(self._chunk(pattern, lo, hi)))
            hi = lo

    def _chunk(self, pattern: bytes, lo: int, hi: int) -> Iterator[int]:
        """Ascending seqs in ``[lo, hi)`` holding the value whose bytes are ``pattern``."""
        width = self.width
        raw = self.data[lo:hi].tobytes()
        pos = raw.find(pattern)
        while pos != -1:
            offset, rest = divmod(pos, width)
            if rest:  # a match straddling two values: look again from the next boundary
                pos = raw.find(pattern, (offset + 1) * width)
                continue
            yield lo + offset
            pos = raw.find(pattern, pos + width)
