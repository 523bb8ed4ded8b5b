"""Blocking and timers: WAIT signals, receive timeouts, sleeps, ``now()``, a virtual clock.

A process that cannot go on blocks with one WAIT signal (:meth:`Timers.block`).
A receive with a timeout or a sleep arms a timer when the process blocks
(its WAIT signal carries the timeout and the deadline); when the timer
fires, a TIMEOUT signal resumes the process, with :data:`TIMEOUT` for a
receive and None for a sleep. A message that satisfies the receive first
makes the timer stale; stale timers are skipped when they come due.

With the default wall clock, ``update()`` waits in real time for the next
deadline. With a :class:`VirtualClock`, time only moves when nothing else
can happen: it jumps to the next deadline, so long timeouts run instantly
and deterministically (tests, teaching samples, recordings). Timer firings
are recorded inputs: a replay fires them in the recorded order. When the
clock moves and timers fire is the run loop's decision (``Kernel.update``);
this part keeps the timers and fires the ones it is told to.
"""

from __future__ import annotations

import heapq
import time
from typing import Any

from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.effects import TIMEOUT, Receive, Sleep, describe_match
from chronoflow.runtime.inputs import RecordedInputs
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.runqueue import RunQueue
from chronoflow.signals import SignalType

_S = SignalType
_READY = ProcessStatus.READY


class VirtualClock:
    """A clock that only moves when the scheduler says so (start: ``start``)."""

    def __init__(self, start: float = 0.0) -> None:
        self.time = start

    def __call__(self) -> float:
        return self.time

    def advance_to(self, when: float) -> None:
        """Move the clock forward to ``when`` (never backward)."""
        self.time = max(self.time, when)

    def __repr__(self) -> str:
        return f"VirtualClock(time={self.time})"


class Timers:
    """Blocking, arming and firing timers; ``now()``."""

    def __init__(self, bus: SignalBus, runq: RunQueue) -> None:
        self._emit = bus.emit
        self.bus = bus
        self.runq = runq
        #: The bus's clock: what ``now()`` reads, and deadlines when it is virtual.
        self.clock = bus.clock
        #: Armed timers as a heap of (deadline, seq of the WAIT, process).
        self.heap: list[tuple[float, int, Process]] = []
        #: The replay whose recording says what ``now()`` read, if any.
        self.replay: RecordedInputs | None = None

    @property
    def virtual(self) -> bool:
        """True when the clock is a :class:`VirtualClock`."""
        return isinstance(self.clock, VirtualClock)

    def deadline_now(self) -> float:
        """The time deadlines are measured in.

        Why not always the clock: an injected clock only timestamps signals
        (it may even stand still in a test); real timers need real elapsed
        time, so they use ``time.monotonic`` unless the clock is virtual.
        """
        clock = self.clock
        return clock() if isinstance(clock, VirtualClock) else time.monotonic()

    def now(self, proc: Process) -> float:
        """The scheduler's time for ``proc``, recorded as a NOW signal."""
        replay = self.replay
        recorded = None if replay is None else replay.recorded_now(proc, self.bus.seq)
        value = self.clock() if recorded is None else recorded
        self._emit(proc, _S.NOW, {"time": value})
        return value

    def block(self, proc: Process, status: ProcessStatus, effect: Any, wait_data: Any) -> None:
        """``proc`` cannot go on until ``effect`` is satisfied: it waits in ``status``."""
        proc._status = status
        proc._effect = effect
        if not proc._waited:
            # Why: a waiting process re-checks its receive whenever a message
            # arrives; only the first time it blocks is a WAIT signal (and a
            # timer, for a receive with a timeout).
            if isinstance(effect, Receive) and effect.timeout is not None:
                self.block_timed(proc, effect)
                return
            proc._waited = True
            proc._timer = None
            self._emit(proc, _S.WAIT, wait_data)

    def block_timed(self, proc: Process, effect: Receive | Sleep) -> None:
        """Block ``proc`` on a receive with a timeout, or a sleep: WAIT and a timer."""
        if isinstance(effect, Sleep):
            seconds = effect.seconds
            data: dict[str, Any] = {"sleep": seconds}
            proc._status = ProcessStatus.SLEEPING
        else:
            seconds = float(effect.timeout or 0.0)
            data = describe_match(effect) or {"timeout": seconds}
            proc._status = ProcessStatus.WAITING
        # Why no deadline in the data: it is the WAIT's timestamp plus the
        # timeout; keeping the data free of clock readings keeps recordings of
        # the same program identical.
        deadline = self.deadline_now() + max(0.0, seconds)
        proc._effect = effect
        proc._waited = True
        seq = self._emit(proc, _S.WAIT, data)
        proc._timer = seq
        heapq.heappush(self.heap, (deadline, seq, proc))

    def next_due(self) -> tuple[float, int, Process] | None:
        """The earliest timer that can still fire (stale ones are dropped)."""
        timers = self.heap
        while timers:
            _, seq, proc = timers[0]
            if proc._timer == seq and proc._status in (
                ProcessStatus.WAITING,
                ProcessStatus.SLEEPING,
            ):
                return timers[0]
            heapq.heappop(timers)
        return None

    def armed(self) -> dict[int, Process]:
        """Every armed timer's process, by the seq of the WAIT that armed it."""
        return {seq: proc for _, seq, proc in self.heap if proc._timer == seq}

    def fire(self, proc: Process, seq: int) -> None:
        """The timer armed by WAIT ``seq`` came due: resume ``proc`` (a TIMEOUT)."""
        proc._timer = None
        proc._waited = False
        proc._value = TIMEOUT if isinstance(proc._effect, Receive) else None
        proc._effect = None
        proc._status = _READY  # why before the TIMEOUT: an observer sees it as it says
        self._emit(proc, _S.TIMEOUT, {"wait": seq})
        self.runq.ready(proc)

    def fire_due(self, now: float) -> bool:
        """Fire every timer due at ``now``, earliest first; True if any fired."""
        fired = False
        while (due := self.next_due()) is not None and due[0] <= now:
            heapq.heappop(self.heap)
            self.fire(due[2], due[1])
            fired = True
        return fired

    def seconds_to_next(self) -> float | None:
        """Real seconds until the next deadline (None: no timer, or a virtual clock)."""
        upcoming = self.next_due()
        if upcoming is None or self.virtual:
            return None
        return max(0.0, upcoming[0] - time.monotonic())
