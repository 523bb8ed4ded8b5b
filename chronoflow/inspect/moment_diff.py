"""Comparing two moments: what differs between two seqs, and when each difference happened.

:meth:`Timeline.diff <chronoflow.inspect.timeline.Timeline.diff>` answers
with a :class:`MomentDiff`: the field-by-field :class:`WorldDiff` of the
two worlds, plus one :class:`DiffRow` per difference, each carrying the
seq where it happened (a front end makes it a jump): processes started
and ended, status changes, messages that arrived in or left an inbox,
messages sent, ``use`` calls started and finished, and names registered,
unregistered or freed. Rows describe the stretch between the two seqs in
the order things happened, from the earlier seq to the later, whichever
order the seqs were given in (:attr:`MomentDiff.backward`).

Started, ended, status and inbox rows compare the two worlds: a message
that arrived and was received in between is no row (its SEND is). Sent,
``use`` and name rows are events: every one between the two seqs counts.

Bounded: between two far seqs of a big recording a process may have sent
millions of messages. Each :class:`DiffGroup` (one process, one kind)
counts every difference (``total``) but lists at most ``limit`` rows:
the first ones by seq (an inbox's removed messages: the first as they
waited at the earlier seq). The counts and the seqs come from the index
(:mod:`chronoflow.inspect.diff_scan`); only the listed sent and ``use``
rows are decoded, for their text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from chronoflow.inspect import diff_scan
from chronoflow.inspect.diff import diff_worlds
from chronoflow.inspect.errors import SeqOutOfRangeError
from chronoflow.inspect.fold import fold_runs, state_of
from chronoflow.inspect.model import InboxEntry, ProcessChange, ProcessState, Status, WorldDiff
from chronoflow.inspect.summary import message_text, short
from chronoflow.inspect.world import World
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline

#: Rows listed per process and kind unless the caller asks otherwise.
DEFAULT_DIFF_ROWS = 10
#: Listed signals this close together are decoded in one read.
CLUSTER = 4096


class DiffKind(Enum):
    """What a :class:`DiffRow` says happened; members are in the order rows of
    one seq are listed."""

    STARTED = "started"
    ADDED = "added"  # a message in the inbox at the later seq only
    STATUS = "status"
    REMOVED = "removed"  # a message in the inbox at the earlier seq only
    SENT = "sent"
    USE_STARTED = "use started"
    USE_FINISHED = "use finished"
    NAMED = "named"  # a name registered, unregistered, or freed by an end
    ENDED = "ended"

    def noun(self, count: int = 2) -> str:
        """What ``count`` rows of this kind are: ``"messages sent"``, ``"message sent"``."""
        one, many = _NOUNS[self]
        return one if count == 1 else many


_NOUNS = {
    DiffKind.STARTED: ("start", "starts"),
    DiffKind.ADDED: ("message arrived", "messages arrived"),
    DiffKind.STATUS: ("status change", "status changes"),
    DiffKind.REMOVED: ("message taken out", "messages taken out"),
    DiffKind.SENT: ("message sent", "messages sent"),
    DiffKind.USE_STARTED: ("use call started", "use calls started"),
    DiffKind.USE_FINISHED: ("use call finished", "use calls finished"),
    DiffKind.NAMED: ("name change", "name changes"),
    DiffKind.ENDED: ("end", "ends"),
}
_ORDER = {kind: number for number, kind in enumerate(DiffKind)}
_EVENTS = {
    SignalType.SEND: DiffKind.SENT,
    SignalType.USE: DiffKind.USE_STARTED,
    SignalType.RESULT: DiffKind.USE_FINISHED,
}


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One difference: ``kind`` in process ``pid``, which happened at ``seq``.

    ``text`` says it in one line (``"waiting for a message → running"``,
    ``"#12 'ping' arrived from Client[1]"``); ``message`` is the message id
    of an inbox row.
    """

    kind: DiffKind
    pid: int
    seq: int
    text: str
    message: int | None = None


