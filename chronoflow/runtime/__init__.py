"""The runtime: templates, processes, effects and the scheduler.

The runtime knows nothing about files: it hands every signal to observers.
"""

from __future__ import annotations

from chronoflow.runtime.bus import DEFAULT_INBOX_LIMIT, Observer
from chronoflow.runtime.effects import TIMEOUT, Join, MatchMode, Receive, Sleep, Use
from chronoflow.runtime.kernel import STEP_BUDGET, Kernel
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.scheduler import SimpleScheduler
from chronoflow.runtime.template import ProcessTemplate, Transition, template
from chronoflow.runtime.timers import VirtualClock

__all__ = [
    "DEFAULT_INBOX_LIMIT",
    "STEP_BUDGET",
    "TIMEOUT",
    "Join",
    "Kernel",
    "MatchMode",
    "Observer",
    "Process",
    "ProcessStatus",
    "ProcessTemplate",
    "Receive",
    "SimpleScheduler",
    "Sleep",
    "Transition",
    "Use",
    "VirtualClock",
    "template",
]
