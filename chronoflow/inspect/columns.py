"""Compact per-signal columns, searchable at C speed.

The index keeps three facts of every signal in flat arrays (``pid``, type,
and the seq it answers), a few bytes per signal instead of a Python object.
:meth:`Column.positions` finds every seq where a column holds a value by
searching the array's bytes with ``bytes.find``/``rfind`` in chunks, so
"the next signal of pid 7" skips millions of signals in milliseconds.

Why copies and not memoryviews: the indexer thread appends to these arrays
while other threads search them, and an array with an exported buffer
cannot grow. Slicing copies under the GIL, which is both safe and cheap.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

#: Seqs scanned per chunk (a chunk of a 4-byte column is 256 KiB).
CHUNK = 1 << 16


class Column:
    """One value per signal, in seq order, in an ``array`` of ``typecode``."""

    __slots__ = ("_pattern_cache", "data", "missing", "width")

    def __init__(self, typecode: str, missing: int) -> None:
        """``missing`` is stored for a value that does not fit (or is absent)."""
        self.data = array(typecode)
        self.width = self.data.itemsize
        self.missing = missing
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

    def __getitem__(self, seq: int) -> int:
        return self.data[seq]

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
        """True if some seq in ``[start, stop)`` holds the ``missing`` marker."""
        marker = array(self.data.typecode, [self.missing]).tobytes()
        return next(self._chunk(marker, max(start, 0), min(stop, len(self.data))), None) is not None

    def positions(
        self, value: int, start: int, stop: int, *, backward: bool = False
    ) -> Iterator[int]:
        """Every seq in ``[start, stop)`` holding ``value``: ascending, or
        descending when ``backward``."""
        stop = min(stop, len(self.data))
        start = max(start, 0)
        if start >= stop or not self.fits(value):
            return
        if backward:
            yield from self._backward(self._pattern(value), start, stop)
        else:
            yield from self._forward(self._pattern(value), start, stop)

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
