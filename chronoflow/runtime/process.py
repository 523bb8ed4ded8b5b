"""Processes: one generator, its inbox and children, and the calls it can make.

A :class:`Process` is both the ``self`` a generator receives (``receive``,
``select``, ``filter``, ``send``, ``use``, ``spawn``, ``join_all``) and the
handle the outside world holds (``start``, ``push``, ``pull``, ``status``).
It owns no scheduling logic: every call goes to its kernel (the part of
the kernel that owns it: links, timers, the mailroom), and only the
kernel's run loop resumes generators.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Awaitable, Callable, Generator, Iterable
from enum import IntEnum
from types import FrameType
from typing import TYPE_CHECKING, Any, Final

from chronoflow.errors import (
    MisuseError,
    NotStartedError,
    OutsideProcessError,
    ProcessStoppedError,
    SelectionError,
)
from chronoflow.runtime import calls
from chronoflow.runtime.effects import RECEIVE_ANY, Join, MatchMode, Predicate, Receive, Sleep, Use
from chronoflow.runtime.patterns import Clauses
from chronoflow.signals import Signal

if TYPE_CHECKING:
    from chronoflow.runtime.kernel import Kernel
    from chronoflow.runtime.runloop import RunLoop
    from chronoflow.runtime.template import ProcessTemplate, Route


class ProcessStatus(IntEnum):
    """Where a process is in its life. Values at or above STOPPED are final."""

    CREATED = 0
    READY = 1
    RUNNING = 2
    WAITING = 3
    USING = 4
    JOINING = 5
    SLEEPING = 6
    STOPPED = 7
    CRASHED = 8
    KILLED = 9

    @property
    def ended(self) -> bool:
        """True once the process can never run again."""
        return self >= ProcessStatus.STOPPED


_ENDED: Final = ProcessStatus.STOPPED
_READY: Final = ProcessStatus.READY


def _unrouted(message: Any) -> None:
    """The route of a template without one: a message it sends reaches no one."""


def route_of(template: ProcessTemplate) -> Route:
    """What ``send`` calls to route a message of ``template``'s processes.

    Why never None: the hop calls it without testing for a route first.
    """
    return _unrouted if template.route is None else template.route


#: The kernel's processes by pid (one dict, shared by the parts that look pids up).
ProcessTable = dict[int, "Process"]


def stopped(proc: Process, action: str) -> ProcessStoppedError:
    """The error for an ended process asked to ``action`` (``"send"``)."""
    return ProcessStoppedError(
        f"process {proc.pid} ({proc.template.name}) has "
        f"{proc.status.name.lower()}; it cannot {action}"
    )


class Process:
    """A running instance of a :class:`ProcessTemplate`."""

    __slots__ = (
        "_effect",
        "_exc",
        "_kernel",
        "_loop",
        "_match",
        "_matched",
        "_refs",
        "_route",
        "_status",
        "_timer",
        "_value",
        "_waited",
        "args",
        "children",
        "direct",
        "error",
        "gen",
        "inbox",
        "inbox_limit",
        "inherits",
        "links",
        "monitors",
        "overflow",
        "parent",
        "pid",
        "reason",
        "registered_name",
        "result",
        "seq",
        "template",
        "transitions",
        "trap_exit",
        "unbounded",
        "watchers",
    )

    def __init__(
        self,
        kernel: Kernel,
        pid: int,
        template: ProcessTemplate,
        args: tuple[Any, ...],
        parent: Process | None = None,
    ) -> None:
        self._kernel = kernel
        #: The kernel's run loop: the two calls made on every hop (``send``,
        #: and the check that ``receive`` runs inside the process) go there.
        self._loop: RunLoop = kernel.loop
        self.pid = pid
        self.template = template
        #: The template's ``route`` (``_unrouted`` when it has none): what ``send`` calls.
        self._route = route_of(template)
        self.args = args
        self.parent = parent
        self.children: list[Process] = []
        #: Whether this process receives what its parent receives (see spawn).
        self.inherits = True
        #: Messages not yet taken, as ``(message id, message)`` in arrival order.
        self.inbox: deque[tuple[int, Any]] = deque()
        #: Deliveries into an inbox holding this many messages are refused
        #: with BACKOFF (the template's limit, else the kernel's; maxsize when
        #: unbounded). Set it with :meth:`limit_inbox`.
        self.inbox_limit = sys.maxsize
        #: True when the inbox has no limit (``inbox_limit`` is maxsize).
        self.unbounded = True
        self.limit_inbox(kernel.mailroom.limit_for(template))
        #: What its full inbox does with a new message (see OVERFLOW_POLICIES).
        self.overflow = kernel.mailroom.overflow_for(template)
        #: The stored status; :attr:`status` derives RUNNING from it.
        self._status = ProcessStatus.CREATED
        #: True while a message sent to this process can go straight into its
        #: inbox (``runloop.send``): it has no inheriting children, has not
        #: ended, and no replay decides deliveries. Why one flag: the hop tests
        #: it instead of the three facts (see :mod:`chronoflow.runtime.runloop`).
        self.direct = kernel.replay is None
        #: How many signals this process has produced while the kernel was
        #: observed (its own step count, which a replay's divergence names).
        #: Why only then: nothing reads it unobserved, and the hop of every
        #: message would otherwise count it three times.
        self.seq = 0
        self.transitions = 0
        self.result: Any = None
        self.error: BaseException | None = None
        #: Why it ended: "normal", a crash as {"error", "message"}, or the
        #: reason of the exit signal or kill that ended it.
        self.reason: Any = None
        #: Pids linked to this one (both ways).
        self.links: set[int] = set()
        #: Monitors this process holds: ref -> the pid it watches.
        self.monitors: dict[int, int] = {}
        #: Monitors on this process: ref -> the pid watching it.
        self.watchers: dict[int, int] = {}
        #: Whether exit signals arrive as ('EXIT', pid, reason) messages.
        self.trap_exit = False
        #: The name it is registered under (``register``), or None.
        self.registered_name: str | None = None
        self.gen: Generator[Any, Any, Any] | None = None
        # The one resume slot (see RunLoop.step): the effect the process is
        # blocked on, or the value / exception to resume it with.
        self._effect: Any = None
        self._value: Any = None
        self._exc: BaseException | None = None
        self._waited = False
        #: The seq of the WAIT whose timer is armed (receive timeout, sleep).
        self._timer: int | None = None
        self._match: tuple[Predicate, MatchMode] | None = None
        #: The id of the message a blocked selective receive matched as it
        #: arrived (its signal's ``matched``): the receive takes it when it runs.
        self._matched: int | None = None
        #: How many refs ``make_ref`` has made (the next one's number).
        self._refs = 0

    def __repr__(self) -> str:
        return f"<Process {self.template.name}[{self.pid}] {self.status.name.lower()}>"

    # -- read-only views ---------------------------------------------------

    @property
    def status(self) -> ProcessStatus:
        """Where the process is in its life: RUNNING while its generator runs.

        Why derived: the run loop does not store RUNNING as it resumes a
        process (a store on every hop); a process is RUNNING while it is the
        loop's current process and has neither blocked nor ended.
        """
        status = self._status
        if status is _READY and self._loop.current is self:
            return ProcessStatus.RUNNING
        return status

    @status.setter
    def status(self, status: ProcessStatus) -> None:
        if status >= _ENDED:
            self.end_as(status)
        else:
            self._status = status

    def end_as(self, status: ProcessStatus) -> None:
        """Mark the process ended with ``status`` (STOPPED, CRASHED or KILLED).

        Why here: the hop tests no status of the sender or the target. An
        ended process is no ``direct`` target, and its route refuses to send
        (``runloop.send`` calls the route first).
        """
        self._status = status
        self.direct = False
        self._route = self._refuse_send

    def _refuse_send(self, message: Any) -> int | None:
        """The route of an ended process: a send from it raises."""
        raise stopped(self, "send")

    @property
    def alive(self) -> bool:
        """True until the process stops, crashes or is killed."""
        return self._status < _ENDED

    def limit_inbox(self, limit: int) -> None:
        """Refuse deliveries into an inbox holding ``limit`` messages (maxsize:
        unbounded)."""
        self.inbox_limit = limit
        self.unbounded = limit == sys.maxsize

    @property
    def inbox_size(self) -> int:
        """How many messages wait in the inbox."""
        return len(self.inbox)

    @property
    def messages(self) -> list[Any]:
        """The inbox's messages, oldest first (identities left out)."""
        return [m for _, m in self.inbox]

    @property
    def effect(self) -> Any:
        """The effect the process is blocked on, or takes up again when it runs
        (None while it runs, or when it resumes with a value)."""
        if self._status is _READY and self._loop.current is self:
            # Why: the run loop leaves a plain receive in place while the
            # process runs on from it (see RunLoop.run_ready).
            return None
        return self._effect

    @property
    def matched_id(self) -> int | None:
        """The id of the message its blocked selective receive matched as it
        arrived: the receive takes that one when the process runs."""
        return self._matched

    @property
    def frame(self) -> FrameType | None:
        """The innermost frame of this process's own code (through ``yield from``)
        where its generator is suspended or running; None once it has ended.

        The runtime's ``join``/``join_all`` generators are skipped: the line
        that matters is the caller's ``yield from child.join()``.
        """
        gen: Any = self.gen
        frame = None
        while gen is not None and getattr(gen, "gi_frame", None) is not None:
            if gen.gi_frame.f_code.co_filename == __file__:
                break
            frame = gen.gi_frame
            gen = getattr(gen, "gi_yieldfrom", None)
        return frame

    @property
    def location(self) -> str:
        """``file:line`` of :attr:`frame`, or of the template's definition."""
        frame = self.frame
        if frame is not None:
            return f"{frame.f_code.co_filename}:{frame.f_lineno}"
        code = self.template.fn.__code__
        return f"{code.co_filename}:{code.co_firstlineno}"

    @property
    def kernel(self) -> Kernel:
        """The kernel this process runs on.

        For parts of the runtime written as processes (a supervisor records
        its restart decisions through :meth:`Kernel.emit`); a workflow's own
        code needs nothing from it.
        """
        return self._kernel

    # -- the outside world's handle -----------------------------------------

    def start(self) -> Process:
        """Start the process (emit START); standalone processes run at once."""
        self._kernel.start(self)
        return self

    async def push(self, message: Any) -> None:
        """Deliver ``message`` from outside, then run every process that can run now.

        It does not wait for ``use`` results or timers: ``await proc.update()``
        or ``await scheduler.run()`` does. (A coroutine, as in the original.)
        """
        if self._status is ProcessStatus.CREATED:
            raise NotStartedError(f"process {self.pid} is not started; call start() before push()")
        if not self.alive:
            raise ProcessStoppedError(
                f"cannot push to process {self.pid} ({self.template.name}): it has "
                f"{self.status.name.lower()}"
            )
        self._kernel.deliver_external(self, message)
        self._kernel.run_ready()

    async def update(self) -> bool:
        """Wait for a pending ``use``, then run until blocked; True when idle."""
        return await self._kernel.update()

    def pull(self) -> list[Signal]:
        """The signals of this process's whole tree (children included) produced
        since the last pull, in seq order (standalone processes made with
        ``T.create``; pulling from any process of the tree drains the same
        outbox, as the original's)."""
        return self._kernel.pull(self)

    def replay(
        self,
        handler: Callable[[Signal], Any] | None = None,
        read: Callable[[int], Iterable[Signal]] | None = None,
        *,
        templates: Iterable[ProcessTemplate] = (),
    ) -> Process:
        """Start this process in replay, instead of ``start()`` (the original's ``replay``).

        ``read(pid)`` returns the recorded signals of process ``pid`` (this one,
        and each child it spawns). Every signal the process produces is checked
        against the next recorded one; a mismatch raises
        :class:`~chronoflow.errors.NondeterminismError`. ``handler(signal)`` is
        called for the recorded START (return
        :class:`~chronoflow.runtime.replay.Finished` to fast-forward a process
        that already ended) and for each recorded USE (return its result, an
        awaitable, or ``LIVE`` to run it for real); without a handler, USE gets
        the recorded RESULT. When a process's recorded signals run out it goes
        on live. ``templates`` are the templates the recording may name for
        children and transitions.
        """
        # Why imported here: the replay machinery drives the kernel from above
        # (it imports nothing of the kernel's at run time), and it is only
        # needed by the programs that replay.
        from chronoflow.runtime.replay import ProcessReplay

        if read is None:
            raise MisuseError("replay() needs read=, a function from pid to recorded signals")
        ProcessReplay(self, handler=handler, read=read, templates=templates).attach(self._kernel)
        return self.start()

    def add_observer(self, observer: Callable[[Signal], None]) -> None:
        """Hand every later signal of this process's runtime to ``observer``."""
        self._kernel.add_observer(observer)

    # -- calls made from inside the generator ---------------------------------

    def _inside(self, what: str) -> None:
        if self._loop.current is not self:
            raise OutsideProcessError(
                f"{what} must be called from inside process {self.pid}'s own "
                "generator while it runs"
            )

    # Why ``float | int`` for seconds below: compiled (mypyc), a ``float``
    # parameter turns an int into a float, and a recording would then hold
    # ``2.0`` where the interpreted build records the program's ``2``.
    def receive(
        self, match: Predicate | None = None, timeout: float | int | None = None
    ) -> Receive:
        """The effect to yield to take a message: ``x = yield self.receive()``.

        ``match`` is sugar for ``self.select(match)`` before the receive. With
        ``timeout`` (seconds), the receive gives :data:`TIMEOUT` if nothing
        acceptable arrives in time (Erlang's ``receive ... after``).

        Why ``timeout`` is not keyword-only (pass it by keyword all the same):
        CPython 3.11 cannot specialise a call to a function with keyword-only
        parameters, and this call is made on every hop (227 instructions of
        a hop of 6,732 on the ring of ``benchmarks/ring.py``).
        """
        if self._loop.current is not self:
            self._inside("receive()")
        if match is not None:
            self.select(match)
        pending = self._match
        if pending is None:
            if timeout is None:
                return RECEIVE_ANY
            return Receive(None, MatchMode.SELECT, timeout)
        self._match = None
        return Receive(pending[0], pending[1], timeout)

    def receive_clauses(
        self, *patterns: Any, timeout: float | int | None = None, **named: Any
    ) -> Receive:
        """The effect of a multi-clause receive (Erlang's ``receive P1 -> ...;
        P2 -> ... after T -> ... end``): ``got = yield self.receive_clauses(
        ping=Pattern(("ping", ANY)), stop=is_stop, timeout=5)``.

        It takes the first message, in inbox order, that any clause accepts
        (the first clause in order decides) and gives a
        :class:`~chronoflow.runtime.patterns.Matched` ``(clause, msg)``, or
        :data:`TIMEOUT` if none arrives within ``timeout`` seconds. A clause
        is a :class:`~chronoflow.runtime.patterns.Pattern` or a predicate;
        keyword clauses are named by their keyword, positional ones by the
        pattern's name or the function's (a lambda needs a keyword). The
        WAIT records ``{"mode": "select", "match": "ping | stop"}``.
        Messages no clause accepts stay in the inbox; a clause that raises
        raises in the process when the receive runs.
        """
        self._inside("receive_clauses()")
        if self._match is not None:
            raise SelectionError(
                f"process {self.pid} called receive_clauses() while a "
                f"{self._match[1].value}() is set for the same receive"
            )
        return Receive(Clauses(patterns, named), MatchMode.SELECT, timeout)

    def sleep(self, seconds: float) -> Sleep:
        """The effect to yield to pause: ``yield self.sleep(1.5)`` (a recorded timer)."""
        self._inside("sleep()")
        return Sleep(float(seconds))

    def now(self) -> float:
        """The scheduler's time, recorded (a NOW signal) so that replay gets it back."""
        self._inside("now()")
        return self._kernel.timers.now(self)

    def link(self, pid: int) -> None:
        """Link this process and ``pid`` both ways: when one ends, the other is told."""
        self._inside("link()")
        self._kernel.links.link(self, pid)

    def unlink(self, pid: int) -> None:
        """Remove the link with ``pid`` (both ways); no-op if there is none."""
        self._inside("unlink()")
        self._kernel.links.unlink(self, pid)

    def monitor(self, pid: int) -> int:
        """Watch ``pid``: a ('DOWN', ref, pid, reason) message comes when it ends.

        Returns the monitor's ref. A process that is already gone gives the
        message at once, with reason "noproc".
        """
        self._inside("monitor()")
        return self._kernel.links.monitor(self, pid)

    def demonitor(self, ref: int, *, flush: bool = False) -> None:
        """Stop a monitor; its DOWN message will not come.

        With ``flush=True`` a DOWN of this monitor that already arrived is
        taken out of the inbox too (a DROP with reason "demonitor flush"), as
        Erlang's ``demonitor(Ref, [flush])``.
        """
        self._inside("demonitor()")
        self._kernel.links.demonitor(self, ref, flush=flush)

    def make_ref(self) -> str:
        """A reference unique in this run: ``"#Ref<pid.n>"`` (Erlang's ``make_ref()``).

        Why a string numbered per process: it needs no signal of its own, a
        replay of the process makes the same refs in the same order, and a
        recording shows it as it is.
        """
        self._inside("make_ref()")
        self._refs += 1
        return f"#Ref<{self.pid}.{self._refs}>"

    def trap_exits(self, trap: bool = True) -> None:
        """Turn exit signals into ('EXIT', pid, reason) messages (except 'kill')."""
        self._inside("trap_exits()")
        self._kernel.links.set_trap(self, trap)

    def exit(self, pid: int, reason: Any) -> None:
        """Send an exit signal with ``reason`` to ``pid`` (Erlang's ``exit/2``).

        "kill" cannot be trapped and ends the target with reason "killed";
        "normal" is ignored by a process that does not trap exits; a trapping
        process gets a message; any other reason ends a non-trapping target.
        Sent to itself, it ends the calling process at once.
        """
        self._kernel.exit_signal(self, pid, reason)

    def spawn_link(
        self,
        template: ProcessTemplate,
        *args: Any,
        inherit: bool = True,
        inbox_limit: int | None = None,
        overflow: str | None = None,
    ) -> Process:
        """``spawn`` and ``link`` in one step (no moment when the child is unlinked)."""
        self._inside("spawn_link()")
        child = self._kernel.spawn(
            self, template, args, inherit=inherit, inbox_limit=inbox_limit, overflow=overflow
        )
        self._kernel.links.link(self, child.pid)
        return child

    def select(self, predicate: Predicate) -> None:
        """Make the next receive take the first message matching ``predicate``.

        Messages that do not match stay in the inbox, in order.
        """
        self._set_match(predicate, MatchMode.SELECT)

    def filter(self, predicate: Predicate) -> None:
        """Make the next receive drop every message not matching ``predicate``.

        Each dropped message produces a DROP signal carrying it.
        """
        self._set_match(predicate, MatchMode.FILTER)

    def _set_match(self, predicate: Predicate, mode: MatchMode) -> None:
        self._inside(f"{mode.value}()")
        if self._match is not None and self._match[1] is not mode:
            raise SelectionError(
                f"process {self.pid} called {mode.value}() while a "
                f"{self._match[1].value}() is set for the same receive; use one "
                "of them per receive"
            )
        self._match = (predicate, mode)

    #: ``proc.send(message)``: send where the template's ``route`` says (does
    #: not yield). The method is :func:`chronoflow.runtime.runloop.send`, the
    #: hot path of every hop, which the run loop sets here when it is imported
    #: (it imports this module, so this module cannot import it); see there.
    def send(self, message: Any) -> bool:
        """Send ``message`` where the template's ``route`` says (see above)."""
        # Why a method that calls the run loop: compiled (mypyc), a function set
        # on a class does not bind as a method; interpreted, the run loop puts
        # its ``send`` here in place of this method (no call in between).
        return self._loop.send(self, message)

    def send_to(self, pid: int | str, message: Any) -> bool:
        """Send ``message`` to process ``pid`` (Erlang's ``Pid ! Msg``; does not yield).

        No ``route`` is asked and the message needs no "to" field. As with
        ``send``, it also goes to ``pid``'s inheriting descendants, and a
        full inbox does what its overflow policy says. Sending to a pid that
        has ended or never existed is silent, as in Erlang, and recorded (a
        SEND whose ``into`` is empty). A registered name (a str) stands for
        its process (the SEND's ``to`` is the pid); a name no process holds
        raises :class:`~chronoflow.errors.NameNotRegisteredError`, as
        Erlang's ``Name ! Msg`` does. Called from outside, it sends as if
        this process did. True when ``pid`` took the message.
        """
        if self._status >= _ENDED:
            raise ProcessStoppedError(
                f"process {self.pid} ({self.template.name}) has "
                f"{self.status.name.lower()}; it cannot send"
            )
        if isinstance(pid, str):
            pid = self._kernel.registry.resolve(pid, "send_to()")
        return self._loop.send_to(self, pid, message)

    # -- names -----------------------------------------------------------------

    def register(self, name: Any, pid: int | None = None) -> None:
        """Register this process (or ``pid``) as ``name`` (Erlang's ``register/2``).

        A name names one live process and a process has one name:
        :class:`~chronoflow.errors.NameTakenError` otherwise. It is a
        REGISTER signal of the process named, and the name is freed when
        that process ends (or by :meth:`unregister`).
        """
        self._inside("register()")
        self._kernel.registry.register(
            name, self.pid if pid is None else pid, self, self._kernel.replay
        )

    def unregister(self, name: str) -> None:
        """Free ``name`` (an UNREGISTER of the process that had it);
        :class:`~chronoflow.errors.NameNotRegisteredError` if no process has it."""
        self._inside("unregister()")
        self._kernel.registry.unregister(name, self, self._kernel.replay)

    def whereis(self, name: str) -> int | None:
        """The pid registered as ``name``, or None (Erlang's ``whereis/1``; no signal)."""
        return self._kernel.registry.whereis(name)

    # -- calls: gen_server-style request and reply --------------------------------

    def call(
        self, target: int | str, request: Any, *, timeout: float | int | None = 5.0
    ) -> Generator[Receive, Any, Any]:
        """Ask ``target`` (a pid or a registered name) and wait for its reply:
        ``value = yield from self.call("alice", ("deposit", 5))``.

        Erlang's ``gen_server:call``: it monitors the callee, sends it
        ``("$call", (caller pid, ref), request)`` and waits for the callee's
        :meth:`reply` ``("$reply", ref, value)`` or the monitor's DOWN,
        whichever comes first; other messages stay in the inbox. The WAIT
        records ``"call": pid`` so the debugger can say whom it waits for.
        It raises :class:`~chronoflow.errors.CallError` when the callee ends
        (or never existed: reason ``"noproc"``) without replying, and
        :class:`~chronoflow.errors.CallTimeoutError` after ``timeout``
        seconds (default 5, as Erlang's; None waits for ever). Either way
        the monitor is gone and no DOWN of it is left in the inbox.
        """
        return calls.call(self, target, request, timeout)

    def reply(self, from_: Any, value: Any) -> bool:
        """Answer a call: ``from_`` is the second element of the
        ``("$call", from_, request)`` message (Erlang's ``gen_server:reply``)."""
        return calls.reply(self, from_, value)

    def use(
        self,
        fn: Callable[..., Awaitable[Any]],
        *args: Any,
        timeout: float | int | None = None,
        retries: int = 0,
        backoff: float | int = 0.0,
    ) -> Use:
        """The effect to yield to await ``fn(*args)``: ``v = yield self.use(f, x)``.

        ``timeout`` bounds each attempt (``TimeoutError``); ``retries`` tries a
        failed call again, after ``backoff`` seconds, doubling each time.
        """
        self._inside("use()")
        if retries < 0 or backoff < 0 or (timeout is not None and timeout <= 0):
            raise ValueError("use(): retries and backoff must be >= 0, timeout > 0")
        if timeout is None and not retries:
            return Use(fn, args)
        return Use(fn, args, timeout, retries, backoff)

    def spawn(
        self,
        template: ProcessTemplate,
        *args: Any,
        inherit: bool = True,
        inbox_limit: int | None = None,
        overflow: str | None = None,
    ) -> Process:
        """Start a child process; it gets a copy of this inbox and every later message.

        With ``inherit=False`` the child has an inbox of its own, as a worker
        under a supervisor should: it still cannot outlive this process.
        ``inbox_limit`` and ``overflow`` (keyword-only, so they never mix with
        the template's own positional ``args``) set this child's inbox limit
        and overflow policy, in place of its template's and the kernel's.
        """
        self._inside("spawn()")
        return self._kernel.spawn(
            self, template, args, inherit=inherit, inbox_limit=inbox_limit, overflow=overflow
        )

    def join(self) -> Generator[Join, Any, Any]:
        """Wait for this child to end: ``result = yield from child.join()``."""
        return (yield Join(self))

    def join_all(self, *children: Process) -> Generator[Join, Any, list[Any]]:
        """Join each child in order: ``results = yield from self.join_all(a, b)``."""
        results = []
        for child in children:
            results.append((yield Join(child)))
        return results
