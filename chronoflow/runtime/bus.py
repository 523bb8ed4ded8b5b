"""The signal bus: the kernel's one way out for signals.

Every signal gets the next ``seq`` here and is handed, in seq order, to the
observers. Nothing is materialised when nobody observes: the bus only
counts. A sink is a list the bus appends to, and a column sink (a
recorder) one list with the columns interleaved (:class:`SinkColumns`), with a
seq mark that sends one signal in every few through the full hand-over,
which ticks the sink: so a sink is served in the middle of a long step
too. A column sink gets one clock reading per turn of a process (see
:attr:`SignalBus.in_step`), not one per signal. A standalone kernel's bus
keeps each process's signals for ``pull()``.

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
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

from chronoflow.errors import MisuseError
from chronoflow.runtime.handover import RECEIVED, SENT, ColumnSink, ListSink, SinkColumns
from chronoflow.runtime.handover import Sink as Sink  # re-exported: kernel.add_sink takes it
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.runtime.kernel import Kernel
    from chronoflow.runtime.process import Process

Observer = Callable[[Signal], None]

#: Builds a Signal from a tuple without NamedTuple's Python-level __new__.
_new_signal = tuple.__new__

#: A sink is ticked at least once every this many signals, so that it can
#: write by time as well as by count in the middle of a long step.
TICK_EVERY: Final = 64

#: A seq no signal reaches: the sink mark when there are no sinks.
_NEVER: Final = sys.maxsize

_SEND: Final = SignalType.SEND
_RECEIVE: Final = SignalType.RECEIVE


def _nowhere(record: Any) -> None:
    """The sole append when there is no sole sink (never called: its mark is -1)."""


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
        #: paths only test whether it is empty. Why never replaced, only
        #: changed in place: the run loop holds this list while it runs.
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
        #: Column sinks (see add_sink), and the columns of the one that is
        #: all that listens: signals below ``_columns_until`` go straight to
        #: them through the three appends.
        self._column_sinks: list[ColumnSink] = []
        self._sole_columns = SinkColumns()
        self._extend: Callable[[Any], None] = _nowhere
        self._to_append: Callable[[Any], None] = _nowhere
        self._columns_until = -1
        #: True while the run loop turns a process (it sets this): the signals
        #: of one turn share one clock reading (read again at every tick, see
        #: add_sink). Outside a turn (timers, use results, sends from
        #: outside) every signal reads the clock.
        self.in_step = False
        #: Whether the next signal handed to a column sink reads the clock;
        #: the run loop sets it at the start of each turn.
        self.stamp_due = True
        #: The last clock reading given to a column sink: the time of every
        #: signal of the turn, for the observers too, so that all agree.
        self._now = 0.0
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
        self._sole_until = self._columns_until = -1

    def add_sink(self, sink: Sink) -> None:
        """Append every later signal to ``sink.buffer`` (or to the lists of
        ``sink.columns``), with no call per signal.

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

        Why columns: a recorder writes column by column; handed columns, it
        has nothing to transpose, and one clock reading per turn of a
        process (``stamps``) instead of one per signal.
        """
        columns: SinkColumns | None = getattr(sink, "columns", None)
        self._sinks.append(sink)
        if columns is None:
            append = cast(ListSink, sink).buffer.append
            self._appends.append(append)
        else:
            append = columns.items.append
            self._column_sinks.append(cast(ColumnSink, sink))
        self.listeners.append(append)
        self.in_step, self.stamp_due = False, True
        self._sole_sink_changed()
        self._mark_sinks(self.seq)

    def _sole_sink_changed(self) -> None:
        """Point the direct path at the one sink that is all that listens, if any."""
        self._sole_append = _nowhere
        self._sole_until = self._columns_until = -1
        if len(self.listeners) != 1 or not self._sinks:
            return
        if self._appends:
            self._sole_append = self._appends[0]
            self._sole_until = self._sink_due
            return
        columns = self._column_sinks[0].columns
        self._sole_columns = columns
        self._extend = columns.items.extend
        self._to_append = columns.tos.append
        self._columns_until = self._sink_due

    def remove_observer(self, observer: Observer) -> None:
        """Stop handing signals to ``observer``."""
        self._callbacks.remove(observer)
        self.listeners.remove(observer)
        self._sole_sink_changed()

    @property
    def sole_sink(self) -> Sink | None:
        """The sink that is all that listens, whose buffer gets each signal
        appended without a call per signal (see :meth:`add_sink`); else None."""
        return self._sinks[0] if max(self._sole_until, self._columns_until) >= 0 else None

    def _mark_sinks(self, next_seq: int) -> None:
        """Set the seq at which the sinks are next ticked (see add_sink)."""
        room = TICK_EVERY
        for sink in self._sinks:
            columns: SinkColumns | None = getattr(sink, "columns", None)
            held = len(cast(ListSink, sink).buffer) if columns is None else len(columns)
            room = min(room, sink.chunk_size - held)
        # The signal at the mark is the one that fills the fullest buffer.
        self._sink_due = next_seq + max(room, 1) - 1
        if self._sole_until >= 0:
            self._sole_until = self._sink_due
        elif self._columns_until >= 0:
            self._columns_until = self._sink_due

    # -- the way out -------------------------------------------------------------------

    def emit(self, proc: Process, kind: SignalType, data: Any = None) -> int:
        """Number a signal of ``proc`` and hand it out; its seq."""
        seq = self.seq
        self.seq = seq + 1
        if self.listeners:
            proc.seq += 1  # counted only while observed (see Process.seq)
            self.publish(seq, proc.pid, kind, data)
        return seq

    def publish(self, seq: int, pid: int, kind: SignalType, data: Any) -> None:
        """Hand out a signal whose ``seq`` was taken already (a SEND numbers its
        message before delivering it); only called when someone listens."""
        if seq < self._columns_until:
            if self.stamp_due:
                columns = self._sole_columns
                columns.stamps.append((len(columns.items) // 3, seq, now := self.clock()))
                self._now = now
                self.stamp_due = not self.in_step
            self._extend((pid, kind, data))
        elif seq < self._sole_until:
            self._sole_append((seq, pid, kind, data, self.clock()))
        else:
            self._notify(seq, pid, kind, data)

    def publish_send(self, seq: int, pid: int, message: Any, to: int) -> None:
        """:meth:`publish` of the SEND of the run loop's hop: ``message`` went
        into the inbox of the live process ``to`` alone (its data is
        ``{"msg": message, "to": to, "into": [to]}``).

        Why: the recorder stores such a SEND as its message and ``to``; handed
        them as they are (:data:`SENT`), it has nothing to take apart, and the
        data is built only for an observer that wants it.
        """
        if seq < self._columns_until:
            if self.stamp_due:
                columns = self._sole_columns
                columns.stamps.append((len(columns.items) // 3, seq, now := self.clock()))
                self._now = now
                self.stamp_due = not self.in_step
            self._extend((pid, SENT, message))
            self._to_append(to)
        else:
            self.publish(seq, pid, _SEND, {"msg": message, "to": to, "into": [to]})

    def publish_receive(self, seq: int, pid: int, mid: int) -> None:
        """:meth:`publish` of a plain RECEIVE of the message ``mid`` (an earlier seq).

        Why: the recorder stores it as ``seq - mid`` (:data:`RECEIVED`), a
        byte where the id takes five.
        """
        if seq < self._columns_until:
            if self.stamp_due:
                columns = self._sole_columns
                columns.stamps.append((len(columns.items) // 3, seq, now := self.clock()))
                self._now = now
                self.stamp_due = not self.in_step
            self._extend((pid, RECEIVED, seq - mid))
        else:
            self.publish(seq, pid, _RECEIVE, mid)

    def _notify(self, seq: int, pid: int, kind: SignalType, data: Any) -> None:
        """Hand one signal to the sinks (as a tuple or columns) and the
        observers (as a Signal), then tick the sinks if they are due."""
        # The clock is read again at every tick too, so that a long turn's
        # signals are never more than TICK_EVERY signals behind it.
        stamp = self.stamp_due or not self._column_sinks or seq >= self._sink_due
        if stamp:
            now = self._now = self.clock()
        else:
            now = self._now  # the turn's reading (see in_step)
        record = (seq, pid, kind, data, now)
        for append in self._appends:
            append(record)
        if self._column_sinks:
            self.stamp_due = not self.in_step
            for column_sink in self._column_sinks:
                columns = column_sink.columns
                if stamp:
                    columns.stamps.append((len(columns.items) // 3, seq, now))
                columns.items += (pid, kind, data)
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
        while the program is quiet. The next signal reads the clock again.
        """
        self.stamp_due = True
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