@dataclass(frozen=True, slots=True)
class DiffGroup:
    """The differences of one ``kind`` in process ``pid``: ``total`` of them,
    of which ``rows`` are listed (the first by seq, at most the diff's limit)."""

    pid: int
    kind: DiffKind
    total: int
    rows: tuple[DiffRow, ...]

    @property
    def omitted(self) -> int:
        """How many are counted and not listed."""
        return self.total - len(self.rows)

    def note(self) -> str:
        """``"1,234 more messages sent (50 of 1,284 listed)"``, or ``""``."""
        if not self.omitted:
            return ""
        listed = f"{len(self.rows):,} of {self.total:,} listed"
        return f"{self.omitted:,} more {self.kind.noun(self.omitted)} ({listed})"


@dataclass(frozen=True, slots=True)
class MomentDiff(WorldDiff):
    """What differs from the world at seq ``a`` to the world at seq ``b``, and when.

    A :class:`WorldDiff` (``changes``: each process that differs, field by
    field), plus ``rows``, every listed difference with its seq, ordered by
    process, then seq, and ``groups``, the count of each kind per process.
    ``limit`` is the most rows a group lists.
    """

    rows: tuple[DiffRow, ...] = ()
    groups: tuple[DiffGroup, ...] = ()
    limit: int = DEFAULT_DIFF_ROWS

    def __bool__(self) -> bool:
        return bool(self.changes) or bool(self.groups)

    @property
    def lo(self) -> int:
        """The earlier of the two seqs: rows happened after it."""
        return min(self.a, self.b)

    @property
    def hi(self) -> int:
        """The later of the two seqs: rows happened at it or before."""
        return max(self.a, self.b)

    @property
    def backward(self) -> bool:
        """True when ``b`` comes before ``a`` (the rows still read forward)."""
        return self.b < self.a

    @property
    def truncated(self) -> bool:
        """True when some group lists fewer rows than it counts."""
        return any(group.omitted for group in self.groups)

    @property
    def processes(self) -> tuple[int, ...]:
        """The pids that have rows, ascending."""
        return tuple(sorted({group.pid for group in self.groups}))

    def headline(self) -> str:
        """``"12 changes in 3 processes"``: what a front end says of the whole diff."""
        count = sum(group.total for group in self.groups)
        processes = len(self.processes)
        return (
            f"{count:,} change{'s' * (count != 1)} in "
            f"{processes:,} process{'es' * (processes != 1)}"
        )

    def rows_of(self, pid: int) -> tuple[DiffRow, ...]:
        """The listed rows of ``pid``, in seq order."""
        return tuple(row for row in self.rows if row.pid == pid)

    def groups_of(self, pid: int) -> tuple[DiffGroup, ...]:
        """The groups of ``pid``, in :class:`DiffKind` order."""
        return tuple(group for group in self.groups if group.pid == pid)


def moment_diff(timeline: Timeline, a: int, b: int, limit: int = DEFAULT_DIFF_ROWS) -> MomentDiff:
    """The :class:`MomentDiff` from seq ``a`` to seq ``b`` (any two seqs from
    ``-1``, either order); waits until the index reaches the later one."""
    if limit < 1:
        raise ValueError(f"a diff lists at least one row per group, not {limit}")
    lo, hi = min(a, b), max(a, b)
    before, after = _worlds(timeline, lo, hi)
    forward = diff_worlds(before, after)
    builder = _Builder(timeline, lo, hi, limit)
    for change in forward.changes:
        builder.process(change, after)
    builder.events()
    builder.names(after)
    changes = forward.changes if a <= b else tuple(map(_turned, forward.changes))
    groups = builder.groups()
    rows = sorted(
        (row for group in groups for row in group.rows),
        key=lambda row: (row.pid, row.seq, _ORDER[row.kind]),
    )
    return MomentDiff(a, b, changes, tuple(rows), groups, limit)


