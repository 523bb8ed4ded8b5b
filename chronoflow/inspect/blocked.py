"""Why a process is not running, and what the world still waits for.

For any process at any seq, :func:`why` gives one sentence (and a short
form for a tree row): what it waits for and since when, what made it
ready, or how it ended; a process in a ``call`` waits for a reply from the
process it called. :func:`pending` lists what the whole world waits on at
a seq: blocked processes with their reasons, ``use`` calls in flight,
armed timers with their due times, messages not yet received, and the
outbox. A world is *quiet* when processes are alive but every one is
blocked with nothing that could wake it: no timer armed, no ``use``
pending, nothing ready. Only input from outside can then move it; if the
recording ends quiet, nothing did: the run ends at a *standstill*
(:mod:`chronoflow.inspect.standstill`, which also finds deadlocks).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from chronoflow.inspect.fold import state_of
from chronoflow.inspect.model import (
    InboxEntry,
    OutboxEntry,
    PendingUse,
    ProcessState,
    Status,
    WaitMode,
)
from chronoflow.inspect.standstill import Standstill, quiet

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline
    from chronoflow.inspect.world import World


class WhyKind(Enum):
    """The kind of answer :func:`why` gives."""

    RUNNING = "running"
    READY = "ready"
    RECEIVE = "receive"  # blocked in a receive, select or filter
    CALL = "call"  # blocked in a call: waits for the reply of the process it called
    JOIN = "join"
    USE = "use"
    SLEEP = "sleep"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Why:
    """Why process ``pid`` is not running at ``seq`` (or that it is).

    ``short`` fits a tree row (``"select reply_to(102)"``), ``sentence`` says
    it whole (``"waits for a message matching reply_to(102) since seq 11"``).
    ``since`` is the seq of the WAIT, USE or ending; ``counterpart`` the pid
    it waits for when known (a joined child, the process a call waits for);
    ``due`` the timestamp at which an armed timer fires, when the timeline
    knows it.
    """

    pid: int
    seq: int
    kind: WhyKind
    short: str
    sentence: str
    since: int | None = None
    counterpart: int | None = None
    due: float | None = None

    @property
    def blocked(self) -> bool:
        """True when it waits for a message, a child, a ``use`` or a timer."""
        return self.kind in (
            WhyKind.RECEIVE,
            WhyKind.CALL,
            WhyKind.JOIN,
            WhyKind.USE,
            WhyKind.SLEEP,
        )


@dataclass(frozen=True, slots=True)
class Timer:
    """A timer armed by WAIT ``wait`` of ``pid``: a receive's timeout or a sleep
    of ``seconds``; ``due`` is its timestamp when known."""

    pid: int
    wait: int
    seconds: float
    sleep: bool
    due: float | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    """What the world at ``seq`` waits on (see the module docstring).

    ``blocked`` and ``ready`` give a :class:`Why` per process; ``inboxes``
    the messages each inbox holds (sent, not yet received), for the
    processes whose inbox is not empty; ``quiet`` is True when only input
    from outside could move the world; ``standstill`` is the one the
    recording ends in when ``seq`` lies in it; ``resumed_at`` is the seq at
    which a quiet world was moved on from outside, when it was.
    """

    seq: int
    blocked: tuple[Why, ...]
    ready: tuple[Why, ...]
    uses: tuple[PendingUse, ...]
    timers: tuple[Timer, ...]
    inboxes: tuple[tuple[int, tuple[InboxEntry, ...]], ...]
    outbox: tuple[OutboxEntry, ...]
    quiet: bool
    standstill: Standstill | None = None
    resumed_at: int | None = None


def _name(world: World, pid: int | None) -> str:
    return "nobody" if pid is None else world.label_of(pid)


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _last_part(fn: str) -> str:
    return fn.rsplit(".", 1)[-1] or fn


def why(world: World, pid: int, *, due: float | None = None, origin: float | None = None) -> Why:
    """Why ``pid`` is not running in ``world`` (see :class:`Why`).

    ``due`` is the timestamp of its armed timer and ``origin`` the
    recording's first timestamp, to say when the timer fires (``+3.000s``).
    """
    proc = world.process(pid)
    seq = world.seq
    status = proc.status
    when = None if due is None or origin is None else f"+{due - origin:.3f}s"
    if status.ended:
        return _ended(proc, seq)
    if status is Status.RUNNING:
        return Why(pid, seq, WhyKind.RUNNING, "running", "is running", proc.template_since)
    if status is Status.READY:
        return _ready(world, proc)
    use = proc.use
    if status is Status.USING and use is not None:
        name = _last_part(use.fn)
        return Why(
            pid,
            seq,
            WhyKind.USE,
            f"use {name}",
            f"awaits use {name} since seq {use.seq}",
            use.seq,
        )
    wait = proc.wait
    if wait is None:
        return Why(pid, seq, WhyKind.RUNNING, status.value, status.label)
    if wait.mode is WaitMode.JOIN:
        child = _name(world, wait.child)
        return Why(
            pid,
            seq,
            WhyKind.JOIN,
            f"join {child}",
            f"joins {child} since seq {wait.since}",
            wait.since,
            wait.child,
        )
    if wait.mode is WaitMode.SLEEP:
        seconds = _seconds(wait.timeout or 0.0)
        until = f"until {when}" if when is not None else f"⏱{wait.timeout or 0.0:g}s"
        return Why(
            pid,
            seq,
            WhyKind.SLEEP,
            f"sleep {until}",
            f"sleeps {seconds} since seq {wait.since}" + (f", until {when}" if when else ""),
            wait.since,
            due=due,
        )
    return _receiving(world, proc, when, due)


def _ended(proc: ProcessState, seq: int) -> Why:
    at = proc.ended
    if proc.crash is not None:
        text = f"crashed at seq {at}: {proc.crash.error}: {proc.crash.message}"
    elif proc.status is Status.KILLED:
        text = f"was killed at seq {at}: {proc.kill_reason}"
    else:
        text = f"stopped at seq {at}"
    return Why(proc.pid, seq, WhyKind.ENDED, proc.status.value, text, at)


def _ready(world: World, proc: ProcessState) -> Why:
    pid, seq, wait = proc.pid, world.seq, proc.wait
    since = None if wait is None else wait.since
    if wait is not None and wait.mode is WaitMode.JOIN:
        child = _name(world, wait.child)
        known = wait.child is not None and wait.child in world
        ended = world.process(wait.child).ended if known and wait.child is not None else None
        at = "" if ended is None else f" at seq {ended}"
        return Why(
            pid,
            seq,
            WhyKind.READY,
            f"{child} ended",
            f"is ready: {child}, which it joins, ended{at}; it collects it when it runs",
            since,
            wait.child,
        )
    matched = proc.matched
    pattern = None if wait is None else wait.match
    call = None if wait is None or proc.match_raised is not None else wait.call
    if call is not None and matched is not None:
        return _answered(world, proc, call, matched)
    if matched is None:
        return Why(
            pid,
            seq,
            WhyKind.READY,
            "looks again",
            "is ready: the message its receive matched is gone; it looks at its inbox "
            "again when it runs",
            since,
        )
    if proc.match_raised is not None:
        return Why(
            pid,
            seq,
            WhyKind.READY,
            f"#{matched} raised",
            f"is ready: its pattern {pattern} raised {proc.match_raised} on message "
            f"#{matched}; the receive raises it when the process runs",
            since,
        )
    if pattern is None:
        return Why(
            pid,
            seq,
            WhyKind.READY,
            f"#{matched} arrived",
            f"is ready: message #{matched} arrived; its receive takes it when it runs",
            since,
        )
    return Why(
        pid,
        seq,
        WhyKind.READY,
        f"#{matched} matches",
        f"is ready: message #{matched} matches {pattern}; the receive takes it when it runs",
        since,
    )


def _answered(world: World, proc: ProcessState, callee: int, matched: int) -> Why:
    """A process whose call found its answer: the reply, or the DOWN of the
    process it called (which ended first)."""
    name = _name(world, callee)
    since = None if proc.wait is None else proc.wait.since
    entry = next((entry for entry in proc.inbox if entry.id == matched), None)
    message = None if entry is None else entry.message
    if isinstance(message, tuple | list) and message and message[0] == "DOWN":
        short = f"{name} ended"
        sentence = (
            f"is ready: {name}, which it calls, ended (down message #{matched}); "
            "the call takes it when it runs"
        )
    else:
        short = f"reply #{matched}"
        sentence = (
            f"is ready: message #{matched}, the reply from {name}, arrived; "
            "the call takes it when it runs"
        )
    return Why(proc.pid, world.seq, WhyKind.READY, short, sentence, since, callee)


def _receiving(world: World, proc: ProcessState, when: str | None, due: float | None) -> Why:
    wait = proc.wait
    assert wait is not None
    kind, counterpart = WhyKind.RECEIVE, None
    if wait.call is not None:
        kind, counterpart = WhyKind.CALL, wait.call
        name = _name(world, wait.call)
        short = f"call {name}"
        what = f"a reply from {name}"
    elif wait.mode is WaitMode.SELECT:
        short = f"select {wait.match}"
        what = f"a message matching {wait.match}"
    elif wait.mode is WaitMode.FILTER:
        short = f"filter {wait.match}"
        what = f"a message matching {wait.match} (others are dropped)"
    else:
        short = "receive"
        what = "any message"
    sentence = f"waits for {what} since seq {wait.since}"
    if wait.timeout is not None:
        short += f" ⏱{wait.timeout:g}s"
        timer = f"timeout {_seconds(wait.timeout)}"
        sentence += f" ({timer}, due at {when})" if when else f" ({timer})"
    # Why counted here, not by examine(): a tree row asks this of every
    # process it shows, and building an examination per message costs.
    if wait.match is None:
        passed = 0
    elif world.examines:
        passed = len(proc.inbox)
    else:
        passed = sum(1 for entry in proc.inbox if entry.arrived <= wait.since)
    if passed:
        sentence += f"; {passed} message{'s' * (passed != 1)} in its inbox did not match"
    return Why(proc.pid, world.seq, kind, short, sentence, wait.since, counterpart, due)


# -- the whole world ----------------------------------------------------------------


def timeline_why(timeline: Timeline, pid: int, seq: int) -> Why:
    """:func:`why` at ``seq`` of ``timeline``, with the due time of an armed timer."""
    world = timeline.state_at(seq)
    proc = world.process(pid)
    wait = proc.wait
    due = None
    timeout = None if wait is None else wait.timeout
    if (
        proc.status in (Status.WAITING, Status.SLEEPING)
        and wait is not None
        and timeout is not None
        and 0 <= wait.since < len(timeline)
    ):
        due = timeline.signal(wait.since).ts + timeout
    return why(world, pid, due=due, origin=timeline.origin)


def pending(timeline: Timeline, seq: int) -> Pending:
    """What the world at ``seq`` waits on (see :class:`Pending`)."""
    world = timeline.state_at(seq)
    blocked, ready = [], []
    timers = []
    for proc in world:
        if proc.status.ended:
            continue
        answer = timeline_why(timeline, proc.pid, seq)
        if answer.kind is WhyKind.READY:
            ready.append(answer)
        elif answer.blocked:
            blocked.append(answer)
        wait = proc.wait
        if (
            proc.status in (Status.WAITING, Status.SLEEPING)
            and wait is not None
            and wait.timeout is not None
        ):
            sleeps = wait.mode is WaitMode.SLEEP
            timers.append(Timer(proc.pid, wait.since, wait.timeout, sleeps, answer.due))
    is_quiet = quiet(state_of(world))
    found = timeline.standstill() if is_quiet else None
    if found is not None and seq < found.since:
        found = None
    resumed = None
    if is_quiet and found is None and seq + 1 < len(timeline):
        resumed = timeline.index.gaps.present_from(seq + 1)  # a signal, not a missing seq
    return Pending(
        seq=world.seq,
        blocked=tuple(blocked),
        ready=tuple(ready),
        uses=world.pending_uses(),
        timers=tuple(timers),
        inboxes=tuple((p.pid, p.inbox) for p in world if p.inbox),
        outbox=world.outbox,
        quiet=is_quiet,
        standstill=found,
        resumed_at=resumed,
    )
