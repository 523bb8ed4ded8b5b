"""The index of one recording: checkpoints and per-signal columns, built in one pass.

The indexer folds every signal once, in order, on a private mutable state,
reading the source as runs of columns (:class:`~chronoflow.inspect.source.Run`:
a recording's chunks, decoded without building a ``Signal`` per signal).
Every K signals (the *interval*) it freezes that state into a
:class:`~chronoflow.inspect.checkpoint.Checkpoint`; for every signal it appends
its pid, type and answered seq to :mod:`columns <chronoflow.inspect.columns>`.
A seek (:meth:`Index.seek`) restores the nearest checkpoint at or before the
seq and folds at most K - 1 signals from it: stepping backward is a seek,
not an undo stack.

Why memory stays bounded: checkpoints of a huge recording with a large
world could outgrow memory. Their compressed sizes are summed; past
``checkpoint_memory`` bytes, new checkpoints go to an unnamed temporary
file (:class:`~chronoflow.inspect.checkpoint.SpillFile`) that the page cache
serves. Only if that is impossible, or the file reaches its limit, does
the interval double and every other checkpoint get dropped, trading a
longer fold per seek for bounded memory.

Gaps: a salvaged copy may lack some seqs. The indexer notes each gap in
:class:`~chronoflow.inspect.gaps.Gaps` and folds on from the next signal
(the world simply continues: nothing happens at a missing seq); the
columns hold an entry per signal that exists, and checkpoints are spaced
by signals folded, not by seqs, so a seek still folds at most K - 1.

Threads: one indexer thread appends; any thread reads. Readers only look
at seqs below :attr:`Index.indexed`, which the indexer raises after the
columns hold those seqs, so no lock is needed on the hot path; the
condition variable only wakes threads that wait for a seq. A packer thread
compresses each checkpoint while the indexer folds on (zlib releases the
interpreter lock); the indexer counts a checkpoint's bytes once its
compression is done, so only the indexer ever spills or thins.
"""

from __future__ import annotations

import contextlib
import threading
import time
import zlib
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from chronoflow.inspect.checkpoint import Checkpoint, SpillFile
from chronoflow.inspect.columns import Column
from chronoflow.inspect.fold import MALFORMED, TABLE, fold_runs
from chronoflow.inspect.gaps import Gaps
from chronoflow.inspect.history import ProcessHistory
from chronoflow.inspect.sidecar import Loaded, StoredBytes
from chronoflow.inspect.source import Run
from chronoflow.inspect.state import FoldState, ProcessRecord
from chronoflow.inspect.summary import short, type_name
from chronoflow.recording.collector import collector_paused
from chronoflow.signals import SignalType

#: Signals between checkpoints unless the caller asks otherwise.
DEFAULT_INTERVAL = 6144

#: Bytes of compressed checkpoints kept in memory; later ones go to a spill file.
DEFAULT_CHECKPOINT_MEMORY = 32 * 1024 * 1024

#: Bytes of checkpoints the spill file may hold before the interval doubles.
DEFAULT_SPILL_LIMIT = 2 * 1024 * 1024 * 1024

#: Checkpoints, and bytes of them, that may wait for compression before the
#: indexer waits for the packer thread.
MAX_PENDING = 16
MAX_PENDING_BYTES = 8 * 1024 * 1024

#: Warnings kept about malformed signals (more are counted, not kept).
MAX_WARNINGS = 100
#: Characters of one warning kept (an error's text may quote a whole value).
WARNING_LIMIT = 300
#: The last type number this program knows; higher ones are newer types.
LAST_KNOWN_TYPE = max(SignalType)

