"""One run of a workflow under a chosen schedule, its signals kept in memory.

A :class:`Schedule` says how the run chooses who runs next when more than
one process is ready: in FIFO order (the scheduler's own), by a seeded
random choice, or by a script of decisions (see
:mod:`chronoflow.runtime.choosers`). :func:`run_once` runs the workflow's
``main`` on a fresh scheduler with that chooser and a
:class:`~chronoflow.runtime.VirtualClock` (timeouts and sleeps fire in a
fixed order, without waiting), captures what it prints, and keeps every
signal. A run that goes past ``max_signals`` is stopped there.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from chronoflow.errors import WorkflowError
from chronoflow.replay.workflow import (
    load_workflow,
    run_workflow,
    scheduler_options,
    workflow_templates,
)
from chronoflow.runtime import ProcessTemplate, SimpleScheduler, VirtualClock
from chronoflow.runtime.choosers import (
    Chooser,
    ScriptedSchedule,
    SeededSchedule,
    format_decisions,
)
from chronoflow.signals import Signal

#: Signals one run may produce before it is stopped (a workflow that never
#: goes idle would otherwise run forever; explored programs are small, and
#: every run's signals are folded to find its outcome).
DEFAULT_MAX_SIGNALS = 10_000


@dataclass(frozen=True)
class Schedule:
    """How one run chooses among ready processes.

    ``seed`` set: a seeded random choice; else ``decisions`` (choice point,
    option) pairs, none meaning FIFO order. ``scripted``: count the options
    at every choice point even when no decision is made (a systematic
    search needs them from its FIFO run too).
    """

    seed: int | None = None
    decisions: tuple[tuple[int, int], ...] = ()
    scripted: bool = False

    @property
    def fifo(self) -> bool:
        """True for the scheduler's own order."""
        return self.seed is None and not self.decisions

    def label(self) -> str:
        """``"fifo"``, ``"seed 17"`` or ``"schedule 3:1,7:2"``: what reproduces the run."""
        if self.seed is not None:
            return f"seed {self.seed}"
        if not self.decisions:
            return "fifo"
        return f"schedule {format_decisions(dict(self.decisions))}"

    def chooser(self) -> SeededSchedule | ScriptedSchedule | None:
        """A fresh chooser that makes these choices (None: FIFO, no chooser at all)."""
        if self.seed is not None:
            return SeededSchedule(self.seed)
        if self.decisions or self.scripted:
            return ScriptedSchedule(dict(self.decisions))
        return None

    def metadata(self) -> dict[str, Any]:
        """How a recording's metadata states this schedule."""
        if self.seed is not None:
            return {"schedule": "seeded", "seed": self.seed}
        if self.decisions:
            return {"schedule": "scripted", "decisions": format_decisions(dict(self.decisions))}
        return {"schedule": "fifo"}


class RunTooLong(BaseException):
    """Stops a run that went past its signal budget.

    Why a BaseException: it is raised while a process runs (inside its
    ``self.send``), where the workflow's own ``except Exception`` must not
    catch it.
    """


@dataclass
class Run:
    """What one run did: its signals, what it printed, and how it stopped."""

    schedule: Schedule
    signals: list[Signal]
    output: str
    #: ``main()`` raised, or the run went past its signal budget; None otherwise.
    error: str | None = None
    #: True when the run was stopped at its signal budget.
    cut: bool = False
    #: How many processes were ready at each choice point (a scripted run only).
    options: list[int] = field(default_factory=list)
    #: How many choice points the run met (more than one process ready).
    choices: int = 0


@dataclass
class Workflow:
    """A workflow file loaded once, run many times."""

    path: Path
    args: tuple[str, ...] = ()
    module: ModuleType = field(init=False)
    templates: list[ProcessTemplate] = field(init=False)

    def __post_init__(self) -> None:
        self.module = load_workflow(self.path)
        self.templates = workflow_templates(self.module)
        scheduler_options(self.module)  # an unknown option is an error before any run


def run_once(
    workflow: Workflow, schedule: Schedule, *, max_signals: int = DEFAULT_MAX_SIGNALS
) -> Run:
    """Run ``workflow`` once under ``schedule`` (see the module docstring).

    A :class:`~chronoflow.errors.ChronoflowError` about the workflow itself
    (its ``main`` does not take the arguments) is raised; any other
    exception from ``main`` is part of the run's outcome.
    """
    signals: list[Signal] = []

    def keep(signal: Signal) -> None:
        signals.append(signal)
        if len(signals) >= max_signals:
            raise RunTooLong()

    options = scheduler_options(workflow.module)
    options["clock"] = VirtualClock()
    scheduler = SimpleScheduler(observers=[keep], **options)
    chooser: Chooser | None = schedule.chooser()
    scheduler.choose_with(chooser)
    output = io.StringIO()
    error = None
    cut = False
    try:
        with contextlib.redirect_stdout(output):
            asyncio.run(run_workflow(workflow.module, scheduler, workflow.args))
    except RunTooLong:
        error = f"stopped after {max_signals:,} signals (it never went idle)"
        cut = True
    except WorkflowError:
        raise  # the workflow cannot run at all (its arguments): not an outcome
    except Exception as failure:
        error = f"main() raised {type(failure).__name__}: {failure}"
    run = Run(schedule, signals, output.getvalue(), error, cut)
    if isinstance(chooser, ScriptedSchedule):
        run.options = list(chooser.options)
        run.choices = len(chooser.options)
    elif isinstance(chooser, SeededSchedule):
        run.choices = chooser.choices
    return run
