"""The kernel: the one place that resumes generators and turns effects into signals.

A kernel owns a tree (or forest) of processes, the global ``seq``, a FIFO
run queue, the pending ``use`` calls and the observers that receive every
signal. :class:`SimpleScheduler` is a kernel with routing between the
processes it creates; ``T.create(pid)`` gives a standalone kernel with one
root process whose signals are kept for ``pull()``.

Determinism is a policy you can read here: processes run in FIFO order,
each for at most ``STEP_BUDGET`` effects before it goes to the back of the
queue; the clock is injected and only read to timestamp signals; results
of concurrent ``use`` calls that finish together are applied in the order
the calls were made.
"""

from __future__ import annotations

import asyncio
from typing import Any

from chronoflow.errors import AlreadyStartedError, MisuseError, ReplayError
from chronoflow.runtime.checking import ReplayDiverged
from chronoflow.runtime.effects import (
    YIELD_HELP,
    Join,
    MatchMode,
    Receive,
    Sleep,
    Use,
    describe_match,
)
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.template import ProcessTemplate
from chronoflow.runtime.uses import Uses
from chronoflow.signals import SignalType

#: Effects a process may complete in one turn before it yields the CPU to the
#: next process in the run queue (fairness for chatty processes).
STEP_BUDGET = 64

_S = SignalType
_READY = ProcessStatus.READY
_RUNNING = ProcessStatus.RUNNING
_WAITING = ProcessStatus.WAITING


