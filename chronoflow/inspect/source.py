"""Where a timeline's signals come from: the :class:`SignalSource` protocol, and how it is read.

The file reader of :mod:`chronoflow.recording` satisfies this protocol, and
so does :class:`MemorySource`, a list of signals held in memory (signals a
scheduler handed to an observer, or a test's hand-made stream). The engine
only ever reads signals through these members, so it never touches bytes;
a timeline reads its source through one :class:`SourceReader`.

Seqs increase; they may jump (a salvaged copy lacks some signals), and a
source then yields the signals it has. A source that knows its last seq
may say so with an optional ``next_seq()`` (:func:`stated_length`), since
``count()`` counts signals, which are then fewer than the seqs they span.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, Protocol, runtime_checkable

from chronoflow.inspect.gaps import Gaps
from chronoflow.recording.raw import to_raw
from chronoflow.recording.records import ChunkColumns
from chronoflow.signals import Signal


@runtime_checkable
class SignalSource(Protocol):
    """A readable recording: metadata plus signals in seq order, from seq 0.

    ``signals(start, stop)`` yields the signals with ``start <= seq < stop``
    that exist now (a file still being written may yield fewer, and more on a
    later call from the last seq + 1). Iterators are independent of each
    other and may run in different threads.
    """

    @property
    def path(self) -> Path:
        """Where the recording lives (a placeholder name for in-memory sources)."""
        ...

    @property
    def metadata(self) -> dict[str, Any]:
        """The recording's metadata record (workflow, args, versions, templates...)."""
        ...

    @property
    def complete(self) -> bool:
        """True when the recording was closed cleanly."""
        ...

    @property
    def warnings(self) -> Sequence[object]:
        """Damage found so far; ``str()`` of each is a readable sentence."""
        ...

    def count(self) -> int | None:
        """The number of signals if the recording states it, else None."""
        ...

    def signals(self, start: int = 0, stop: int | None = None) -> Iterator[Signal]:
        """The signals with ``start <= seq < stop`` (to the current end when None)."""
        ...

    def signal(self, seq: int) -> Signal:
        """The signal at ``seq``."""
        ...

    def close(self) -> None:
        """Release the source's resources."""
        ...


def stated_length(source: SignalSource) -> int | None:
    """The last seq + 1 as ``source`` states it, or None.

    ``next_seq()``, when the source offers it and answers, else ``count()``
    (the same for a source without gaps).
    """
    next_seq = getattr(source, "next_seq", None)
    if callable(next_seq):
        stated = next_seq()
        if isinstance(stated, int):
            return stated
    return source.count()


class Run(Protocol):
    """Signals ``first, first + 1, ...`` as columns, the form the indexer folds.

    A recording reader's ``columns()`` yields its chunks in this form
    (``types`` is then a byte string); :func:`runs` cuts any other source's
    signals into it.
    """

    @property
    def first(self) -> int:
        """The seq of the first signal."""
        ...

    @property
    def pids(self) -> Sequence[Any]:
        """One pid per signal."""
        ...

    @property
    def types(self) -> Sequence[Any]:
        """One type number per signal."""
        ...

    @property
    def datas(self) -> Sequence[Any]:
        """One ``data`` per signal, in the raw form
        (:mod:`chronoflow.recording.raw`)."""
        ...


class SignalRun(NamedTuple):
    """A :class:`Run` cut from a stream of :class:`Signal` objects."""

    first: int
    pids: list[Any]
    types: list[Any]
    datas: list[Any]


#: Signals per run when a source has no chunks of its own (a recorder's chunk size).
RUN_SIZE = 1024


def runs(signals: Iterable[Signal], size: int = RUN_SIZE) -> Iterator[SignalRun]:
    """``signals`` as runs of at most ``size`` consecutive seqs; a gap starts a new run.

    Each data is put in the raw form a recording's chunks decode to, so the
    fold sees one form whatever the source.
    """
    pids: list[Any] = []
    types: list[Any] = []
    datas: list[Any] = []
    first = following = -1
    for seq, pid, kind, data, _ts in signals:
        if seq != following or len(pids) >= size:
            if pids:
                yield SignalRun(first, pids, types, datas)
                pids, types, datas = [], [], []
            first = seq
        pids.append(pid)
        types.append(kind)
        datas.append(to_raw(data))
        following = seq + 1
    if pids:
        yield SignalRun(first, pids, types, datas)


