"""Why a process is not running, what the world still waits for, and deadlocks.

For any process at any seq, :func:`why` gives one sentence (and a short
form for a tree row): what it waits for and since when, what made it
ready, or how it ended. :func:`pending` lists what the whole world waits
on at a seq: blocked processes with their reasons, ``use`` calls in
flight, armed timers with their due times, messages not yet received, and
the outbox. A world is *quiet* when processes are alive but every one is
blocked with nothing that could wake it: no timer armed, no ``use``
pending, nothing ready. Only input from outside can then move it; if the
recording ends quiet, nothing did: the run ends at a *standstill*, which
:func:`find_standstill` reports from the first seq of that last quiet
stretch, with the wait-for edges known among the blocked processes and a
cycle among them. A standstill with such an edge is a *deadlock*: a
process waits for another that is itself blocked forever. A process that
waits for a reply from one that has ended is a *dead end*. Without
either, the processes left merely wait for messages that nothing left can
send (a server whose clients are gone).

Wait-for edges: a join waits for its child (recorded). A receive names no
sender, so its edges are inferred from the recording: a process that sent
messages and then blocked in a *selective* receive, in the same step, is
taken to wait for a reply from the processes it sent to (the
request/reply pattern). A plain receive waits for any message from
anyone (a server that has just replied, say), so no edge is inferred for
it. Edges to processes that run on are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from chronoflow.inspect.fold import fold_each, state_of
from chronoflow.inspect.model import (
    InboxEntry,
    OutboxEntry,
    PendingUse,
    ProcessState,
    Status,
    WaitMode,
)
from chronoflow.inspect.state import (
    READY,
    RUNNING,
    SLEEPING,
    STOPPED,
    USING,
    WAITING,
    FoldState,
)
from chronoflow.signals import SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline
    from chronoflow.inspect.world import World

_S = SignalType
#: Signals of a process that begin a new step of it (what it did before is an
#: earlier step).
_STEP_BEGINS = frozenset(
    {_S.START, _S.TRANSITION, _S.RECEIVE, _S.TIMEOUT, _S.RESULT, _S.JOIN, _S.WAIT, _S.USE}
)
#: How far back the signals of one step are looked through for its sends.
_STEP_LOOKBACK = 256


class WhyKind(Enum):
    """The kind of answer :func:`why` gives."""

    RUNNING = "running"
    READY = "ready"
    RECEIVE = "receive"  # blocked in a receive, select or filter
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
    it waits for when known (a joined child); ``due`` the timestamp at which
    an armed timer fires, when the timeline knows it.
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
        return self.kind in (WhyKind.RECEIVE, WhyKind.JOIN, WhyKind.USE, WhyKind.SLEEP)


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
class WaitEdge:
    """Process ``pid`` waits for process ``on``; ``how`` says how that is known
    (``"joins"``: recorded; ``"sent to it, then waited"``: inferred)."""

    pid: int
    on: int
    how: str


@dataclass(frozen=True, slots=True)
class Standstill:
    """Every live process blocked forever from ``since`` to the end of the
    recording: ``blocked`` pids, the wait-for ``edges`` known among them and a
    ``cycle`` of pids (back to the first implicitly), empty when none is known."""

    since: int
    blocked: tuple[int, ...]
    edges: tuple[WaitEdge, ...]
    cycle: tuple[int, ...]
    #: Blocked processes waiting for a reply from a process that has ended
    #: (``on`` is the ended one): nothing can ever answer them.
    dead_ends: tuple[WaitEdge, ...] = ()

    @property
    def deadlock(self) -> bool:
        """True when a blocked process waits for another blocked one (see the
        module docstring)."""
        return bool(self.edges)

    @property
    def hangs(self) -> bool:
        """True for a deadlock or a dead end: a process waits for something that
        is known never to come (not merely for messages nobody sends)."""
        return bool(self.edges or self.dead_ends)

    def describe(self) -> str:
        """``"deadlock: 5 processes blocked forever since seq 63"``; with no
        process waiting for another blocked one, ``"blocked forever since seq
        9: 1 process waits for a process that has ended"`` or ``"blocked forever
        since seq 17: 1 process waits for messages that nothing left can send"``."""
        count = len(self.blocked)
        noun = "process" if count == 1 else "processes"
        if self.deadlock:
            return f"deadlock: {count} {noun} blocked forever since seq {self.since}"
        if self.dead_ends:
            waiting = len({edge.pid for edge in self.dead_ends})
            who = "1 process waits" if waiting == 1 else f"{waiting} processes wait"
            return f"blocked forever since seq {self.since}: {who} for a process that has ended"
        verb = "waits" if count == 1 else "wait"
        return (
            f"blocked forever since seq {self.since}: {count} {noun} {verb} for messages "
            "that nothing left can send"
        )


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
    if pid is None:
        return "nobody"
    return world.process(pid).name if pid in world else f"process {pid}"


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


def _receiving(world: World, proc: ProcessState, when: str | None, due: float | None) -> Why:
    wait = proc.wait
    assert wait is not None
    if wait.mode is WaitMode.SELECT:
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
    return Why(proc.pid, world.seq, WhyKind.RECEIVE, short, sentence, wait.since, due=due)


# -- the whole world ----------------------------------------------------------------


