"""The signal bus: the kernel's state, its seq counter and its observers.

Every signal gets the next ``seq`` here and is handed, in seq order, to the
observers. Nothing is materialised when nobody observes: the hot paths
only count. A sink (a recorder) is a list the hot paths append to, with a
seq mark that sends one signal in every few through :meth:`SignalBus._notify`,
which ticks the sink: so a sink is served in the middle of a long step too.
A standalone kernel keeps each process's signals for ``pull()``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from chronoflow.errors import MisuseError
from chronoflow.runtime.process import Process
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.runtime.checking import Replay
    from chronoflow.runtime.watchdog import Watchdog

Observer = Callable[[Signal], None]

#: Builds a Signal from a tuple without NamedTuple's Python-level __new__.
_new_signal = tuple.__new__

#: A sink is ticked at least once every this many signals, so that it can
#: write by time as well as by count in the middle of a long step.
TICK_EVERY = 64

#: A seq no signal reaches: the sink mark when there are no sinks.
_NEVER = sys.maxsize


def _nowhere(record: Any) -> None:
    """The sole append when there is no sole sink (the hot paths never call it)."""


class Sink(Protocol):
    """An observer that is a list: see :meth:`SignalBus.add_sink`."""

    @property
    def buffer(self) -> list[Signal]:
        """The list the kernel appends every signal to."""

    @property
    def chunk_size(self) -> int:
        """How many buffered signals make the kernel call tick()."""

    def tick(self) -> None:
        """Called when the buffer holds ``chunk_size`` signals, and at least every
        :data:`TICK_EVERY` signals: write the buffer out if it is time."""

    def flush(self) -> None:
        """Write the buffer out now."""


#: Default inbox limit: a delivery into an inbox already holding this many
#: messages is refused with a BACKOFF signal.
DEFAULT_INBOX_LIMIT = 1000

#: What a full inbox does with a new message: refuse it with BACKOFF (the
#: sender's send() returns False), drop it, drop the oldest waiting message
#: to make room (a DROP signal either way), or refuse it and raise
#: InboxFullError in the sender.
OVERFLOW_POLICIES = ("backoff", "drop-newest", "drop-oldest", "fail")


class SignalBus:
    """The state every part of the kernel shares, and the way out for signals."""

    def __init__(
        self,
        *,
        first_pid: int = 0,
        clock: Callable[[], float] = time.time,
        inbox_limit: int | None = DEFAULT_INBOX_LIMIT,
        overflow: str = "backoff",
        observers: Iterable[Observer] = (),
        standalone: bool = True,
    ) -> None:
        self.processes: dict[int, Process] = {}
        #: SEND signals whose message reached no inbox (unroutable, or the
        #: routed process does not exist or has ended).
        self.outbox: list[Signal] = []
        self.clock = clock
        self.inbox_limit = inbox_limit
        if overflow not in OVERFLOW_POLICIES:
            raise MisuseError(
                f"overflow must be one of {', '.join(OVERFLOW_POLICIES)}: {overflow!r}"
            )
        #: What a full inbox does with a new message (templates may override).
        self.overflow = overflow
        #: The process whose generator is executing, if any.
        self.current: Process | None = None
        self._next_pid = first_pid
        self._seq = 0
        #: Everything that listens, callbacks and sink appends alike: the hot
        #: paths only test whether it is empty.
        self._observers: list[Observer] = []
        #: Observers called with a Signal.
        self._callbacks: list[Observer] = []
        #: Sinks' ``list.append``, given plain ``(seq, pid, type, data, ts)`` tuples.
        self._appends: list[Callable[[Any], None]] = []
        #: The one sink's append when it is all that listens (a plain recording):
        #: the hot paths then append without calling _notify.
        self._sole_append: Callable[[Any], None] = _nowhere
        #: Signals with a seq below this go straight to ``_sole_append``; the
        #: others through ``_notify`` (-1 when there is no sole sink).
        self._sole_until = -1
        #: The seq from which ``_notify`` ticks the sinks (see add_sink).
        self._sink_due = _NEVER
        for observer in observers:
            self.add_observer(observer)
        self._runq: deque[Process] = deque()
        self._uses: dict[int, tuple[Process, Awaitable[Any]]] = {}
        self._tasks: dict[asyncio.Future[Any], tuple[int, Process]] = {}
        self._standalone = standalone
        #: The replay checking this kernel's signals, if any (see runtime.replay).
        self._replay: Replay | None = None
        #: Pending ``use`` calls whose result comes from a recording, by USE seq.
        self._recorded: dict[int, tuple[Process, dict[str, Any]]] = {}
        #: What endings still cause, newest ending last (see runtime.links).
        self._endings: list[Iterator[None]] = []
        self._unwinding = False
        #: Sinks: observers that are a bare list the kernel appends signals to
        #: (see add_sink); _notify calls their tick() when they are due.
        self._buffers: list[Sink] = []
        #: Reports steps that run too long (SimpleScheduler(watchdog=...)).
        self.watchdog: Watchdog | None = None
        #: Armed timers as a heap of (deadline, seq of the WAIT, process).
        self._timers: list[tuple[float, int, Process]] = []
        self._pulled: dict[int, list[Signal]] | None = None
        if standalone:
            self._pulled = {}
            self.add_observer(self._keep_for_pull)

    if TYPE_CHECKING:
        # Provided further down the kernel's class chain (Links, Kernel).
        def _terminate(self, proc: Process, reason: Any, by: int | None) -> None: ...

        def run_ready(self) -> None: ...

    @property
    def seq(self) -> int:
        """The seq the next signal will get (= signals produced so far)."""
        return self._seq

    def add_observer(self, observer: Observer) -> None:
        """Hand every later signal, in seq order, to ``observer``."""
        self._callbacks.append(observer)
        self._observers.append(observer)
        self._sole_append = _nowhere
        self._sole_until = -1

    def add_sink(self, sink: Sink) -> None:
        """Append every later signal to ``sink.buffer``, with no call per signal.

        Why: a recorder only needs the signals in order; appending to its list
        with the list's own ``append`` costs a fraction of a Python observer
        call. Why a seq mark: the kernel must still hand the buffer over in
        the middle of a step that emits a million signals, yet not test the
        buffer on every append. The hot paths already compare each signal's
        seq with ``_sole_until``; the signal at the mark goes through
        ``_notify``, which calls ``sink.tick()`` and sets the next mark where
        the buffer will hold ``sink.chunk_size`` signals, or
        :data:`TICK_EVERY` signals on, whichever comes first. So ``tick()``
        sees a full buffer exactly when it fills, and the clock at least every
        :data:`TICK_EVERY` signals; ``sink.flush()`` runs when the kernel
        flushes observers.
        """
        append = sink.buffer.append
        self._buffers.append(sink)
        self._appends.append(append)
        self._observers.append(append)
        if len(self._observers) == 1:
            self._sole_append = append
        self._mark_sinks(self._seq)

    def remove_observer(self, observer: Observer) -> None:
        """Stop handing signals to ``observer``."""
        self._callbacks.remove(observer)
        self._observers.remove(observer)
        if len(self._observers) == 1 and self._appends:
            self._sole_append = self._appends[0]
            self._sole_until = self._sink_due

    def _mark_sinks(self, next_seq: int) -> None:
        """Set the seq at which the sinks are next ticked (see add_sink)."""
        room = TICK_EVERY
        for sink in self._buffers:
            room = min(room, sink.chunk_size - len(sink.buffer))
        # The signal at the mark is the one that fills the fullest buffer.
        self._sink_due = next_seq + max(room, 1) - 1
        if len(self._observers) == 1:
            self._sole_until = self._sink_due

    def _tick_sinks(self, seq: int) -> None:
        """Let every sink write its buffer if it is time, then set the next mark
        (``seq`` is the signal just handed over)."""
        for sink in self._buffers:
            sink.tick()
        self._mark_sinks(seq + 1)

    def _emit(self, proc: Process, kind: SignalType, data: Any = None) -> int:
        seq = self._seq
        self._seq = seq + 1
        proc.seq += 1
        if self._observers:
            if seq < self._sole_until:
                self._sole_append((seq, proc.pid, kind, data, self.clock()))
            else:
                self._notify(seq, proc.pid, kind, data)
        return seq

    def _notify(self, seq: int, pid: int, kind: SignalType, data: Any) -> None:
        """Hand one signal to the sinks (as a tuple) and the observers (as a Signal)."""
        record = (seq, pid, kind, data, self.clock())
        for append in self._appends:
            append(record)
        if self._callbacks:
            signal = _new_signal(Signal, record)
            for observer in self._callbacks:
                observer(signal)
        if seq >= self._sink_due:
            self._tick_sinks(seq)

    def flush_observers(self) -> None:
        """Call ``flush()`` on every observer that has one.

        The kernel does this before it waits for ``use`` results and when a
        ``run()`` ends, so that a recorder's buffer reaches its file while
        the program is quiet.
        """
        for observer in self._observers:
            flush = getattr(observer, "flush", None)
            if flush is not None:
                flush()
        for sink in self._buffers:
            sink.flush()

    def _keep_for_pull(self, signal: Signal) -> None:
        assert self._pulled is not None
        self._pulled.setdefault(signal.pid, []).append(signal)

    def pull(self, proc: Process) -> list[Signal]:
        """Signals of ``proc`` produced since its last pull (standalone only)."""
        if self._pulled is None:
            raise MisuseError(
                "pull() is for standalone processes (T.create); a scheduler hands "
                "signals to its observers (scheduler.add_observer) and keeps "
                "unroutable messages in scheduler.outbox"
            )
        return self._pulled.pop(proc.pid, [])
