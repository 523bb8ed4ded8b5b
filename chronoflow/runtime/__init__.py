"""The runtime: templates, processes, effects and the scheduler.

The runtime knows nothing about files: it hands every signal to observers.
"""

from __future__ import annotations

from chronoflow.runtime.bus import DEFAULT_INBOX_LIMIT, Observer
from chronoflow.runtime.effects import Join, MatchMode, Receive, Use
from chronoflow.runtime.kernel import STEP_BUDGET, Kernel
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.scheduler import SimpleScheduler
from chronoflow.runtime.template import ProcessTemplate, Transition, template

__all__ = [
    "DEFAULT_INBOX_LIMIT",
    "STEP_BUDGET",
    "Join",
    "Kernel",
    "MatchMode",
    "Observer",
    "Process",
    "ProcessStatus",
    "ProcessTemplate",
    "Receive",
    "SimpleScheduler",
    "Transition",
    "Use",
    "template",
]