def _worlds(timeline: Timeline, lo: int, hi: int) -> tuple[World, World]:
    """The worlds at ``lo`` and ``hi``, once the index has reached ``hi``.

    Why the later one folded on from the earlier when they are close: the
    two then share every process the signals between did not touch, which
    the diff of the worlds skips at once, and one read serves both.
    """
    for seq in (lo, hi):
        if seq != -1 and not 0 <= seq < len(timeline):
            raise SeqOutOfRangeError(seq, len(timeline))
    if hi >= 0 and not timeline.wait(hi):
        raise SeqOutOfRangeError(hi, len(timeline))
    before = timeline.state_at(lo)
    if lo < 0 or hi - lo > timeline.interval or timeline.worlds.holds(hi):
        return before, timeline.state_at(hi)
    state = state_of(before).fork()
    fold_runs(state, timeline.reader.runs(lo + 1, hi + 1), lo + 1, hi + 1)
    state.settle()
    state.seq = hi
    after = World(state)
    timeline.worlds.keep(after)
    return before, after


def _turned(change: ProcessChange) -> ProcessChange:
    """``change`` seen from the later seq (what :func:`diff_worlds` gives backward)."""
    return ProcessChange(
        change.pid, change.after, change.before, change.removed, change.added, change.fields
    )


