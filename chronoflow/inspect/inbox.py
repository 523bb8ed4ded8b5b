"""An inbox at one seq as its process's receive sees it: examined, passed over, matched.

A receive looks at the inbox in arrival order and takes the first message
it accepts (any message, for a plain receive). When a selective receive
(``select``, ``filter``, ``receive(match=...)``) blocks, every message then
in the inbox was examined and did not match; each message that arrives
while it stays blocked is examined as it arrives, and one that matches is
recorded (in the ``matched`` of the signal that made it) and makes the
process *ready*. So at any seq
every message in an inbox is, for the receive of its process:

- *not yet examined*: the process is running, or will look at its inbox
  again, or the message waits behind the one that matched;
- *examined, did not match* its pattern: it stays (a select) until a later
  receive takes it;
- *matches*: the receive takes it when the process runs (the seq it is
  taken at, once known); or the pattern *raised* on it;

and, at the seq of one signal, *new* (that signal put it there) or, for the
messages that signal took out, *received*, *dropped* (by a filter) or
*evicted* (by a full inbox). Recordings made before messages were examined
on arrival (format 1.0) know only that the messages present when a receive
blocked did not match; later ones are *not yet examined* there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from chronoflow.inspect.model import InboxEntry, ProcessState, Status, WaitMode
from chronoflow.signals import SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline
    from chronoflow.inspect.world import World

_RECEIVING = (WaitMode.RECEIVE, WaitMode.SELECT, WaitMode.FILTER)


class Examination(Enum):
    """What the process's receive knows of one message in its inbox."""

    UNEXAMINED = "not yet examined"
    PASSED_OVER = "did not match"
    MATCHES = "matches"
    RAISED = "pattern raised"


class Removal(Enum):
    """How the current signal took a message out of an inbox."""

    RECEIVED = "received"
    DROPPED = "dropped"  # by a filter
    EVICTED = "evicted"  # by a full inbox (drop-oldest)


@dataclass(frozen=True, slots=True)
class MailboxEntry:
    """One message in an inbox at one seq, with what its receive knows of it.

    ``pattern`` names the receive's pattern (None for a plain receive, or
    when nothing was examined); ``raised`` is the exception type name when
    the pattern raised on it; ``new`` is True when the signal at this seq
    put it there; ``taken_at`` is the seq of the RECEIVE that takes a
    matching message, when the recording has it.
    """

    entry: InboxEntry
    examination: Examination
    pattern: str | None = None
    raised: str | None = None
    new: bool = False
    taken_at: int | None = None

    @property
    def label(self) -> str:
        """A few words: ``"did not match reply_to(102)"``, ``"matches reply_to(102),
        taken at seq 14"``, ``"not yet examined"``."""
        kind = self.examination
        if kind is Examination.PASSED_OVER:
            return "did not match" if self.pattern is None else f"did not match {self.pattern}"
        if kind is Examination.RAISED:
            return f"{self.pattern or 'the pattern'} raised {self.raised}"
        if kind is Examination.MATCHES:
            text = "matches" if self.pattern is None else f"matches {self.pattern}"
            return text if self.taken_at is None else f"{text}, taken at seq {self.taken_at}"
        return str(kind.value)


@dataclass(frozen=True, slots=True)
class RemovedEntry:
    """A message the signal at this seq took out of the inbox, and how."""

    entry: InboxEntry
    how: Removal


@dataclass(frozen=True, slots=True)
class Mailbox:
    """The inbox of process ``pid`` at ``seq``: every message in arrival order
    with its examination, then the messages the signal at ``seq`` took out."""

    pid: int
    seq: int
    entries: tuple[MailboxEntry, ...]
    removed: tuple[RemovedEntry, ...] = ()

    @property
    def passed_over(self) -> int:
        """How many messages the blocked receive examined and did not take."""
        return sum(1 for e in self.entries if e.examination is Examination.PASSED_OVER)

    @property
    def matching(self) -> MailboxEntry | None:
        """The message the receive takes next, if one matched."""
        for entry in self.entries:
            if entry.examination in (Examination.MATCHES, Examination.RAISED):
                return entry
        return None


