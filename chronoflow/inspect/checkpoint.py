"""Checkpoints: a fold state frozen at one seq, stored compactly, and the spill file.

The indexer freezes its state every K signals (:mod:`chronoflow.inspect.index`)
and a seek restores the nearest one. Freezing reads every record's fields
into one list and marshals it with the rest in one C call; restoring
unmarshals and builds the records back. Past a memory bound the bytes move
to an unnamed temporary file (:class:`SpillFile`).
"""

from __future__ import annotations

import marshal
import os
import pickle
import tempfile
import zlib
from typing import Any, Protocol

from chronoflow.inspect.state import FoldState, fields_of, records_of


class ByteStore(Protocol):
    """Where a checkpoint's bytes may live outside memory: a :class:`SpillFile`,
    or an index sidecar (:class:`~chronoflow.inspect.sidecar.StoredBytes`)."""

    def read(self, offset: int, length: int) -> bytes:
        """The ``length`` bytes kept at ``offset``."""
        ...


#: A frozen state: the pids in START order, their records' fields (see
#: :func:`~chronoflow.inspect.state.fields_of`), ``spawning``, ``outbox`` and
#: ``names``.
Frozen = tuple[tuple[int, ...], list[Any], dict[int, Any], dict[int, Any], dict[str, int]]


def freeze(state: FoldState) -> Frozen:
    """``state`` as plain containers, which marshal writes (see :class:`Checkpoint`).

    Shares the containers the records hold: the result is read at once.
    """
    procs = state.procs
    return tuple(procs), fields_of(procs.values()), state.spawning, state.outbox, state.names


def thaw(frozen: Frozen, seq: int, examines: bool) -> FoldState:
    """The state that :func:`freeze` froze (taking its containers as its own)."""
    pids, fields, spawning, outbox, names = frozen
    procs = dict(zip(pids, records_of(fields), strict=True))
    return FoldState(seq, procs, spawning, outbox, names, examines=examines)


class Checkpoint:
    """A :class:`FoldState` frozen at one seq, stored compactly.

    Why marshal: frozen (:func:`freeze`), the state holds only containers
    and the plain values a recording decodes to, which marshal writes and
    reads at C speed, keeping shared messages shared; zlib then shrinks it
    about fourfold. A value marshal cannot write (an ``Opaque`` stand-in
    from a recording, an object from an in-memory source) makes the
    checkpoint use pickle instead. Why
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
        self._spill: ByteStore | None = None
        self._where = (0, 0)
        frozen = freeze(state)
        try:
            raw = marshal.dumps(frozen)
        except ValueError:
            try:
                raw = pickle.dumps(frozen, protocol=5)
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

    @classmethod
    def stored(
        cls, seq: int, examines: bool, store: ByteStore, offset: int, length: int
    ) -> Checkpoint:
        """A checkpoint whose compressed marshal bytes are ``length`` bytes at
        ``offset`` of ``store`` (an index sidecar: see
        :class:`~chronoflow.inspect.sidecar.StoredBytes`), read when restored."""
        checkpoint = cls.__new__(cls)
        checkpoint.seq = seq
        checkpoint.examines = examines
        checkpoint._packed = None
        checkpoint._raw = None
        checkpoint._pickled = False
        checkpoint._copy = None
        checkpoint._spill = store
        checkpoint._where = (offset, length)
        checkpoint.size = length + 64
        return checkpoint

    def packed_bytes(self) -> bytes | None:
        """The compressed marshal bytes (read back if spilled), or None when
        the checkpoint is not held that way (pickled, a private copy, or not
        yet compressed)."""
        if self._pickled or self._copy is not None or self._raw is not None:
            return None
        if self._packed is not None:
            return self._packed
        assert self._spill is not None
        return self._spill.read(*self._where)

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
    def untrusted(self) -> bool:
        """True when the bytes live in a file this process did not write (an
        index sidecar): restoring may then fail on damage (ValueError and the
        errors of zlib and marshal), and a seek falls back to an earlier one."""
        return self._spill is not None and not isinstance(self._spill, SpillFile)

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
        frozen = pickle.loads(raw) if self._pickled else marshal.loads(raw)
        return thaw(frozen, self.seq, self.examines)


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
