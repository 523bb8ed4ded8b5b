"""Chronoflow: Erlang-style message-passing processes as Python generators.

Every event a process produces is a :class:`Signal`; observers (such as the
recorder) receive them in one total order, and the debugger replays them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from chronoflow.errors import (
    AlreadyStartedError,
    CallError,
    CallTimeoutError,
    ChronoflowError,
    InboxFullError,
    MisuseError,
    NameNotRegisteredError,
    NameTakenError,
    NondeterminismError,
    NoProcessError,
    NotAChildError,
    NotStartedError,
    OutsideProcessError,
    ProcessCrashedError,
    ProcessExit,
    ProcessStoppedError,
    ReplayError,
    SelectionError,
    UnjoinedChildrenError,
    UseError,
    WorkflowError,
)
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.runtime import (
        ANY,
        CALL,
        REPLY,
        TIMEOUT,
        ChildSpec,
        Matched,
        Pattern,
        Process,
        ProcessStatus,
        ProcessTemplate,
        SimpleScheduler,
        Supervisor,
        Transition,
        VirtualClock,
        template,
        which_children,
    )

    __version__: str

#: Names imported on first use. Why lazily: a program that only reads
#: recordings (the debugger) should not pay for loading the runtime and the
#: recorder when it starts.
_LAZY = {
    "ANY": "chronoflow.runtime",
    "CALL": "chronoflow.runtime",
    "REPLY": "chronoflow.runtime",
    "ChildSpec": "chronoflow.runtime",
    "Supervisor": "chronoflow.runtime",
    "VirtualClock": "chronoflow.runtime",
    "which_children": "chronoflow.runtime",
    "TIMEOUT": "chronoflow.runtime",
    "Matched": "chronoflow.runtime",
    "Pattern": "chronoflow.runtime",
    "SimpleScheduler": "chronoflow.runtime",
    "Process": "chronoflow.runtime",
    "ProcessStatus": "chronoflow.runtime",
    "ProcessTemplate": "chronoflow.runtime",
    "Transition": "chronoflow.runtime",
    "template": "chronoflow.runtime",
}

#: Modules loaded along with a name: the recorder lends the runtime's one
#: SimpleScheduler ``record=PATH`` (the runtime never imports it itself).
_ALONG = {"SimpleScheduler": "chronoflow.recording.recorder"}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value: Any = version("chronoflow")
        except PackageNotFoundError:  # a source tree that is not installed
            value = "0.0.0+unknown"
    elif name in _LAZY:
        if name in _ALONG:
            importlib.import_module(_ALONG[name])
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'chronoflow' has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "ANY",
    "CALL",
    "REPLY",
    "TIMEOUT",
    "AlreadyStartedError",
    "CallError",
    "CallTimeoutError",
    "ChildSpec",
    "ChronoflowError",
    "InboxFullError",
    "Matched",
    "MisuseError",
    "NameNotRegisteredError",
    "NameTakenError",
    "NoProcessError",
    "NondeterminismError",
    "NotAChildError",
    "NotStartedError",
    "OutsideProcessError",
    "Pattern",
    "Process",
    "ProcessCrashedError",
    "ProcessExit",
    "ProcessStatus",
    "ProcessStoppedError",
    "ProcessTemplate",
    "ReplayError",
    "SelectionError",
    "Signal",
    "SignalType",
    "SimpleScheduler",
    "Supervisor",
    "Transition",
    "UnjoinedChildrenError",
    "UseError",
    "VirtualClock",
    "WorkflowError",
    "__version__",
    "template",
    "which_children",
]