class SourceReader:
    """How a timeline reads its source: bounded reads of signals, and runs for a fold.

    ``gaps`` are the seqs the source lacks, as far as they are known (the
    index's): a bounded read stops at the last signal before its end.
    """

    def __init__(self, source: SignalSource, gaps: Gaps) -> None:
        self.source = source
        self._gaps = gaps
        #: The last signal a bounded read ended on (a seek's, usually).
        self.last_read: Signal | None = None
        #: The last run a bounded read of runs handed over (a seek's last chunk).
        self.last_run: Run | None = None

    def signals(self, start: int, stop: int) -> Iterator[Signal]:
        """The signals ``start <= seq < stop``, leaving as soon as ``stop - 1`` is read.

        Why not simply exhaust the source's iterator: to learn that nothing
        more lies below ``stop``, a chunked reader decodes the *next* chunk,
        which would double the cost of every seek.
        """
        kept = self.kept_signals(start, stop)
        if kept is not None:
            yield from kept
            return
        signals = self.source.signals(start, stop)
        # Why: past the last signal below ``stop`` (before a gap) nothing more is read.
        last = self._gaps.present_before(stop) - 1
        try:
            for signal in signals:
                yield signal
                if signal.seq >= last:
                    self.last_read = signal
                    return
        finally:
            close = getattr(signals, "close", None)
            if close is not None:
                close()

    def runs(self, start: int, stop: int | None = None) -> Iterable[Run]:
        """The signals ``start <= seq < stop`` (to the end when ``stop`` is
        None) as runs, for a fold; runs may reach beyond both ends.

        Why runs: a recording reader decodes whole chunks and hands them over
        as columns, so the indexer and a seek build no :class:`Signal` for
        the signals they only fold. Any other source's signals are cut into
        runs of a chunk's size.
        """
        columns = getattr(self.source, "columns", None)
        if callable(columns):
            found: Iterable[Run] = columns(start, stop)
            return found if stop is None else self._remembered(found)
        if stop is None:
            return runs(self.source.signals(start))
        return runs(self.signals(start, stop))

    def _remembered(self, found: Iterable[Run]) -> Iterator[Run]:
        for run in found:
            self.last_run = run
            yield run

    def kept_signals(self, start: int, stop: int) -> list[Signal] | None:
        """Signals ``start <= seq < stop`` built from the run the last bounded
        read of runs ended on, if it holds them all (else None).

        Why: a jump folds up to its seq from the chunk's raw columns, then
        shows the signal itself and the rows around it; reading them from the
        source would decode the whole chunk again, as values (about 2 ms for
        a 1,024-signal chunk of the engine benchmark). They are built from a
        chunk of just those signals, by the reader's own code, so they equal
        the ones the reader would give.
        """
        run = self.last_run
        if type(run) is not ChunkColumns or not run.raw or start >= stop:
            return None
        low, high = start - run.first, stop - run.first
        if low < 0 or high > len(run.pids):
            return None
        deltas = run.deltas
        part = ChunkColumns(
            start,
            run.pids[low:high],
            run.types[low:high],
            [sum(deltas[: low + 1]), *deltas[low + 1 : high]],
            run.datas[low:high],
            raw=True,
        )
        return part.signals()


class MemorySource:
    """A :class:`SignalSource` over signals held in a list.

    ``append``/``extend`` add signals later, as a recording being written
    would, so a following timeline picks them up. ``complete`` and
    ``warnings`` can be set to stand in for a torn file. Seqs must increase;
    they may jump, to stand in for a salvaged copy that lacks some signals.
    """

    def __init__(
        self,
        signals: Sequence[Signal] = (),
        *,
        metadata: dict[str, Any] | None = None,
        complete: bool = True,
        warnings: Sequence[object] = (),
        path: Path | str = "<memory>",
    ) -> None:
        self._signals: list[Signal] = []
        #: The seq of each signal, for a lookup by seq when seqs jump.
        self._seqs: list[int] = []
        self.extend(signals)
        self._metadata = dict(metadata or {})
        self._complete = complete
        self._warnings: list[object] = list(warnings)
        self._path = Path(path)
        self.closed = False

    # -- the protocol --------------------------------------------------------

    @property
    def path(self) -> Path:
        """A placeholder path (``<memory>`` unless one was given)."""
        return self._path

    @property
    def metadata(self) -> dict[str, Any]:
        """The metadata given at construction."""
        return self._metadata

    @property
    def complete(self) -> bool:
        """As given at construction (or set with :meth:`finish`)."""
        return self._complete

    @property
    def warnings(self) -> Sequence[object]:
        """As given at construction."""
        return self._warnings

    def count(self) -> int | None:
        """The number of signals when complete, else None (like a torn file)."""
        return len(self._signals) if self._complete else None

    def next_seq(self) -> int | None:
        """The last seq + 1 when complete, else None: more than :meth:`count`
        when seqs jump."""
        if not self._complete:
            return None
        return self._seqs[-1] + 1 if self._seqs else 0

    def _at(self, seq: int) -> int:
        """The index of the first signal with a seq of at least ``seq``."""
        seqs = self._seqs
        # Why the check: without gaps, a signal's index is its seq.
        if 0 <= seq < len(seqs) and seqs[seq] == seq:
            return seq
        return bisect_left(seqs, seq)

    def signals(self, start: int = 0, stop: int | None = None) -> Iterator[Signal]:
        """The signals with ``start <= seq < stop`` held now."""
        end = len(self._signals) if stop is None else self._at(stop)
        return iter(self._signals[self._at(max(start, 0)) : end])

    def signal(self, seq: int) -> Signal:
        """The signal at ``seq`` (IndexError when there is none)."""
        if seq < 0:
            raise IndexError(f"seq {seq} is negative")
        at = self._at(seq)
        if at >= len(self._seqs) or self._seqs[at] != seq:
            raise IndexError(f"no signal has seq {seq}")
        return self._signals[at]

    def close(self) -> None:
        """Nothing to release; marks the source closed."""
        self.closed = True

    # -- growing, for following --------------------------------------------------

    def append(self, signal: Signal) -> None:
        """Add the next signal (its seq must be above the last one's; a jump
        leaves a gap).

        Usable directly as a scheduler observer: ``scheduler.add_observer(source.append)``.
        """
        following = self._seqs[-1] + 1 if self._seqs else 0
        if not isinstance(signal.seq, int) or signal.seq < following:
            raise ValueError(f"expected seq {following} or later, got {signal.seq!r}")
        self._signals.append(signal)
        self._seqs.append(signal.seq)

    def extend(self, signals: Sequence[Signal]) -> None:
        """Add several signals in order."""
        for signal in signals:
            self.append(signal)

    def finish(self) -> None:
        """Mark the source complete, as a recorder's clean close would."""
        self._complete = True

    def __len__(self) -> int:
        return len(self._signals)

    def __enter__(self) -> MemorySource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
