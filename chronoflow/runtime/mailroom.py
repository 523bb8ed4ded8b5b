"""The mailroom: delivering messages into inboxes, and refusing them when full.

A message goes into the routed process's inbox and into the inboxes of all
its live descendants, in pre-order; a waiting receiver is put back on the
run queue. ``Process.send`` inlines the common case and calls
:meth:`Mailroom.finish_send` for everything else.
"""

from __future__ import annotations

import sys
from typing import Any

from chronoflow.errors import InboxFullError
from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.checking import ReplayPaused
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.template import ProcessTemplate
from chronoflow.signals import Signal, SignalType

_S = SignalType
_READY = ProcessStatus.READY
_WAITING = ProcessStatus.WAITING


class Mailroom(SignalBus):
    """Message delivery, SEND/DELIVER signals and what full inboxes do."""

    def finish_send(
        self, proc: Process, seq: int, message: Any, to: int | None, target: Process | None
    ) -> bool:
        """The general path of ``Process.send`` once ``seq`` is reserved:
        deliver to the target and its descendants, emit SEND and the overflow
        decisions. True when the routed process took the message."""
        decided = None if self._replay is None else self._replay.delivery(seq)
        overflow: list[tuple[Process, tuple[int, Any] | None]] = []
        if decided is not None:
            into = self._deliver_as_recorded(seq, message, decided[0])
        elif target is None or target.status >= ProcessStatus.STOPPED:
            into = []
        else:
            into, overflow = self._deliver(seq, message, target)
        data = {"msg": message, "to": to, "into": into}
        if self._observers:
            self._notify(seq, proc.pid, _S.SEND, data)
        if decided is not None:
            self._refused_as_recorded(decided[1])
            if not into and not decided[1]:
                self.outbox.append(Signal(seq, proc.pid, _S.SEND, data, self.clock()))
            return target is not None and target.pid in into
        if not into and not overflow:
            self.outbox.append(Signal(seq, proc.pid, _S.SEND, data, self.clock()))
        self._overflowed(seq, message, overflow)
        return target is not None and target.pid in into

    def deliver_external(self, proc: Process, message: Any) -> None:
        """Put ``message`` into ``proc``'s inbox from outside (a DELIVER signal)."""
        if self._replay is not None and self._replay.paused:
            # Why before delivering: a replay paused at a seq must leave the
            # world as it was there; the push belongs to a later seq.
            raise ReplayPaused()
        seq = self._seq
        decided = None if self._replay is None else self._replay.delivery(seq)
        if decided is not None:
            into = self._deliver_as_recorded(seq, message, decided[0])
            self._emit(proc, _S.DELIVER, {"msg": message, "into": into})
            self._refused_as_recorded(decided[1])
            return
        into, overflow = self._deliver(seq, message, proc)
        self._emit(proc, _S.DELIVER, {"msg": message, "into": into})
        self._overflowed(seq, message, overflow)

    def _deliver_as_recorded(self, mid: int, message: Any, into: list[int]) -> list[int]:
        """Deliver into exactly the inboxes the recording names (a replay).

        Why not decide again: whether an inbox was full depends on timing in a
        real run; a replay applies the recorded decision instead of computing
        it anew (and checks everything the process itself does).
        """
        reached = []
        for pid in into:
            proc = self.processes.get(pid)
            if proc is None or not proc.alive:
                continue
            proc.inbox.append((mid, message))
            reached.append(pid)
            if proc.status is _WAITING:
                proc.status = _READY
                self._runq.append(proc)
        return reached

    def _refused_as_recorded(self, refusals: list[Signal]) -> None:
        """Emit the recorded BACKOFF and overflow DROP signals, doing what they say."""
        failed = None
        for refusal in refusals:
            proc = self.processes.get(refusal.pid)
            if proc is None:
                continue
            data = refusal.data
            if refusal.type == _S.DROP:
                evicted = data.get("id")
                for index, (mid, _) in enumerate(proc.inbox):
                    if mid == evicted:
                        del proc.inbox[index]
                        break
            elif proc.overflow == "fail" and failed is None:
                failed = proc
            self._emit(proc, refusal.type, data)
        if failed is not None:
            raise InboxFullError(failed.pid, failed.inbox_limit)

    def _overflowed(
        self, seq: int, message: Any, overflow: list[tuple[Process, tuple[int, Any] | None]]
    ) -> None:
        """Record each full inbox's decision; raise for a ``fail`` policy."""
        failed = None
        for full, evicted in overflow:
            policy = full.overflow
            if policy == "drop-oldest" and evicted is not None:
                drop = {"id": evicted[0], "msg": evicted[1], "reason": "inbox full"}
                self._emit(full, _S.DROP, drop)
            elif policy == "drop-newest":
                self._emit(full, _S.DROP, {"id": seq, "msg": message, "reason": "inbox full"})
            else:
                size = len(full.inbox)
                self._emit(full, _S.BACKOFF, {"id": seq, "size": size, "limit": full.inbox_limit})
                if policy == "fail" and failed is None:
                    failed = full
        if failed is not None:
            raise InboxFullError(failed.pid, failed.inbox_limit)

    def limit_for(self, template: ProcessTemplate) -> int:
        """The inbox limit of ``template``'s processes (maxsize when unbounded)."""
        limit = self.inbox_limit if template.inbox_limit is None else template.inbox_limit
        return sys.maxsize if limit is None else limit

    def overflow_for(self, template: ProcessTemplate) -> str:
        """What a full inbox of ``template``'s processes does with a new message."""
        return self.overflow if template.overflow is None else template.overflow

    def _deliver(
        self, mid: int, message: Any, target: Process
    ) -> tuple[list[int], list[tuple[Process, tuple[int, Any] | None]]]:
        """Append to ``target`` and its live descendants (pre-order); wake waiters.

        Returns the pids it went into, and each full inbox with the message it
        evicted (``drop-oldest``) or None.
        """
        into: list[int] = []
        overflow: list[tuple[Process, tuple[int, Any] | None]] = []
        stack = [target]
        while stack:
            proc = stack.pop()
            stack.extend(child for child in reversed(proc.children) if child.inherits)
            if not proc.alive:
                continue
            if len(proc.inbox) >= proc.inbox_limit:
                if proc.overflow != "drop-oldest" or not proc.inbox:
                    overflow.append((proc, None))
                    continue
                overflow.append((proc, proc.inbox.popleft()))
            proc.inbox.append((mid, message))
            into.append(proc.pid)
            if proc.status is _WAITING:
                proc.status = _READY
                self._runq.append(proc)
        return into, overflow
