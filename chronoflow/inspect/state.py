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
import os
import pickle
import tempfile
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
WAIT = 12  # None | (mode value, match name | None, child | None, since seq, timeout)
USE = 13  # None | (use seq, fn name, args)
RESULT = 14
CRASH = 15  # None | (error, message, traceback, seq)
KILL_REASON = 16  # the KILL's reason as recorded (any value)
STARTED = 17
ENDED = 18
LINKS = 19  # None | list[int], in the order the links were made
MONITORS = 20  # None | dict[ref, watched pid]: monitors this process holds
WATCHERS = 21  # None | dict[ref, watcher pid]: monitors on this process
TRAP = 22  # bool: exit signals become messages
KILLED_BY = 23  # pid | None: who ended it from outside
INHERITS = 24  # bool: False for a child spawned with inherit=False
RESTARTS = 25  # int: how many children this process (a supervisor) restarted
#: None | the id of the message its blocked receive matched (status READY), or
#: ``(id, error type name)`` when the receive's pattern raised on that message.
MATCHED = 26
TEMPLATE_SINCE = 27  # the seq of its START or last TRANSITION
RECORD_SIZE = 28

#: Status codes stored in ``record[STATUS]``, in :class:`Status` order.
STATUSES: tuple[Status, ...] = tuple(Status)
RUNNING, READY, WAITING, USING, JOINING, SLEEPING, STOPPED, CRASHED, KILLED = range(9)


def status_code(record: list[Any]) -> int:
    """The status of ``record``, with a process blocked in a plain receive
    whose inbox holds a message counted as READY.

    Why not stored: a plain receive blocks only on an empty inbox, so any
    message there is the one it takes next; deriving it keeps the fold from
    testing the receiver of every SEND.
    """
    status: int = record[STATUS]
    if status == WAITING and record[INBOX] and record[WAIT] is not None and record[WAIT][1] is None:
        return READY
    return status


def matched_of(record: list[Any]) -> Any:
    """What ``record``'s ready receive matched (``MATCHED`` counts only while
    READY; a ready plain receive takes its first message), or None."""
    status = record[STATUS]
    if status == READY:
        return record[MATCHED]
    if status_code(record) == READY:
        return next(iter(record[INBOX]))
    return None


Record = list[Any]
Inbox = dict[int, tuple[Any, "int | None"]]
#: Messages that reached no inbox: message id -> (message, sender pid, routed pid).
Outbox = dict[int, tuple[Any, int, Any]]


class FoldState:
    """Every process at one seq, as mutable records (see the module docstring).

    ``spawning`` holds, between a SPAWN and its child's START, the inbox copy
    the child starts with, the SPAWN's seq and whether the child inherits.
    ``outbox`` holds the messages sent to no inbox (the scheduler's outbox).
    ``examines`` says whether the runtime that recorded examined a message
    as it arrived at a process blocked in a selective receive (recordings
    of format 1.1 and later, and every in-memory source): then every
    message in the inbox of a blocked receive has been looked at.
    """

    __slots__ = ("examines", "outbox", "procs", "seq", "spawning")

    def __init__(
        self,
        seq: int = -1,
        procs: dict[int, Record] | None = None,
        spawning: dict[int, tuple[Inbox, int, bool]] | None = None,
        outbox: Outbox | None = None,
        *,
        examines: bool = True,
    ) -> None:
        self.seq = seq
        self.procs: dict[int, Record] = {} if procs is None else procs
        self.spawning: dict[int, tuple[Inbox, int, bool]] = {} if spawning is None else spawning
        self.outbox: Outbox = {} if outbox is None else outbox
        self.examines = examines

    def copy(self) -> FoldState:
        """An independent copy: records and the containers in them are copied;
        messages and other values, which the fold never mutates, are shared."""
        procs = {}
        for pid, record in self.procs.items():
            clone = record.copy()
            clone[CHILDREN] = record[CHILDREN].copy()
            clone[INBOX] = record[INBOX].copy()
            for field in (LINKS, MONITORS, WATCHERS):  # None (the usual) for none
                if record[field] is not None:
                    clone[field] = record[field].copy()
            procs[pid] = clone
        spawning = {
            pid: (inbox.copy(), seq, inherits)
            for pid, (inbox, seq, inherits) in self.spawning.items()
        }
        return FoldState(self.seq, procs, spawning, self.outbox.copy(), examines=self.examines)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FoldState):
            return NotImplemented
        return (
            self.seq == other.seq
            and self.procs == other.procs
            and list(self.procs) == list(other.procs)
            and all(list(a[INBOX]) == list(other.procs[p][INBOX]) for p, a in self.procs.items())
            and self.outbox == other.outbox
        )

    __hash__ = None  # type: ignore[assignment]