class _Builder:
    """The groups of one diff as they are found (see :func:`moment_diff`)."""

    def __init__(self, timeline: Timeline, lo: int, hi: int, limit: int) -> None:
        self.timeline, self.lo, self.hi, self.limit = timeline, lo, hi, limit
        self._groups: dict[tuple[int, DiffKind], tuple[int, list[DiffRow]]] = {}

    def add(self, kind: DiffKind, pid: int, total: int, rows: Iterable[DiffRow]) -> None:
        """Count ``total`` differences of ``kind`` in ``pid``, listing ``rows``."""
        if total:
            self._groups[pid, kind] = (total, sorted(rows, key=lambda row: row.seq))

    def groups(self) -> tuple[DiffGroup, ...]:
        """Every group, by pid and kind."""
        keys = sorted(self._groups, key=lambda key: (key[0], _ORDER[key[1]]))
        return tuple(
            DiffGroup(pid, kind, self._groups[pid, kind][0], tuple(self._groups[pid, kind][1]))
            for pid, kind in keys
        )

    def name(self, pid: int | None, seq: int) -> str:
        return "outside" if pid is None else self.timeline.name_of(pid, seq)

    # -- what the two worlds say --------------------------------------------------------

    def process(self, change: ProcessChange, after: World) -> None:
        """The started, ended, status and inbox rows of one process that differs."""
        old, new = change.before, change.after
        if new is None:  # processes never disappear going forward
            return
        pid = new.pid
        if old is None:
            self.add(DiffKind.STARTED, pid, 1, [self._started(new)])
        ended = new.ended is not None and (old is None or old.ended is None)
        if ended and new.ended is not None:
            row = DiffRow(DiffKind.ENDED, pid, new.ended, self._end(new, new.ended))
            self.add(DiffKind.ENDED, pid, 1, [row])
        elif old is not None and old.status is not new.status:
            seq = diff_scan.status_since(self.timeline, old, after, self.lo, self.hi)
            text = f"{old.status.label} → {new.status.label}"
            self.add(DiffKind.STATUS, pid, 1, [DiffRow(DiffKind.STATUS, pid, seq, text)])
        self._added(new, change.added)
        self._removed(pid, change.removed)

    def _end(self, proc: ProcessState, seq: int) -> str:
        if proc.status is Status.CRASHED and proc.crash is not None:
            return f"crashed: {proc.crash.error}: {proc.crash.message}".replace("\n", " ")
        if proc.status is Status.KILLED:
            killer = proc.killed_by
            by = f" (by {self.name(killer, seq)})" if type(killer) is int else ""
            return f"killed: {proc.kill_reason}{by}".replace("\n", " ")
        return f"stopped, returned {short(proc.result)}"

    def _started(self, proc: ProcessState) -> DiffRow:
        text = f"started as {proc.started_as}"
        if proc.parent is not None:
            text += f", child of {self.name(proc.parent, proc.started)}"
        return DiffRow(DiffKind.STARTED, proc.pid, proc.started, text)

    def _added(self, proc: ProcessState, entries: tuple[InboxEntry, ...]) -> None:
        def row(entry: InboxEntry) -> DiffRow:
            # Why the START: a copy inherited at the SPAWN is in the child's
            # inbox from the child's START on.
            seq = max(entry.arrived, proc.started)
            text = f"#{entry.id} {message_text(entry.message)}"
            if entry.inherited:
                text += f" inherited from its parent's inbox at spawn (seq {entry.arrived})"
            else:
                text += f" arrived from {self.name(entry.sender, seq)}"
            return DiffRow(DiffKind.ADDED, proc.pid, seq, text, entry.id)

        rows = sorted((row(entry) for entry in entries), key=lambda row: row.seq)
        self.add(DiffKind.ADDED, proc.pid, len(rows), rows[: self.limit])

    def _removed(self, pid: int, entries: tuple[InboxEntry, ...]) -> None:
        types = self.timeline.index.types
        rows = []
        for entry in entries[: self.limit]:
            seq = diff_scan.removed_at(self.timeline, pid, entry.id, self.lo, self.hi)
            how = "received" if types[seq] == SignalType.RECEIVE else "dropped"
            text = f"#{entry.id} {message_text(entry.message)} {how}"
            rows.append(DiffRow(DiffKind.REMOVED, pid, seq, text, entry.id))
        self.add(DiffKind.REMOVED, pid, len(entries), rows)

    # -- what the index says ------------------------------------------------------------

    def events(self) -> None:
        """The sent and ``use`` rows: every one counted, the first listed."""
        start, stop = self.lo + 1, self.hi + 1
        counts = diff_scan.event_counts(self.timeline, start, stop)
        found = diff_scan.first_events(self.timeline, counts, self.limit, start, stop)
        signals = _signals_at(self.timeline, (seq for seqs in found.values() for seq in seqs))
        describe = self.timeline.describe
        for (pid, kind), count in counts.items():
            diff_kind = _EVENTS[SignalType(kind)]
            rows = [
                DiffRow(diff_kind, pid, seq, describe(signals[seq]))
                for seq in found[pid, kind]
                if seq in signals
            ]
            self.add(diff_kind, pid, count, rows)

    def names(self, after: World) -> None:
        """The name rows: every change of a registered name between the seqs."""
        for pid, (seqs, names) in list(self.timeline.index.history.names.items()):
            first, last = bisect_right(seqs, self.lo), bisect_right(seqs, self.hi)
            rows: list[DiffRow] = []
            total = 0
            for at in range(first, last):
                name, previous = names[at], names[at - 1] if at else None
                if name == previous:
                    continue  # no change (a REGISTER of the name it holds)
                total += 1
                if len(rows) < self.limit:
                    seq = seqs[at]
                    rows.append(
                        DiffRow(DiffKind.NAMED, pid, seq, _renamed(after, pid, seq, name, previous))
                    )
            self.add(DiffKind.NAMED, pid, total, rows)


def _renamed(after: World, pid: int, seq: int, name: str | None, previous: str | None) -> str:
    if name is not None:
        return f"registered as {short(name)}"
    freed = pid in after and after.process(pid).ended == seq
    return f"{short(previous)} freed: it ended" if freed else f"unregistered {short(previous)}"


def _signals_at(timeline: Timeline, seqs: Iterable[int]) -> dict[int, Signal]:
    """The signals at ``seqs``, read in stretches (see :data:`CLUSTER`)."""
    ordered = sorted(set(seqs))
    found: dict[int, Signal] = {}
    at = 0
    while at < len(ordered):
        end = at
        while end + 1 < len(ordered) and ordered[end + 1] - ordered[end] <= CLUSTER:
            end += 1
        wanted = set(ordered[at : end + 1])
        for signal in timeline.signals(ordered[at], ordered[end] + 1):
            if signal.seq in wanted:
                found[signal.seq] = signal
        at = end + 1
    return found
