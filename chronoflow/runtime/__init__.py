"""The runtime: templates, processes, effects and the kernel that runs them.

The runtime knows nothing about files: it hands every signal to observers,
and a recorder is one of them. ``SimpleScheduler`` is what programs use;
``Kernel`` is the same object without ``run()``, as ``T.create`` and the
debugger's re-execution use it.
"""

from __future__ import annotations

from chronoflow.runtime.bus import Observer, Recording, Sink
from chronoflow.runtime.calls import CALL, REPLY
from chronoflow.runtime.effects import TIMEOUT, Join, MatchMode, Receive, Sleep, Use
from chronoflow.runtime.kernel import Kernel
from chronoflow.runtime.mailroom import DEFAULT_INBOX_LIMIT
from chronoflow.runtime.patterns import ANY, Clauses, Matched, Pattern
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.runloop import STEP_BUDGET
from chronoflow.runtime.scheduler import SimpleScheduler
from chronoflow.runtime.supervisor import ChildSpec, Supervisor, which_children
from chronoflow.runtime.template import OVERFLOW_POLICIES, ProcessTemplate, Transition, template
from chronoflow.runtime.timers import VirtualClock

__all__ = [
    "ANY",
    "CALL",
    "DEFAULT_INBOX_LIMIT",
    "OVERFLOW_POLICIES",
    "REPLY",
    "STEP_BUDGET",
    "TIMEOUT",
    "ChildSpec",
    "Clauses",
    "Join",
    "Kernel",
    "MatchMode",
    "Matched",
    "Observer",
    "Pattern",
    "Process",
    "ProcessStatus",
    "ProcessTemplate",
    "Receive",
    "Recording",
    "SimpleScheduler",
    "Sink",
    "Sleep",
    "Supervisor",
    "Transition",
    "Use",
    "VirtualClock",
    "template",
    "which_children",
]