class Checkpoint:
    """A :class:`FoldState` frozen at one seq, stored compactly.

    Why marshal: the state holds only containers and the plain values a
    recording decodes to, which marshal writes and reads at C speed, keeping
    shared messages shared; zlib then shrinks it about fourfold. A value
    marshal cannot write (an ``Opaque`` stand-in from a recording, an object
    from an in-memory source) makes the checkpoint use pickle instead. Why
    pickle is safe here: these bytes are made and read by this process from
    its own objects; nothing read from a file is ever unpickled. A state
    pickle cannot write either is kept as a private copy.

    The bytes may move to a :class:`SpillFile` to keep memory bounded.

    With ``defer`` the bytes stay uncompressed until :meth:`compress`, which
    the indexer runs on another thread: zlib lets go of the GIL while it
    works, so on a second core it costs the fold nothing. Until then a
    restore reads the uncompressed bytes.
    """

    __slots__ = (
        "_copy",
        "_packed",
        "_pickled",
        "_raw",
        "_spill",
        "_where",
        "examines",
        "seq",
        "size",
    )

    def __init__(self, state: FoldState, *, defer: bool = False) -> None:
        self.seq = state.seq
        self.examines = state.examines
        self._packed: bytes | None = None
        self._raw: bytes | None = None
        self._pickled = False
        self._copy: FoldState | None = None
        self._spill: SpillFile | None = None
        self._where = (0, 0)
        try:
            raw = marshal.dumps((state.procs, state.spawning, state.outbox))
        except ValueError:
            try:
                raw = pickle.dumps((state.procs, state.spawning, state.outbox), protocol=5)
            except Exception:  # an object pickle cannot write either
                self._copy = state.copy()
                self.size = 200 * len(state.procs) + 64
                return
            self._pickled = True
        if defer:
            self._raw = raw
            self.size = len(raw) + 64
        else:
            self._packed = zlib.compress(raw, 1)
            self.size = len(self._packed) + 64

    @property
    def pending(self) -> bool:
        """True while the bytes wait for :meth:`compress`."""
        return self._raw is not None

    def compress(self) -> None:
        """Compress bytes frozen with ``defer`` (from any thread, once)."""
        raw = self._raw
        if raw is not None:
            packed = zlib.compress(raw, 1)
            self.size = len(packed) + 64
            # Why this order: a restore in another thread that finds no raw
            # bytes must find the packed ones.
            self._packed = packed
            self._raw = None

    @property
    def spilled(self) -> bool:
        """True when the bytes live in a spill file."""
        return self._spill is not None

    @property
    def spillable(self) -> bool:
        """True when the checkpoint is bytes held in memory."""
        return self._packed is not None

    def spill(self, spill: SpillFile) -> None:
        """Move the bytes to ``spill`` (which raises OSError if it cannot take them)."""
        assert self._packed is not None
        self._where = spill.write(self._packed)
        self._spill = spill
        self._packed = None

    def restore(self) -> FoldState:
        """A fresh mutable state equal to the one this checkpoint froze."""
        raw = self._raw
        if raw is None:
            packed = self._packed
            if packed is None and self._spill is not None:
                packed = self._spill.read(*self._where)
            if packed is None:
                assert self._copy is not None
                return self._copy.copy()
            raw = zlib.decompress(packed)
        procs, spawning, outbox = pickle.loads(raw) if self._pickled else marshal.loads(raw)
        return FoldState(self.seq, procs, spawning, outbox, examines=self.examines)


class SpillFile:
    """An unnamed temporary file holding checkpoint bytes that memory should not.

    Why: on a huge recording the checkpoints a fast seek needs outgrow the
    memory budget; the operating system's page cache keeps them close at
    hand without counting against the process. ``pread``/``pwrite`` keep
    reads from any thread independent of the one writer.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._file: Any = None

    def write(self, data: bytes) -> tuple[int, int]:
        """Append ``data``; its ``(offset, length)``. OSError when full or unavailable."""
        if self.size + len(data) > self.limit:
            raise OSError(f"the checkpoint spill file reached its limit of {self.limit} bytes")
        if self._file is None:
            # Closed by close(); a context manager cannot span the index's life.
            self._file = tempfile.TemporaryFile(prefix="chronoflow-checkpoints-")  # noqa: SIM115
        offset = self.size
        written = os.pwrite(self._file.fileno(), data, offset)
        if written != len(data):
            raise OSError("short write to the checkpoint spill file")
        self.size += written
        return offset, written

    def read(self, offset: int, length: int) -> bytes:
        """The ``length`` bytes written at ``offset``."""
        return os.pread(self._file.fileno(), length, offset)

    def close(self) -> None:
        """Delete the file (it has no name; closing frees it)."""
        if self._file is not None:
            self._file.close()
