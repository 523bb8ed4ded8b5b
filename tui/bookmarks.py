"""Bookmarks: seqs a person marked, to come back to them in order, and their names.

Kept sorted; cycling wraps around, so ``'`` pressed repeatedly visits every
bookmark and starts again from the first. A bookmark may have a name
(``N``), shown in its timeline row and in the status bar at its seq;
removing the bookmark forgets its name.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator

#: The longest name a bookmark may have (it shares a timeline row with the signal).
NAME_LIMIT = 40


def check_bookmark_name(text: str) -> str | None:
    """Why ``text`` cannot name a bookmark (None: it can; empty takes the name away)."""
    if len(text) > NAME_LIMIT:
        return f"a name of at most {NAME_LIMIT} characters, please ({len(text)} typed)"
    if not text.isprintable():
        return "a name of printable characters, please"
    return None


class Bookmarks:
    """A sorted set of seqs with wrap-around navigation."""

    def __init__(self) -> None:
        self._seqs: list[int] = []
        self._names: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._seqs)

    def __contains__(self, seq: object) -> bool:
        if not isinstance(seq, int):
            return False
        index = bisect_left(self._seqs, seq)
        return index < len(self._seqs) and self._seqs[index] == seq

    def __iter__(self) -> Iterator[int]:
        return iter(self._seqs)

    def toggle(self, seq: int) -> bool:
        """Add ``seq`` (True) or remove it if it was there (False)."""
        index = bisect_left(self._seqs, seq)
        if index < len(self._seqs) and self._seqs[index] == seq:
            del self._seqs[index]
            self._names.pop(seq, None)
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

    def name(self, seq: int) -> str | None:
        """The name of the bookmark at ``seq`` (None: unnamed, or no bookmark there)."""
        return self._names.get(seq)

    def set_name(self, seq: int, name: str) -> None:
        """Name the bookmark at ``seq``, bookmarking ``seq`` if it is not yet; an
        empty ``name`` leaves the bookmark unnamed."""
        if seq not in self:
            insort(self._seqs, seq)
        if name:
            self._names[seq] = name
        else:
            self._names.pop(seq, None)