def quiet(state: FoldState, *, settled: bool = False) -> bool:
    """True when processes are alive and each is blocked with nothing that can
    wake it but input from outside (see the module docstring).

    ``settled``: the state is the end of a complete recording, so every
    process the runtime woke has run (which a recording from before 1.1
    does not say after a select woke to look again).
    """
    if state.spawning:
        return False
    alive = False
    examines = state.examines
    for record in state.procs.values():
        status = record.status
        if status >= STOPPED:
            continue
        alive = True
        if status in (RUNNING, READY, USING, SLEEPING):
            return False
        if status == WAITING:
            wait = record.wait
            if wait is None or wait[4] is not None:
                return False  # a timer is armed
            inbox = record.inbox
            if inbox and wait[1] is None:
                return False  # a plain receive takes any message
            if inbox and not examines and not settled:
                floor, since = record.floor, wait[3]
                if any(max(mid, floor) > since for mid in inbox):
                    return False  # before 1.1 an arrival woke a select to look again
    return alive


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


def find_standstill(timeline: Timeline) -> Standstill | None:
    """The standstill the recording ends in, or None (see the module docstring).

    Needs the whole recording indexed; the last quiet stretch is found by
    folding backwards window by window from the end.
    """
    last = len(timeline) - 1
    if last < 0:
        return None
    end = timeline.state_at(last)
    if not quiet(state_of(end), settled=timeline.complete):
        return None
    since = last
    window = 64
    index = timeline.index
    while since > 0:
        start = max(0, since - window)
        state = index.seek(start - 1, timeline.reader.runs) if start else FoldState()
        state.examines = index.examines
        noisy = start - 1 if start and not quiet(state) else None
        for seq in fold_each(state, timeline.reader.runs(start, since), start, since):
            if not quiet(state):
                noisy = seq
        if noisy is not None:
            since = noisy + 1
            break
        since = start
        window *= 4
    since = index.gaps.present_from(since)  # a signal, not a seq the recording lacks
    blocked = tuple(proc.pid for proc in end if not proc.status.ended)
    edges = wait_edges(timeline, end, blocked)
    among = set(blocked)
    live = tuple(edge for edge in edges if edge.on in among)
    dead = tuple(edge for edge in edges if edge.on not in among)
    return Standstill(since, blocked, live, find_cycle(live), dead)


def wait_edges(timeline: Timeline, world: World, pids: tuple[int, ...]) -> tuple[WaitEdge, ...]:
    """The wait-for edges of the blocked processes ``pids`` of ``world``: to
    other blocked processes, and to processes that have ended (a reply that
    can never come)."""
    among = set(pids)
    edges = []
    for pid in pids:
        proc = world.process(pid)
        wait = proc.wait
        if wait is None or proc.status not in (Status.WAITING, Status.JOINING):
            continue
        if wait.mode is WaitMode.JOIN:
            if wait.child in among:
                edges.append(WaitEdge(pid, wait.child, "joins"))
            continue
        if wait.match is None:
            continue  # a plain receive waits for anyone (a server's, say)
        for target in sent_before(timeline, pid, wait.since):
            if target == pid or target not in world:
                continue
            ended = world.process(target).ended
            if target in among:
                edges.append(WaitEdge(pid, target, "sent to it, then waited"))
            elif ended is not None:
                how = f"sent to it, then waited; it ended at seq {ended}"
                edges.append(WaitEdge(pid, target, how))
    return tuple(edges)


def sent_before(timeline: Timeline, pid: int, wait: int) -> tuple[int, ...]:
    """The pids ``pid`` sent messages to in the step that ended with its WAIT at
    ``wait``, in order, each once."""
    index = timeline.index
    found: list[int] = []
    for steps, seq in enumerate(index.pids.positions(pid, 0, wait, backward=True)):
        kind = index.types[seq]
        if kind in _STEP_BEGINS or steps >= _STEP_LOOKBACK:
            break
        if kind == _S.SEND:
            data = timeline.signal(seq).data
            to = data.get("to") if isinstance(data, dict) else None
            if isinstance(to, int) and to not in found:
                found.append(to)
    found.reverse()
    return tuple(found)


def find_cycle(edges: tuple[WaitEdge, ...]) -> tuple[int, ...]:
    """A cycle of the wait-for graph ``edges`` (its pids in order, starting from
    the smallest), or ``()``. Of several, the one through the smallest pid."""
    graph: dict[int, list[int]] = {}
    for edge in edges:
        graph.setdefault(edge.pid, []).append(edge.on)
    best: tuple[int, ...] = ()
    done: set[int] = set()
    for root in sorted(graph):
        if root in done:
            continue
        path: list[int] = []
        on_path: dict[int, int] = {}
        stack = [(root, iter(graph.get(root, ())))]
        path.append(root)
        on_path[root] = 0
        while stack:
            node, successors = stack[-1]
            following = next(successors, None)
            if following is None:
                stack.pop()
                done.add(node)
                on_path.pop(path.pop(), None)
                continue
            if following in on_path:
                cycle = path[on_path[following] :]
                turn = cycle.index(min(cycle))
                cycle = cycle[turn:] + cycle[:turn]
                if not best or min(cycle) < min(best):
                    best = tuple(cycle)
                continue
            if following in done:
                continue
            on_path[following] = len(path)
            path.append(following)
            stack.append((following, iter(graph.get(following, ()))))
    return best
