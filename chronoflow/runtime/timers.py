"""Timers: receive timeouts, sleeps, ``now()``, and a virtual clock.

A receive with a timeout or a sleep arms a timer when the process blocks
(its WAIT signal carries the timeout and the deadline); when the timer
fires, a TIMEOUT signal resumes the process, with :data:`TIMEOUT` for a
receive and None for a sleep. A message that satisfies the receive first
makes the timer stale; stale timers are skipped when they come due.

With the default wall clock, ``update()`` waits in real time for the next
deadline. With a :class:`VirtualClock`, time only moves when nothing else
can happen: it jumps to the next deadline, so long timeouts run instantly
and deterministically (tests, teaching samples, recordings). Timer firings
are recorded inputs: a replay fires them in the recorded order.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from typing import Any

from chronoflow.runtime.effects import TIMEOUT, Receive, Sleep, describe_match
from chronoflow.runtime.links import Links
from chronoflow.runtime.process import Process, ProcessStatus
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


class Timers(Links):
    """Arming, firing and waiting for timers; ``now()``."""

    @property
    def virtual(self) -> bool:
        """True when the clock is a :class:`VirtualClock`."""
        return isinstance(self.clock, VirtualClock)

    def _timer_now(self) -> float:
        """The time deadlines are measured in.

        Why not always the clock: an injected clock only timestamps signals
        (it may even stand still in a test); real timers need real elapsed
        time, so they use ``time.monotonic`` unless the clock is virtual.
        """
        clock = self.clock
        return clock() if isinstance(clock, VirtualClock) else time.monotonic()

    def now(self, proc: Process) -> float:
        """The scheduler's time for ``proc``, recorded as a NOW signal."""
        recorded = None if self._replay is None else self._replay.recorded_now(proc, self._seq)
        value = self.clock() if recorded is None else recorded
        self._emit(proc, _S.NOW, {"time": value})
        return value

    def _block_timed(self, proc: Process, effect: Receive | Sleep) -> None:
        """Block ``proc`` on a receive with a timeout, or a sleep: WAIT and a timer."""
        if isinstance(effect, Sleep):
            seconds = effect.seconds
            data: dict[str, Any] = {"sleep": seconds}
            proc.status = ProcessStatus.SLEEPING
        else:
            seconds = float(effect.timeout or 0.0)
            data = describe_match(effect) or {"timeout": seconds}
            proc.status = ProcessStatus.WAITING
        # Why no deadline in the data: it is the WAIT's timestamp plus the
        # timeout; keeping the data free of clock readings keeps recordings of
        # the same program identical.
        deadline = self._timer_now() + max(0.0, seconds)
        proc._effect = effect
        proc._waited = True
        seq = self._emit(proc, _S.WAIT, data)
        proc._timer = seq
        heapq.heappush(self._timers, (deadline, seq, proc))

    def _next_timer(self) -> tuple[float, int, Process] | None:
        """The earliest timer that can still fire (stale ones are dropped)."""
        timers = self._timers
        while timers:
            _, seq, proc = timers[0]
            if proc._timer == seq and proc.status in (
                ProcessStatus.WAITING,
                ProcessStatus.SLEEPING,
            ):
                return timers[0]
            heapq.heappop(timers)
        return None

    def _fire(self, proc: Process, seq: int) -> None:
        """The timer armed by WAIT ``seq`` came due: resume ``proc`` (a TIMEOUT)."""
        proc._timer = None
        proc._waited = False
        proc._value = TIMEOUT if isinstance(proc._effect, Receive) else None
        proc._effect = None
        proc.status = _READY  # why before the TIMEOUT: an observer sees it as it says
        self._emit(proc, _S.TIMEOUT, {"wait": seq})
        self._runq.append(proc)

    def _fire_due(self, now: float) -> bool:
        """Fire every timer due at ``now``, earliest first; True if any fired."""
        fired = False
        while (due := self._next_timer()) is not None and due[0] <= now:
            heapq.heappop(self._timers)
            self._fire(due[2], due[1])
            fired = True
        return fired

    async def _run_timers(self) -> None:
        """When nothing can run: fire due timers, jumping or waiting to the next."""
        if self._runq:
            return
        if self._replay is not None:
            # Timers that came due together fire together, in the recorded order,
            # before any process runs (as in the run that was recorded).
            fired = False
            while True:
                pending = {seq: proc for _, seq, proc in self._timers if proc._timer == seq}
                chosen = self._replay.next_timeout(pending)
                if chosen is None:
                    break
                self._fire(pending[chosen], chosen)
                fired = True
            if fired:
                return
        upcoming = self._next_timer()
        if upcoming is None:
            return
        clock = self.clock
        if isinstance(clock, VirtualClock):
            if not self._uses and not self._tasks and not self._recorded:
                clock.advance_to(upcoming[0])
        elif not self._tasks:
            delay = upcoming[0] - time.monotonic()
            if delay > 0:
                self.flush_observers()
                await asyncio.sleep(delay)
        self._fire_due(self._timer_now())

    def _seconds_to_next_timer(self) -> float | None:
        """Real seconds until the next deadline (None: no timer, or a virtual clock)."""
        upcoming = self._next_timer()
        if upcoming is None or self.virtual:
            return None
        return max(0.0, upcoming[0] - time.monotonic())
