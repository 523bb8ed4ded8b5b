"""Standstills and deadlocks: the recording ends with every live process blocked.

If the recording ends *quiet* (:func:`quiet`:
processes alive, each blocked with nothing that could wake it but input
from outside), nothing did move it: the run ends at a *standstill*, which
:func:`find_standstill` reports from the first seq of that last quiet
stretch, with the wait-for edges known among the blocked processes and a
cycle among them. A standstill with such an edge is a *deadlock*: a
process waits for another that is itself blocked forever. A process that
waits for a reply from one that has ended is a *dead end*. Without
either, the processes left merely wait for messages that nothing left can
send (a server whose clients are gone).

Wait-for edges: a join waits for its child, and the receive of a ``call``
for the process it called (both recorded in the WAIT). Any other receive
names no sender, so its edges are inferred from the recording: a process
that sent messages and then blocked in a *selective* receive, in the same
step, is taken to wait for a reply from the processes it sent to (the
request/reply pattern). A plain receive waits for any message from
anyone (a server that has just replied, say), so no edge is inferred for
it. Edges to processes that run on are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chronoflow.inspect.fold import fold_each, state_of
from chronoflow.inspect.model import Status, WaitMode
from chronoflow.inspect.state import (
    READY,
    RUNNING,
    SLEEPING,
    STOPPED,
    USING,
    WAITING,
    FoldState,
    ProcessRecord,
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


@dataclass(frozen=True, slots=True)
class WaitEdge:
    """Process ``pid`` waits for process ``on``; ``how`` says how that is known
    (``"joins"``, ``"calls it"``: recorded; ``"sent to it, then waited"``:
    inferred)."""

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
        kind = _kind(record, examines, settled)
        if kind == _MOVES:
            return False
        alive = alive or kind == _STUCK
    return alive


#: What one process says of a world's quiet (:func:`_kind`).
_ENDED, _STUCK, _MOVES = range(3)


def _kind(record: ProcessRecord, examines: bool, settled: bool) -> int:
    """Whether ``record`` has ended, is blocked with nothing that can wake it
    but input from outside, or could move (see :func:`quiet`)."""
    status = record.status
    if status >= STOPPED:
        return _ENDED
    if status in (RUNNING, READY, USING, SLEEPING):
        return _MOVES
    if status == WAITING:
        wait = record.wait
        if wait is None or wait[4] is not None:
            return _MOVES  # a timer is armed
        inbox = record.inbox
        if inbox and wait[1] is None:
            return _MOVES  # a plain receive takes any message
        if inbox and not examines and not settled:
            floor, since = record.floor, wait[3]
            if any(max(mid, floor) > since for mid in inbox):
                return _MOVES  # before 1.1 an arrival woke a select to look again
    return _STUCK


class _Reached(dict[int, ProcessRecord]):
    """The records of a state, logging the pid of every record the fold reaches.

    Why it sees every change: the fold reaches a record only through
    ``state.procs.get(pid)``, and adds one by setting it (the invariant
    :meth:`FoldState.fork <chronoflow.inspect.state.FoldState.fork>` relies on).
    """

    __slots__ = ("log",)

    def __init__(self, records: dict[int, ProcessRecord]) -> None:
        super().__init__(records)
        self.log: list[Any] = []

    def get(self, pid: Any, default: Any = None) -> Any:
        """The record of ``pid``, noted as reached."""
        self.log.append(pid)
        return dict.get(self, pid, default)

    def __setitem__(self, pid: int, record: ProcessRecord) -> None:
        dict.__setitem__(self, pid, record)
        self.log.append(pid)


class QuietWatch:
    """:func:`quiet` of a state after each signal folded into it, at a cost
    in proportion to the records each signal reached, not to the world.

    Why: :func:`find_standstill` asks after every signal of its backward
    windows; walking every process each time made a window of n signals
    over p processes cost n x p. The watch keeps each process's
    :func:`_kind` and how many there are of each, and after a signal looks
    again only at the records the fold reached (it replaces
    ``state.procs`` with a dict that notes them).
    """

    def __init__(self, state: FoldState) -> None:
        procs = _Reached(state.procs)
        state.procs = procs
        self._state = state
        self._procs = procs
        examines = state.examines
        self._kinds = {pid: _kind(record, examines, False) for pid, record in procs.items()}
        self._counts = [0, 0, 0]
        for kind in self._kinds.values():
            self._counts[kind] += 1

    def quiet(self) -> bool:
        """:func:`quiet` of the state now (not ``settled``)."""
        log = self._procs.log
        if log:
            kinds, counts, examines = self._kinds, self._counts, self._state.examines
            for pid in set(log):
                record = dict.get(self._procs, pid)
                if record is None:
                    continue
                kind = _kind(record, examines, False)
                old = kinds.get(pid)
                if old != kind:
                    if old is not None:
                        counts[old] -= 1
                    counts[kind] += 1
                    kinds[pid] = kind
            log.clear()
        return not self._state.spawning and not self._counts[_MOVES] and self._counts[_STUCK] > 0


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
        watch = QuietWatch(state)
        noisy = start - 1 if start and not watch.quiet() else None
        for seq in fold_each(state, timeline.reader.runs(start, since), start, since):
            if not watch.quiet():
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
        if wait.call is not None:
            edge = _call_edge(world, pid, wait.call, among)
            if edge is not None:
                edges.append(edge)
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


def _call_edge(world: World, pid: int, callee: int, among: set[int]) -> WaitEdge | None:
    """The edge of ``pid``'s call to ``callee``: to a blocked process, or a dead
    end to one that has ended (recorded in the WAIT, not inferred)."""
    if callee == pid or callee not in world:
        return None
    if callee in among:
        return WaitEdge(pid, callee, "calls it")
    ended = world.process(callee).ended
    return None if ended is None else WaitEdge(pid, callee, f"calls it; it ended at seq {ended}")


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
