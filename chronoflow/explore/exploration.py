"""An exploration: many runs of one workflow, grouped by outcome, a recording kept for each.

:func:`explore` runs the workflow first in the scheduler's own FIFO order,
then under the schedules a *plan* hands out, one after the other:

- :class:`SeededPlan`: ``runs`` seeded random schedules, seeds ``seed``,
  ``seed + 1``, ... (``seed 17`` reproduces the run that had seed 17);
- :class:`~chronoflow.explore.systematic.BoundedPlan`: every schedule that
  deviates from FIFO order at most ``bound`` times, fewest deviations
  first, until the budget of runs is spent;
- :class:`ListedPlan`: the schedules it is given (to reproduce a row).

Runs are grouped by :class:`~chronoflow.explore.outcomes.Outcome`; the
first run of each outcome is a :class:`Finding`, and its signals are
written as a normal recording (``<stem>-<n>-<kind>.cfl``) whose metadata
says how to reproduce it (``"exploration"``: the schedule, its seed or
decisions, the outcome). The recording replays: a whole-recording replay
runs ready processes in the recorded order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from chronoflow.explore.one_run import DEFAULT_MAX_SIGNALS, Run, Schedule, Workflow, run_once
from chronoflow.explore.outcomes import Outcome, classify
from chronoflow.recording import Recorder

#: Seeded runs after the FIFO one when no budget is given.
DEFAULT_RUNS = 200
#: Deviations from FIFO order a systematic exploration allows by default.
DEFAULT_BOUND = 2

#: ``progress(runs done, runs planned or None, outcomes found)``.
Progress = Callable[[int, int | None, int], None]


class Plan(Protocol):
    """Hands out the schedules of an exploration, one after each run."""

    #: How this exploration is described in a recording's metadata.
    mode: str

    def next(self, last: Run | None) -> Schedule | None:
        """The next schedule to run, given the run just made (None: done)."""
        ...

    @property
    def planned(self) -> int | None:
        """How many runs the plan will make at most (None: not known)."""
        ...

    @property
    def complete(self) -> bool:
        """True once the plan handed out every schedule it covers."""
        ...


@dataclass
class SeededPlan:
    """FIFO first, then ``runs`` seeded schedules: ``seed``, ``seed + 1``, ..."""

    runs: int
    seed: int = 1
    mode: str = "seeded"
    _handed: int = 0

    def next(self, last: Run | None) -> Schedule | None:
        """The FIFO schedule, then the next seed."""
        handed = self._handed
        if handed > self.runs:
            return None
        self._handed += 1
        return Schedule() if handed == 0 else Schedule(seed=self.seed + handed - 1)

    @property
    def planned(self) -> int | None:
        """FIFO and the seeded runs."""
        return self.runs + 1

    @property
    def complete(self) -> bool:
        """True once every seed was run."""
        return self._handed > self.runs


@dataclass
class ListedPlan:
    """FIFO first (unless listed), then the given schedules."""

    schedules: Sequence[Schedule]
    mode: str = "listed"
    _queue: list[Schedule] = field(default_factory=list)
    _started: bool = False

    def next(self, last: Run | None) -> Schedule | None:
        """The next listed schedule."""
        if not self._started:
            self._started = True
            self._queue = [Schedule(), *(s for s in self.schedules if not s.fifo)]
        return self._queue.pop(0) if self._queue else None

    @property
    def planned(self) -> int | None:
        """FIFO and each listed schedule."""
        return 1 + sum(not s.fifo for s in self.schedules)

    @property
    def complete(self) -> bool:
        """True once every listed schedule was handed out."""
        return self._started and not self._queue


@dataclass
class Finding:
    """One distinct outcome: the first run that reached it and how many did."""

    number: int
    outcome: Outcome
    schedule: Schedule
    #: The run's position in the exploration (0: the FIFO run).
    run: int
    choices: int
    #: How many signals the run produced (its recording's length).
    signals: int = 0
    runs: int = 1
    recording: Path | None = None


@dataclass
class Exploration:
    """What an exploration found."""

    workflow: Path
    args: tuple[str, ...]
    mode: str
    findings: list[Finding]
    runs: int
    #: True when the plan ran out of schedules (a systematic search covered
    #: every schedule within its bound) rather than the budget.
    complete: bool

    @property
    def baseline(self) -> Finding:
        """The outcome of the FIFO run (the first)."""
        return self.findings[0]

    @property
    def differs(self) -> list[Finding]:
        """Outcomes other than the FIFO run's."""
        return self.findings[1:]


def explore(
    path: Path,
    args: Iterable[str] = (),
    plan: Plan | None = None,
    *,
    out_dir: Path | None = None,
    workflow_name: str | None = None,
    compare_output: bool = True,
    max_signals: int = DEFAULT_MAX_SIGNALS,
    progress: Progress | None = None,
) -> Exploration:
    """Run the workflow at ``path`` under every schedule ``plan`` hands out.

    ``out_dir`` (created if missing, files in it replaced): where the
    recording of each distinct outcome is written; None keeps none.
    ``workflow_name`` is how the recordings' metadata names the workflow
    (default: its file name). ``compare_output``: runs that print different
    text have different outcomes.
    """
    workflow = Workflow(path, tuple(args))
    plan = plan if plan is not None else SeededPlan(DEFAULT_RUNS)
    findings: dict[tuple[object, ...], Finding] = {}
    count = 0
    last: Run | None = None
    while (schedule := plan.next(last)) is not None:
        last = run_once(workflow, schedule, max_signals=max_signals)
        outcome = classify(last.signals, last.output, last.error, cut=last.cut)
        key = outcome.key(output=compare_output)
        found = findings.get(key)
        if found is not None:
            found.runs += 1
        else:
            found = Finding(
                len(findings) + 1, outcome, schedule, count, last.choices, len(last.signals)
            )
            findings[key] = found
            if out_dir is not None:
                out_dir.mkdir(exist_ok=True)
                found.recording = out_dir / f"{path.stem}-{found.number}-{outcome.kind.value}.cfl"
                meta = _metadata(plan, found, count)
                write_recording(found.recording, workflow, last, meta, workflow_name)
        count += 1
        if progress is not None:
            progress(count, plan.planned, len(findings))
    return Exploration(
        workflow=path,
        args=workflow.args,
        mode=plan.mode,
        findings=list(findings.values()),
        runs=count,
        complete=plan.complete,
    )


def _metadata(plan: Plan, found: Finding, run: int) -> dict[str, Any]:
    return {
        "mode": plan.mode,
        "run": run,
        **found.schedule.metadata(),
        "choices": found.choices,
        "outcome": found.outcome.headline,
        "kind": found.outcome.kind.value,
    }


def write_recording(
    path: Path,
    workflow: Workflow,
    run: Run,
    exploration: dict[str, Any],
    workflow_name: str | None = None,
) -> None:
    """Write ``run``'s signals to ``path`` as a normal recording, with
    ``exploration`` under the metadata key ``"exploration"``."""
    recorder = Recorder(
        path,
        workflow=workflow_name if workflow_name is not None else workflow.path.name,
        args=list(workflow.args),
        templates=workflow.templates,
        source_root=workflow.path.resolve().parent,
        metadata={"exploration": exploration},
    )
    with recorder:
        for signal in run.signals:
            recorder(signal)
