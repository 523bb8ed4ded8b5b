"""A systematic exploration: every schedule within a bound of deviations from FIFO order.

A schedule is a set of *deviations*: at choice point ``p`` (the p-th time
more than one process was ready) run the ``k``-th ready process instead of
the first (see :class:`~chronoflow.runtime.choosers.ScriptedSchedule`).
:class:`BoundedPlan` enumerates the schedules with at most ``bound``
deviations, each exactly once, fewest deviations first (breadth first):
after a run it knows how many processes were ready at every choice point
past its last deviation, and each other option there is a new schedule
with one more deviation. This is delay-bounded search: most concurrency
bugs need only one or two processes to run "out of turn", so small bounds
find them in few runs, and a bound of ``n`` covers every schedule of a
program with at most ``n`` choice points.

Reductions: only real choice points count (one ready process is no
choice; a process queued twice is one option), the bound cuts the tree,
and no schedule is run twice. What it does not do (yet): partial-order
reduction of steps that commute, as Concuerror's DPOR does, so two
schedules that differ only in the order of independent steps are both run.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from chronoflow.explore.one_run import Run, Schedule

Decisions = tuple[tuple[int, int], ...]


@dataclass
class BoundedPlan:
    """FIFO first, then every schedule with at most ``bound`` deviations, at
    most ``runs`` schedules after the FIFO one."""

    runs: int
    bound: int = 2
    mode: str = "systematic"
    _frontier: deque[Decisions] = field(default_factory=deque)
    _current: Decisions | None = None
    _handed: int = 0

    def next(self, last: Run | None) -> Schedule | None:
        """The next schedule, after adding the ones ``last`` makes known."""
        if self._current is not None and last is not None:
            self._extend(self._current, last.options)
        if self._handed == 0:
            self._current = ()
        elif self._handed > self.runs or not self._frontier:
            self._current = None
            return None
        else:
            self._current = self._frontier.popleft()
        self._handed += 1
        return Schedule(decisions=self._current, scripted=True)

    def _extend(self, decisions: Decisions, options: list[int]) -> None:
        """Queue each schedule that adds one deviation after the last of ``decisions``."""
        if len(decisions) >= self.bound:
            return
        start = decisions[-1][0] + 1 if decisions else 0
        for point in range(start, len(options)):
            for option in range(1, options[point]):
                self._frontier.append((*decisions, (point, option)))

    @property
    def planned(self) -> int | None:
        """At most the FIFO run and ``runs`` more."""
        return self.runs + 1

    @property
    def complete(self) -> bool:
        """True once every schedule within the bound was run."""
        return self._handed > 0 and self._current is None and not self._frontier
