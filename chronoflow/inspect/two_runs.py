"""Two recordings of one workflow compared: the first divergence, then each process.

:func:`compare_runs` walks two :class:`~chronoflow.inspect.Timeline`\\ s in
step, seq by seq, with replay's test of what must match
(:func:`chronoflow.replay.divergence.same_signal`), until the first seq
where they differ: the same facts ``chronoflow replay`` reports (seq, the
process's own step, its template, what each run has there). From that seq
on it aligns each process by its own step count and says, per process,
what differs: how many signals and the first step where they part, the
final status, the result (or the crash). Signals before the divergence are
equal in both runs, so only the rest is held in memory.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, zip_longest
from pathlib import Path
from typing import TYPE_CHECKING

from chronoflow.inspect.excerpt import excerpt
from chronoflow.inspect.world import World
from chronoflow.replay.divergence import describe_signal, same_signal, same_step
from chronoflow.signals import Signal

if TYPE_CHECKING:
    from chronoflow.inspect.model import ProcessState
    from chronoflow.inspect.timeline import Timeline


@dataclass(frozen=True)
class RunDivergence:
    """The first seq where run B does not do what run A did.

    ``step`` is the process's own step there (1: its first signal), counted
    in A (in B when A had ended). ``a`` / ``b`` is None when that run had
    no more signals.
    """

    seq: int
    pid: int
    step: int
    template: str
    a: Signal | None
    b: Signal | None
    #: B's process there, when it is another one than A's (another schedule).
    other: str | None = None

    def headline(self, a_name: str = "A", b_name: str = "B") -> str:
        """One line in the form of ``chronoflow replay``'s report."""
        theirs = describe_signal(self.b)
        if self.other is not None:
            theirs = f"{self.other}'s {theirs}"
        return (
            f"the runs diverge at seq {self.seq} (step {self.step} of {self.template}): "
            f"{a_name} has {describe_signal(self.a)}, {b_name} has {theirs}"
        )


@dataclass(frozen=True)
class ProcessDifference:
    """What differs for one process between run A and run B.

    ``first_step`` is the first of its own steps where the runs differ (1
    is its first signal), at ``seq_a`` in A and ``seq_b`` in B (None where
    that run has no such step); None when its signals are the same.
    """

    pid: int
    name: str
    signals_a: int
    signals_b: int
    first_step: int | None
    seq_a: int | None
    seq_b: int | None
    status_a: str
    status_b: str
    result_a: str
    result_b: str

    @property
    def differs(self) -> bool:
        """True when anything listed here differs."""
        return (
            self.first_step is not None
            or self.status_a != self.status_b
            or self.result_a != self.result_b
        )

    def notes(self) -> list[str]:
        """Each difference as a phrase, e.g. ``status: stopped vs waiting``."""
        found: list[str] = []
        if self.first_step is not None:
            where = ", ".join(
                f"{run} seq {seq}"
                for run, seq in (("A", self.seq_a), ("B", self.seq_b))
                if seq is not None
            )
            found.append(
                f"signals: {self.signals_a} vs {self.signals_b}, first differs at its "
                f"step {self.first_step} ({where})"
            )
        if self.status_a != self.status_b:
            found.append(f"status: {self.status_a} vs {self.status_b}")
        if self.result_a != self.result_b:
            found.append(f"result: {self.result_a} vs {self.result_b}")
        return found


@dataclass(frozen=True)
class RunComparison:
    """Two recordings compared: the first divergence and each process's differences."""

    a: Path
    b: Path
    length_a: int
    length_b: int
    divergence: RunDivergence | None
    processes: tuple[ProcessDifference, ...] = field(default=())

    @property
    def same(self) -> bool:
        """True when the runs agree signal for signal to the end."""
        return self.divergence is None

    @property
    def differing(self) -> tuple[ProcessDifference, ...]:
        """The processes for which something differs, in pid order."""
        return tuple(p for p in self.processes if p.differs)


def _signals(timeline: Timeline) -> Iterator[Signal]:
    return iter(timeline.signals(0, len(timeline))) if len(timeline) else iter(())


