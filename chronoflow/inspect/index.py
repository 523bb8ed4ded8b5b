"""The index of one recording: checkpoints and per-signal columns, built in one pass.

The indexer folds every signal once, in order, on a private mutable state.
Every K signals (the *interval*) it freezes that state into a
:class:`~chronoflow.inspect.state.Checkpoint`; for every signal it appends
its pid, type and answered seq to :mod:`columns <chronoflow.inspect.columns>`.
A seek (:meth:`Index.seek`) restores the nearest checkpoint at or before the
seq and folds at most K - 1 signals from it: stepping backward is a seek,
not an undo stack.

Why memory stays bounded: checkpoints of a huge recording with a large
world could outgrow memory. Their compressed sizes are summed; past
``checkpoint_memory`` bytes, new checkpoints go to an unnamed temporary
file (:class:`~chronoflow.inspect.state.SpillFile`) that the page cache
serves. Only if that is impossible, or the file reaches its limit, does
the interval double and every other checkpoint get dropped, trading a
longer fold per seek for bounded memory.

Threads: one indexer thread appends; any thread reads. Readers only look
at seqs below :attr:`Index.indexed`, which the indexer raises after the
columns hold those seqs, so no lock is needed on the hot path; the
condition variable only wakes threads that wait for a seq.
"""

from __future__ import annotations

import contextlib
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import Any

from chronoflow.inspect.columns import Column
from chronoflow.inspect.fold import MALFORMED, TABLE
from chronoflow.inspect.state import Checkpoint, FoldState, Record, SpillFile
from chronoflow.signals import Signal, SignalType

#: Signals between checkpoints unless the caller asks otherwise.
DEFAULT_INTERVAL = 2048

#: Bytes of compressed checkpoints kept in memory; later ones go to a spill file.
DEFAULT_CHECKPOINT_MEMORY = 32 * 1024 * 1024

#: Bytes of checkpoints the spill file may hold before the interval doubles.
DEFAULT_SPILL_LIMIT = 2 * 1024 * 1024 * 1024

#: Warnings kept about malformed signals (more are counted, not kept).
MAX_WARNINGS = 100

NO_REF = 0xFFFFFFFF
NO_TYPE = 255
#: "No pid" in the pid column: the column's ``missing`` value. Pids start in
#: two bytes (``NARROW_NO_PID``) and the column widens to four if needed.
NARROW_NO_PID = 0xFFFF
NO_PID = 0xFFFFFFFF