NO_REF = 0xFFFFFFFF
_NO_REF = array("I", [NO_REF])
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
        *,
        examines: bool = True,
    ) -> None:
        """``examines``: see :class:`~chronoflow.inspect.state.FoldState`."""
        if interval < 1:
            raise ValueError(f"the checkpoint interval must be at least 1, got {interval}")
        self.interval = interval
        #: The interval asked for (``interval`` doubles when checkpoints are thinned).
        self.requested_interval = interval
        self.examines = examines
        self.checkpoint_memory = checkpoint_memory
        #: The seqs missing from the recording, met so far (see the module docstring).
        self.gaps = Gaps()
        self.pids = Column("H", NARROW_NO_PID, self.gaps)
        self.types = Column("B", NO_TYPE, self.gaps)
        self.refs = Column("I", NO_REF, self.gaps)
        #: Type numbers newer than this program met so far (their signals fold nothing).
        self.newer_types: set[int] = set()
        #: Checkpoints in seq order; the first is the empty world (seq -1).
        #: Replaced, never edited in place, when thinned.
        self.checkpoints: list[Checkpoint] = [Checkpoint(FoldState(examines=examines))]
        #: Bytes of checkpoints held in memory (spilled ones and the tiny empty
        #: world are not counted).
        self.checkpoint_bytes = 0
        self.spill = SpillFile(spill_limit)
        #: Seqs ``0 .. indexed - 1`` are in the columns and covered by checkpoints.
        self.indexed = 0
        self.warnings: list[str] = []
        #: Per pid, the seqs at which its template and its registered name changed.
        self.history = ProcessHistory()
        self.malformed = 0
        #: Signals folded since the last checkpoint.
        self._folded = 0
        self.changed = threading.Condition()
        self._state = FoldState(examines=examines)
        self._state.journal = []
        self._packer: ThreadPoolExecutor | None = None
        #: Checkpoints handed to the packer thread and not yet settled, oldest first.
        self._pending: deque[tuple[Checkpoint, Future[None]]] = deque()
        self._pending_bytes = 0
        #: True when the index was read back from its sidecar (see :meth:`adopt`).
        self.loaded = False
        self._stored: StoredBytes | None = None

    # -- building (the indexer thread) ------------------------------------------

    def extend(
        self,
        runs: Iterable[Run],
        should_stop: Callable[[], bool],
        published: Callable[[], None],
    ) -> bool:
        """Fold the signals of ``runs`` from seq :attr:`indexed` on into the index.

        A run is a stretch of consecutive signals the source decodes together
        (a chunk of the file), as columns. A checkpoint is taken at the end of
        a run once half an interval has passed since the last one, and inside
        a run when a whole interval has: so a seek usually decodes one chunk,
        and never folds more than ``interval - 1`` signals. Signals before
        :attr:`indexed` are skipped (a run may begin earlier); a run that
        begins later leaves a gap (:attr:`gaps`). Checks ``should_stop``
        and calls ``published`` after each run. Returns True.
        """
        state = self._state
        found = iter(runs)
        while True:
            # Why the collector is paused: a run's decoded chunk is thousands
            # of containers that form no cycles and die when it is folded.
            # Paused from before its decode until it is freed, the collector
            # never walks it; between runs it runs as usual.
            with collector_paused():
                run = next(found, None)
                if run is None:
                    break
                self._take(state, run, published)
                del run  # why: so the next decode happens with this one freed
            if self._pending and not self._pending[-1][1].done():
                # Why: the packer needs the interpreter lock to take a
                # checkpoint and to hand it back; a folding thread lets go of
                # it only every few milliseconds unless it offers it.
                time.sleep(0)
            if should_stop():
                break
        self._finish_batch(state, self.indexed, published)
        return True

    def _take(self, state: FoldState, run: Run, published: Callable[[], None]) -> None:
        """Fold one run from seq :attr:`indexed` on, with its checkpoints; a run
        that begins past :attr:`indexed` leaves a gap."""
        expected = self.indexed
        first, pids, types, datas = run.first, run.pids, run.types, run.datas
        if first != expected:
            if first > expected:
                # Why before the columns grow: a reader of a seq past the gap
                # must find the gap (see chronoflow.inspect.gaps).
                self.gaps.add(expected, first - 1)
            else:
                skip = expected - first
                if skip >= len(pids):
                    return
                first, pids, types, datas = expected, pids[skip:], types[skip:], datas[skip:]
        while True:
            # Why cut: a checkpoint is due once ``due`` signals are folded.
            due = self.due()
            take = due - self._folded
            if take >= len(pids):
                self._fold(state, first, pids, types, datas)
                self._folded += len(pids)
                expected = first + len(pids)
                break
            self._fold(state, first, pids[:take], types[:take], datas[:take])
            first += take
            pids, types, datas = pids[take:], types[take:], datas[take:]
            self._checkpoint(state, first - 1)
            self._publish(first)
            published()
        if self._folded >= self.due() // 2:
            self._checkpoint(state, expected - 1)
        self._publish(expected)
        published()

    def due(self) -> int:
        """Signals folded between two checkpoints: the interval, or the number
        of processes if that is larger.

        Why: freezing a checkpoint costs a little per process, however few
        of them the signals since the last one touched. Spaced by at least
        as many signals as there are processes, checkpoints cost at most
        about one record frozen per signal folded (a world of 100,000
        processes no longer spends most of its indexing on checkpoints);
        a seek then folds at most that many signals.
        """
        return max(self.interval, len(self._state.procs))

    def _fold(
        self,
        state: FoldState,
        first: int,
        pids: Sequence[Any],
        types: Sequence[Any],
        datas: Sequence[Any],
    ) -> None:
        """Fold consecutive signals from seq ``first`` and append their columns.

        Why by columns: per signal this is one handler call and, for the few
        signals that answer another, one store; pids and types are appended
        in bulk.
        """
        count = len(pids)
        refs = self.refs.data
        # Why a shift: past a gap, a signal's column position is below its seq.
        shift = first - len(refs)
        refs.extend(_NO_REF * count)
        table = TABLE
        for seq, pid, kind, data in zip(
            range(first, first + count), pids, types, datas, strict=True
        ):
            try:
                ref = table[kind](state, seq, pid, data)
            except MALFORMED as error:
                self._malformed(seq, kind, error)
                continue
            if ref is not None:
                # Why not contextlib.suppress: see fold.fold_runs. An answered seq
                # that does not fit the column stays NO_REF.
                try:  # noqa: SIM105
                    refs[seq - shift] = ref
                except (OverflowError, TypeError):
                    pass
        self._append_pids(pids)
        self._append_types(types)
        self.history.note_templates(first, pids, types, datas)
        journal = state.journal
        if journal:
            self.history.note_names(journal)

    def _finish_batch(self, state: FoldState, expected: int, published: Callable[[], None]) -> None:
        self._settle(wait=True)
        state.seq = expected - 1
        self._publish(expected)
        published()

    def _append_pids(self, pids: Sequence[Any]) -> None:
        column = self.pids
        data = column.data
        size = len(data)
        try:
            # Why fromlist: twice as quick as extend() from a tuple (a raw chunk's).
            data.fromlist(pids if type(pids) is list else list(pids))
        except (OverflowError, TypeError):
            del data[size:]
            for pid in pids:
                ok = isinstance(pid, int)
                if ok and column.width == 2 and 0 <= pid < NO_PID and not column.fits(pid):
                    column.widen("I", NO_PID)  # replaces column.data
                column.data.append(pid if ok and column.fits(pid) else column.missing)

    def _append_types(self, types: Sequence[Any]) -> None:
        column = self.types
        data = column.data
        size = len(data)
        try:
            if type(types) is bytes:
                data.frombytes(types)
            else:
                data.extend(types)
        except (OverflowError, TypeError):
            del data[size:]
            for kind in types:
                data.append(kind if isinstance(kind, int) and column.fits(kind) else NO_TYPE)
        # Why max first: one C pass over the run; types newer than this
        # program are rare, and only then is the run looked at type by type.
        newest = max(types) if type(types) is bytes and types else None
        if newest is None and len(data) > size:
            newest = max(data[size:])
        if newest is not None and newest > LAST_KNOWN_TYPE:
            self.newer_types.update(
                kind for kind in data[size:] if LAST_KNOWN_TYPE < kind < NO_TYPE
            )

    def _malformed(self, seq: int, kind: Any, error: BaseException) -> None:
        self.malformed += 1
        name = type_name(kind) if isinstance(kind, int) else f"type {short(kind)}"
        self._warn(f"seq {seq}: malformed {name} signal skipped ({type(error).__name__}: {error})")

    def _warn(self, text: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            if len(text) > WARNING_LIMIT:
                text = text[: WARNING_LIMIT - 3] + "..."
            self.warnings.append(text)

    def _checkpoint(self, state: FoldState, seq: int) -> int:
        """Freeze ``state`` after ``seq``; returns the seq of the last checkpoint kept.

        The new checkpoint is compressed on the packer thread while the fold
        goes on. Checkpoints whose compression is done are settled first
        (see :meth:`_settle`); the indexer waits for the packer only when
        :data:`MAX_PENDING` checkpoints or :data:`MAX_PENDING_BYTES` wait.
        Why not wait for each: the packer needs the interpreter lock to
        start and to finish, which the folding indexer hands over only
        every few milliseconds.
        """
        self._settle(wait=False)
        state.seq = seq
        self._folded = 0
        checkpoint = Checkpoint(state, defer=True)
        self.checkpoints.append(checkpoint)
        if checkpoint.pending:
            if self._packer is None:
                self._packer = ThreadPoolExecutor(1, thread_name_prefix="chronoflow-checkpoints")
            self._pending.append((checkpoint, self._packer.submit(checkpoint.compress)))
            self._pending_bytes += checkpoint.size
        return self.checkpoints[-1].seq

    def _settle(self, *, wait: bool) -> None:
        """Count the bytes of compressed checkpoints, oldest first: spill them
        past the memory bound, or thin the checkpoints.

        With ``wait`` every pending checkpoint is waited for; without, only
        as many as keep the pending ones within their bounds.
        """
        pending = self._pending
        while pending:
            checkpoint, packed = pending[0]
            crowded = len(pending) >= MAX_PENDING or self._pending_bytes > MAX_PENDING_BYTES
            if not (wait or crowded or packed.done()):
                return
            pending.popleft()
            self._pending_bytes -= checkpoint.size
            packed.result()
            over = self.checkpoint_bytes + checkpoint.size > self.checkpoint_memory
            if over and checkpoint.spillable:
                # Why suppress: without a spill file the thinning below bounds memory.
                with contextlib.suppress(OSError):
                    checkpoint.spill(self.spill)
            self.checkpoint_bytes += 0 if checkpoint.spilled else checkpoint.size
            while (
                self.checkpoint_bytes > self.checkpoint_memory
                and len(self.checkpoints) - len(pending) > 2
            ):
                self._thin()

    def _thin(self) -> None:
        """Double the interval and drop every other settled checkpoint (never
        the empty world, nor one still being compressed).

        Gaps between checkpoints were at most one interval, so the gaps left
        are at most the doubled one.
        """
        self.interval *= 2
        split = len(self.checkpoints) - len(self._pending)
        settled = self.checkpoints[:split:2]
        self.checkpoints = settled + self.checkpoints[split:]
        self.checkpoint_bytes = sum(cp.size for cp in settled[1:] if not cp.spilled)

    def _publish(self, indexed: int) -> None:
        with self.changed:
            self.indexed = indexed
            self.changed.notify_all()

    def close(self) -> None:
        """Stop the packer thread and free the spill file (after the indexer has stopped)."""
        if self._packer is not None:
            self._packer.shutdown(wait=True)
        self.spill.close()
        if self._stored is not None:
            self._stored.close()

    # -- the sidecar (the indexer thread, before indexing) -------------------------

    def adopt(self, loaded: Loaded) -> None:
        """Take over an index read back from a sidecar, as the whole index.

        Only an empty index adopts (before the indexer folds anything); the
        seqs become readable once everything is in place.
        """
        if self.indexed or len(self.pids):
            raise ValueError("only an empty index adopts a sidecar")
        table = loaded.table
        for first, last in table["gaps"]:
            self.gaps.add(first, last)
        self.pids.adopt(loaded.columns["pids"], table["pid_missing"])
        self.types.adopt(loaded.columns["types"], NO_TYPE)
        self.refs.adopt(loaded.columns["refs"], NO_REF)
        for pid, (seqs, names) in table["templates"].items():
            self.history.templates[pid] = (array("q", seqs), names)
        for pid, (seqs, names) in table["names"].items():
            self.history.names[pid] = (array("q", seqs), names)
        self.newer_types.update(table["newer_types"])
        self.warnings.extend(table["warnings"])
        self.malformed = table["malformed"]
        self.interval = table["interval"]
        self.checkpoints = [self.checkpoints[0], *loaded.checkpoints]
        self._state = loaded.state
        self._state.journal = []
        self._stored = loaded.stored
        self.loaded = True
        self._publish(table["indexed"])

    def final_state(self) -> FoldState:
        """The indexer's own state (read it only once indexing is done)."""
        return self._state

    # -- reading (any thread) -----------------------------------------------------

    def checkpoint_before(self, seq: int) -> Checkpoint:
        """The last checkpoint at or before ``seq`` (the empty world for -1)."""
        checkpoints = self.checkpoints
        return checkpoints[bisect_right(checkpoints, seq, key=_seq_of) - 1]

    def seek(self, seq: int, runs: Callable[[int, int], Iterable[Run]]) -> FoldState:
        """A fresh state at ``seq``: the nearest checkpoint plus a short fold.

        ``runs(start, stop)`` reads the signals to fold from the source, as
        runs that may reach beyond ``start`` and ``stop``.
        """
        checkpoints = self.checkpoints
        at = bisect_right(checkpoints, seq, key=_seq_of) - 1
        while True:
            checkpoint = checkpoints[at]
            if not checkpoint.untrusted:
                state = checkpoint.restore()
                break
            # Why: a checkpoint read from a sidecar may be damaged on disk
            # (its CRC or its decoding says so); an earlier one still holds.
            try:
                state = checkpoint.restore()
                break
            except (ValueError, TypeError, EOFError, OSError, zlib.error):
                at -= 1
        if seq > checkpoint.seq:
            fold_runs(state, runs(checkpoint.seq + 1, seq + 1), checkpoint.seq + 1, seq + 1)
        state.seq = seq
        return state

    @property
    def process_count(self) -> int:
        """How many processes the indexer has met so far."""
        return len(self._state.procs)

    def live_record(self, pid: int) -> ProcessRecord | None:
        """The indexer's current record of ``pid`` (read-only; it keeps changing
        until indexing is done). Used for names, which rarely change."""
        return self._state.procs.get(pid)

    def answered(self, seq: int) -> int | None:
        """The seq that signal ``seq`` answers (see :mod:`chronoflow.inspect.fold`)."""
        if not 0 <= seq < self.indexed:
            return None
        ref = self.refs[seq]
        return None if ref == NO_REF else ref


def _seq_of(checkpoint: Checkpoint) -> int:
    return checkpoint.seq
