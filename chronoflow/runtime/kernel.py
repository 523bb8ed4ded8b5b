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
import contextlib
import inspect
import sys
import time
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from chronoflow.errors import (
    AlreadyStartedError,
    MisuseError,
    NotAChildError,
    ProcessCrashedError,
    UnjoinedChildrenError,
)
from chronoflow.runtime.effects import YIELD_HELP, Join, MatchMode, Receive, Use, describe_match
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.template import ProcessTemplate, Transition
from chronoflow.signals import Signal, SignalType

Observer = Callable[[Signal], None]

#: Default inbox limit: a delivery into an inbox already holding this many
#: messages is refused with a BACKOFF signal.
DEFAULT_INBOX_LIMIT = 1000

#: Effects a process may complete in one turn before it yields the CPU to the
#: next process in the run queue (fairness for chatty processes).
STEP_BUDGET = 64

_S = SignalType
_READY = ProcessStatus.READY
_RUNNING = ProcessStatus.RUNNING
_WAITING = ProcessStatus.WAITING


def _qualified(fn: Callable[..., Any]) -> str:
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or repr(fn)
    return f"{module}.{name}" if module else name


class Kernel:
    """Processes, their run queue, and the signals they produce."""

    def __init__(
        self,
        *,
        first_pid: int = 0,
        clock: Callable[[], float] = time.time,
        inbox_limit: int | None = DEFAULT_INBOX_LIMIT,
        observers: Iterable[Observer] = (),
        standalone: bool = True,
    ) -> None:
        self.processes: dict[int, Process] = {}
        #: SEND signals whose message reached no inbox (unroutable, or the
        #: routed process does not exist or has ended).
        self.outbox: list[Signal] = []
        self.clock = clock
        self.inbox_limit = inbox_limit
        #: The process whose generator is executing, if any.
        self.current: Process | None = None
        self._next_pid = first_pid
        self._seq = 0
        self._observers: list[Observer] = list(observers)
        self._runq: deque[Process] = deque()
        self._uses: dict[int, tuple[Process, Awaitable[Any]]] = {}
        self._tasks: dict[asyncio.Future[Any], tuple[int, Process]] = {}
        self._standalone = standalone
        self._pulled: dict[int, list[Signal]] | None = None
        if standalone:
            self._pulled = {}
            self._observers.append(self._keep_for_pull)

    # -- observers and signals ------------------------------------------------

    @property
    def seq(self) -> int:
        """The seq the next signal will get (= signals produced so far)."""
        return self._seq

    def add_observer(self, observer: Observer) -> None:
        """Hand every later signal, in seq order, to ``observer``."""
        self._observers.append(observer)

    def remove_observer(self, observer: Observer) -> None:
        """Stop handing signals to ``observer``."""
        self._observers.remove(observer)

    def _emit(self, proc: Process, kind: SignalType, data: Any = None) -> int:
        seq = self._seq
        self._seq = seq + 1
        proc.seq += 1
        if self._observers:
            signal = Signal(seq, proc.pid, kind, data, self.clock())
            for observer in self._observers:
                observer(signal)
        return seq

    def _notify(self, seq: int, pid: int, kind: SignalType, data: Any) -> Signal:
        signal = Signal(seq, pid, kind, data, self.clock())
        for observer in self._observers:
            observer(signal)
        return signal

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

    # -- creating and starting ---------------------------------------------------

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

    def spawn(self, parent: Process, template: ProcessTemplate, args: tuple[Any, ...]) -> Process:
        """Create and start a child of ``parent`` with a copy of its inbox."""
        if not isinstance(template, ProcessTemplate):
            raise MisuseError(f"spawn() needs a ProcessTemplate, got {template!r}")
        child = self._new_process(template, args, parent)
        try:
            child.gen = template.fn(child, *args)
        except BaseException:
            del self.processes[child.pid]
            raise
        parent.children.append(child)
        self._emit(parent, _S.SPAWN, {"child": child.pid, "template": template.name})
        child.inbox.extend(parent.inbox)
        self._start(child)
        return child

    # -- messages ------------------------------------------------------------------

    def finish_send(
        self, proc: Process, seq: int, message: Any, to: int | None, target: Process | None
    ) -> None:
        """The general path of ``Process.send`` once ``seq`` is reserved:
        deliver to the target and its descendants, emit SEND and BACKOFFs."""
        if target is None or target.status >= ProcessStatus.STOPPED:
            into: list[int] = []
            refused: list[Process] = []
        else:
            into, refused = self._deliver(seq, message, target)
        data = {"msg": message, "to": to, "into": into}
        if self._observers:
            signal = self._notify(seq, proc.pid, _S.SEND, data)
        else:
            signal = Signal(seq, proc.pid, _S.SEND, data, 0.0)
        if not into and not refused:
            self.outbox.append(signal)
        for full in refused:
            self._emit(
                full,
                _S.BACKOFF,
                {"id": seq, "size": len(full.inbox), "limit": full.inbox_limit},
            )

    def deliver_external(self, proc: Process, message: Any) -> None:
        """Put ``message`` into ``proc``'s inbox from outside (a DELIVER signal)."""
        seq = self._seq
        into, refused = self._deliver(seq, message, proc)
        self._emit(proc, _S.DELIVER, {"msg": message, "into": into})
        for full in refused:
            self._emit(
                full,
                _S.BACKOFF,
                {"id": seq, "size": len(full.inbox), "limit": full.inbox_limit},
            )

    def limit_for(self, template: ProcessTemplate) -> int:
        """The inbox limit of ``template``'s processes (maxsize when unbounded)."""
        limit = self.inbox_limit if template.inbox_limit is None else template.inbox_limit
        return sys.maxsize if limit is None else limit

    def _deliver(self, mid: int, message: Any, target: Process) -> tuple[list[int], list[Process]]:
        """Append to ``target`` and its live descendants (pre-order); wake waiters."""
        into: list[int] = []
        refused: list[Process] = []
        stack = [target]
        while stack:
            proc = stack.pop()
            if not proc.alive:
                continue
            if len(proc.inbox) >= proc.inbox_limit:
                refused.append(proc)
            else:
                proc.inbox.append((mid, message))
                into.append(proc.pid)
                if proc.status is _WAITING:
                    proc.status = _READY
                    self._runq.append(proc)
            stack.extend(reversed(proc.children))
        return into, refused

    # -- running -------------------------------------------------------------------

    @property
    def idle(self) -> bool:
        """True when no process can run and no ``use`` call is pending."""
        return not self._runq and not self._uses and not self._tasks

    def run_ready(self) -> None:
        """Run processes from the run queue until none is runnable."""
        runq = self._runq
        step = self._step
        while runq:
            proc = runq.popleft()
            if proc.status is _READY:
                step(proc)

    async def update(self) -> bool:
        """One round: run everything runnable; if ``use`` calls are pending,
        wait for at least one to finish and run what it woke. True when idle."""
        self.run_ready()
        if self._uses or self._tasks:
            for seq in sorted(self._uses):
                proc, awaitable = self._uses.pop(seq)
                self._tasks[asyncio.ensure_future(awaitable)] = (seq, proc)
            self.flush_observers()
            done, _ = await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in sorted(done, key=lambda t: self._tasks[t][0]):
                seq, proc = self._tasks.pop(task)
                if proc.status is ProcessStatus.USING:
                    self._use_finished(proc, seq, task)
            self.run_ready()
        return self.idle

    def _use_finished(self, proc: Process, seq: int, task: asyncio.Future[Any]) -> None:
        error = task.exception()
        if error is None:
            value = task.result()
            self._emit(proc, _S.RESULT, {"use": seq, "value": value})
            proc._value = value
        else:
            self._emit(
                proc,
                _S.RESULT,
                {"use": seq, "error": type(error).__name__, "message": str(error)},
            )
            proc._exc = error
        proc.status = _READY
        self._runq.append(proc)

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
                                self._notify(seq, proc.pid, _S.RECEIVE, mid)
                            proc._waited = False
                            effect = None
                        else:
                            proc.status = _WAITING
                            proc._effect = effect
                            if not proc._waited:
                                proc._waited = True
                                seq = self._seq
                                self._seq = seq + 1
                                proc.seq += 1
                                if self._observers:
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
            # arrives; only the first time it blocks is a WAIT signal.
            proc._waited = True
            self._emit(proc, _S.WAIT, wait_data)

    def _take_matching(self, proc: Process, effect: Receive) -> tuple[bool, Any]:
        """Take the first matching message; a filter drops the others first."""
        match = effect.match
        assert match is not None
        inbox = proc.inbox
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

    def _start_use(self, proc: Process, effect: Use) -> None:
        seq = self._emit(proc, _S.USE, {"fn": _qualified(effect.fn), "args": list(effect.args)})
        try:
            awaitable = effect.fn(*effect.args)
            if not inspect.isawaitable(awaitable):
                raise TypeError(
                    f"use() needs fn(*args) to return an awaitable (e.g. call an "
                    f"async def function); {_qualified(effect.fn)} returned "
                    f"{type(awaitable).__name__}"
                )
        except Exception as error:
            self._emit(
                proc,
                _S.RESULT,
                {"use": seq, "error": type(error).__name__, "message": str(error)},
            )
            proc._exc = error
            proc.status = _READY
            self._runq.append(proc)
            return
        proc.status = ProcessStatus.USING
        self._uses[seq] = (proc, awaitable)

    @staticmethod
    def _not_a_child(proc: Process, child: Any) -> NotAChildError:
        who = f"process {child.pid}" if isinstance(child, Process) else repr(child)
        return NotAChildError(
            f"process {proc.pid} cannot join {who}: only a parent can join the children it spawned"
        )

    @staticmethod
    def _child_failure(child: Process) -> ProcessCrashedError:
        error = child.error
        if child.status is ProcessStatus.KILLED:
            failure = ProcessCrashedError(child.pid, child.template.name, "Killed", "killed")
        else:
            failure = ProcessCrashedError(
                child.pid,
                child.template.name,
                type(error).__name__,
                str(error),
            )
        failure.__cause__ = error
        return failure

    # -- endings -------------------------------------------------------------------

    def _returned(self, proc: Process, value: Any) -> None:
        if isinstance(value, Transition):
            target = value.template
            self._emit(
                proc,
                _S.TRANSITION,
                {
                    "template": target.name,
                    "module": target.module,
                    "qualname": target.qualname,
                    "args": list(value.args),
                },
            )
            proc.template = target
            proc.inbox_limit = self.limit_for(target)
            proc.args = value.args
            proc.transitions += 1
            try:
                proc.gen = target.fn(proc, *value.args)
            except Exception as error:
                self._crash(proc, error)
                return
            proc._waited = False
            proc.status = _READY
            self._runq.append(proc)
            return
        live = [child.pid for child in proc.children if child.alive]
        if live:
            self._crash(proc, UnjoinedChildrenError(proc.pid, live))
            return
        proc.result = value
        proc.status = ProcessStatus.STOPPED
        self._emit(proc, _S.STOP, {"result": value})
        self._ended(proc)

    def _crash(self, proc: Process, error: BaseException) -> None:
        proc.error = error
        proc.status = ProcessStatus.CRASHED
        tb = error.__traceback__
        if tb is not None and tb.tb_frame.f_code is Kernel._step.__code__:
            tb = tb.tb_next  # leave out the kernel's own frame
        formatted = "".join(traceback.format_exception(type(error), error, tb))
        self._emit(
            proc,
            _S.CRASH,
            {"error": type(error).__name__, "message": str(error), "traceback": formatted},
        )
        self._ended(proc)

    def _ended(self, proc: Process) -> None:
        self._kill_descendants(proc)
        parent = proc.parent
        if (
            parent is not None
            and parent.status is ProcessStatus.JOINING
            and parent._effect.child is proc
        ):
            parent.status = _READY
            self._runq.append(parent)

    def _kill_descendants(self, proc: Process) -> None:
        for child in proc.children:
            if not child.alive:
                continue
            child.status = ProcessStatus.KILLED
            self._emit(child, _S.KILL, {"reason": f"parent {proc.pid} ended"})
            for seq in [s for s, (p, _) in self._uses.items() if p is child]:
                _, awaitable = self._uses.pop(seq)
                if inspect.iscoroutine(awaitable):
                    awaitable.close()
            for task, (_, owner) in list(self._tasks.items()):
                if owner is child:
                    task.cancel()
                    del self._tasks[task]
            if child.gen is not None:
                with contextlib.suppress(Exception):
                    child.gen.close()
            self._kill_descendants(child)