class Index:
    """Checkpoints and columns for the seqs ``0 .. indexed - 1`` of one source."""

    def __init__(
        self,
        interval: int = DEFAULT_INTERVAL,
        checkpoint_memory: int = DEFAULT_CHECKPOINT_MEMORY,
        spill_limit: int = DEFAULT_SPILL_LIMIT,
    ) -> None:
        if interval < 1:
            raise ValueError(f"the checkpoint interval must be at least 1, got {interval}")
        self.interval = interval
        self.checkpoint_memory = checkpoint_memory
        self.pids = Column("H", NARROW_NO_PID)
        self.types = Column("B", NO_TYPE)
        self.refs = Column("I", NO_REF)
        #: Checkpoints in seq order; the first is the empty world (seq -1).
        #: Replaced, never edited in place, when thinned.
        self.checkpoints: list[Checkpoint] = [Checkpoint(FoldState())]
        #: Bytes of checkpoints held in memory (spilled ones and the tiny empty
        #: world are not counted).
        self.checkpoint_bytes = 0
        self.spill = SpillFile(spill_limit)
        #: Seqs ``0 .. indexed - 1`` are in the columns and covered by checkpoints.
        self.indexed = 0
        self.warnings: list[str] = []
        self.malformed = 0
        self.changed = threading.Condition()
        self._state = FoldState()

    # -- building (the indexer thread) ------------------------------------------

    def extend(
        self,
        batches: Iterable[Iterable[Signal]],
        should_stop: Callable[[], bool],
        published: Callable[[], None],
    ) -> bool:
        """Fold the signals of ``batches`` from seq :attr:`indexed` on into the index.

        A batch is a run of signals the source decodes together (a chunk of
        the file). A checkpoint is taken at the end of a batch once half an
        interval has passed since the last one, and inside a batch when a
        whole interval has: so a seek usually decodes one batch, and never
        folds more than ``interval - 1`` signals. Signals before
        :attr:`indexed` are skipped (a batch may begin earlier). Checks
        ``should_stop`` and calls ``published`` after each checkpoint.
        Returns False if it stopped early at a gap in the seqs (with a warning).
        """
        state = self._state
        table = TABLE
        pids = self.pids.data.append
        types = self.types.data.append
        refs = self.refs.data.append
        expected = self.indexed
        last = self.checkpoints[-1].seq
        limit = last + self.interval
        for batch in batches:
            for signal in batch:
                seq, pid, kind, data, _ts = signal
                if seq != expected:
                    if seq < expected:
                        continue
                    self._warn(f"seq {expected}: found seq {seq} next; indexing stops here")
                    self._finish_batch(state, expected, published)
                    return False
                try:
                    ref = table[kind](state, seq, pid, data)
                except MALFORMED as error:
                    ref = None
                    self._malformed(seq, kind, error)
                try:
                    pids(pid)
                    types(kind)
                    refs(NO_REF if ref is None else ref)
                except (OverflowError, TypeError):
                    self._append_odd(seq, pid, kind, ref)
                    pids = self.pids.data.append  # the column may have widened
                expected = seq + 1
                if seq == limit:
                    last = self._checkpoint(state, seq)
                    limit = last + self.interval
                    self._publish(expected)
                    published()
            if expected - 1 - last >= self.interval // 2:
                last = self._checkpoint(state, expected - 1)
                limit = last + self.interval
            self._publish(expected)
            published()
            if should_stop():
                break
        self._finish_batch(state, expected, published)
        return True

    def _finish_batch(self, state: FoldState, expected: int, published: Callable[[], None]) -> None:
        state.seq = expected - 1
        self._publish(expected)
        published()

    def _append_odd(self, seq: int, pid: Any, kind: Any, ref: int | None) -> None:
        """Store a signal whose pid, type or answered seq does not fit a column."""
        for column in (self.pids, self.types, self.refs):
            del column.data[seq:]
        pids = self.pids
        if isinstance(pid, int) and pids.width == 2 and 0 <= pid < NO_PID:
            pids.widen("I", NO_PID)
        pids.data.append(pid if isinstance(pid, int) and pids.fits(pid) else pids.missing)
        ok_kind = isinstance(kind, int) and self.types.fits(kind)
        self.types.data.append(kind if ok_kind else NO_TYPE)
        ok_ref = isinstance(ref, int) and self.refs.fits(ref)
        self.refs.data.append(ref if ok_ref and ref is not None else NO_REF)

    def _malformed(self, seq: int, kind: Any, error: BaseException) -> None:
        self.malformed += 1
        try:
            name = SignalType(kind).name
        except ValueError:
            name = f"type {kind!r}"
        self._warn(f"seq {seq}: malformed {name} signal skipped ({type(error).__name__}: {error})")

    def _warn(self, text: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(text)

    def _checkpoint(self, state: FoldState, seq: int) -> int:
        """Freeze ``state`` after ``seq``; returns the seq of the last checkpoint kept."""
        state.seq = seq
        checkpoint = Checkpoint(state)
        over = self.checkpoint_bytes + checkpoint.size > self.checkpoint_memory
        if over and checkpoint.spillable:
            # Why suppress: without a spill file the thinning below bounds memory.
            with contextlib.suppress(OSError):
                checkpoint.spill(self.spill)
        self.checkpoints.append(checkpoint)
        self.checkpoint_bytes += 0 if checkpoint.spilled else checkpoint.size
        while self.checkpoint_bytes > self.checkpoint_memory and len(self.checkpoints) > 2:
            self._thin()
        return self.checkpoints[-1].seq

    def _thin(self) -> None:
        """Double the interval and drop every other checkpoint (never the empty world).

        Gaps between checkpoints were at most one interval, so the gaps left
        are at most the doubled one.
        """
        self.interval *= 2
        kept = self.checkpoints[::2]
        self.checkpoints = kept
        self.checkpoint_bytes = sum(cp.size for cp in kept[1:] if not cp.spilled)

    def _publish(self, indexed: int) -> None:
        with self.changed:
            self.indexed = indexed
            self.changed.notify_all()

    def close(self) -> None:
        """Free the spill file (after the indexer has stopped)."""
        self.spill.close()

    # -- reading (any thread) -----------------------------------------------------

    def checkpoint_before(self, seq: int) -> Checkpoint:
        """The last checkpoint at or before ``seq`` (the empty world for -1)."""
        checkpoints = self.checkpoints
        return checkpoints[bisect_right(checkpoints, seq, key=_seq_of) - 1]

    def seek(self, seq: int, signals: Callable[[int, int], Iterable[Signal]]) -> FoldState:
        """A fresh state at ``seq``: the nearest checkpoint plus a short fold.

        ``signals(start, stop)`` reads the signals to fold from the source.
        """
        checkpoint = self.checkpoint_before(seq)
        state = checkpoint.restore()
        if seq > checkpoint.seq:
            fold_range(state, signals(checkpoint.seq + 1, seq + 1))
        state.seq = seq
        return state

    @property
    def process_count(self) -> int:
        """How many processes the indexer has met so far."""
        return len(self._state.procs)

    def live_record(self, pid: int) -> Record | None:
        """The indexer's current record of ``pid`` (read-only; it keeps changing
        until indexing is done). Used for names, which rarely change."""
        return self._state.procs.get(pid)

    def answered(self, seq: int) -> int | None:
        """The seq that signal ``seq`` answers (see :mod:`chronoflow.inspect.fold`)."""
        if seq >= self.indexed:
            return None
        ref = self.refs[seq]
        return None if ref == NO_REF else ref


def fold_range(state: FoldState, signals: Iterable[Signal]) -> None:
    """Fold ``signals`` into ``state`` in place, skipping malformed ones."""
    table = TABLE
    for signal in signals:
        seq, pid, kind, data, _ts = signal
        # Why not contextlib.suppress: entering a context manager per signal
        # costs more than the fold itself; try is free until something raises.
        try:  # noqa: SIM105
            table[kind](state, seq, pid, data)
        except MALFORMED:
            pass
        state.seq = seq


def _seq_of(checkpoint: Checkpoint) -> int:
    return checkpoint.seq
