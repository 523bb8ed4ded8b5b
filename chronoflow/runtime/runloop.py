"""The run loop: rounds, the one place that resumes generators, and the hop of every message.

:meth:`RunLoop.update` is one round (``scheduler.update()``): run what can
run, wait for ``use`` calls, fire timers; time only moves when nothing else
can happen. :meth:`RunLoop.run_ready` takes processes off the run queue in
FIFO order;
:meth:`RunLoop.step` resumes one and dispatches what it yields, on the
effect's type, in one place (curio's table of traps): a receive takes a
message or blocks, a ``use`` starts a call, a sleep arms a timer, a join
waits for a child; anything else is thrown back into the process as a
``TypeError``. A process runs for at most ``STEP_BUDGET`` effects before it
goes to the back of the queue. The function :func:`send` is ``self.send``.

The hop of every message-passing program (a send to a live process with
room in its inbox, a plain receive that finds a message or blocks) is
inlined here, and only here: the counting part of
:meth:`~chronoflow.runtime.bus.SignalBus.emit` and the wake-up that
:meth:`~chronoflow.runtime.process.RunQueue.ready` otherwise do with a call
(see :func:`send` for why and the figures). Everything else goes
through the parts: the mailroom, timers, uses and lifecycle.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.effects import YIELD_HELP, Join, Receive, Sleep, Use, describe_match
from chronoflow.runtime.inputs import RecordedInputs, ReplayDiverged
from chronoflow.runtime.lifecycle import Lifecycle
from chronoflow.runtime.mailroom import Mailroom
from chronoflow.runtime.process import Process, ProcessStatus, ProcessTable, stopped
from chronoflow.runtime.runqueue import RunQueue
from chronoflow.runtime.timers import Timers, VirtualClock
from chronoflow.runtime.uses import Uses
from chronoflow.runtime.watchdog import Watchdog
from chronoflow.signals import SignalType

#: Effects a process may complete in one turn before it yields the CPU to the
#: next process in the run queue (fairness for chatty processes).
STEP_BUDGET = 64

_S = SignalType
_RECEIVE = SignalType.RECEIVE
_SEND = SignalType.SEND
_WAIT = SignalType.WAIT
_ENDED = ProcessStatus.STOPPED
_READY = ProcessStatus.READY
_RUNNING = ProcessStatus.RUNNING
_WAITING = ProcessStatus.WAITING


@dataclass(eq=False, repr=False)
class RunLoop:
    """Resumes processes from the run queue; sends their messages."""

    bus: SignalBus
    processes: ProcessTable
    runq: RunQueue
    #: The parts an effect or a send goes to.
    mailroom: Mailroom
    timers: Timers
    uses: Uses
    lifecycle: Lifecycle
    #: Reports steps that run too long (SimpleScheduler(watchdog=...)).
    watchdog: Watchdog | None
    # Why no defaults below (set in __post_init__): a class-level default
    # under an instance attribute keeps CPython 3.11 from specialising its
    # reads, and ``current`` is read on every receive.
    #: The process whose generator is executing, if any.
    current: Process | None = field(init=False)
    #: The run queue's deque, which the loop takes processes off.
    queue: deque[Process] = field(init=False)
    #: The replay checking every step, if any (it may pause the loop).
    replay: RecordedInputs | None = field(init=False)

    def __post_init__(self) -> None:
        self.current = None
        self.queue = self.runq.queue
        self.replay = None

    @property
    def idle(self) -> bool:
        """True when no process can run and no ``use`` call or timer is pending."""
        return not self.queue and not self.uses.pending and self.timers.next_due() is None

    async def update(self) -> bool:
        """One round (see ``Kernel.update``); True when idle."""
        self.run_ready()
        replay = self.replay
        if replay is not None and replay.paused:
            return True
        uses = self.uses
        if uses.recorded:
            self._apply_recorded_results()
        if uses.calls or uses.tasks:
            uses.launch()
            self.bus.flush()
            await uses.wait_first(self.timers.seconds_to_next())
            self.run_ready()
        await self._run_timers()
        self.run_ready()
        return self.idle

    def _apply_recorded_results(self) -> None:
        """Complete ``use`` calls from the recording, in the recorded order."""
        replay = self.replay
        assert replay is not None
        recorded = self.uses.recorded
        while recorded and not replay.paused:
            seq = replay.next_result(recorded)
            if seq is None:
                if self.queue:
                    self.run_ready()
                    continue
                if replay.next_timeout(self.timers.armed()) is not None:
                    break  # the recording fires a timer first (see _run_timers)
                seq = min(recorded)
            self.uses.complete_recorded(seq)
        self.run_ready()

    async def _run_timers(self) -> None:
        """When nothing can run: fire due timers, jumping or waiting to the next."""
        if self.queue:
            return
        timers = self.timers
        if self.replay is not None:
            # Timers that came due together fire together, in the recorded order,
            # before any process runs (as in the run that was recorded).
            fired = False
            while True:
                pending = timers.armed()
                chosen = self.replay.next_timeout(pending)
                if chosen is None:
                    break
                timers.fire(pending[chosen], chosen)
                fired = True
            if fired:
                return
        upcoming = timers.next_due()
        if upcoming is None:
            return
        clock = timers.clock
        if isinstance(clock, VirtualClock):
            if not self.uses.pending:
                clock.advance_to(upcoming[0])
        elif not self.uses.tasks:
            delay = upcoming[0] - time.monotonic()
            if delay > 0:
                self.bus.flush()
                await asyncio.sleep(delay)
        timers.fire_due(timers.deadline_now())

    def run_ready(self) -> None:
        """Run processes from the run queue until none is runnable."""
        if self.watchdog is not None or self.replay is not None:
            self._run_checked()
            return
        queue = self.queue
        step = self.step
        while queue:
            proc = queue.popleft()
            if proc.status is _READY:
                step(proc)

    def _run_checked(self) -> None:
        """``run_ready`` with the optional duties between steps: stop when a replay
        pauses, time each step for the watchdog."""
        queue = self.queue
        replay = self.replay
        watchdog = self.watchdog
        try:
            while queue and not (replay is not None and replay.paused):
                proc = queue.popleft()
                if proc.status is not _READY:
                    continue
                if watchdog is None:
                    self.step(proc)
                else:
                    watchdog.step_started(proc)
                    try:
                        self.step(proc)
                    finally:
                        overrun = watchdog.step_ended()
                    if overrun is not None:
                        seconds, where = overrun
                        stuck = {"seconds": round(seconds, 3), "where": where}
                        self.bus.emit(proc, _S.STUCK, stuck)
        except ReplayDiverged as diverged:
            raise diverged.error from None

    def step(self, proc: Process) -> None:
        """Resume ``proc`` and dispatch what it yields until it blocks or ends.

        Why one function: a process's pending effect, resume value and
        exception live in one slot on the process, and only this loop
        reads and clears it, so there is one resume path to reason about.
        """
        self.current = proc
        proc.status = _RUNNING
        gen = proc.gen
        assert gen is not None
        effect = proc._effect
        value = proc._value
        exc = proc._exc
        proc._effect = proc._value = proc._exc = None
        bus = self.bus
        budget = STEP_BUDGET
        try:
            while True:
                if effect is None:
                    try:
                        effect = gen.send(value) if exc is None else gen.throw(exc)
                    except StopIteration as stop:
                        self.lifecycle.returned(proc, stop.value)
                        return
                    except Exception as error:
                        self.lifecycle.crash(proc, error)
                        return
                    exc = None
                kind = type(effect)
                if kind is Receive:
                    if effect.match is None:
                        # A plain receive: the hop of every message (see send()).
                        inbox = proc.inbox
                        if inbox:
                            mid, value = inbox.popleft()
                            seq = bus.seq
                            bus.seq = seq + 1
                            proc.seq += 1
                            if bus.listeners:
                                bus.publish(seq, proc.pid, _RECEIVE, mid)
                            proc._waited = False
                            effect = None
                        else:
                            proc.status = _WAITING
                            proc._effect = effect
                            if not proc._waited:
                                if effect.timeout is not None:
                                    self.timers.block_timed(proc, effect)
                                    return
                                proc._waited = True
                                proc._timer = None
                                seq = bus.seq
                                bus.seq = seq + 1
                                proc.seq += 1
                                if bus.listeners:
                                    bus.publish(seq, proc.pid, _WAIT, None)
                            return
                    else:
                        try:
                            found, value = self.mailroom.take_matching(proc, effect)
                        except Exception as error:
                            effect, exc = None, error
                            continue
                        if not found:
                            self.timers.block(proc, _WAITING, effect, describe_match(effect))
                            return
                        effect = None
                elif kind is Use:
                    self.uses.start(proc, effect)
                    return
                elif kind is Sleep:
                    self.timers.block_timed(proc, effect)
                    return
                elif kind is Join:
                    child = effect.child
                    if not isinstance(child, Process) or child.parent is not proc:
                        effect, exc = None, self.lifecycle.not_a_child(proc, child)
                        continue
                    if child.alive:
                        join = {"join": child.pid}
                        self.timers.block(proc, ProcessStatus.JOINING, effect, join)
                        return
                    proc._waited = False
                    bus.emit(proc, _S.JOIN, {"child": child.pid, "result": child.result})
                    effect = None
                    if child.status is ProcessStatus.STOPPED:
                        value = child.result
                    else:
                        value, exc = None, self.lifecycle.child_failure(child)
                else:
                    effect, exc = (
                        None,
                        TypeError(f"process {proc.pid} yielded {effect!r}; {YIELD_HELP}"),
                    )
                    continue
                budget -= 1
                if not budget:
                    proc._value, proc._exc = value, exc
                    self.runq.ready(proc)
                    return
        finally:
            self.current = None

    def send_to(self, proc: Process, pid: int, message: Any) -> bool:
        """``proc`` sends ``message`` to process ``pid`` (``self.send_to``).

        Why not inlined as ``send`` is: the ring and every routed program do
        not use it; the mailroom's general path records the same SEND
        (``{"msg", "to", "into"}``, ``into`` empty for an ended or unknown pid).
        """
        seq = self.bus.seq
        self.bus.seq = seq + 1
        proc.seq += 1
        return self.mailroom.finish_send(proc, seq, message, pid, self.processes.get(pid))


def send(proc: Process, message: Any) -> bool:
    """``proc.send(message)``: send ``message`` where the template's ``route``
    says (does not yield). This function *is* ``Process.send``: the run loop
    sets it there when it is imported.

    Called from outside, it injects a message as if this process sent it,
    as in the original. Returns True when the routed process took the
    message, False when it was refused (a full inbox) or reached no one.

    Why inlined: this and the plain receive in :meth:`RunLoop.step` are the hop
    of every message, with three signals (SEND, RECEIVE, WAIT) per hop.
    Here and there only, the bus's ``emit`` is inlined as far as counting
    the seq and asking whether anyone listens (a listened-to signal goes
    to ``SignalBus.publish``, where the emit lives), and a woken receiver
    goes onto the run queue without ``RunQueue.ready``. Measured on the
    ring of ``benchmarks/ring.py``: calling ``emit`` and ``ready`` instead
    costs 12% more instructions per hop unrecorded and 4% recorded
    (cachegrind), about 15% and 5% of the throughput. Why a function that
    becomes ``Process.send`` rather than a method ``Process.send`` calls:
    the call between them cost 3.2% more instructions per hop.
    """
    if proc.status >= _ENDED:
        raise stopped(proc, "send")
    loop = proc._loop
    route = proc.template.route
    to = None if route is None else route(message)
    target = None if to is None else loop.processes.get(to)
    bus = loop.bus
    seq = bus.seq
    bus.seq = seq + 1
    proc.seq += 1
    if (
        target is not None
        and not target.children
        and target.status < _ENDED
        and len(target.inbox) < target.inbox_limit
        and loop.replay is None
    ):
        # The common case: one live target with no descendants and room in
        # its inbox. Everything else goes through the mailroom.
        target.inbox.append((seq, message))
        if target.status is _WAITING:
            if target._effect.match is not None:
                # A selective receive examines the message as it arrives.
                return loop.mailroom.send_examined(proc, seq, message, target)
            target.status = _READY
            loop.queue.append(target)
        if bus.listeners:
            bus.publish(seq, proc.pid, _SEND, {"msg": message, "to": to, "into": [to]})
        return True
    return loop.mailroom.finish_send(proc, seq, message, to, target)


# Why setattr: Process.send is this function itself (see its docstring);
# process.py cannot import the run loop, which imports it.
setattr(Process, "send", send)  # noqa: B010
