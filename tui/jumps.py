"""JumpHistory: where the person jumped from and to, to go back and forward like a browser.

Every jump (a causal link followed, a search hit, ``g``, a bookmark, the
scrubber, ``home``/``end``, the standstill) is recorded as the seq it left
and the seq it reached; plain steps are not jumps. ``back`` and
``forward`` walk the list the way a browser's buttons do: jumping
somewhere new after going back drops the entries ahead (the forward
part), and the list keeps the last :data:`LIMIT` entries, as vim's
jumplist keeps a hundred.

Why the entry being left is rewritten with the current seq: after a jump
the person may step on a few signals; going back and then forward again
returns to where they were, not to where the jump had landed.
"""

from __future__ import annotations

#: Entries kept; the oldest go first.
LIMIT = 100


class JumpHistory:
    """Seqs in the order they were reached, and where in them the person is."""

    def __init__(self, limit: int = LIMIT) -> None:
        if limit < 2:
            raise ValueError(f"a jump history keeps at least two entries, got {limit}")
        self.limit = limit
        self._seqs: list[int] = []
        #: The entry the person is at (or last left by stepping).
        self._at = -1

    def __len__(self) -> int:
        return len(self._seqs)

    @property
    def entries(self) -> tuple[int, ...]:
        """Every entry, oldest first."""
        return tuple(self._seqs)

    @property
    def position(self) -> int:
        """The index in :attr:`entries` of the entry the person is at (-1: none yet)."""
        return self._at

    def record(self, origin: int, target: int) -> None:
        """A jump from ``origin`` to ``target``: drop the forward part, keep both."""
        if origin == target:
            return
        seqs = self._seqs
        del seqs[self._at + 1 :]
        if seqs:
            seqs[-1] = origin
            if len(seqs) > 1 and seqs[-2] == origin:
                seqs.pop()  # stepped back to the entry before: keep it once
        else:
            seqs.append(origin)
        seqs.append(target)
        del seqs[: max(0, len(seqs) - self.limit)]
        self._at = len(seqs) - 1

    def back(self, current: int) -> int | None:
        """Where back leads from ``current`` (the seq the person is at), or None."""
        return self._move(current, -1)

    def forward(self, current: int) -> int | None:
        """Where forward leads from ``current``, or None."""
        return self._move(current, 1)

    def _move(self, current: int, direction: int) -> int | None:
        seqs = self._seqs
        while 0 <= self._at + direction < len(seqs):
            seqs[self._at] = current
            self._at += direction
            if seqs[self._at] != current:
                return seqs[self._at]
            # The entry is where the person already is: it would be no move.
            del seqs[self._at - direction if direction > 0 else self._at + 1]
            if direction > 0:
                self._at -= 1
        return None