class Kernel(Uses):
    """Processes, their run queue, and the signals they produce."""

    def create(self, template: ProcessTemplate, *args: Any) -> Process:
        """A new, not yet started process of ``template`` with a fresh pid."""
        if not isinstance(template, ProcessTemplate):
            raise MisuseError(
                f"create() needs a ProcessTemplate (a function decorated with "
                f"@template), got {template!r}"
            )
        return self._new_process(template, args, None)

    def _new_process(
        self, template: ProcessTemplate, args: tuple[Any, ...], parent: Process | None
    ) -> Process:
        pid = self._next_pid
        while pid in self.processes:
            pid += 1
        self._next_pid = pid + 1
        proc = Process(self, pid, template, args, parent)
        self.processes[pid] = proc
        return proc

    def start(self, proc: Process) -> None:
        """Emit START and make ``proc`` runnable; a standalone kernel runs it now."""
        if proc.status is not ProcessStatus.CREATED:
            raise AlreadyStartedError(
                f"process {proc.pid} ({proc.template.name}) was already started"
            )
        self._start(proc)
        if self._standalone and self.current is None:
            self.run_ready()

    def _start(self, proc: Process) -> None:
        if self._replay is not None and self._replay.intercept_start(self, proc):
            return
        template = proc.template
        proc.gen = template.fn(proc, *proc.args)
        parent = proc.parent
        self._emit(
            proc,
            _S.START,
            {
                "template": template.name,
                "module": template.module,
                "qualname": template.qualname,
                "args": list(proc.args),
                "parent": None if parent is None else parent.pid,
            },
        )
        proc.status = _READY
        self._runq.append(proc)

    def spawn(
        self,
        parent: Process,
        template: ProcessTemplate,
        args: tuple[Any, ...],
        *,
        inherit: bool = True,
    ) -> Process:
        """Create and start a child of ``parent`` with a copy of its inbox.

        With ``inherit=False`` the child gets neither the copy nor later messages
        of the parent (a worker under a supervisor).
        """
        if not isinstance(template, ProcessTemplate):
            raise MisuseError(f"spawn() needs a ProcessTemplate, got {template!r}")
        child = self._new_process(template, args, parent)
        try:
            child.gen = template.fn(child, *args)
        except BaseException:
            del self.processes[child.pid]
            raise
        parent.children.append(child)
        child.inherits = inherit
        if inherit:
            self._emit(parent, _S.SPAWN, {"child": child.pid, "template": template.name})
            child.inbox.extend(parent.inbox)
        else:
            spawn = {"child": child.pid, "template": template.name, "inherit": False}
            self._emit(parent, _S.SPAWN, spawn)
        self._start(child)
        return child

    @property
    def idle(self) -> bool:
        """True when no process can run and no ``use`` call is pending."""
        return (
            not self._runq
            and not self._uses
            and not self._tasks
            and not self._recorded
            and self._next_timer() is None
        )

    def run_ready(self) -> None:
        """Run processes from the run queue until none is runnable."""
        if self.watchdog is not None or self._replay is not None:
            self._run_checked()
            return
        runq = self._runq
        step = self._step
        while runq:
            proc = runq.popleft()
            if proc.status is _READY:
                step(proc)

    def _run_checked(self) -> None:
        """``run_ready`` with the optional duties between steps: stop when a replay
        pauses, time each step for the watchdog."""
        runq = self._runq
        replay = self._replay
        watchdog = self.watchdog
        try:
            while runq and not (replay is not None and replay.paused):
                proc = runq.popleft()
                if proc.status is not _READY:
                    continue
                if watchdog is None:
                    self._step(proc)
                else:
                    watchdog.step_started(proc)
                    try:
                        self._step(proc)
                    finally:
                        overrun = watchdog.step_ended()
                    if overrun is not None:
                        seconds, where = overrun
                        self._emit(proc, _S.STUCK, {"seconds": round(seconds, 3), "where": where})
        except ReplayDiverged as diverged:
            raise diverged.error from None

    async def update(self) -> bool:
        """One round: run everything runnable; if ``use`` calls are pending,
        wait for at least one to finish and run what it woke. True when idle."""
        self.run_ready()
        if self._replay is not None and self._replay.paused:
            return True
        if self._recorded:
            self._apply_recorded_results()
        if self._uses or self._tasks:
            for seq in sorted(self._uses):
                proc, awaitable = self._uses.pop(seq)
                self._tasks[asyncio.ensure_future(awaitable)] = (seq, proc)
            self.flush_observers()
            done, _ = await asyncio.wait(
                self._tasks,
                timeout=self._seconds_to_next_timer(),
                return_when=asyncio.FIRST_COMPLETED,
            )
            for task in sorted(done, key=lambda t: self._tasks[t][0]):
                seq, proc = self._tasks.pop(task)
                if proc.status is ProcessStatus.USING:
                    self._use_finished(proc, seq, task)
            self.run_ready()
        await self._run_timers()
        self.run_ready()
        return self.idle

    def adopt(self, parent: Process, template: ProcessTemplate, pid: int) -> Process:
        """Register a child of ``parent`` with a recorded pid, without running it."""
        if pid in self.processes:
            raise ReplayError(f"the recording reuses pid {pid}, which is already taken")
        child = Process(self, pid, template, (), parent)
        self.processes[pid] = child
        parent.children.append(child)
        self._next_pid = max(self._next_pid, pid + 1)
        return child

    def _step(self, proc: Process) -> None:
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
        budget = STEP_BUDGET
        try:
            while True:
                if effect is None:
                    try:
                        effect = gen.send(value) if exc is None else gen.throw(exc)
                    except StopIteration as stop:
                        self._returned(proc, stop.value)
                        return
                    except Exception as error:
                        self._crash(proc, error)
                        return
                    exc = None
                kind = type(effect)
                if kind is Receive:
                    inbox = proc.inbox
                    if effect.match is None:
                        # Why inlined: this is the hop of every message; calls to
                        # _emit/_block here cost a fifth of the throughput.
                        if inbox:
                            mid, value = inbox.popleft()
                            seq = self._seq
                            self._seq = seq + 1
                            proc.seq += 1
                            if self._observers:
                                if seq < self._sole_until:
                                    self._sole_append(
                                        (seq, proc.pid, _S.RECEIVE, mid, self.clock())
                                    )
                                else:
                                    self._notify(seq, proc.pid, _S.RECEIVE, mid)
                            proc._waited = False
                            effect = None
                        else:
                            proc.status = _WAITING
                            proc._effect = effect
                            if not proc._waited:
                                if effect.timeout is not None:
                                    self._block_timed(proc, effect)
                                    return
                                proc._waited = True
                                proc._timer = None
                                seq = self._seq
                                self._seq = seq + 1
                                proc.seq += 1
                                if self._observers:
                                    if seq < self._sole_until:
                                        self._sole_append(
                                            (seq, proc.pid, _S.WAIT, None, self.clock())
                                        )
                                    else:
                                        self._notify(seq, proc.pid, _S.WAIT, None)
                            return
                    else:
                        try:
                            found, value = self._take_matching(proc, effect)
                        except Exception as error:
                            effect, exc = None, error
                            continue
                        if not found:
                            self._block(proc, _WAITING, effect, describe_match(effect))
                            return
                        effect = None
                elif kind is Use:
                    self._start_use(proc, effect)
                    return
                elif kind is Sleep:
                    self._block_timed(proc, effect)
                    return
                elif kind is Join:
                    child = effect.child
                    if not isinstance(child, Process) or child.parent is not proc:
                        effect, exc = None, self._not_a_child(proc, child)
                        continue
                    if child.alive:
                        self._block(proc, ProcessStatus.JOINING, effect, {"join": child.pid})
                        return
                    proc._waited = False
                    self._emit(proc, _S.JOIN, {"child": child.pid, "result": child.result})
                    effect = None
                    if child.status is ProcessStatus.STOPPED:
                        value = child.result
                    else:
                        value, exc = None, self._child_failure(child)
                else:
                    effect, exc = (
                        None,
                        TypeError(f"process {proc.pid} yielded {effect!r}; {YIELD_HELP}"),
                    )
                    continue
                budget -= 1
                if not budget:
                    proc._value, proc._exc = value, exc
                    proc.status = _READY
                    self._runq.append(proc)
                    return
        finally:
            self.current = None

    def _block(self, proc: Process, status: ProcessStatus, effect: Any, wait_data: Any) -> None:
        proc.status = status
        proc._effect = effect
        if not proc._waited:
            # Why: a waiting process re-checks its receive whenever a message
            # arrives; only the first time it blocks is a WAIT signal (and a
            # timer, for a receive with a timeout).
            if isinstance(effect, Receive) and effect.timeout is not None:
                self._block_timed(proc, effect)
                return
            proc._waited = True
            proc._timer = None
            self._emit(proc, _S.WAIT, wait_data)

    def _take_matching(self, proc: Process, effect: Receive) -> tuple[bool, Any]:
        """Take the message the receive matched as it arrived, else the first
        matching message (a filter drops the others first)."""
        match = effect.match
        assert match is not None
        inbox = proc.inbox
        matched = proc._matched
        if matched is not None:
            # Why by id: the message was examined as it arrived (recorded
            # in its signal's "matched"); the receive takes exactly that one,
            # without asking the pattern again.
            proc._matched = None
            for index, (mid, message) in enumerate(inbox):
                if mid == matched:
                    del inbox[index]
                    self._emit(proc, _S.RECEIVE, mid)
                    proc._waited = False
                    return True, message
        if effect.mode is MatchMode.FILTER:
            while inbox:
                mid, message = inbox[0]
                if match(message):
                    inbox.popleft()
                    self._emit(proc, _S.RECEIVE, mid)
                    proc._waited = False
                    return True, message
                inbox.popleft()
                self._emit(proc, _S.DROP, {"id": mid, "msg": message})
            return False, None
        for index, (mid, message) in enumerate(inbox):
            if match(message):
                del inbox[index]
                self._emit(proc, _S.RECEIVE, mid)
                proc._waited = False
                return True, message
        return False, None
