"""Errors of the debugger engine, all :class:`~chronoflow.errors.ChronoflowError`."""

from __future__ import annotations

from chronoflow.errors import ChronoflowError


class SeqOutOfRangeError(ChronoflowError, IndexError):
    """A seq outside the recording (or a message id that names no message)."""

    def __init__(self, seq: int, length: int, what: str = "seq") -> None:
        self.seq = seq
        self.length = length
        if length == 0:
            text = f"{what} {seq} is out of range: the recording has no signals"
        else:
            text = f"{what} {seq} is out of range: the recording has seqs 0–{length - 1:,}"
        super().__init__(text)


class MissingSeqError(SeqOutOfRangeError):
    """A seq inside the recording's range that has no signal: a salvaged copy
    lacks it. ``gap`` is the stretch of missing seqs holding it, ``(first,
    last)``, or None when the index has not reached it yet.

    A :class:`SeqOutOfRangeError` too, so code that handles a seq without a
    signal handles both.
    """

    def __init__(self, seq: int, gap: tuple[int, int] | None, length: int) -> None:
        self.seq = seq
        self.gap = gap
        self.length = length
        if gap is None:
            where = "the recording lacks it"
        elif gap[0] == gap[1]:
            where = f"the recording lacks seq {gap[0]}"
        else:
            where = f"the recording lacks seqs {gap[0]}–{gap[1]}"
        ChronoflowError.__init__(self, f"seq {seq} has no signal: {where}")


class QueryError(ChronoflowError, ValueError):
    """A search query that cannot be parsed; the message says which term and why."""


class NotAMessageError(ChronoflowError, LookupError):
    """A message id that is not the seq of a SEND or DELIVER."""

    def __init__(self, seq: int, kind: str) -> None:
        self.seq = seq
        super().__init__(
            f"no message has id {seq}: seq {seq} is a {kind}, not a SEND or DELIVER "
            "(a message's id is the seq of the signal that created it)"
        )
