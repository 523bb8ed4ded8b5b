"""Endings: how a process returns, transitions, crashes, and takes its children along.

A child cannot outlive its parent: when a process ends, its live
descendants are killed (pre-order), their pending ``use`` calls cancelled
and their generators closed; a parent joining the process is woken.
"""

from __future__ import annotations

import traceback
from typing import Any

from chronoflow.errors import (
    NotAChildError,
    ProcessCrashedError,
    ProcessExit,
    UnjoinedChildrenError,
)
from chronoflow.runtime.mailroom import Mailroom
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.template import Transition
from chronoflow.signals import SignalType

_S = SignalType
_READY = ProcessStatus.READY


def crash_reason(error: BaseException) -> dict[str, str]:
    """The exit reason of a process that raised ``error``."""
    return {"error": type(error).__name__, "message": str(error)}


class Lifecycle(Mailroom):
    """The end of a generator: STOP, TRANSITION, CRASH and KILL."""

    def _returned(self, proc: Process, value: Any) -> None:
        if not proc.alive:
            return  # ended from outside while it ran (see Links.exit_signal)
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
            proc.template = target
            proc.inbox_limit = self.limit_for(target)
            proc.overflow = self.overflow_for(target)
            proc.args = value.args
            proc.transitions += 1
            try:
                proc.gen = target.fn(proc, *value.args)
            except Exception as error:
                self._crash(proc, error)
                return
            proc._waited = False
            proc.status = _READY
            self._runq.append(proc)
            return
        live = [child.pid for child in proc.children if child.alive]
        if live:
            self._crash(proc, UnjoinedChildrenError(proc.pid, live))
            return
        self._stopped(proc, value)

    def _stopped(self, proc: Process, value: Any) -> None:
        proc.result = value
        proc.reason = "normal"
        proc.status = ProcessStatus.STOPPED
        self._wake_joiner(proc)
        self._emit(proc, _S.STOP, {"result": value})
        self._ended(proc)

    def _crash(self, proc: Process, error: BaseException) -> None:
        if not proc.alive:
            return  # ended from outside while it ran (see Links.exit_signal)
        if isinstance(error, ProcessExit):
            # Why not a crash: the process asked to end, with its own reason.
            if error.reason == "normal":
                self._stopped(proc, None)
            else:
                self._terminate(proc, error.reason, proc.pid)
            return
        proc.error = error
        proc.reason = crash_reason(error)
        proc.status = ProcessStatus.CRASHED
        tb = error.__traceback__
        resume = getattr(type(self), "_step", None)
        if tb is not None and resume is not None and tb.tb_frame.f_code is resume.__code__:
            tb = tb.tb_next  # leave out the kernel's own frame
        formatted = "".join(traceback.format_exception(type(error), error, tb))
        self._wake_joiner(proc)
        self._emit(
            proc,
            _S.CRASH,
            {"error": type(error).__name__, "message": str(error), "traceback": formatted},
        )
        self._ended(proc)

    def _ended(self, proc: Process) -> None:
        """What ``proc``'s end causes (links, monitors and children: see Links)."""

    def _wake_joiner(self, proc: Process) -> None:
        """Make a parent that is joining ``proc`` ready; called as ``proc`` ends,
        before its STOP, CRASH or KILL, so an observer sees both as they are."""
        parent = proc.parent
        if (
            parent is not None
            and parent.status is ProcessStatus.JOINING
            and parent._effect.child is proc
        ):
            parent.status = _READY
            self._runq.append(parent)

    @staticmethod
    def _child_failure(child: Process) -> ProcessCrashedError:
        error = child.error
        if child.status is ProcessStatus.KILLED:
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
    def _not_a_child(proc: Process, child: Any) -> NotAChildError:
        who = f"process {child.pid}" if isinstance(child, Process) else repr(child)
        return NotAChildError(
            f"process {proc.pid} cannot join {who}: only a parent can join the children it spawned"
        )
