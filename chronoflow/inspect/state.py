"""The fold's private, mutable state and its compact checkpoint form.

Why plain containers: indexing folds every signal of a recording, so one
signal must cost well under a microsecond. A process is a ``list`` indexed
by the constants below (cheaper than attribute access), an inbox is a
``dict`` from message id to ``(message, sender)`` (insertion order is
arrival order, and a receive by id is O(1)), and the whole state marshals
to bytes in one C call, which is how checkpoints are stored compactly.
Nothing outside :mod:`chronoflow.inspect` sees these lists: front ends get
the frozen values of :mod:`chronoflow.inspect.model`.
"""

from __future__ import annotations

import marshal
import zlib
from typing import Any

from chronoflow.inspect.model import Status

# -- the layout of one process record -----------------------------------------

PID = 0
TEMPLATE = 1
MODULE = 2
QUALNAME = 3
ARGS = 4
STARTED_AS = 5
TRANSITIONS = 6
PARENT = 7
CHILDREN = 8  # list[int], spawn order
STATUS = 9  # an index into STATUSES
INBOX = 10  # dict[message id, (message, sender pid | None)]
FLOOR = 11  # the SPAWN seq: an inbox entry with a smaller id was inherited then
WAIT = 12  # None | (mode value, match name | None, child | None, since seq)
USE = 13  # None | (use seq, fn name, args)
RESULT = 14
CRASH = 15  # None | (error, message, traceback, seq)
KILL_REASON = 16
STARTED = 17
ENDED = 18
RECORD_SIZE = 19

#: Status codes stored in ``record[STATUS]``, in :class:`Status` order.
STATUSES: tuple[Status, ...] = tuple(Status)
RUNNING, WAITING, USING, JOINING, STOPPED, CRASHED, KILLED = range(7)

Record = list[Any]
Inbox = dict[int, tuple[Any, "int | None"]]


class FoldState:
    """Every process at one seq, as mutable records (see the module docstring).

    ``spawning`` holds, between a SPAWN and its child's START, the inbox copy
    the child starts with and the SPAWN's seq.
    """

    __slots__ = ("procs", "seq", "spawning")

    def __init__(
        self,
        seq: int = -1,
        procs: dict[int, Record] | None = None,
        spawning: dict[int, tuple[Inbox, int]] | None = None,
    ) -> None:
        self.seq = seq
        self.procs: dict[int, Record] = {} if procs is None else procs
        self.spawning: dict[int, tuple[Inbox, int]] = {} if spawning is None else spawning

    def copy(self) -> FoldState:
        """An independent copy: records, children lists and inboxes are copied;
        messages and other values, which the fold never mutates, are shared."""
        procs = {}
        for pid, record in self.procs.items():
            clone = record.copy()
            clone[CHILDREN] = record[CHILDREN].copy()
            clone[INBOX] = record[INBOX].copy()
            procs[pid] = clone
        spawning = {pid: (inbox.copy(), seq) for pid, (inbox, seq) in self.spawning.items()}
        return FoldState(self.seq, procs, spawning)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FoldState):
            return NotImplemented
        return (
            self.seq == other.seq
            and self.procs == other.procs
            and list(self.procs) == list(other.procs)
            and all(list(a[INBOX]) == list(other.procs[p][INBOX]) for p, a in self.procs.items())
        )

    __hash__ = None  # type: ignore[assignment]


class Checkpoint:
    """A :class:`FoldState` frozen at one seq, stored as compressed marshal bytes.

    Why marshal: the state holds only containers and the plain values a
    recording decodes to, which marshal writes and reads at C speed, keeping
    shared messages shared. A value marshal cannot write (an object from an
    in-memory source) makes the checkpoint keep a private copy instead.
    """

    __slots__ = ("_copy", "_packed", "seq", "size")

    def __init__(self, state: FoldState) -> None:
        self.seq = state.seq
        self._packed: bytes | None = None
        self._copy: FoldState | None = None
        try:
            raw = marshal.dumps((state.procs, state.spawning))
        except ValueError:
            self._copy = state.copy()
            self.size = 200 * len(state.procs) + 64
        else:
            self._packed = zlib.compress(raw, 1)
            self.size = len(self._packed) + 64

    def restore(self) -> FoldState:
        """A fresh mutable state equal to the one this checkpoint froze."""
        if self._packed is not None:
            procs, spawning = marshal.loads(zlib.decompress(self._packed))
            return FoldState(self.seq, procs, spawning)
        assert self._copy is not None
        return self._copy.copy()
