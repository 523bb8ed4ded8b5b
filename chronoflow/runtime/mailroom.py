"""The mailroom: delivering messages into inboxes, and refusing them when full.

A message goes into the routed process's inbox and into the inboxes of all
its live descendants, in pre-order; a waiting receiver is put back on the
run queue. ``Process.send`` inlines the common case and calls
:meth:`Mailroom.finish_send` for everything else.
"""

from __future__ import annotations

import sys
from typing import Any

from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.template import ProcessTemplate
from chronoflow.signals import Signal, SignalType

_S = SignalType
_READY = ProcessStatus.READY
_WAITING = ProcessStatus.WAITING


class Mailroom(SignalBus):
    """Message delivery, SEND/DELIVER signals and BACKOFF refusals."""

    def finish_send(
        self, proc: Process, seq: int, message: Any, to: int | None, target: Process | None
    ) -> None:
        """The general path of ``Process.send`` once ``seq`` is reserved:
        deliver to the target and its descendants, emit SEND and BACKOFFs."""
        if target is None or target.status >= ProcessStatus.STOPPED:
            into: list[int] = []
            refused: list[Process] = []
        else:
            into, refused = self._deliver(seq, message, target)
        data = {"msg": message, "to": to, "into": into}
        if self._observers:
            signal = self._notify(seq, proc.pid, _S.SEND, data)
        else:
            signal = Signal(seq, proc.pid, _S.SEND, data, 0.0)
        if not into and not refused:
            self.outbox.append(signal)
        for full in refused:
            self._emit(
                full,
                _S.BACKOFF,
                {"id": seq, "size": len(full.inbox), "limit": full.inbox_limit},
            )

    def deliver_external(self, proc: Process, message: Any) -> None:
        """Put ``message`` into ``proc``'s inbox from outside (a DELIVER signal)."""
        seq = self._seq
        into, refused = self._deliver(seq, message, proc)
        self._emit(proc, _S.DELIVER, {"msg": message, "into": into})
        for full in refused:
            self._emit(
                full,
                _S.BACKOFF,
                {"id": seq, "size": len(full.inbox), "limit": full.inbox_limit},
            )

    def limit_for(self, template: ProcessTemplate) -> int:
        """The inbox limit of ``template``'s processes (maxsize when unbounded)."""
        limit = self.inbox_limit if template.inbox_limit is None else template.inbox_limit
        return sys.maxsize if limit is None else limit

    def _deliver(self, mid: int, message: Any, target: Process) -> tuple[list[int], list[Process]]:
        """Append to ``target`` and its live descendants (pre-order); wake waiters."""
        into: list[int] = []
        refused: list[Process] = []
        stack = [target]
        while stack:
            proc = stack.pop()
            if not proc.alive:
                continue
            if len(proc.inbox) >= proc.inbox_limit:
                refused.append(proc)
            else:
                proc.inbox.append((mid, message))
                into.append(proc.pid)
                if proc.status is _WAITING:
                    proc.status = _READY
                    self._runq.append(proc)
            stack.extend(child for child in reversed(proc.children) if child.inherits)
        return into, refused
