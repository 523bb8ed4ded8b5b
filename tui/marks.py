"""Marks: the two moments, A and B, the debugger compares (``m`` marks, ``c`` compares).

A plain object the debugger screen holds. ``m`` marks the current seq as
A, then as B; a third ``m`` starts again with a new A. Marking the seq
that is already A, while B is not set, takes the mark away. ``c``
compares A with B, or, with only A marked, A with the current seq.
"""

from __future__ import annotations


class Marks:
    """The seqs marked A and B (either may be unset)."""

    def __init__(self) -> None:
        self.a: int | None = None
        self.b: int | None = None

    def mark(self, seq: int) -> str:
        """Mark ``seq`` (see the module docstring); what happened, to tell the person."""
        if self.a is None or self.b is not None:
            self.a, self.b = seq, None
            return f"A = seq {seq:,}; m again marks B, c compares A with the current seq"
        if seq == self.a:
            self.a = None
            return f"mark A at seq {seq:,} taken away"
        self.b = seq
        return f"B = seq {seq:,}; c compares A with B"

    def pair(self, current: int) -> tuple[int, int] | None:
        """The two seqs ``c`` compares: A and B, A and ``current``, or None (no A)."""
        if self.a is None:
            return None
        return self.a, current if self.b is None else self.b

    def label(self) -> str | None:
        """``"A 12 · B 40"`` for the status bar, or None with no mark."""
        if self.a is None:
            return None
        return f"A {self.a:,}" if self.b is None else f"A {self.a:,} · B {self.b:,}"