def examine(proc: ProcessState, examines: bool = True) -> tuple[MailboxEntry, ...]:
    """The examination of every message in ``proc``'s inbox (see the module docstring).

    ``examines`` is False for a recording whose runtime did not examine
    messages as they arrived (format 1.0).
    """
    inbox = proc.inbox
    wait = proc.wait
    if not inbox:
        return ()
    if wait is None or wait.mode not in _RECEIVING:
        return tuple(MailboxEntry(entry, Examination.UNEXAMINED) for entry in inbox)
    pattern = wait.match
    if proc.status is Status.READY:
        ids = [entry.id for entry in inbox]
        found = ids.index(proc.matched) if proc.matched in ids else None
        if found is None:
            return tuple(MailboxEntry(entry, Examination.UNEXAMINED) for entry in inbox)
        marks = []
        for index, entry in enumerate(inbox):
            if index < found:
                marks.append(MailboxEntry(entry, Examination.PASSED_OVER, pattern))
            elif index == found and proc.match_raised is not None:
                marks.append(MailboxEntry(entry, Examination.RAISED, pattern, proc.match_raised))
            elif index == found:
                marks.append(MailboxEntry(entry, Examination.MATCHES, pattern))
            else:
                marks.append(MailboxEntry(entry, Examination.UNEXAMINED))
        return tuple(marks)
    if proc.status is Status.WAITING and pattern is not None:
        return tuple(
            MailboxEntry(entry, Examination.PASSED_OVER, pattern)
            if examines or entry.arrived <= wait.since
            else MailboxEntry(entry, Examination.UNEXAMINED)
            for entry in inbox
        )
    # A plain receive blocks only on an empty inbox: a message here is one it
    # has not looked at (a damaged recording, or one made before 1.1).
    return tuple(MailboxEntry(entry, Examination.UNEXAMINED) for entry in inbox)


def world_mailbox(world: World, pid: int) -> Mailbox:
    """``pid``'s inbox in ``world``, examined (nothing is new or removed)."""
    return Mailbox(pid, world.seq, examine(world.process(pid), world.examines))


def mailbox(timeline: Timeline, pid: int, seq: int) -> Mailbox:
    """``pid``'s inbox at ``seq``: examined, with what the signal at ``seq`` put
    in and took out, and the seq a matching message is taken at."""
    world = timeline.state_at(seq)
    proc = world.process(pid)
    entries = examine(proc, timeline.index.examines)
    if seq < 0:
        return Mailbox(pid, seq, entries)
    # Why this one inbox and not changed_at(seq): a whole world's diff costs
    # as much as the rest of a jump's answers together.
    before = timeline.state_at(seq - 1)
    earlier = before.process(pid).inbox if pid in before else ()
    ids = {entry.id for entry in proc.inbox}
    then = {entry.id for entry in earlier}
    added = frozenset(ids - then)
    gone = tuple(entry for entry in earlier if entry.id not in ids)
    removed: tuple[RemovedEntry, ...] = ()
    if gone:
        signal = timeline.signal(seq)
        data = signal.data if isinstance(signal.data, dict) else {}
        if signal.type == SignalType.DROP:
            how = Removal.EVICTED if "reason" in data else Removal.DROPPED
        else:
            how = Removal.RECEIVED
        removed = tuple(RemovedEntry(entry, how) for entry in gone)
    marked = []
    for mark in entries:
        taken = None
        if mark.examination is Examination.MATCHES:
            taken = taken_at(timeline, pid, mark.entry.id, seq)
        if mark.entry.id in added or taken is not None:
            mark = MailboxEntry(
                mark.entry,
                mark.examination,
                mark.pattern,
                mark.raised,
                mark.entry.id in added,
                taken,
            )
        marked.append(mark)
    return Mailbox(pid, seq, tuple(marked), removed)


def taken_at(timeline: Timeline, pid: int, mid: int, after: int) -> int | None:
    """The seq at which ``pid`` receives message ``mid`` after ``after``, if indexed."""
    index = timeline.index
    record = index.live_record(pid)
    stop = index.indexed
    if record is not None and record.ended is not None:  # nothing is taken after it
        stop = min(stop, record.ended + 1)
    for seq in index.refs.positions(mid, after + 1, stop):
        if index.types[seq] == SignalType.RECEIVE and index.pids[seq] == pid:
            return seq
        if index.pids[seq] == pid and index.types[seq] == SignalType.DROP:
            return None
    return None
