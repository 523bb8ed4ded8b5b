"""The run loop: rounds, the one place that resumes generators, and the hop of every message.

:meth:`RunLoop.update` is one round (``scheduler.update()``): run what can
run, wait for ``use`` calls, fire timers; time only moves when nothing else
can happen. :meth:`RunLoop.run_ready` takes processes off the run queue in
FIFO order (or as a chooser says: :mod:`chronoflow.runtime.choosers`);
:meth:`RunLoop.step` resumes one and dispatches what it yields, on the
effect's type, in one place (curio's table of traps): a receive takes a
message or blocks, a ``use`` starts a call, a sleep arms a timer, a join
waits for a child; anything else is thrown back into the process as a
``TypeError``. A process runs for at most ``STEP_BUDGET`` effects before it
goes to the back of the queue. The function :func:`send` is ``self.send``.

The hop of every message-passing program (a send to a live process with
room in its inbox, a plain receive that finds a message or blocks) is
inlined here, and only here: :meth:`RunLoop.run_ready` takes a plain
receive that finds its message without calling :meth:`RunLoop.step`, and
:func:`send` delivers straight into the inbox of a target whose ``direct``
flag allows it; both count the seq as
:meth:`~chronoflow.runtime.bus.SignalBus.emit` would and wake a receiver
without :meth:`~chronoflow.runtime.process.RunQueue.ready` (see them for
why and the figures). What nobody reads is not paid for on that path:
per-process seqs are counted only while observed, RUNNING is not stored
(:attr:`~chronoflow.runtime.process.Process.status` derives it), timers are
looked after in ``step`` only. Everything else goes through the parts: the
mailroom, timers, uses and lifecycle.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from types import FunctionType
from typing import Any, Final

from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.choosers import Chooser
from chronoflow.runtime.effects import (
    RECEIVE_ANY,
    YIELD_HELP,
    Join,
    Receive,
    Sleep,
    Use,
    describe_match,
)
from chronoflow.runtime.inputs import RecordedInputs, ReplayDiverged
from chronoflow.runtime.lifecycle import Lifecycle
from chronoflow.runtime.mailroom import Mailroom
from chronoflow.runtime.process import Process, ProcessStatus, ProcessTable
from chronoflow.runtime.runqueue import RunQueue
from chronoflow.runtime.timers import Timers, VirtualClock
from chronoflow.runtime.uses import Uses
from chronoflow.runtime.watchdog import Watchdog
from chronoflow.signals import SignalType

#: Effects a process may complete in one turn before it yields the CPU to the
#: next process in the run queue (fairness for chatty processes).
STEP_BUDGET: Final = 64

_S = SignalType
_RECEIVE: Final = SignalType.RECEIVE
_SEND: Final = SignalType.SEND
_WAIT: Final = SignalType.WAIT
_READY: Final = ProcessStatus.READY
_WAITING: Final = ProcessStatus.WAITING


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
    #: Who runs next when several are ready, if not FIFO (Kernel.choose_with).
    chooser: Chooser | None = field(init=False)

    def __post_init__(self) -> None:
        self.current = None
        self.queue = self.runq.queue
        self.replay = None
        self.chooser = None

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
        if self.watchdog is not None or self.replay is not None or self.chooser is not None:
            self._run_checked()
            return
        # Why these locals: module globals and attributes cost a lookup each
        # time, and the loop below runs once per hop.
        queue = self.queue
        step = self.step
        bus = self.bus
        listeners = bus.listeners
        lifecycle = self.lifecycle
        receive_any = RECEIVE_ANY
        ready, waiting = _READY, _WAITING
        first_budget = STEP_BUDGET - 1
        # One clock reading per turn for a column sink (see SignalBus.in_step).
        bus.in_step = True
        # What the next RECEIVE adds to the seq: 2 when the WAIT before it
        # was not numbered yet. Why: unobserved, the seq of a WAIT is seen by
        # nobody until the next signal, so the two share one addition (one
        # int made instead of two). Every way out of this loop, and every
        # call into step(), numbers the WAIT first.
        advance = 1
        try:
            while True:
                try:
                    proc = queue.popleft()
                except IndexError:
                    break  # (cheaper than testing the queue before each turn)
                if proc._status is not ready:
                    continue
                bus.stamp_due = True
                if proc._effect is not receive_any:
                    if advance == 2:
                        bus.seq += 1  # the WAIT owed (see above)
                        advance = 1
                    step(proc)
                    continue
                inbox = proc.inbox
                try:
                    mid, value = inbox.popleft()
                except IndexError:
                    if advance == 2:
                        bus.seq += 1
                        advance = 1
                    step(proc)  # woken for a message that has gone: it blocks again
                    continue
                # The hop: a plain receive that finds its message, inlined here
                # (see send() for the other half). Why: this turn is the hop of
                # every message-passing program, and calling step() for it cost
                # a frame and the resume slot's loads and stores (9,320
                # instructions a hop instead of 6,732 on the ring, callgrind,
                # docs/performance.md "Runtime hot path"). The process's
                # plain receive stays its effect while it runs (Process.effect
                # and Process.status tell the truth), and as it has taken a
                # message, blocking again is a WAIT; its timer is None (only
                # step() blocks with a timer, and clears it on a plain receive).
                self.current = proc
                gen = proc.gen
                assert gen is not None
                # What is left of STEP_BUDGET once this receive is done (the
                # first one of a turn cannot spend it: see the end of the loop).
                budget = first_budget
                while True:
                    if listeners:
                        seq = bus.seq
                        bus.seq = seq + 1
                        proc.seq += 1
                        bus.publish_receive(seq, proc.pid, mid)
                    else:
                        bus.seq += advance
                        advance = 1
                    try:
                        effect = gen.send(value)
                    except StopIteration as stop:
                        proc._effect, proc._waited = None, False
                        lifecycle.returned(proc, stop.value)
                        break
                    except Exception as error:
                        proc._effect, proc._waited = None, False
                        lifecycle.crash(proc, error)
                        break
                    if effect is not receive_any:
                        proc._effect, proc._waited = effect, False
                        step(proc, budget)
                        break
                    if not inbox:
                        proc._status = waiting
                        proc._waited = True
                        if listeners:
                            seq = bus.seq
                            bus.seq = seq + 1
                            proc.seq += 1
                            bus.publish(seq, proc.pid, _WAIT, None)
                        else:
                            advance = 2  # this WAIT is numbered with the next RECEIVE
                        break
                    mid, value = inbox.popleft()
                    budget -= 1
                    if budget == 0:
                        # Its turn is spent: it takes this message now (the
                        # RECEIVE as above) and resumes with it when its turn
                        # comes again.
                        seq = bus.seq
                        bus.seq = seq + 1
                        if listeners:
                            proc.seq += 1
                            bus.publish_receive(seq, proc.pid, mid)
                        proc._effect, proc._value, proc._waited = None, value, False
                        self.runq.ready(proc)
                        break
        finally:
            if advance == 2:
                bus.seq += 1
            self.current = None
            bus.in_step = False
            bus.stamp_due = True

    def _run_checked(self) -> None:
        """``run_ready`` with the optional duties between steps: stop when a replay
        pauses, let a chooser pick who runs next, time each step for the watchdog."""
        queue = self.queue
        replay = self.replay
        watchdog = self.watchdog
        chooser = self.chooser
        try:
            while queue and not (replay is not None and replay.paused):
                proc = queue.popleft() if chooser is None else chooser.next_ready(queue)
                if proc._status is not _READY:
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

    def step(self, proc: Process, budget: int = STEP_BUDGET) -> None:
        """Resume ``proc`` and dispatch what it yields until it blocks, ends or
        has completed ``budget`` effects.

        Why one function: a process's pending effect, resume value and
        exception live in one slot on the process, and only this loop
        reads and clears it, so there is one resume path to reason about.
        """
        self.current = proc
        gen = proc.gen
        assert gen is not None
        effect: Any = proc._effect  # Why Any: mypyc would infer None from the line below
        value = proc._value
        exc = proc._exc
        proc._effect = proc._value = proc._exc = None
        bus = self.bus
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
                            if bus.listeners:
                                proc.seq += 1
                                bus.publish_receive(seq, proc.pid, mid)
                            proc._waited = False
                            effect = None
                        else:
                            proc._status = _WAITING
                            proc._effect = effect
                            if not proc._waited:
                                if effect.timeout is not None:
                                    self.timers.block_timed(proc, effect)
                                    return
                                proc._waited = True
                                proc._timer = None
                                seq = bus.seq
                                bus.seq = seq + 1
                                if bus.listeners:
                                    proc.seq += 1
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
                    if child._status is ProcessStatus.STOPPED:
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

    def send(self, proc: Process, message: Any) -> bool:
        """``proc.send(message)`` in the compiled build: :func:`send`."""
        return send(proc, message)

    def send_to(self, proc: Process, pid: int, message: Any) -> bool:
        """``proc`` sends ``message`` to process ``pid`` (``self.send_to``).

        Why not inlined as ``send`` is: the ring and every routed program do
        not use it; the mailroom's general path records the same SEND
        (``{"msg", "to", "into"}``, ``into`` empty for an ended or unknown pid).
        """
        seq = self.bus.seq
        self.bus.seq = seq + 1
        return self.mailroom.finish_send(proc, seq, message, pid, self.processes.get(pid))


def send(proc: Process, message: Any) -> bool:
    """``proc.send(message)``: send ``message`` where the template's ``route``
    says (does not yield). This function *is* ``Process.send``: the run loop
    sets it there when it is imported.

    Called from outside, it injects a message as if this process sent it,
    as in the original. Returns True when the routed process took the
    message, False when it was refused (a full inbox) or reached no one.

    Why inlined: this and the plain receive in :meth:`RunLoop.run_ready` are
    the hop of every message, with three signals (SEND, RECEIVE, WAIT) per hop.
    Here and there only, the bus's ``emit`` is inlined as far as counting
    the seq and asking whether anyone listens (a listened-to signal goes
    to ``SignalBus.publish``, where the emit lives), and a woken receiver
    goes onto the run queue without ``RunQueue.ready``. Measured on the
    ring of ``benchmarks/ring.py``: calling ``emit`` and ``ready`` instead
    costs 12% more instructions per hop unrecorded and 4% recorded
    (cachegrind), about 15% and 5% of the throughput. Why a function that
    becomes ``Process.send`` rather than a method ``Process.send`` calls:
    the call between them cost 3.2% more instructions per hop. Why one
    ``direct`` flag on the target: it stands for "no inheriting children,
    not ended, no replay", which were three tests per hop (316
    instructions of a hop of 6,732, callgrind, ``docs/performance.md``).
    """
    loop = proc._loop
    # An ended process's route raises ProcessStoppedError (Process.end_as).
    # Why read first: proc._route(message) is a method lookup that CPython
    # 3.11 cannot specialise on a slot.
    route = proc._route
    to = route(message)
    bus = loop.bus
    seq = bus.seq
    bus.seq = seq + 1
    target = loop.processes.get(to)  # type: ignore[arg-type]  # (None is no pid)
    if (
        target is not None
        and target.direct
        and (target.unbounded or len(target.inbox) < target.inbox_limit)
    ):
        # The common case: one live target with no inheriting descendants, no
        # replay, room in its inbox (``direct``, see Process). Everything
        # else goes through the mailroom.
        target.inbox.append((seq, message))
        if target._status is _WAITING:
            if target._effect is not RECEIVE_ANY and target._effect.match is not None:
                # A selective receive examines the message as it arrives.
                return loop.mailroom.send_examined(proc, seq, message, target)
            target._status = _READY
            loop.queue.append(target)
        if bus.listeners:
            proc.seq += 1
            bus.publish_send(seq, proc.pid, message, to)  # type: ignore[arg-type]  # (a pid)
        return True
    return loop.mailroom.finish_send(proc, seq, message, to, target)


# Why setattr: Process.send is this function itself (see its docstring);
# process.py cannot import the run loop, which imports it.
# Compiled (mypyc), ``send`` is a builtin function, which does not bind as a
# method: there Process.send stays the method that calls RunLoop.send.
if isinstance(send, FunctionType):
    setattr(Process, "send", send)  # noqa: B010
