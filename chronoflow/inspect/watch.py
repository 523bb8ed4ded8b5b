"""Watches: the next (or previous) seq at which one watched thing changes.

A watch follows one thing through time: a process's status or its inbox
(:class:`ProcessWatch`), or where a message is delivered, received or
dropped (:class:`MessageWatch`). :meth:`Watches.next_change` answers "the
first seq after S at which it changes", :meth:`Watches.previous_change`
"the last one before S", over the seqs the index has reached.

A process changes only at a signal that can touch its record: one of its
own signals of a type that can change what is watched (from the pid and
type columns), a message entering its inbox (:mod:`~chronoflow.inspect.arrivals`)
or, for its status, the end of a child it may be joining (a parent
joining a child is made ready by the child's STOP, CRASH or KILL). So a
query folds only those signals, with the fold's own handlers, into a
state that holds that one process, starting from its record at S (the
world at S) or, backward, at the checkpoint before each stretch of
history it looks through; it never folds the signals between them. (A
SEND readies only receivers it put the message into, as the runtime
records it; a damaged recording whose ``matched`` names another process
is not followed there.)

Why one "inbox" aspect for both its length and its content: a signal adds
or takes at most one message of an inbox, so the length changes exactly
at the seqs at which the content does (the tests check this against
every world of random programs).

A message's events come from its trace (:meth:`Timeline.trace
<chronoflow.inspect.timeline.Timeline.trace>`): delivered into an inbox
(a copy a child inherited counts at the child's START, where the world
first shows it), received, dropped (by a filter or a full inbox) or
refused by a full inbox (counted as dropped).
"""

from __future__ import annotations

import heapq
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from chronoflow.inspect.arrivals import Arrivals, RunReader
from chronoflow.inspect.fold import MALFORMED, TABLE, state_of
from chronoflow.inspect.index import Index
from chronoflow.inspect.model import HopKind, MessageTrace
from chronoflow.inspect.source import Run
from chronoflow.inspect.state import FoldState, ProcessRecord, status_code
from chronoflow.inspect.world import World
from chronoflow.signals import SignalType

_S = SignalType
#: Messages (and, in :class:`~chronoflow.inspect.arrivals.Arrivals`, processes)
#: whose answers are kept; the oldest asked about go first.
KEPT = 64


class Aspect(Enum):
    """What of a process a :class:`ProcessWatch` follows."""

    STATUS = "status"
    INBOX = "inbox"  # its messages: one arrives or leaves (so its length changes)


class MessageEvent(Enum):
    """What may happen to a message, for a :class:`MessageWatch`."""

    DELIVERED = "delivered"  # it entered an inbox (a child's inherited copy: at its START)
    RECEIVED = "received"
    DROPPED = "dropped"  # by a filter, or a full inbox evicted or refused it


@dataclass(frozen=True, slots=True)
class ProcessWatch:
    """Watch process ``pid``'s ``aspect``."""

    pid: int
    aspect: Aspect = Aspect.STATUS


@dataclass(frozen=True, slots=True)
class MessageWatch:
    """Watch message ``id`` (the seq of its SEND, DELIVER, trapped EXIT or DOWN)
    for the ``events`` named."""

    id: int
    events: frozenset[MessageEvent] = field(default_factory=lambda: frozenset(MessageEvent))


Watch = ProcessWatch | MessageWatch

#: Per aspect, the types of a process's own signals whose handler can change it.
_OWN_TYPES: dict[Aspect, frozenset[int]] = {
    Aspect.INBOX: frozenset({_S.START, _S.DROP, _S.DELIVER, _S.RECEIVE, _S.EXIT, _S.DOWN}),
}
_OWN_TYPES[Aspect.STATUS] = _OWN_TYPES[Aspect.INBOX] | {
    _S.JOIN,
    _S.TRANSITION,
    _S.USE,
    _S.STOP,
    _S.WAIT,
    _S.RESULT,
    _S.CRASH,
    _S.KILL,
    _S.TIMEOUT,
}
_EVENTS = {
    HopKind.DELIVERED: MessageEvent.DELIVERED,
    HopKind.INHERITED: MessageEvent.DELIVERED,
    HopKind.RECEIVED: MessageEvent.RECEIVED,
    HopKind.DROPPED: MessageEvent.DROPPED,
    HopKind.REFUSED: MessageEvent.DROPPED,
}


def _value(state: FoldState, pid: int, aspect: Aspect) -> int | None:
    """What the watch compares from one signal to the next (None: not started).

    Why the inbox's length stands for its content: see the module docstring.
    """
    record = state.procs.get(pid)
    if record is None:
        return None
    return status_code(record) if aspect is Aspect.STATUS else len(record.inbox)


