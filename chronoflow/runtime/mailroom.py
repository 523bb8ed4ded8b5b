"""The mailroom: delivering messages into inboxes, and refusing them when full.

A message goes into the routed process's inbox and into the inboxes of all
its live descendants, in pre-order; a receiver blocked in a plain receive
is put back on the run queue. The run loop's ``send`` inlines the common
case and calls :meth:`Mailroom.finish_send` for everything else. The
mailroom also takes messages out: a selective receive's matching message
(:meth:`Mailroom.take_matching`).

A receiver blocked in a *selective* receive (``select``, ``filter``,
``receive(match=...)``) examines each message as it arrives, before the
signal that made the message is recorded: one that matches makes it ready
(the receive takes exactly that one when the process runs) and the signal
lists the receiver in its ``matched`` (``raised``, when the pattern raised
on it); a filter drops one that does not match at once (a DROP after the
signal); a select leaves it in the inbox, recording nothing more. Why at
arrival: the recording then says, at the very seq the message arrives,
which messages a waiting receive matched and which it passed over, without
the code (``docs/signals.md``); a blocked process is never woken for nothing.
"""

from __future__ import annotations

import sys
from typing import Any, Final

from chronoflow.errors import InboxFullError, MisuseError
from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.effects import MatchMode, Receive
from chronoflow.runtime.inputs import RecordedInputs, ReplayPaused
from chronoflow.runtime.patterns import Clauses, Matched
from chronoflow.runtime.process import Process, ProcessStatus, ProcessTable
from chronoflow.runtime.runqueue import RunQueue
from chronoflow.runtime.template import OVERFLOW_POLICIES, ProcessTemplate
from chronoflow.signals import Signal, SignalType

_S = SignalType
_READY: Final = ProcessStatus.READY
_WAITING: Final = ProcessStatus.WAITING

#: Default inbox limit: a delivery into an inbox already holding this many
#: messages is refused with a BACKOFF signal.
DEFAULT_INBOX_LIMIT: Final = 1000

#: A delivery's full inboxes, each with the message it evicted (or None).
Overflow = list[tuple[Process, "tuple[int, Any] | None"]]


