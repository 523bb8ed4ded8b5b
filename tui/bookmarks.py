"""Bookmarks: seqs a person marked, to come back to them in order.

Kept sorted; cycling wraps around, so ``'`` pressed repeatedly visits every
bookmark and starts again from the first.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator


class Bookmarks:
    """A sorted set of seqs with wrap-around navigation."""

    def __init__(self) -> None:
        self._seqs: list[int] = []

    def __len__(self) -> int:
        return len(self._seqs)

    def __contains__(self, seq: object) -> bool:
        return seq in self._seqs

    def __iter__(self) -> Iterator[int]:
        return iter(self._seqs)

    def toggle(self, seq: int) -> bool:
        """Add ``seq`` (True) or remove it if it was there (False)."""
        index = bisect_left(self._seqs, seq)
        if index < len(self._seqs) and self._seqs[index] == seq:
            del self._seqs[index]
            return False
        insort(self._seqs, seq)
        return True

    def after(self, seq: int) -> int | None:
        """The first bookmark after ``seq``, wrapping to the first; None if there are none."""
        if not self._seqs:
            return None
        index = bisect_right(self._seqs, seq)
        return self._seqs[index % len(self._seqs)]

    def before(self, seq: int) -> int | None:
        """The last bookmark before ``seq``, wrapping to the last; None if there are none."""
        if not self._seqs:
            return None
        index = bisect_left(self._seqs, seq) - 1
        return self._seqs[index % len(self._seqs)]
