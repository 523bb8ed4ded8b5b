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
to links, DOWNs to watchers, KILLs of children; see :meth:`Links.ended`).
A parent joining the process that ended is woken as it ends.
An ending can end linked processes, whose endings reach further ones:
each is handled completely before the next consequence of the first, depth
first, from a stack rather than by recursion.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chronoflow.errors import NoProcessError
from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.mailroom import Mailroom
from chronoflow.runtime.process import Process, ProcessStatus, ProcessTable
from chronoflow.runtime.registry import Registry
from chronoflow.runtime.runqueue import RunQueue
from chronoflow.runtime.uses import Uses
from chronoflow.signals import SignalType

_S = SignalType

NORMAL = "normal"
SHUTDOWN = "shutdown"
KILL = "kill"
KILLED = "killed"
NOPROC = "noproc"

#: What a spent generator of consequences gives (see Links._unwind).
_DONE = object()

__all__ = ["KILL", "KILLED", "NOPROC", "NORMAL", "SHUTDOWN", "Links"]


@dataclass(eq=False, repr=False)
class Links:
    """Links, monitors, trapping, exit signals and termination from outside."""

    bus: SignalBus
    processes: ProcessTable
    runq: RunQueue
    #: Where EXIT and DOWN messages arrive.
    mailroom: Mailroom
    #: Whose calls a killed process leaves behind.
    uses: Uses
    #: Whose name an ending frees.
    registry: Registry
    #: What endings still cause, newest ending last (see ended).
    _endings: list[Iterator[None]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._emit = self.bus.emit
        self._unwinding = False

    # -- calls a process makes ------------------------------------------------

    def link(self, proc: Process, pid: int) -> None:
        """Link ``proc`` and ``pid`` both ways (a LINK signal)."""
        if pid == proc.pid or pid in proc.links:
            return
        target = self.processes.get(pid)
        if target is None or not target.alive:
            if proc.trap_exit:
                self.exit_arrives(proc, pid, NOPROC)
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
        ref = self._emit(proc, _S.MONITOR, {"ref": self.bus.seq, "target": pid})
        if target is None or not target.alive:
            self.down(proc, ref, pid, NOPROC)
        else:
            proc.monitors[ref] = pid
            target.watchers[ref] = proc.pid
        return ref

    def demonitor(self, proc: Process, ref: int, *, flush: bool = False) -> None:
        """Stop the monitor ``ref`` of ``proc`` (a DEMONITOR signal); with
        ``flush``, also take its DOWN out of the inbox if it already arrived
        (a DROP of that message, reason "demonitor flush")."""
        pid = proc.monitors.pop(ref, None)
        if pid is not None:
            target = self.processes.get(pid)
            if target is not None:
                target.watchers.pop(ref, None)
            self._emit(proc, _S.DEMONITOR, {"ref": ref})
        if flush:
            self._flush_down(proc, ref)

    def _flush_down(self, proc: Process, ref: int) -> None:
        """Drop the DOWN messages of monitor ``ref`` from ``proc``'s inbox.

        Why a DROP: the engine folds it by removing message ``id`` from the
        inbox, so the recorded inbox stays exact with no new signal type.
        """
        inbox = proc.inbox
        for index in range(len(inbox) - 1, -1, -1):
            mid, message = inbox[index]
            if (
                isinstance(message, (tuple, list))
                and len(message) == 4
                and message[0] == "DOWN"
                and message[1] == ref
            ):
                del inbox[index]
                drop = {"id": mid, "msg": message, "reason": "demonitor flush"}
                self._emit(proc, _S.DROP, drop)

    def set_trap(self, proc: Process, trap: bool) -> None:
        """Set whether ``proc`` traps exits (a TRAP signal when it changes)."""
        if proc.trap_exit != trap:
            proc.trap_exit = trap
            self._emit(proc, _S.TRAP, {"trap": trap})

    # -- what happens to the receiver -----------------------------------------------

    def exit_arrives(self, target: Process, sender: int, reason: Any) -> None:
        """An exit signal with ``reason`` from ``sender`` reaches ``target``."""
        if reason == KILL:
            self.terminate(target, KILLED, sender)
        elif target.trap_exit:
            message = ("EXIT", sender, reason)
            data = {"from": sender, "reason": reason, "action": "trap", "msg": message}
            self.mailroom.system_message(target, message, _S.EXIT, data)
        elif reason == NORMAL:
            self._emit(target, _S.EXIT, {"from": sender, "reason": reason, "action": "ignore"})
        else:
            self.terminate(target, reason, sender)

    def down(self, watcher: Process, ref: int, pid: int, reason: Any) -> None:
        """The process ``watcher`` monitors with ``ref`` ended: a DOWN message."""
        message = ("DOWN", ref, pid, reason)
        data = {"ref": ref, "target": pid, "reason": reason, "msg": message}
        self.mailroom.system_message(watcher, message, _S.DOWN, data)

    def terminate(self, proc: Process, reason: Any, by: int | None) -> None:
        """End ``proc`` from outside with ``reason`` (a KILL signal)."""
        if not proc.alive:
            return
        proc.end_as(ProcessStatus.KILLED)
        proc.reason = reason
        self.ending(proc)
        self._emit(proc, _S.KILL, {"reason": reason, "from": by})
        # Its pending use calls go, and its timer can no longer fire.
        self.uses.discard(proc)
        proc._timer = None
        if proc.gen is not None:
            with contextlib.suppress(Exception):
                proc.gen.close()
        self.ended(proc)

    def ending(self, proc: Process) -> None:
        """What changes as ``proc`` ends, before its STOP, CRASH or KILL, so an
        observer of that signal sees the world as it is after it: a parent
        joining it is ready, and its registered name is free."""
        self.wake_joiner(proc)
        if proc.registered_name is not None:
            self.registry.ended(proc)

    def wake_joiner(self, proc: Process) -> None:
        """Make a parent that is joining ``proc`` ready (see ``ending``)."""
        parent = proc.parent
        if (
            parent is not None
            and parent._status is ProcessStatus.JOINING
            and parent._effect.child is proc
        ):
            self.runq.ready(parent)

    # -- an ending spreads -----------------------------------------------------------

    def ended(self, proc: Process) -> None:
        """What ``proc``'s end causes, at once: exit signals to its links (pid
        order), DOWNs to its watchers (ref order), then the KILLs of its live
        children (spawn order). Each of these that ends a process has that
        process's own consequences follow it before the next one (depth first).
        (Its registered name was freed before its ending signal: see ``ending``.)
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
                self.exit_arrives(other, proc.pid, reason)
                yield
        for ref, watcher_pid in watchers:
            watcher = self.processes[watcher_pid]
            if watcher.alive:
                self.down(watcher, ref, proc.pid, reason)
                yield
        for child in list(proc.children):
            if child.alive:
                # A child cannot outlive its parent; its reason says why it ended.
                self.terminate(child, f"parent {proc.pid} ended", proc.pid)
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
