"""What a run came to: its outcome, in words two runs can be compared by.

An :class:`Outcome` has a *kind* (``error``: ``main()`` raised or the run
never went idle; ``crash``: a process raised; ``deadlock``: processes wait
for each other forever; ``stuck``: a process waits for one that has ended;
``finished``: anything else), a one-line *headline*, the *final state* of
every process (how it ended and its result, or what it still waits for)
and what the run *printed*. Two runs have the same outcome when all four
are equal (the printed text can be left out of the comparison).

The final state and the standstill come from the debugger engine
(:class:`~chronoflow.inspect.Timeline` over the run's signals in memory),
the same answers ``chronoflow run`` and the debugger give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from chronoflow.inspect import MemorySource, ProcessState, Standstill, Status, Timeline, excerpt
from chronoflow.signals import Signal

#: How long a value may be in a final-state line.
VALUE_LIMIT = 60


class Kind(Enum):
    """What sort of outcome, worst first."""

    ERROR = "error"
    CRASH = "crash"
    DEADLOCK = "deadlock"
    STUCK = "stuck"
    FINISHED = "finished"


@dataclass(frozen=True)
class Outcome:
    """A run's outcome (see the module docstring)."""

    kind: Kind
    headline: str
    #: One line per process, in START order.
    state: tuple[str, ...]
    output: str
    #: True when the run was stopped at its signal budget (it never went idle).
    cut: bool = False

    def key(self, *, output: bool = True) -> tuple[object, ...]:
        """What two runs must share to have the same outcome."""
        return (self.kind, self.headline, self.state, self.output if output else None)

    @property
    def failed(self) -> bool:
        """True for an error, a crash, a deadlock or a stuck process."""
        return self.kind is not Kind.FINISHED


def classify(
    signals: list[Signal], output: str, error: str | None = None, *, cut: bool = False
) -> Outcome:
    """The outcome of a run that produced ``signals`` and printed ``output``;
    ``error``: why ``main()`` or the run stopped, if it did; ``cut``: the run
    was stopped at its signal budget."""
    if not signals:
        kind = Kind.ERROR if error else Kind.FINISHED
        return Outcome(kind, error or "finished: no process ran", (), output)
    timeline = Timeline(MemorySource(signals), background=False)
    try:
        world = timeline.state_at(len(timeline) - 1)
        processes = list(world)
        standstill = None
        if any(not proc.status.ended for proc in processes):
            standstill = timeline.standstill()
    finally:
        timeline.close()
    state = tuple(final_state(proc) for proc in processes)
    crashed = [proc for proc in processes if proc.status is Status.CRASHED]
    if error is not None:
        return Outcome(Kind.ERROR, error, state, output, cut)
    if crashed:
        first = min(crashed, key=lambda proc: proc.ended or 0)
        crash = first.crash
        reason = f"{crash.error}: {crash.message}" if crash is not None else "?"
        more = f" (and {len(crashed) - 1} more)" if len(crashed) > 1 else ""
        return Outcome(Kind.CRASH, f"crash: {first.name} raised {reason}{more}", state, output)
    if standstill is not None and standstill.deadlock:
        return Outcome(Kind.DEADLOCK, _deadlock(standstill, world.label_of), state, output)
    if standstill is not None and standstill.dead_ends:
        edge = standstill.dead_ends[0]
        headline = (
            f"stuck: {world.label_of(edge.pid)} waits for {world.label_of(edge.on)}, "
            "which has ended"
        )
        return Outcome(Kind.STUCK, headline, state, output)
    ended = sum(proc.status.ended for proc in processes)
    waiting = len(processes) - ended
    headline = f"finished: {ended} ended" + (f", {waiting} still waiting" if waiting else "")
    return Outcome(Kind.FINISHED, headline, state, output)


def _deadlock(standstill: Standstill, label: Callable[[int], str]) -> str:
    count = len(standstill.blocked)
    head = f"deadlock: {count} process{'' if count == 1 else 'es'} blocked"
    if not standstill.cycle:
        return head
    cycle = [label(pid) for pid in (*standstill.cycle, standstill.cycle[0])]
    return f"{head}, {' → '.join(cycle)}"


def final_state(proc: ProcessState) -> str:
    """How ``proc`` ended (and its result), or what it still waits for, in one line."""
    status = proc.status
    if status is Status.STOPPED:
        return f"{proc.name} stopped → {excerpt(proc.result, VALUE_LIMIT)}"
    if status is Status.CRASHED:
        crash = proc.crash
        reason = f"{crash.error}: {crash.message}" if crash is not None else "?"
        return f"{proc.name} crashed: {excerpt(reason, VALUE_LIMIT, raw=True)}"
    if status is Status.KILLED:
        return f"{proc.name} killed ({excerpt(proc.kill_reason, VALUE_LIMIT)})"
    wait = f" ({proc.wait.describe()})" if proc.wait is not None else ""
    return f"{proc.name} {status.label}{wait}"
