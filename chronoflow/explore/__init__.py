"""Exploring schedules: run a workflow under many orders of its processes, find what differs.

``chronoflow explore`` is a thin front end over :func:`explore`: the
workflow runs first in FIFO order, then under seeded random schedules
(:class:`SeededPlan`) or every schedule within a bound of deviations
(:class:`BoundedPlan`); runs are grouped by outcome (a crash, a deadlock,
a different final state or output), and the first run of each outcome is
kept as a normal recording that opens in the debugger and replays. The
scheduler's side is :mod:`chronoflow.runtime.choosers`.
"""

from __future__ import annotations

from chronoflow.explore.exploration import (
    DEFAULT_BOUND,
    DEFAULT_RUNS,
    Exploration,
    Finding,
    ListedPlan,
    Plan,
    SeededPlan,
    explore,
    write_recording,
)
from chronoflow.explore.one_run import DEFAULT_MAX_SIGNALS, Run, Schedule, Workflow, run_once
from chronoflow.explore.outcomes import Kind, Outcome, classify, final_state
from chronoflow.explore.systematic import BoundedPlan

__all__ = [
    "DEFAULT_BOUND",
    "DEFAULT_MAX_SIGNALS",
    "DEFAULT_RUNS",
    "BoundedPlan",
    "Exploration",
    "Finding",
    "Kind",
    "ListedPlan",
    "Outcome",
    "Plan",
    "Run",
    "Schedule",
    "SeededPlan",
    "Workflow",
    "classify",
    "explore",
    "final_state",
    "run_once",
    "write_recording",
]
