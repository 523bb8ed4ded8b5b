"""Links, monitors and exit signals: how one process's end reaches others.

As in Erlang: a link is two-way; when a process ends, every linked process
gets an exit signal with its reason. "kill" cannot be trapped and ends the
target with reason "killed"; "normal" is ignored by a process that does
not trap exits; a trapping process gets an ``('EXIT', pid, reason)``
message instead; any other reason ends a non-trapping process with the same
reason. A monitor is one-way and always a message,
``('DOWN', ref, pid, reason)``. A process's own children are ended when it
ends (a child cannot outlive its parent), with reason "parent N ended".

What an ending causes follows it at once, in a fixed order (exit signals
to links, DOWNs to watchers, KILLs of children; see :meth:`Links._ended`).
An ending can end linked processes, whose endings reach further ones:
each is handled completely before the next consequence of the first, depth
first, from a stack rather than by recursion.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from typing import Any

from chronoflow.errors import NoProcessError, ProcessExit
from chronoflow.runtime.lifecycle import Lifecycle, crash_reason
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.signals import SignalType

_S = SignalType

NORMAL = "normal"
SHUTDOWN = "shutdown"
KILL = "kill"
KILLED = "killed"
NOPROC = "noproc"

#: What a spent generator of consequences gives (see Links._unwind).
_DONE = object()

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
        if sender is self.current and not sender.alive:
            # What the exit caused came back and ended the sender itself: it
            # must not run on (see Lifecycle._crash).
            raise ProcessExit(sender.reason)

    # -- what happens to the receiver -----------------------------------------------

    def _exit_arrives(self, target: Process, sender: int, reason: Any) -> None:
        if reason == KILL:
            self._terminate(target, KILLED, sender)
        elif target.trap_exit:
            message = ("EXIT", sender, reason)
            mid, examine = self._system_message(target, message)
            data = {"from": sender, "reason": reason, "action": "trap", "msg": message}
            unmatched = self._examine(examine, mid, message, data) if examine else ()
            self._emit(target, _S.EXIT, data)
            self._filtered(unmatched, mid, message)
        elif reason == NORMAL:
            self._emit(target, _S.EXIT, {"from": sender, "reason": reason, "action": "ignore"})
        else:
            self._terminate(target, reason, sender)

    def _down(self, watcher: Process, ref: int, pid: int, reason: Any) -> None:
        message = ("DOWN", ref, pid, reason)
        mid, examine = self._system_message(watcher, message)
        data = {"ref": ref, "target": pid, "reason": reason, "msg": message}
        unmatched = self._examine(examine, mid, message, data) if examine else ()
        self._emit(watcher, _S.DOWN, data)
        self._filtered(unmatched, mid, message)

    def _terminate(self, proc: Process, reason: Any, by: int | None) -> None:
        """End ``proc`` from outside with ``reason`` (a KILL signal)."""
        if not proc.alive:
            return
        proc.status = ProcessStatus.KILLED
        proc.reason = reason
        self._wake_joiner(proc)
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
        """What ``proc``'s end causes, at once: exit signals to its links (pid
        order), DOWNs to its watchers (ref order), then the KILLs of its live
        children (spawn order). Each of these that ends a process has that
        process's own consequences follow it before the next one (depth first).
        """
        links = sorted(proc.links)
        for pid in links:
            self.processes[pid].links.discard(proc.pid)
        proc.links.clear()
        watchers = sorted(proc.watchers.items())
        for ref, watcher_pid in watchers:
            self.processes[watcher_pid].monitors.pop(ref, None)
        proc.watchers.clear()
        for ref, pid in proc.monitors.items():
            watched = self.processes.get(pid)
            if watched is not None:
                watched.watchers.pop(ref, None)
        proc.monitors.clear()
        self._endings.append(self._consequences(proc, links, watchers))
        if not self._unwinding:
            self._unwind()

    def _consequences(
        self, proc: Process, links: list[int], watchers: list[tuple[int, int]]
    ) -> Iterator[None]:
        """Make each consequence of ``proc``'s end happen, one per step."""
        reason = proc.reason
        for pid in links:
            other = self.processes[pid]
            if other.alive:
                self._exit_arrives(other, proc.pid, reason)
                yield
        for ref, watcher_pid in watchers:
            watcher = self.processes[watcher_pid]
            if watcher.alive:
                self._down(watcher, ref, proc.pid, reason)
                yield
        for child in list(proc.children):
            if child.alive:
                # A child cannot outlive its parent; its reason says why it ended.
                self._terminate(child, f"parent {proc.pid} ended", proc.pid)
                yield

    def _unwind(self) -> None:
        """Run the consequences of endings, the newest ending's first.

        Why a stack of generators and not recursion: a chain of links or a
        deep tree of children would otherwise recurse once per process; here
        the order is the same (depth first) and the depth is one frame.
        """
        stack = self._endings
        self._unwinding = True
        try:
            while stack:
                if next(stack[-1], _DONE) is _DONE:
                    stack.pop()
        finally:
            self._unwinding = False
            stack.clear()
