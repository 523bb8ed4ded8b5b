"""Replay: run a workflow's real code again against its recording.

Loading a workflow file (:mod:`~chronoflow.replay.workflow`), re-executing
it against a recording with every signal checked as it happens
(:mod:`~chronoflow.replay.reexecution`, which reports the first
divergence), and the debugger's live frames: the generators brought to
any seq, with their source line and locals (:mod:`~chronoflow.replay.live`,
and :mod:`~chronoflow.replay.solo` for one process alone from its last
TRANSITION). The checking of each signal against the recording and a
process's own ``replay()`` are the runtime's
(:mod:`chronoflow.runtime.checking`, :mod:`chronoflow.runtime.replay`):
the original's process API has ``proc.replay``. Everything here drives
the kernel through its public API only, and never imports the engine:
the live session is handed the engine's Timeline by its caller.
"""

from __future__ import annotations

from chronoflow.replay.reexecution import Outcome, Reexecution, ReplayReport
from chronoflow.replay.workflow import (
    load_workflow,
    run_workflow,
    scheduler_options,
    workflow_templates,
)

__all__ = [
    "Outcome",
    "Reexecution",
    "ReplayReport",
    "load_workflow",
    "run_workflow",
    "scheduler_options",
    "workflow_templates",
]