class Watches:
    """The answers of every watch over one timeline's index; a part of the
    :class:`~chronoflow.inspect.timeline.Timeline` (``timeline.watches``).

    ``world(seq)`` is the timeline's ``state_at`` and ``trace(id)`` its
    ``trace``. Safe to use from several threads.
    """

    def __init__(
        self,
        index: Index,
        runs: RunReader,
        world: Callable[[int], World],
        trace: Callable[[int], MessageTrace],
    ) -> None:
        self._index = index
        self._runs = runs
        self._world = world
        self._trace = trace
        self.arrivals = Arrivals(index, runs)
        self._lock = threading.Lock()
        #: Message id -> (indexed, its events in seq order).
        self._events: dict[int, tuple[int, tuple[tuple[int, MessageEvent], ...]]] = {}

    def next_change(self, watch: Watch, seq: int) -> int | None:
        """The first indexed seq after ``seq`` at which ``watch`` changes."""
        if isinstance(watch, MessageWatch):
            events = [at for at, event in self._message_events(watch.id) if event in watch.events]
            found = bisect_right(events, seq)
            return events[found] if found < len(events) else None
        return self._process_forward(watch.pid, watch.aspect, seq)

    def previous_change(self, watch: Watch, seq: int) -> int | None:
        """The last seq before ``seq`` at which ``watch`` changes."""
        if isinstance(watch, MessageWatch):
            events = [at for at, event in self._message_events(watch.id) if event in watch.events]
            found = bisect_left(events, seq)
            return events[found - 1] if found else None
        return self._process_backward(watch.pid, watch.aspect, seq)

    # -- messages --------------------------------------------------------------------

    def _message_events(self, mid: int) -> tuple[tuple[int, MessageEvent], ...]:
        end = self._index.indexed
        with self._lock:
            known = self._events.get(mid)
        if known is not None and known[0] == end:
            return known[1]
        found = []
        for hop in self._trace(mid).hops:
            event = _EVENTS.get(hop.kind)
            if event is None:
                continue
            at = hop.seq
            if hop.kind in (HopKind.DELIVERED, HopKind.INHERITED):
                # Why the record: a salvaged copy may lack the START (or the
                # SPAWN) of a process its messages were routed to, and then no
                # inbox in the world holds them.
                record = self._index.live_record(hop.pid)
                if record is None:
                    continue
                if hop.kind is HopKind.INHERITED:
                    if record.floor >= record.started:  # its SPAWN is missing
                        continue
                    at = record.started
                    # Why the world: an ancestor's SPAWN may be missing, and
                    # then the parent never held the copy the trace follows
                    # (only the fold knows what a child really inherited).
                    if not _holds(self._world(at), hop.pid, mid):
                        continue
                elif record.started > at:
                    continue
            found.append((at, event))
        events = tuple(sorted(found, key=lambda pair: pair[0]))
        with self._lock:
            self._events[mid] = (end, events)
            if len(self._events) > KEPT:
                del self._events[next(iter(self._events))]
        return events

    # -- processes -------------------------------------------------------------------

    def _process_forward(self, pid: int, aspect: Aspect, seq: int) -> int | None:
        end = self._index.indexed
        seq = max(seq, -1)
        if seq >= end - 1:
            return None
        base = state_of(self._world(seq)).procs.get(pid)
        if base is None:
            started = self._started(pid)
            return started if started is not None and seq < started < end else None
        state = self._alone(pid, base, seq)
        children = self._children(pid)
        walk = _Walk(self._runs, pid, children)
        before = _value(state, pid, aspect)
        for at in self._candidates(pid, aspect, seq + 1, end, children):
            if walk.fold(state, at):
                after = _value(state, pid, aspect)
                if after != before:
                    return at
        return None

    def _process_backward(self, pid: int, aspect: Aspect, seq: int) -> int | None:
        """The last change before ``seq``, stretch by stretch back from it.

        Each stretch ends at the last candidate not yet looked at and begins
        at the checkpoint before it: the process's record is restored from
        that checkpoint and only its candidates are folded, remembering the
        last one that changed it.
        """
        index = self._index
        top = min(seq, index.indexed) - 1  # the last seq a change may lie at
        started = self._started(pid)
        if started is None or started > top:
            return None  # it does not exist before ``seq``: nothing changed
        children = self._children(pid)
        walk = _Walk(self._runs, pid, children)
        while top >= 0:
            # Why from the last candidate: a stretch without one cannot hold a
            # change, and restoring its checkpoint would cost a seek for nothing.
            found = self._last_candidate(pid, aspect, top, children)
            if found is None:
                return None
            top = found
            checkpoint = index.checkpoint_before(top - 1)
            low = checkpoint.seq
            base = checkpoint.restore().procs.get(pid)
            last = None
            if base is None:
                if not low < started:
                    top = low  # the world there does not agree with the index: look further
                    continue
                # Why a seek here only: a copy of its parent's inbox comes with
                # its START, and that copy is known only to the whole world.
                last, low = started, started
                base = state_of(self._world(started)).procs.get(pid)
                if base is None:  # the world does not agree: nothing to follow
                    return last
            state = self._alone(pid, base, low)
            before = _value(state, pid, aspect)
            for at in self._candidates(pid, aspect, low + 1, top + 1, children):
                if walk.fold(state, at):
                    after = _value(state, pid, aspect)
                    if after != before:
                        last, before = at, after
            if last is not None:
                return last
            top = low
        return None

    def _alone(self, pid: int, record: ProcessRecord, seq: int) -> FoldState:
        """A fold state at ``seq`` holding a copy of ``record`` and nothing else."""
        return FoldState(seq, {pid: record.copy()}, examines=self._index.examines)

    def _started(self, pid: int) -> int | None:
        record = self._index.live_record(pid)
        return None if record is None else record.started

    def _children(self, pid: int) -> dict[int, int]:
        """Each child of ``pid`` the index knows -> the seq it ended at."""
        record = self._index.live_record(pid)
        if record is None:
            return {}
        live = self._index.live_record
        ends = {}
        for child in tuple(record.children):
            found = live(child)
            if found is not None and found.ended is not None:
                ends[child] = found.ended
        return ends

    def _candidates(
        self, pid: int, aspect: Aspect, start: int, stop: int, children: dict[int, int]
    ) -> Iterator[int]:
        """Ascending, once each: the seqs in ``[start, stop)`` that may change
        ``aspect`` of ``pid`` (see the module docstring); ``children`` maps its
        children to the seqs they ended at."""
        arrivals = self.arrivals.of(pid)
        streams: list[Iterable[int]] = [
            self._own(pid, _OWN_TYPES[aspect], start, stop),
            arrivals[bisect_left(arrivals, start) : bisect_left(arrivals, stop)],
        ]
        if aspect is Aspect.STATUS:
            streams.append(sorted(at for at in children.values() if start <= at < stop))
        last = -1
        for at in heapq.merge(*streams):
            if at != last:
                last = at
                yield at

    def _last_candidate(
        self, pid: int, aspect: Aspect, top: int, children: dict[int, int]
    ) -> int | None:
        """The last of :meth:`_candidates` at or before ``top``, or None."""
        types, kinds = self._index.types, _OWN_TYPES[aspect]
        own = next(
            (
                at
                for at in self._index.pids.positions(pid, 0, top + 1, backward=True)
                if types[at] in kinds
            ),
            -1,
        )
        arrivals = self.arrivals.of(pid)
        at = bisect_right(arrivals, top)
        found = max(own, arrivals[at - 1] if at else -1)
        if aspect is Aspect.STATUS:
            found = max([found, *(end for end in children.values() if end <= top)])
        return found if found >= 0 else None

    def _own(self, pid: int, kinds: frozenset[int], start: int, stop: int) -> Iterator[int]:
        """The seqs in ``[start, stop)`` of ``pid``'s own signals of ``kinds``."""
        types = self._index.types
        for at in self._index.pids.positions(pid, start, stop):
            if types[at] in kinds:
                yield at


