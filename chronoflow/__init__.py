"""Chronoflow: Erlang-style message-passing processes as Python generators.

Every event a process produces is a :class:`Signal`; observers (such as the
recorder) receive them in one total order, and the debugger replays them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from chronoflow.errors import ChronoflowError
from chronoflow.recording.scheduler import SimpleScheduler
from chronoflow.runtime import (
    Process,
    ProcessStatus,
    ProcessTemplate,
    Transition,
    template,
)
from chronoflow.signals import Signal, SignalType

try:
    __version__ = version("chronoflow")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "ChronoflowError",
    "Process",
    "ProcessStatus",
    "ProcessTemplate",
    "Signal",
    "SignalType",
    "SimpleScheduler",
    "Transition",
    "__version__",
    "template",
]
