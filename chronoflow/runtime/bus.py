"""The signal bus: the kernel's one way out for signals.

Every signal gets the next ``seq`` here and is handed, in seq order, to the
observers. Nothing is materialised when nobody observes: the bus only
counts. A sink (a recorder) is a list the bus appends to, with a seq mark
that sends one signal in every few through the full hand-over, which ticks
the sink: so a sink is served in the middle of a long step too. A
standalone kernel's bus keeps each process's signals for ``pull()``.

:meth:`SignalBus.emit` (counting) and :meth:`SignalBus.publish` (handing
out) are the one emit. The kernel's run loop inlines the counting part on
the hop of every message (see :mod:`chronoflow.runtime.runloop`), which is
why :attr:`SignalBus.seq` and :attr:`SignalBus.listeners` are documented
attributes rather than private ones. Recording is an observer too: :class:`Recording` is what
``SimpleScheduler(record=...)`` accepts, and a path given there is opened by
the maker the recording layer installs (:func:`install_path_recorder`): the
runtime never imports the recording layer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from chronoflow.errors import MisuseError
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.runtime.kernel import Kernel
    from chronoflow.runtime.process import Process

Observer = Callable[[Signal], None]

#: Builds a Signal from a tuple without NamedTuple's Python-level __new__.
_new_signal = tuple.__new__

#: A sink is ticked at least once every this many signals, so that it can
#: write by time as well as by count in the middle of a long step.
TICK_EVERY = 64

#: A seq no signal reaches: the sink mark when there are no sinks.
_NEVER = sys.maxsize


def _nowhere(record: Any) -> None:
    """The sole append when there is no sole sink (never called: its mark is -1)."""


class Sink(Protocol):
    """An observer that is a list: see :meth:`SignalBus.add_sink`."""

    @property
    def buffer(self) -> list[Signal]:
        """The list the bus appends every signal to."""

    @property
    def chunk_size(self) -> int:
        """How many buffered signals make the bus call tick()."""

    def tick(self) -> None:
        """Called when the buffer holds ``chunk_size`` signals, and at least every
        :data:`TICK_EVERY` signals: write the buffer out if it is time."""

    def flush(self) -> None:
        """Write the buffer out now."""


class Recording(AbstractContextManager[Any], Protocol):
    """What ``SimpleScheduler(record=...)`` accepts besides a path (a Recorder).

    As a context manager, its ``__exit__`` finishes the recording as the
    scheduler's ``with`` block ends.
    """

    def attach(self, kernel: Kernel) -> None:
        """Start observing ``kernel`` (as a sink or an observer)."""

    def close(self) -> None:
        """Finish the recording (idempotent)."""


#: Opens a recording at a path (installed by the recording layer).
_path_recorder: Callable[[str | os.PathLike[str]], Recording] | None = None


def install_path_recorder(maker: Callable[[str | os.PathLike[str]], Recording]) -> None:
    """Make ``record=PATH`` open ``maker(PATH)``: how the recording layer, which
    imports the runtime, lends it its recorder without being imported by it."""
    global _path_recorder
    _path_recorder = maker


def open_recording_at(record: str | os.PathLike[str] | Recording) -> Recording:
    """``record`` itself, or the recording the installed maker opens at that path."""
    if not isinstance(record, (str, os.PathLike)):
        return record
    if _path_recorder is None:
        raise MisuseError(
            "record= a path needs chronoflow's recorder: use 'from chronoflow import "
            "SimpleScheduler' or import chronoflow.recording.recorder first, or pass a "
            "Recorder"
        )
    return _path_recorder(record)


class SignalBus:
    """Numbers signals and hands them to observers and sinks, in seq order."""

    def __init__(
        self, *, clock: Callable[[], float], observers: Iterable[Observer] = (), pulls: bool
    ) -> None:
        """``clock`` timestamps signals; ``pulls`` keeps every process's signals
        for ``pull()`` (a standalone kernel)."""
        self.clock = clock
        #: The seq the next signal gets (= signals produced so far); only
        #: :meth:`emit` and the run loop's hot path count it up.
        self.seq = 0
        #: Everything that listens, callbacks and sink appends alike: the hot
        #: paths only test whether it is empty.
        self.listeners: list[Observer] = []
        #: The one sink's ``append`` when it is all that listens (a plain
        #: recording): signals with a seq below ``_sole_until`` go straight
        #: to it, the others through ``_notify``.
        self._sole_append: Callable[[Any], None] = _nowhere
        #: See ``_sole_append`` (-1 when there is no sole sink).
        self._sole_until = -1
        #: Observers called with a Signal.
        self._callbacks: list[Observer] = []
        #: Sinks' ``list.append``, given plain ``(seq, pid, type, data, ts)`` tuples.
        self._appends: list[Callable[[Any], None]] = []
        #: Sinks, whose tick() is called when they are due (see add_sink).
        self._sinks: list[Sink] = []
        #: The seq from which ``_notify`` ticks the sinks (see add_sink).
        self._sink_due = _NEVER
        for observer in observers:
            self.add_observer(observer)
        #: A standalone tree's outbox: its signals not yet pulled, in seq order.
        self._pulled: list[Signal] | None = None
        if pulls:
            self._pulled = []
            self.add_observer(self._pulled.append)

    # -- who listens --------------------------------------------------------------

    def add_observer(self, observer: Observer) -> None:
        """Hand every later signal, in seq order, to ``observer``."""
        self._callbacks.append(observer)
        self.listeners.append(observer)
        self._sole_append = _nowhere
        self._sole_until = -1

    def add_sink(self, sink: Sink) -> None:
        """Append every later signal to ``sink.buffer``, with no call per signal.

        Why: a recorder only needs the signals in order; appending to its list
        with the list's own ``append`` costs a fraction of a Python observer
        call. Why a seq mark: the bus must still hand the buffer over in the
        middle of a step that emits a million signals, yet not test the
        buffer on every append. :meth:`publish` already compares each
        signal's seq with the mark of the direct path; the signal at the mark
        goes through the full hand-over, which calls ``sink.tick()`` and sets the next mark
        where the buffer will hold ``sink.chunk_size`` signals, or
        :data:`TICK_EVERY` signals on, whichever comes first. So ``tick()``
        sees a full buffer exactly when it fills, and the clock at least every
        :data:`TICK_EVERY` signals; ``sink.flush()`` runs when the kernel
        flushes observers.
        """
        append = sink.buffer.append
        self._sinks.append(sink)
        self._appends.append(append)
        self.listeners.append(append)
        if len(self.listeners) == 1:
            self._sole_append = append
        self._mark_sinks(self.seq)

    def remove_observer(self, observer: Observer) -> None:
        """Stop handing signals to ``observer``."""
        self._callbacks.remove(observer)
        self.listeners.remove(observer)
        if len(self.listeners) == 1 and self._appends:
            self._sole_append = self._appends[0]
            self._sole_until = self._sink_due

    @property
    def sole_sink(self) -> Sink | None:
        """The sink that is all that listens, whose buffer gets each signal
        appended without a call per signal (see :meth:`add_sink`); else None."""
        return self._sinks[0] if self._sole_until >= 0 else None

    def _mark_sinks(self, next_seq: int) -> None:
        """Set the seq at which the sinks are next ticked (see add_sink)."""
        room = TICK_EVERY
        for sink in self._sinks:
            room = min(room, sink.chunk_size - len(sink.buffer))
        # The signal at the mark is the one that fills the fullest buffer.
        self._sink_due = next_seq + max(room, 1) - 1
        if len(self.listeners) == 1:
            self._sole_until = self._sink_due

    # -- the way out -------------------------------------------------------------------

    def emit(self, proc: Process, kind: SignalType, data: Any = None) -> int:
        """Number a signal of ``proc`` and hand it out; its seq."""
        seq = self.seq
        self.seq = seq + 1
        proc.seq += 1
        if self.listeners:
            self.publish(seq, proc.pid, kind, data)
        return seq

    def publish(self, seq: int, pid: int, kind: SignalType, data: Any) -> None:
        """Hand out a signal whose ``seq`` was taken already (a SEND numbers its
        message before delivering it); only called when someone listens."""
        if seq < self._sole_until:
            self._sole_append((seq, pid, kind, data, self.clock()))
        else:
            self._notify(seq, pid, kind, data)

    def _notify(self, seq: int, pid: int, kind: SignalType, data: Any) -> None:
        """Hand one signal to the sinks (as a tuple) and the observers (as a
        Signal), then tick the sinks if they are due."""
        record = (seq, pid, kind, data, self.clock())
        for append in self._appends:
            append(record)
        if self._callbacks:
            signal = _new_signal(Signal, record)
            for observer in self._callbacks:
                observer(signal)
        if seq >= self._sink_due:
            for sink in self._sinks:
                sink.tick()
            self._mark_sinks(seq + 1)

    def flush(self) -> None:
        """Call ``flush()`` on every observer that has one, and on every sink.

        The kernel does this before it waits for ``use`` results or timers and
        when a ``run()`` ends, so that a recorder's buffer reaches its file
        while the program is quiet.
        """
        for observer in self.listeners:
            flush = getattr(observer, "flush", None)
            if flush is not None:
                flush()
        for sink in self._sinks:
            sink.flush()

    # -- standalone processes ------------------------------------------------------------

    def pull(self, proc: Process) -> list[Signal]:
        """The signals of ``proc``'s whole tree (it and every process it spawned,
        children included) produced since the last pull, in seq order: one
        outbox per standalone tree, as the original's. Standalone only."""
        if self._pulled is None:
            raise MisuseError(
                "pull() is for standalone processes (T.create); a scheduler hands "
                "signals to its observers (scheduler.add_observer) and keeps "
                "unroutable messages in scheduler.outbox"
            )
        pulled = self._pulled[:]
        self._pulled.clear()
        return pulled
