"""Endings: how a process returns, transitions, crashes, and takes its children along.

When a generator returns a :class:`~chronoflow.runtime.template.Transition`
the process goes on in the new template (a TRANSITION signal); when it
returns anything else it stops (STOP), unless live children would outlive
it; when it raises it crashes (CRASH), unless it raised ``ProcessExit``.
What an ending causes (links, monitors, children, a joining parent) is the
links' part (:class:`~chronoflow.runtime.links.Links`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chronoflow.errors import (
    NotAChildError,
    ProcessCrashedError,
    ProcessExit,
    UnjoinedChildrenError,
)
from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.links import Links
from chronoflow.runtime.mailroom import Mailroom
from chronoflow.runtime.native import format_crash
from chronoflow.runtime.process import Process, ProcessStatus, route_of
from chronoflow.runtime.runqueue import RunQueue
from chronoflow.runtime.template import ProcessTemplate, Transition
from chronoflow.signals import SignalType

_S = SignalType

#: The status a process ends in, by the signal type that ended it.
ENDINGS = {
    _S.STOP: ProcessStatus.STOPPED,
    _S.CRASH: ProcessStatus.CRASHED,
    _S.KILL: ProcessStatus.KILLED,
}


def crash_reason(error: BaseException) -> dict[str, str]:
    """The exit reason of a process that raised ``error``."""
    return {"error": type(error).__name__, "message": str(error)}


@dataclass(eq=False, repr=False)
class Lifecycle:
    """The end of a generator: TRANSITION, STOP and CRASH."""

    bus: SignalBus
    runq: RunQueue
    #: Whose inbox limits a process takes on with a new template.
    mailroom: Mailroom
    #: What an ending causes.
    links: Links
    #: The file of the run loop, which resumes generators: a crash's
    #: traceback leaves out its frame, which is the kernel's, not the process's.
    resume: str

    def __post_init__(self) -> None:
        self._emit = self.bus.emit

    def returned(self, proc: Process, value: Any) -> None:
        """``proc``'s generator returned ``value``: a transition, or the end."""
        if not proc.alive:
            return  # ended from outside while it ran (see Kernel.exit_signal)
        if isinstance(value, Transition):
            target = value.template
            self._emit(
                proc,
                _S.TRANSITION,
                {
                    "template": target.name,
                    "module": target.module,
                    "qualname": target.qualname,
                    "args": list(value.args),
                },
            )
            self.become(proc, target, value.args)
            proc.transitions += 1
            try:
                proc.gen = target.fn(proc, *value.args)
            except Exception as error:
                self.crash(proc, error)
                return
            proc._waited = False
            self.runq.ready(proc)
            return
        live = [child.pid for child in proc.children if child.alive]
        if live:
            self.crash(proc, UnjoinedChildrenError(proc.pid, live))
            return
        self.stopped(proc, value)

    def become(self, proc: Process, target: ProcessTemplate, args: tuple[Any, ...]) -> None:
        """Make ``proc`` a process of ``target`` with ``args`` (its generator is
        the caller's to make: a failure to make it is a crash or a replay error)."""
        proc.template = target
        proc._route = route_of(target)
        proc.limit_inbox(self.mailroom.limit_for(target))
        proc.overflow = self.mailroom.overflow_for(target)
        proc.args = args

    def stopped(self, proc: Process, value: Any) -> None:
        """``proc`` ended normally with ``value`` (a STOP)."""
        proc.result = value
        proc.reason = "normal"
        proc.end_as(ProcessStatus.STOPPED)
        self.links.ending(proc)
        self._emit(proc, _S.STOP, {"result": value})
        self.links.ended(proc)

    def crash(self, proc: Process, error: BaseException) -> None:
        """``proc`` raised ``error`` (a CRASH), or asked to end (``ProcessExit``)."""
        if not proc.alive:
            return  # ended from outside while it ran (see Kernel.exit_signal)
        if isinstance(error, ProcessExit):
            # Why not a crash: the process asked to end, with its own reason.
            if error.reason == "normal":
                self.stopped(proc, None)
            else:
                self.links.terminate(proc, error.reason, proc.pid)
            return
        proc.error = error
        proc.reason = crash_reason(error)
        proc.end_as(ProcessStatus.CRASHED)
        tb = error.__traceback__
        if tb is not None and tb.tb_frame.f_code.co_filename == self.resume:
            tb = tb.tb_next  # leave out the kernel's own frame
        formatted = format_crash(error, tb)
        self.links.ending(proc)
        self._emit(
            proc,
            _S.CRASH,
            {"error": type(error).__name__, "message": str(error), "traceback": formatted},
        )
        self.links.ended(proc)

    @staticmethod
    def child_failure(child: Process) -> ProcessCrashedError:
        """What joining a crashed or killed ``child`` raises in its parent."""
        error = child.error
        if child._status is ProcessStatus.KILLED:
            failure = ProcessCrashedError(child.pid, child.template.name, "Killed", "killed")
        else:
            failure = ProcessCrashedError(
                child.pid,
                child.template.name,
                type(error).__name__,
                str(error),
            )
        failure.__cause__ = error
        return failure

    @staticmethod
    def not_a_child(proc: Process, child: Any) -> NotAChildError:
        """What joining anything but one's own child raises."""
        who = f"process {child.pid}" if isinstance(child, Process) else repr(child)
        return NotAChildError(
            f"process {proc.pid} cannot join {who}: only a parent can join the children it spawned"
        )
