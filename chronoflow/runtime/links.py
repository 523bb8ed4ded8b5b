"""Links, monitors and exit signals: how one process's end reaches others.

As in Erlang: a link is two-way; when a process ends, every linked process
gets an exit signal with its reason. "kill" cannot be trapped and ends the
target with reason "killed"; "normal" is ignored by a process that does
not trap exits; a trapping process gets an ``('EXIT', pid, reason)``
message instead; any other reason ends a non-trapping process with the same
reason. A monitor is one-way and always a message,
``('DOWN', ref, pid, reason)``. A process's own children are ended when it
ends (a child cannot outlive its parent), with reason "parent N ended".

Why a queue: an ending can end linked processes, whose endings reach
further ones. They are handled one after another, in order, so that a long
chain of links neither recurses deeply nor depends on anything but FIFO
order.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any

from chronoflow.errors import NoProcessError, ProcessExit
from chronoflow.runtime.lifecycle import Lifecycle, crash_reason
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.signals import SignalType

_S = SignalType
_READY = ProcessStatus.READY
_WAITING = ProcessStatus.WAITING

NORMAL = "normal"
SHUTDOWN = "shutdown"
KILL = "kill"
KILLED = "killed"
NOPROC = "noproc"

__all__ = ["KILL", "KILLED", "NOPROC", "NORMAL", "SHUTDOWN", "Links", "crash_reason"]


class Links(Lifecycle):
    """Links, monitors, trapping, exit signals and termination from outside."""

    # -- calls a process makes ------------------------------------------------

    def link(self, proc: Process, pid: int) -> None:
        """Link ``proc`` and ``pid`` both ways (a LINK signal)."""
        if pid == proc.pid or pid in proc.links:
            return
        target = self.processes.get(pid)
        if target is None or not target.alive:
            if proc.trap_exit:
                self._exit_arrives(proc, pid, NOPROC)
                self._propagate()
                return
            raise NoProcessError(
                f"process {proc.pid} cannot link to process {pid}: it does not exist or "
                "has ended (trap exits to get an ('EXIT', pid, 'noproc') message instead)"
            )
        proc.links.add(pid)
        target.links.add(proc.pid)
        self._emit(proc, _S.LINK, {"with": pid})

    def unlink(self, proc: Process, pid: int) -> None:
        """Remove the link between ``proc`` and ``pid`` (an UNLINK signal)."""
        if pid not in proc.links:
            return
        proc.links.discard(pid)
        target = self.processes.get(pid)
        if target is not None:
            target.links.discard(proc.pid)
        self._emit(proc, _S.UNLINK, {"with": pid})

    def monitor(self, proc: Process, pid: int) -> int:
        """Make ``proc`` watch ``pid``; the ref is the MONITOR signal's seq."""
        target = self.processes.get(pid)
        ref = self._emit(proc, _S.MONITOR, {"ref": self._seq, "target": pid})
        if target is None or not target.alive:
            self._down(proc, ref, pid, NOPROC)
        else:
            proc.monitors[ref] = pid
            target.watchers[ref] = proc.pid
        return ref

    def demonitor(self, proc: Process, ref: int) -> None:
        """Stop the monitor ``ref`` of ``proc`` (a DEMONITOR signal)."""
        pid = proc.monitors.pop(ref, None)
        if pid is None:
            return
        target = self.processes.get(pid)
        if target is not None:
            target.watchers.pop(ref, None)
        self._emit(proc, _S.DEMONITOR, {"ref": ref})

    def set_trap(self, proc: Process, trap: bool) -> None:
        """Set whether ``proc`` traps exits (a TRAP signal when it changes)."""
        if proc.trap_exit != trap:
            proc.trap_exit = trap
            self._emit(proc, _S.TRAP, {"trap": trap})

    def exit_signal(self, sender: Process, pid: int, reason: Any) -> None:
        """``sender`` sends an exit signal with ``reason`` to ``pid``."""
        target = self.processes.get(pid)
        if target is None or not target.alive:
            return
        if target is self.current:
            raise ProcessExit(reason)
        self._exit_arrives(target, sender.pid, reason)
        self._propagate()

    # -- what happens to the receiver -----------------------------------------------

    def _exit_arrives(self, target: Process, sender: int, reason: Any) -> None:
        if reason == KILL:
            self._terminate(target, KILLED, sender)
        elif target.trap_exit:
            message = ("EXIT", sender, reason)
            seq = self._emit(
                target,
                _S.EXIT,
                {"from": sender, "reason": reason, "action": "trap", "msg": message},
            )
            self._put(target, seq, message)
        elif reason == NORMAL:
            self._emit(target, _S.EXIT, {"from": sender, "reason": reason, "action": "ignore"})
        else:
            self._terminate(target, reason, sender)

    def _down(self, watcher: Process, ref: int, pid: int, reason: Any) -> None:
        message = ("DOWN", ref, pid, reason)
        seq = self._emit(
            watcher, _S.DOWN, {"ref": ref, "target": pid, "reason": reason, "msg": message}
        )
        self._put(watcher, seq, message)

    def _put(self, proc: Process, mid: int, message: Any) -> None:
        """Put a system message (exit or down) in ``proc``'s own inbox; wake it."""
        proc.inbox.append((mid, message))
        if proc.status is _WAITING:
            proc.status = _READY
            self._runq.append(proc)

    def _terminate(self, proc: Process, reason: Any, by: int | None) -> None:
        """End ``proc`` from outside with ``reason`` (a KILL signal)."""
        if not proc.alive:
            return
        proc.status = ProcessStatus.KILLED
        proc.reason = reason
        self._emit(proc, _S.KILL, {"reason": reason, "from": by})
        self._discard_pending(proc)
        if proc.gen is not None:
            with contextlib.suppress(Exception):
                proc.gen.close()
        self._ended(proc)

    def _discard_pending(self, proc: Process) -> None:
        """Drop ``proc``'s pending ``use`` calls and timers."""
        for seq in [s for s, (p, _) in self._uses.items() if p is proc]:
            _, awaitable = self._uses.pop(seq)
            if inspect.iscoroutine(awaitable):
                awaitable.close()
        for task, (_, owner) in list(self._tasks.items()):
            if owner is proc:
                task.cancel()
                del self._tasks[task]
        for seq in [s for s, (p, _) in self._recorded.items() if p is proc]:
            del self._recorded[seq]
        proc._timer = None

    # -- an ending spreads -----------------------------------------------------------

    def _ended(self, proc: Process) -> None:
        reason = proc.reason
        for pid in sorted(proc.links):
            other = self.processes[pid]
            other.links.discard(proc.pid)
            if other.alive:
                self._exits.append((other, proc.pid, reason))
        proc.links.clear()
        for ref, watcher_pid in sorted(proc.watchers.items()):
            watcher = self.processes[watcher_pid]
            watcher.monitors.pop(ref, None)
            if watcher.alive:
                self._down(watcher, ref, proc.pid, reason)
        proc.watchers.clear()
        for ref, pid in proc.monitors.items():
            watched = self.processes.get(pid)
            if watched is not None:
                watched.watchers.pop(ref, None)
        proc.monitors.clear()
        for child in proc.children:
            if child.alive:
                # A child cannot outlive its parent; its reason says why it ended.
                self._terminate(child, f"parent {proc.pid} ended", proc.pid)
        super()._ended(proc)
        self._propagate()

    def _propagate(self) -> None:
        if self._propagating:
            return
        self._propagating = True
        try:
            while self._exits:
                target, sender, reason = self._exits.popleft()
                if target.alive:
                    self._exit_arrives(target, sender, reason)
        finally:
            self._propagating = False
