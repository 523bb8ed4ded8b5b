"""The kernel: one object that holds the runtime's parts and is driven through a small API.

A kernel owns a tree (or forest) of processes and composes the parts that
run them, each holding explicit references to the parts it needs:

- ``bus`` (:class:`~chronoflow.runtime.bus.SignalBus`): the global ``seq``
  and the observers, sinks and recorder that receive every signal;
- ``runq`` (:class:`~chronoflow.runtime.process.RunQueue`): the FIFO of
  ready processes, ``runq.ready(proc)`` the one way onto it;
- ``mailroom``: deliveries into inboxes and what full inboxes do;
- ``uses``: ``use`` calls in flight; ``timers``: WAITs, timeouts, sleeps;
- ``links``: links, monitors, exit signals and what an ending causes;
- ``registry``: registered names (``register``, ``whereis``);
- ``lifecycle``: transitions, stops and crashes;
- ``loop`` (:class:`~chronoflow.runtime.runloop.RunLoop`): the one place that
  resumes generators, with the hot path of every message hop, and the
  watchdog that times its steps.

Processes call the part that owns what they ask for. Everything else —
the scheduler's users, supervisors, replays and the debugger's
re-execution — drives the kernel through the methods of :class:`Kernel`
only: create and start processes, observe them, run rounds, and feed it
inputs (a message, an exit signal, a DOWN, a kill, a timer firing, a
``use`` result). What happens in the kernel stays in the kernel.

Determinism is a policy you can read in the run loop
(:mod:`chronoflow.runtime.runloop`): processes run in FIFO order, each for
at most ``STEP_BUDGET`` effects before it goes to the back of the queue;
the clock is injected and only read to timestamp signals and time timers;
results of concurrent ``use`` calls that finish together are applied in the
order the calls were made; time moves only when nothing else can happen.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any, Self

from chronoflow.errors import AlreadyStartedError, MisuseError, ProcessExit, ReplayError
from chronoflow.runtime import runloop
from chronoflow.runtime.bus import Observer, Recording, SignalBus, Sink, open_recording_at
from chronoflow.runtime.choosers import Chooser
from chronoflow.runtime.inputs import RecordedInputs
from chronoflow.runtime.lifecycle import ENDINGS, Lifecycle
from chronoflow.runtime.links import Links
from chronoflow.runtime.mailroom import DEFAULT_INBOX_LIMIT, Mailroom
from chronoflow.runtime.native import frame_file, mypyc_attr
from chronoflow.runtime.process import Process, ProcessStatus, ProcessTable
from chronoflow.runtime.registry import Registry
from chronoflow.runtime.runloop import RunLoop
from chronoflow.runtime.runqueue import RunQueue
from chronoflow.runtime.template import ProcessTemplate, install_standalone
from chronoflow.runtime.timers import Timers
from chronoflow.runtime.uses import Uses
from chronoflow.runtime.watchdog import Watchdog
from chronoflow.signals import Signal, SignalType

_S = SignalType


@mypyc_attr(allow_interpreted_subclasses=True)
class Kernel:
    """Processes, the parts that run them, and the signals they produce."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        inbox_limit: int | None = DEFAULT_INBOX_LIMIT,
        overflow: str = "backoff",
        observers: Iterable[Observer] = (),
        watchdog: float | None = None,
        record: str | os.PathLike[str] | Recording | None = None,
        first_pid: int = 0,
        standalone: bool = False,
    ) -> None:
        """``inbox_limit`` and ``overflow`` apply to templates without their own
        (limit None: unbounded; overflow: see ``OVERFLOW_POLICIES``).

        ``clock`` only timestamps signals and times timers (a
        :class:`~chronoflow.runtime.VirtualClock` makes timers instant); it
        never decides the order in which processes run. ``observers`` receive
        every signal. ``watchdog`` (seconds) reports any step that runs longer
        without yielding (a warning line and a STUCK signal). ``record`` is a
        path to record everything to, or a recorder (see :meth:`close`).
        ``first_pid`` numbers the processes; a ``standalone`` kernel (``T.create``)
        runs a process as soon as it starts and keeps its signals for ``pull()``.
        """
        self.processes: ProcessTable = {}
        self.bus = SignalBus(clock=clock, observers=observers, pulls=standalone)
        self.runq = RunQueue()
        self.mailroom = Mailroom(
            self.bus, self.processes, self.runq, limit=inbox_limit, overflow=overflow
        )
        self.uses = Uses(self.bus, self.runq)
        self.timers = Timers(self.bus, self.runq)
        self.registry = Registry(self.bus, self.processes)
        self.links = Links(
            self.bus, self.processes, self.runq, self.mailroom, self.uses, self.registry
        )
        self.lifecycle = Lifecycle(
            self.bus, self.runq, self.mailroom, self.links, frame_file(runloop)
        )
        self.loop = RunLoop(
            self.bus,
            self.processes,
            self.runq,
            self.mailroom,
            self.timers,
            self.uses,
            self.lifecycle,
            None if watchdog is None else Watchdog(watchdog),
        )
        self.standalone = standalone
        #: The replay supplying recorded inputs, if any (see attach_replay).
        self.replay: RecordedInputs | None = None
        self._next_pid = first_pid
        #: What ``record=`` opened or was given, if anything.
        self.recorder: Recording | None = None
        if record is not None:
            self.recorder = open_recording_at(record)
            self.recorder.attach(self)

    # -- what it is now ---------------------------------------------------------------

    @property
    def seq(self) -> int:
        """The seq the next signal will get (= signals produced so far)."""
        return self.bus.seq

    @property
    def clock(self) -> Callable[[], float]:
        """The clock that timestamps signals (and times timers)."""
        return self.bus.clock

    @property
    def inbox_limit(self) -> int | None:
        """The inbox limit of templates without their own (None: unbounded)."""
        return self.mailroom.inbox_limit

    @property
    def overflow(self) -> str:
        """What a full inbox does with a new message, for templates without their own."""
        return self.mailroom.overflow

    @property
    def outbox(self) -> list[Signal]:
        """SEND signals whose message reached no inbox (unroutable, or the
        routed process does not exist or has ended)."""
        return self.mailroom.outbox

    @property
    def current(self) -> Process | None:
        """The process whose generator is executing, if any."""
        return self.loop.current

    @property
    def idle(self) -> bool:
        """True when no process can run and no ``use`` call or timer is pending."""
        return self.loop.idle

    # -- who listens --------------------------------------------------------------------

    def add_observer(self, observer: Observer) -> None:
        """Hand every later signal, in seq order, to ``observer``."""
        self.bus.add_observer(observer)

    def remove_observer(self, observer: Observer) -> None:
        """Stop handing signals to ``observer``."""
        self.bus.remove_observer(observer)

    def add_sink(self, sink: Sink) -> None:
        """Append every later signal to ``sink.buffer`` (see ``SignalBus.add_sink``)."""
        self.bus.add_sink(sink)

    def flush_observers(self) -> None:
        """Let every observer and sink write out what it buffers (``flush()``)."""
        self.bus.flush()

    def pull(self, proc: Process) -> list[Signal]:
        """Signals of ``proc`` produced since its last pull (standalone only)."""
        return self.bus.pull(proc)

    # -- processes ------------------------------------------------------------------------

    def create(
        self,
        template: ProcessTemplate,
        *args: Any,
        inbox_limit: int | None = None,
        overflow: str | None = None,
    ) -> Process:
        """A new, not yet started process of ``template`` with a fresh pid.

        ``inbox_limit`` and ``overflow`` (keyword-only: a template's own
        arguments are positional, so they never collide) set this process's
        inbox limit and overflow policy in place of the template's and the
        kernel's; None keeps those.
        """
        if not isinstance(template, ProcessTemplate):
            raise MisuseError(
                f"create() needs a ProcessTemplate (a function decorated with "
                f"@template), got {template!r}"
            )
        self.mailroom.check_options(inbox_limit, overflow)
        proc = self._new_process(template, args, None)
        self.mailroom.set_options(proc, inbox_limit, overflow)
        return proc

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
        if proc._status is not ProcessStatus.CREATED:
            raise AlreadyStartedError(
                f"process {proc.pid} ({proc.template.name}) was already started"
            )
        self._start(proc)
        if self.standalone and self.loop.current is None:
            self.run_ready()

    def _start(self, proc: Process) -> None:
        if self.replay is not None and self.replay.intercept_start(self, proc):
            return
        template = proc.template
        proc.gen = template.fn(proc, *proc.args)
        parent = proc.parent
        self.bus.emit(
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
        self.runq.ready(proc)

    def spawn(
        self,
        parent: Process,
        template: ProcessTemplate,
        args: tuple[Any, ...],
        *,
        inherit: bool = True,
        inbox_limit: int | None = None,
        overflow: str | None = None,
    ) -> Process:
        """Create and start a child of ``parent`` with a copy of its inbox.

        With ``inherit=False`` the child gets neither the copy nor later messages
        of the parent (a worker under a supervisor). ``inbox_limit`` and
        ``overflow`` are the child's own (see :meth:`create`).
        """
        if not isinstance(template, ProcessTemplate):
            raise MisuseError(f"spawn() needs a ProcessTemplate, got {template!r}")
        self.mailroom.check_options(inbox_limit, overflow)
        child = self._new_process(template, args, parent)
        self.mailroom.set_options(child, inbox_limit, overflow)
        try:
            child.gen = template.fn(child, *args)
        except BaseException:
            del self.processes[child.pid]
            raise
        parent.children.append(child)
        child.inherits = inherit
        if inherit:
            parent.direct = False  # messages to it reach the child too
        spawn: dict[str, Any] = {"child": child.pid, "template": template.name}
        if inherit:
            self.bus.emit(parent, _S.SPAWN, spawn)
            child.inbox.extend(parent.inbox)
        else:
            self.bus.emit(parent, _S.SPAWN, {**spawn, "inherit": False})
        self._start(child)
        return child

    def exit_signal(self, sender: Process, pid: int, reason: Any) -> None:
        """``sender`` sends an exit signal with ``reason`` to ``pid`` (``Process.exit``)."""
        target = self.processes.get(pid)
        if target is None or not target.alive:
            return
        current = self.loop.current
        if target is current:
            raise ProcessExit(reason)
        self.links.exit_arrives(target, sender.pid, reason)
        if sender is current and not sender.alive:
            # What the exit caused came back and ended the sender itself: it
            # must not run on (see Lifecycle.crash).
            raise ProcessExit(sender.reason)

    def send_to(self, pid: int | str, message: Any) -> bool:
        """Send ``message`` from outside to process ``pid`` (Erlang's ``Pid ! Msg``).

        It goes into the inbox of ``pid`` and its inheriting descendants (a
        DELIVER signal of ``pid``, as ``push`` records);
        no process runs until the next round. To a pid that has ended or
        never existed it is silent, as in Erlang, and recorded: a DELIVER of
        ``pid`` with ``"to": pid`` and ``into`` empty. A registered name
        (a str) stands for its process; a name no process holds raises
        :class:`~chronoflow.errors.NameNotRegisteredError`. True when
        ``pid`` took the message.
        """
        if isinstance(pid, str):
            pid = self.registry.resolve(pid, "send_to()")
        return self.mailroom.send_from_outside(pid, message)

    # -- names ---------------------------------------------------------------------------------

    def register(self, name: str, pid: int) -> None:
        """Register process ``pid`` as ``name`` from outside (a REGISTER of it,
        ``"by": None``); see :mod:`chronoflow.runtime.registry`."""
        self.registry.register(name, pid, None, self.replay)

    def unregister(self, name: str) -> None:
        """Free ``name`` from outside (an UNREGISTER of the process that had it)."""
        self.registry.unregister(name, None, self.replay)

    def whereis(self, name: str) -> int | None:
        """The pid registered as ``name``, or None."""
        return self.registry.whereis(name)

    # -- rounds ------------------------------------------------------------------------------

    def run_ready(self) -> None:
        """Run processes from the run queue until none is runnable."""
        self.loop.run_ready()

    async def update(self) -> bool:
        """One round: run everything runnable; if ``use`` calls are pending,
        wait for at least one to finish and run what it woke; fire due timers
        (or wait for the next). True when idle."""
        return await self.loop.update()

    # -- inputs: how replays and the debugger drive the kernel ----------------------------

    def attach_replay(self, replay: RecordedInputs) -> None:
        """Run under ``replay`` (before any process starts): it is handed every
        signal to check, and supplies recorded inputs in place of live ones."""
        self.replay = replay
        for proc in self.processes.values():
            proc.direct = False  # the replay decides every delivery
        self.mailroom.replay = self.timers.replay = self.uses.replay = replay
        self.loop.replay = replay
        self.bus.add_observer(replay)

    def choose_with(self, chooser: Chooser | None) -> None:
        """Let ``chooser`` take the next process off the run queue whenever one
        runs, in place of FIFO order (None: FIFO again); see
        :mod:`chronoflow.runtime.choosers`."""
        self.loop.chooser = chooser

    def emit(self, proc: Process, kind: SignalType, data: Any = None) -> int:
        """Record a signal of ``proc`` as it is (its seq): a replay re-emitting
        recorded signals, or a part of the runtime written as a process (a
        supervisor's RESTART)."""
        return self.bus.emit(proc, kind, data)

    def deliver(self, mid: int, message: Any, target: Process) -> list[int]:
        """Deliver message ``mid`` (recorded elsewhere) into ``target`` and its live
        descendants, with no SEND or DELIVER of its own; the pids it went into."""
        return self.mailroom.deliver(mid, message, target)

    def deliver_external(self, proc: Process, message: Any) -> None:
        """Put ``message`` into ``proc``'s inbox from outside (a DELIVER signal)."""
        self.mailroom.deliver_external(proc, message)

    def exit_arrives(self, target: Process, sender: int, reason: Any) -> None:
        """An exit signal with ``reason`` from pid ``sender`` reaches ``target``:
        it ends it, is ignored ("normal"), or is an EXIT message if it traps exits."""
        self.links.exit_arrives(target, sender, reason)

    def down_arrives(self, watcher: Process, ref: int, pid: int, reason: Any) -> None:
        """``watcher``'s monitor ``ref`` reports that ``pid`` ended (a DOWN message)."""
        self.links.down(watcher, ref, pid, reason)

    def kill(self, proc: Process, reason: Any, by: int | None = None) -> None:
        """End ``proc`` from outside with ``reason`` (a KILL signal, sent by ``by``)."""
        self.links.terminate(proc, reason, by)

    def armed_timer(self, proc: Process) -> int | None:
        """The seq of the WAIT whose timer is armed for ``proc``, or None."""
        return proc._timer

    def fire_timer(self, proc: Process, wait: int) -> None:
        """Fire the timer armed by WAIT ``wait``: ``proc`` resumes (a TIMEOUT signal)."""
        self.timers.fire(proc, wait)

    def recorded_uses(self) -> list[int]:
        """The USE seqs of pending calls waiting for their outcome from a recording."""
        return sorted(self.uses.recorded)

    def complete_use(self, use: int) -> None:
        """End the pending call of USE ``use`` with its recorded outcome (a RESULT)."""
        self.uses.complete_recorded(use)

    def start_from_transition(
        self, proc: Process, template: ProcessTemplate, args: tuple[Any, ...], data: Any
    ) -> None:
        """Start ``proc`` in ``template(*args)`` as if it had just made a TRANSITION
        recorded with ``data``: how a replay begins a process whose recorded
        signals begin there."""
        self.lifecycle.become(proc, template, args)
        proc.transitions = 1
        proc.gen = template.fn(proc, *args)
        self.bus.emit(proc, _S.TRANSITION, data)
        self.runq.ready(proc)

    def restore(self, proc: Process, inbox: Iterable[tuple[int, Any]], trap_exit: bool) -> None:
        """Give ``proc``, not started yet, the inbox (``(id, message)`` pairs) and
        the trapping of exits it had at a recorded seq."""
        if proc._status is not ProcessStatus.CREATED:
            raise AlreadyStartedError(f"process {proc.pid} has started; it cannot be restored")
        proc.inbox.extend(inbox)
        proc.trap_exit = trap_exit

    def adopt(self, parent: Process, template: ProcessTemplate, pid: int) -> Process:
        """Register a child of ``parent`` with a recorded pid, without running it."""
        if pid in self.processes:
            raise ReplayError(f"the recording reuses pid {pid}, which is already taken")
        child = Process(self, pid, template, (), parent)
        self.processes[pid] = child
        parent.children.append(child)
        parent.direct = False
        self._next_pid = max(self._next_pid, pid + 1)
        return child

    def mark_ended(
        self,
        proc: Process,
        ending: SignalType,
        result: Any,
        args: tuple[Any, ...] | None = None,
    ) -> None:
        """Record that ``proc``, never run, ended as the recorded signal type
        ``ending`` says (STOP, CRASH or KILL; anything else counts as a stop)
        with ``result``, having started with ``args`` if given: a replay
        fast-forwarding it."""
        if args is not None:
            proc.args = args
        proc.end_as(ENDINGS.get(ending, ProcessStatus.STOPPED))
        proc.result = result

    # -- the end ------------------------------------------------------------------------------

    def close(self) -> None:
        """Finish the recording, if any: footer, trailer, file closed (idempotent)."""
        if self.recorder is not None:
            self.recorder.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.recorder is not None:
            self.recorder.__exit__(*exc_info)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self.__exit__(*exc_info)


install_standalone(lambda pid: Kernel(first_pid=pid, standalone=True))