class Mailroom:
    """Message delivery, SEND/DELIVER signals and what full inboxes do."""

    def __init__(
        self,
        bus: SignalBus,
        processes: ProcessTable,
        runq: RunQueue,
        *,
        limit: int | None,
        overflow: str,
    ) -> None:
        """``limit`` (inbox limit) and ``overflow`` apply to templates without their own."""
        if overflow not in OVERFLOW_POLICIES:
            raise MisuseError(
                f"overflow must be one of {', '.join(OVERFLOW_POLICIES)}: {overflow!r}"
            )
        self.bus = bus
        self._emit = bus.emit
        self.processes = processes
        self.runq = runq
        #: The inbox limit of templates without their own (None: unbounded).
        self.inbox_limit = limit
        #: What a full inbox does with a new message (templates may override).
        self.overflow = overflow
        #: SEND signals whose message reached no inbox (unroutable, or the
        #: routed process does not exist or has ended).
        self.outbox: list[Signal] = []
        #: The replay deciding deliveries instead of the inboxes' room, if any.
        self.replay: RecordedInputs | None = None

    def finish_send(
        self, proc: Process, seq: int, message: Any, to: int | None, target: Process | None
    ) -> bool:
        """The general path of a send (``runloop.send``) once ``seq`` is reserved:
        deliver to the target and its descendants, examine it, emit SEND, the
        overflow decisions and a filter's drops. True when the routed process
        took the message."""
        if self.bus.listeners:
            proc.seq += 1
        decided = None if self.replay is None else self.replay.delivery(seq)
        overflow: Overflow = []
        examine: list[Process] = []
        if decided is not None:
            into, examine = self._deliver_as_recorded(seq, message, decided[0])
        elif target is None or target._status >= ProcessStatus.STOPPED:
            into = []
        else:
            into, overflow, examine = self._deliver(seq, message, target)
        data: dict[str, Any] = {"msg": message, "to": to, "into": into}
        unmatched = self._examine(examine, seq, message, data) if examine else ()
        if self.bus.listeners:
            self.bus.publish(seq, proc.pid, _S.SEND, data)
        if decided is not None:
            self._refused_as_recorded(decided[1])
            if not into and not decided[1]:
                self.outbox.append(Signal(seq, proc.pid, _S.SEND, data, self.bus.clock()))
        else:
            if not into and not overflow:
                self.outbox.append(Signal(seq, proc.pid, _S.SEND, data, self.bus.clock()))
            self._overflowed(seq, message, overflow)
        self._filtered(unmatched, seq, message)
        return target is not None and target.pid in into

    def send_examined(self, proc: Process, seq: int, message: Any, target: Process) -> bool:
        """The end of the run loop's direct ``send`` when the target is blocked in a
        selective receive: the message is in its inbox; examine it, emit SEND."""
        data: dict[str, Any] = {"msg": message, "to": target.pid, "into": [target.pid]}
        unmatched = self._examine([target], seq, message, data)
        if self.bus.listeners:
            proc.seq += 1
            self.bus.publish(seq, proc.pid, _S.SEND, data)
        self._filtered(unmatched, seq, message)
        return True

    def send_from_outside(self, pid: int, message: Any) -> bool:
        """``Kernel.send_to``: a DELIVER into ``pid`` (as ``push`` records); to an
        ended or unknown pid, a DELIVER of ``pid`` with ``"to": pid`` and ``into``
        empty."""
        target = self.processes.get(pid)
        if target is not None and target.alive:
            if target._status is ProcessStatus.CREATED:
                raise MisuseError(f"process {pid} is not started; start() it before send_to()")
            return pid in self.deliver_external(target, message)
        if self.replay is not None and self.replay.paused:
            raise ReplayPaused()
        bus = self.bus
        seq = bus.seq
        bus.seq = seq + 1
        data = {"msg": message, "to": pid, "into": []}
        if bus.listeners:
            if target is not None:
                target.seq += 1
            bus.publish(seq, pid, _S.DELIVER, data)
        return False

    def deliver_external(self, proc: Process, message: Any) -> list[int]:
        """Put ``message`` into ``proc``'s inbox from outside (a DELIVER signal);
        the pids it went into."""
        replay = self.replay
        if replay is not None and replay.paused:
            # Why before delivering: a replay paused at a seq must leave the
            # world as it was there; the push belongs to a later seq.
            raise ReplayPaused()
        seq = self.bus.seq
        decided = None if replay is None else replay.delivery(seq)
        overflow: Overflow = []
        if decided is not None:
            into, examine = self._deliver_as_recorded(seq, message, decided[0])
        else:
            into, overflow, examine = self._deliver(seq, message, proc)
        data: dict[str, Any] = {"msg": message, "into": into}
        unmatched = self._examine(examine, seq, message, data) if examine else ()
        self._emit(proc, _S.DELIVER, data)
        if decided is not None:
            self._refused_as_recorded(decided[1])
        else:
            self._overflowed(seq, message, overflow)
        self._filtered(unmatched, seq, message)
        return into

    def deliver(self, mid: int, message: Any, target: Process) -> list[int]:
        """Deliver message ``mid`` (already recorded elsewhere) into ``target`` and
        its live descendants and examine it, with no SEND or DELIVER of its own:
        how a replay of one process feeds it what reached it. The pids it went into."""
        into, overflow, examine = self._deliver(mid, message, target)
        unmatched = self._examine(examine, mid, message, {}) if examine else ()
        self._overflowed(mid, message, overflow)
        self._filtered(unmatched, mid, message)
        return into

    def _deliver_as_recorded(
        self, mid: int, message: Any, into: list[int]
    ) -> tuple[list[int], list[Process]]:
        """Deliver into exactly the inboxes the recording names (a replay).

        Why not decide again: whether an inbox was full depends on timing in a
        real run; a replay applies the recorded decision instead of computing
        it anew (and checks everything the process itself does, its
        examinations included). Returns the pids reached and the receivers
        that must examine the message.
        """
        reached: list[int] = []
        examine: list[Process] = []
        for pid in into:
            proc = self.processes.get(pid)
            if proc is None or not proc.alive:
                continue
            proc.inbox.append((mid, message))
            reached.append(pid)
            if proc._status is _WAITING:
                self._arrived(proc, examine)
        return reached, examine

    def _refused_as_recorded(self, refusals: list[Signal]) -> None:
        """Emit the recorded BACKOFF and overflow DROP signals, doing what they say."""
        failed = None
        for refusal in refusals:
            proc = self.processes.get(refusal.pid)
            if proc is None:
                continue
            data = refusal.data
            evicted = None
            if refusal.type == _S.DROP:
                evicted = data.get("id")
                for index, (mid, _) in enumerate(proc.inbox):
                    if mid == evicted:
                        del proc.inbox[index]
                        break
            elif proc.overflow == "fail" and failed is None:
                failed = proc
            self._emit(proc, refusal.type, data)
            if evicted is not None:
                self._evicted(proc, evicted)
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
                self._evicted(full, evicted[0])
            elif policy == "drop-newest":
                self._emit(full, _S.DROP, {"id": seq, "msg": message, "reason": "inbox full"})
            else:
                size = len(full.inbox)
                self._emit(full, _S.BACKOFF, {"id": seq, "size": size, "limit": full.inbox_limit})
                if policy == "fail" and failed is None:
                    failed = full
        if failed is not None:
            raise InboxFullError(failed.pid, failed.inbox_limit)

    @staticmethod
    def check_options(inbox_limit: int | None, overflow: str | None) -> None:
        """Refuse a per-process ``inbox_limit`` or ``overflow`` that cannot work."""
        if inbox_limit is not None and (
            isinstance(inbox_limit, bool) or not isinstance(inbox_limit, int) or inbox_limit < 0
        ):
            raise MisuseError(f"inbox_limit must be an int >= 0 or None: {inbox_limit!r}")
        if overflow is not None and overflow not in OVERFLOW_POLICIES:
            raise MisuseError(
                f"overflow must be one of {', '.join(OVERFLOW_POLICIES)}: {overflow!r}"
            )

    @staticmethod
    def set_options(proc: Process, inbox_limit: int | None, overflow: str | None) -> None:
        """Give ``proc`` its own inbox limit and overflow policy (None keeps the
        template's, else the kernel's)."""
        if inbox_limit is not None:
            proc.limit_inbox(inbox_limit)
        if overflow is not None:
            proc.overflow = overflow

    def limit_for(self, template: ProcessTemplate) -> int:
        """The inbox limit of ``template``'s processes (maxsize when unbounded)."""
        limit = self.inbox_limit if template.inbox_limit is None else template.inbox_limit
        return sys.maxsize if limit is None else limit

    def overflow_for(self, template: ProcessTemplate) -> str:
        """What a full inbox of ``template``'s processes does with a new message."""
        return self.overflow if template.overflow is None else template.overflow

    def _deliver(
        self, mid: int, message: Any, target: Process
    ) -> tuple[list[int], Overflow, list[Process]]:
        """Append to ``target`` and its live descendants (pre-order); wake plain receivers.

        Returns the pids it went into, each full inbox with the message it
        evicted (``drop-oldest``) or None, and the receivers blocked in a
        selective receive, which examine the message once it is recorded.
        """
        into: list[int] = []
        overflow: Overflow = []
        examine: list[Process] = []
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
            if proc._status is _WAITING:
                self._arrived(proc, examine)
        return into, overflow, examine

    def _arrived(self, proc: Process, examine: list[Process]) -> None:
        """A message reached ``proc``, blocked in a receive: a plain receive
        takes it when the process runs; a selective one examines it first."""
        if proc._effect.match is None:
            self.runq.ready(proc)
        else:
            examine.append(proc)

    def _examine(
        self, receivers: list[Process], mid: int, message: Any, data: dict[str, Any]
    ) -> list[Process]:
        """Each of ``receivers``, blocked in a selective receive, examines message
        ``mid``, just put in its inbox: a match (or a pattern that raises) makes
        it ready and is noted in ``data``, the data of the signal about to be
        recorded. Returns the filtering receivers that must drop the message."""
        matched: list[int] = []
        raised: list[list[Any]] = []
        unmatched: list[Process] = []
        for proc in receivers:
            effect = proc._effect
            try:
                accepted = effect.match(message)
            except Exception as error:
                # The receive itself raises it in the process when it runs.
                self._ready(proc, None)
                raised.append([proc.pid, type(error).__name__])
                continue
            if accepted:
                self._ready(proc, mid)
                matched.append(proc.pid)
            elif effect.mode is MatchMode.FILTER:
                unmatched.append(proc)
        if matched:
            data["matched"] = matched
        if raised:
            data["raised"] = raised
        return unmatched

    def _filtered(self, receivers: list[Process] | tuple[()], mid: int, message: Any) -> None:
        """Filtering ``receivers`` drop message ``mid``, which they did not match."""
        for proc in receivers:
            inbox = proc.inbox
            for index in range(len(inbox) - 1, -1, -1):
                if inbox[index][0] == mid:
                    del inbox[index]
                    self._emit(proc, _S.DROP, {"id": mid, "msg": message})
                    break

    def _ready(self, proc: Process, matched: int | None) -> None:
        """A blocked receive found what it waits for: ``proc`` runs next in turn."""
        proc._matched = matched
        proc._timer = None
        proc._waited = False
        self.runq.ready(proc)

    def system_message(
        self, proc: Process, message: Any, kind: SignalType, data: dict[str, Any]
    ) -> None:
        """An EXIT or DOWN ``message`` arrives in ``proc``'s own inbox with the
        signal ``kind``: its id is that signal's seq; a blocked selective
        receive examines it (noted in ``data``) before the signal, a filter
        drops it after."""
        mid = self.bus.seq
        proc.inbox.append((mid, message))
        examine: list[Process] = []
        if proc._status is _WAITING:
            self._arrived(proc, examine)
        unmatched = self._examine(examine, mid, message, data) if examine else ()
        self._emit(proc, kind, data)
        self._filtered(unmatched, mid, message)

    def take_matching(self, proc: Process, effect: Receive) -> tuple[bool, Any]:
        """Take the message a selective receive matched as it arrived, else the
        first matching message (a filter drops the others first). A
        multi-clause receive gives ``Matched(clause, msg)``."""
        found, message = self._take_matching(proc, effect)
        match = effect.match
        if found and type(match) is Clauses:
            # Why the last choice: the message taken is the last one the
            # clauses accepted (on arrival, or in the scan just made).
            if not match.chosen:
                match(message)  # taken by a recorded id, never asked here
            return True, Matched(match.chosen, message)
        return found, message

    def _take_matching(self, proc: Process, effect: Receive) -> tuple[bool, Any]:
        match = effect.match
        assert match is not None
        inbox = proc.inbox
        matched = proc._matched
        if matched is not None:
            # Why by id: the message was examined as it arrived (recorded
            # in its signal's "matched"); the receive takes exactly that one,
            # without asking the pattern again.
            proc._matched = None
            for index, (mid, message) in enumerate(inbox):
                if mid == matched:
                    del inbox[index]
                    return self._received(proc, mid, message)
        if effect.mode is MatchMode.FILTER:
            while inbox:
                mid, message = inbox[0]
                if match(message):
                    inbox.popleft()
                    return self._received(proc, mid, message)
                inbox.popleft()
                self._emit(proc, _S.DROP, {"id": mid, "msg": message})
            return False, None
        for index, (mid, message) in enumerate(inbox):
            if match(message):
                del inbox[index]
                return self._received(proc, mid, message)
        return False, None

    def _received(self, proc: Process, mid: int, message: Any) -> tuple[bool, Any]:
        """``proc`` took message ``mid`` out of its inbox (a RECEIVE)."""
        self._emit(proc, _S.RECEIVE, mid)
        proc._waited = False
        return True, message

    @staticmethod
    def _evicted(proc: Process, mid: int) -> None:
        """Message ``mid`` left ``proc``'s full inbox to make room (``drop-oldest``).

        Why: if it was the message a ready receive matched, the receive
        looks at the whole inbox again when the process runs, and blocks
        with a new WAIT if nothing there is acceptable any more.
        """
        if (
            proc._status is _READY
            and proc._loop.current is not proc  # a running process is not blocked
            and (proc._matched is None or proc._matched == mid)
        ):
            proc._matched = None
            proc._waited = False