class _Walk:
    """Reads the signals a query folds, a chunk at a time, and folds them into a
    state holding the watched process alone."""

    def __init__(self, runs: RunReader, pid: int, children: dict[int, int]) -> None:
        self._runs = runs
        self._pid = pid
        self._children = children
        self._run: Run | None = None

    def fold(self, state: FoldState, seq: int) -> bool:
        """Fold signal ``seq`` into ``state``; False if the source has no such signal.

        The end of a child is folded with a stand-in for the child, whose
        parent is the watched process: the fold's own handler then readies
        a parent that joins it.
        """
        found = self._signal(seq)
        if found is None:
            return False
        pid, kind, data = found
        stand_in = pid != self._pid and pid in self._children and pid not in state.procs
        if stand_in:
            state.procs[pid] = ProcessRecord(pid, "?", "", "", (), self._pid, {}, seq, True, seq)
        try:
            TABLE[kind](state, seq, pid, data)
        except MALFORMED:
            pass
        finally:
            if stand_in:
                del state.procs[pid]
        state.seq = seq
        return True

    def _signal(self, seq: int) -> tuple[Any, Any, Any] | None:
        """``(pid, type, raw data)`` of signal ``seq`` (None: the source lacks it)."""
        run = self._run
        if run is None or not run.first <= seq < run.first + len(run.pids):
            found = iter(self._runs(seq, seq + 1))
            try:
                run = next((run for run in found if run.first + len(run.pids) > seq), None)
            finally:
                close = getattr(found, "close", None)
                if close is not None:
                    close()
            if run is None or run.first > seq:
                return None
            self._run = run
        at = seq - run.first
        return run.pids[at], run.types[at], run.datas[at]


def _holds(world: World, pid: int, mid: int) -> bool:
    """True when ``pid``'s inbox in ``world`` holds message ``mid``."""
    if pid not in world:
        return False
    return any(entry.id == mid for entry in world.process(pid).inbox)