class _Steps:
    """Each process's signals in A and B aligned by its own step count, streamed.

    Why a queue per process and not two lists: the runs are read side by
    side, so a process's queue holds only the signals one run has made and
    the other has not yet (how far one run is ahead of the other for it),
    and nothing once its first difference is found: the memory is the lag,
    not the recordings.
    """

    def __init__(self, counts: dict[int, int]) -> None:
        #: Signals per process in A and in B (equal before the divergence).
        self.count_a: dict[int, int] = defaultdict(int, counts)
        self.count_b: dict[int, int] = defaultdict(int, counts)
        #: Per process: signals not matched yet, and whether they are A's.
        self.waiting: dict[int, deque[Signal]] = defaultdict(deque)
        self.waiting_is_a: dict[int, bool] = {}
        #: Per process: its first differing step, with the seq in A and in B.
        self.first: dict[int, tuple[int, int | None, int | None]] = {}

    def add(self, signal: Signal, in_a: bool) -> None:
        """One more signal of run A (``in_a``) or B."""
        pid = signal.pid
        counts = self.count_a if in_a else self.count_b
        counts[pid] += 1
        if pid in self.first:
            return
        queue = self.waiting[pid]
        if queue and self.waiting_is_a[pid] != in_a:
            other = queue.popleft()
            a, b = (signal, other) if in_a else (other, signal)
            if not same_step(a, b):
                self.first[pid] = (counts[pid], a.seq, b.seq)
                queue.clear()
            return
        queue.append(signal)
        self.waiting_is_a[pid] = in_a

    def first_difference(self, pid: int) -> tuple[int | None, int | None, int | None]:
        """``(step, seq in A, seq in B)`` of ``pid``'s first difference, or Nones."""
        if pid in self.first:
            return self.first[pid]
        queue = self.waiting.get(pid)
        if not queue:
            return None, None, None
        # One run made more signals for it: its first extra one differs.
        extra = queue[0]
        step = min(self.count_a[pid], self.count_b[pid]) + 1
        if self.waiting_is_a[pid]:
            return step, extra.seq, None
        return step, None, extra.seq


def compare_runs(a: Timeline, b: Timeline) -> RunComparison:
    """Compare two indexed recordings (wait for both indexes first)."""
    left, right = _signals(a), _signals(b)
    counts: dict[int, int] = defaultdict(int)
    divergence: RunDivergence | None = None
    steps: _Steps | None = None
    while True:
        x = next(left, None)
        y = next(right, None)
        if x is None and y is None:
            break
        if x is not None and y is not None and same_signal(x, y):
            counts[x.pid] += 1
            continue
        first = x if x is not None else y
        assert first is not None
        timeline = a if x is not None else b
        divergence = RunDivergence(
            seq=first.seq,
            pid=first.pid,
            step=counts[first.pid] + 1,
            template=timeline.name_of(first.pid, first.seq),
            a=x,
            b=y,
            other=None if x is None or y is None or x.pid == y.pid else b.name_of(y.pid, y.seq),
        )
        steps = _Steps(counts)
        for later_a, later_b in zip_longest(chain((x,), left), chain((y,), right)):
            if later_a is not None:
                steps.add(later_a, True)
            if later_b is not None:
                steps.add(later_b, False)
        break
    if steps is None:  # no divergence: every process's signals are the same
        steps = _Steps(counts)
    end_a, end_b = _end(a), _end(b)
    pids = sorted(set(end_a.pids) | set(end_b.pids))
    processes = tuple(_process(pid, a, b, end_a, end_b, steps) for pid in pids)
    return RunComparison(
        a=a.path,
        b=b.path,
        length_a=len(a),
        length_b=len(b),
        divergence=divergence,
        processes=processes,
    )


def _end(timeline: Timeline) -> World:
    return timeline.state_at(len(timeline) - 1) if len(timeline) else World.empty()


def _process(
    pid: int, a: Timeline, b: Timeline, end_a: World, end_b: World, steps: _Steps
) -> ProcessDifference:
    first_step, seq_a, seq_b = steps.first_difference(pid)
    state_a = end_a.processes.get(pid)
    state_b = end_b.processes.get(pid)
    name = (a if state_a is not None else b).name_of(pid)
    return ProcessDifference(
        pid=pid,
        name=name,
        signals_a=steps.count_a[pid],
        signals_b=steps.count_b[pid],
        first_step=first_step,
        seq_a=seq_a,
        seq_b=seq_b,
        status_a=_status(state_a),
        status_b=_status(state_b),
        result_a=_result(state_a),
        result_b=_result(state_b),
    )


def _status(state: ProcessState | None) -> str:
    return "absent" if state is None else state.status.value


def _result(state: ProcessState | None) -> str:
    """The outcome as text: the result of a stopped process, the error of a
    crashed one, the reason of a killed one; ``-`` while it runs."""
    if state is None or state.ended is None:
        return "-"
    if state.crash is not None:
        return f"crashed: {state.crash.error}: {state.crash.message}"
    if state.kill_reason is not None:
        return f"killed: {state.kill_reason}"
    return excerpt(state.result)
