"""The runtime: templates, processes, effects and the kernel that runs them.

The runtime knows nothing about files: it hands every signal to observers,
and a recorder is one of them. ``SimpleScheduler`` is what programs use;
``Kernel`` is the same object without ``run()``, as ``T.create`` and the
debugger's re-execution use it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from chronoflow.runtime.bus import Observer, Recording, Sink
from chronoflow.runtime.calls import CALL, REPLY
from chronoflow.runtime.effects import TIMEOUT, Join, MatchMode, Receive, Sleep, Use
from chronoflow.runtime.kernel import Kernel
from chronoflow.runtime.mailroom import DEFAULT_INBOX_LIMIT
from chronoflow.runtime.patterns import ANY, Clauses, Matched, Pattern
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.runloop import STEP_BUDGET
from chronoflow.runtime.scheduler import SimpleScheduler
from chronoflow.runtime.template import OVERFLOW_POLICIES, ProcessTemplate, Transition, template
from chronoflow.runtime.timers import VirtualClock

if TYPE_CHECKING:
    from chronoflow.runtime.supervisor import ChildSpec, Supervisor, which_children

#: Names imported on first use. Why lazily: a program without supervisors
#: should not pay for building the supervisor's module when it starts.
_LAZY = {
    "ChildSpec": "chronoflow.runtime.supervisor",
    "Supervisor": "chronoflow.runtime.supervisor",
    "which_children": "chronoflow.runtime.supervisor",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'chronoflow.runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


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
