"""Causal links: jump targets from any signal to its causal counterparts.

Where a message went (from its trace, :mod:`chronoflow.inspect.causality`)
or came from; a USE and its RESULT, a JOIN and the child's end, a KILL and
the ending it follows, a REGISTER and what freed the name: the index's
column of answered seqs holds what each signal answers, the pid column a
process's neighbouring signals, and the index's history each process's
names. Processes are named as they were at the linked signal
(:meth:`Timeline.name_of <chronoflow.inspect.timeline.Timeline.name_of>`).

No link leads to a seq a salvaged copy lacks (see
:mod:`chronoflow.inspect.gaps`): a message whose SEND is missing has no
"sent by" link, and a missing START is not offered as where a child starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronoflow.inspect.causality import makes_message, trace
from chronoflow.inspect.model import CausalLink, HopKind, MessageTrace
from chronoflow.inspect.signal_text import recipient
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline

_S = SignalType
_LABELS = {
    HopKind.RECEIVED: "received by",
    HopKind.DROPPED: "dropped by",
    HopKind.REFUSED: "refused by (inbox full)",
    HopKind.INHERITED: "inherited by",
}


def links(timeline: Timeline, seq: int) -> tuple[CausalLink, ...]:
    """Jump targets from signal ``seq``: ``(label, seq)`` pairs, see ``docs/engine.md``."""
    signal = timeline.signal(seq)
    kind = signal.type
    name = timeline.name_of
    found: list[CausalLink] = []
    if kind == _S.EXIT:
        found.extend(_answered(timeline, seq, "caused by the end of {}", _sender(signal)))
    elif kind == _S.DOWN:
        data = signal.data if isinstance(signal.data, dict) else {}
        target = data.get("target")
        found.extend(_ending_of(timeline, target if isinstance(target, int) else None, seq))
        found.extend(_answered(timeline, seq, "monitor"))
    if makes_message(signal):
        message = trace(timeline, seq)
        for hop in message.hops:
            label = _LABELS.get(hop.kind)
            if label is not None:
                found.append(CausalLink(f"{label} {name(hop.pid, hop.seq)}", hop.seq))
        found.extend(_still_held(timeline, signal, message))
    elif kind in (_S.RECEIVE, _S.DROP, _S.BACKOFF):
        found.extend(_message_origin(timeline, signal))
    elif kind == _S.USE:
        # Only the process that called is answered (a failed try's RESULT may
        # be followed by a RETRY, so no answer is known to be the last).
        found.extend(_answers(timeline, seq, {_S.RETRY: "retry", _S.RESULT: "result"}, signal.pid))
    elif kind in (_S.RESULT, _S.RETRY):
        found.extend(_answered(timeline, seq, "use call"))
    elif kind == _S.TIMEOUT:
        found.extend(_answered(timeline, seq, "wait began"))
    elif kind == _S.MONITOR:
        # Only the monitoring process gets the DOWN or makes the DEMONITOR.
        found.extend(
            _answers(timeline, seq, {_S.DOWN: "down", _S.DEMONITOR: "demonitor"}, signal.pid)
        )
    elif kind == _S.DEMONITOR:
        found.extend(_answered(timeline, seq, "monitor"))
    elif kind == _S.SPAWN:
        found.extend(_spawn_links(timeline, signal))
    elif kind == _S.START:
        found.extend(_start_links(timeline, signal))
    elif kind == _S.WAIT:
        found.extend(_wait_links(timeline, signal))
    elif kind == _S.JOIN:
        found.extend(_answered(timeline, seq, "child ended"))
    elif kind in (_S.STOP, _S.CRASH):
        found.extend(_answers(timeline, seq, _ENDING_ANSWERS))
    elif kind == _S.KILL:
        data = signal.data if isinstance(signal.data, dict) else {}
        by = data.get("from")
        found.extend(_answered(timeline, seq, "caused by the end of {}", by))
        found.extend(_answers(timeline, seq, _KILL_ANSWERS))
    elif kind == _S.RESTART:
        found.extend(_restart_links(timeline, signal))
    elif kind in (_S.REGISTER, _S.UNREGISTER):
        found.extend(_name_links(timeline, signal))
    return tuple(found)


def _name_links(timeline: Timeline, signal: Signal) -> list[CausalLink]:
    """A REGISTER: what freed the name (its UNREGISTER, or the end of the
    process); an UNREGISTER: the REGISTER that gave it. From the index's
    record of each process's names (a malformed one changed none: no link)."""
    changes = timeline.index.history.name_changes(signal.pid)
    at = next((i for i, (seq, _) in enumerate(changes) if seq == signal.seq), None)
    if at is None:
        return []
    if signal.type == _S.UNREGISTER:
        given = at - 1 if at and changes[at - 1][1] is not None else None
        return [] if given is None else [CausalLink("registered", changes[given][0])]
    if at + 1 >= len(changes):
        return []
    freed = changes[at + 1][0]
    if timeline.index.types[freed] == _S.UNREGISTER:
        return [CausalLink("unregistered", freed)]
    return [CausalLink("freed by its end", freed)]


def _message_origin(timeline: Timeline, signal: Signal) -> list[CausalLink]:
    mid = timeline.index.answered(signal.seq)
    if mid is None or not 0 <= mid < len(timeline) or timeline.gap_at(mid) is not None:
        return []
    origin = timeline.signal(mid)
    if origin.type == _S.SEND:
        found = [CausalLink(f"sent by {timeline.name_of(origin.pid, mid)}", mid)]
    elif origin.type == _S.EXIT:
        sender = origin.data.get("from") if isinstance(origin.data, dict) else None
        who = timeline.name_of(sender, mid) if isinstance(sender, int) else "outside"
        found = [CausalLink(f"exit signal from {who}", mid)]
    elif origin.type == _S.DOWN:
        target = origin.data.get("target") if isinstance(origin.data, dict) else None
        who = timeline.name_of(target, mid) if isinstance(target, int) else "a process"
        found = [CausalLink(f"down message: {who} ended", mid)]
    else:
        found = [CausalLink("pushed from outside", mid)]
    # Why the indexer's record: FLOOR (the spawn seq) never changes, and a
    # seek to this seq would cost milliseconds.
    record = timeline.index.live_record(signal.pid)
    if record is not None and mid < record.floor:
        found.append(CausalLink("inherited at spawn", record.floor))
    return found


def _answers(
    timeline: Timeline,
    seq: int,
    labels: dict[int, str],
    holder: int | None = None,
) -> list[CausalLink]:
    """Signals of the kinds in ``labels`` that answer ``seq``, kind by kind in
    ``labels``' order; ``{}`` in a label takes the answering process.

    One pass over the column of answered seqs, to the end of the index; or,
    when only process ``holder`` can answer, to where it ended.
    """
    index = timeline.index
    stop = index.indexed
    if holder is not None:
        record = index.live_record(holder)
        ended = None if record is None else record.ended
        if ended is not None:
            stop = min(stop, ended + 1)
    found: dict[int, list[CausalLink]] = {kind: [] for kind in labels}
    for other in index.refs.positions(seq, seq + 1, stop):
        kind = index.types[other]
        label = labels.get(kind)
        if label is None:
            continue
        who = timeline.name_of(index.pids[other], other)
        found[kind].append(CausalLink(label.format(who), other))
    return [link for links in found.values() for link in links]


#: What answers a STOP or CRASH: the parent's JOIN, the kills and exit signals it caused.
_ENDING_ANSWERS: dict[int, str] = {
    _S.JOIN: "joined by {}",
    _S.KILL: "killed {}",
    _S.EXIT: "exit signal to {}",
}
#: What answers a KILL: the kills and exit signals it caused in turn.
_KILL_ANSWERS: dict[int, str] = {_S.KILL: "killed {}", _S.EXIT: "exit signal to {}"}


def _answered(timeline: Timeline, seq: int, label: str, who: int | None = None) -> list[CausalLink]:
    """The signal ``seq`` answers; ``{}`` in ``label`` names the process of
    that signal (or ``who``)."""
    answered = timeline.index.answered(seq)
    if answered is None or timeline.gap_at(answered) is not None:
        return []
    if "{}" in label:
        pid = who if isinstance(who, int) else timeline.index.pids[answered]
        label = label.format(timeline.name_of(pid, answered))
    return [CausalLink(label, answered)]


def _sender(signal: Signal) -> int | None:
    data = signal.data if isinstance(signal.data, dict) else {}
    sender = data.get("from")
    return sender if isinstance(sender, int) else None


def _ending_of(timeline: Timeline, pid: int | None, before: int) -> list[CausalLink]:
    """The STOP, CRASH or KILL of ``pid`` before seq ``before``, as a link."""
    if pid is None:
        return []
    record = timeline.index.live_record(pid)
    ended = None if record is None else record.ended
    if ended is None or ended >= before:
        return []
    return [CausalLink(f"caused by the end of {timeline.name_of(pid, ended)}", ended)]


_ARRIVALS = frozenset({HopKind.DELIVERED, HopKind.INHERITED, HopKind.SIGNALLED})
#: What ends a WAIT: the process's own next signal of one of these types.
_WAIT_ENDS = frozenset({_S.RECEIVE, _S.TIMEOUT, _S.JOIN, _S.STOP, _S.CRASH, _S.KILL})


def _wait_links(timeline: Timeline, signal: Signal) -> list[CausalLink]:
    """Where a WAIT ends (the RECEIVE, TIMEOUT, JOIN, or the end of the
    process), and what made it ready: the message it took, or the child's end."""
    index = timeline.index
    pid = signal.pid
    end = None
    for seq in index.pids.positions(pid, signal.seq + 1, index.indexed):
        if index.types[seq] in _WAIT_ENDS:
            end = seq
            break
    if end is None:
        return []
    found = [CausalLink("wait ends", end)]
    kind = index.types[end]
    if kind == _S.RECEIVE:
        mid = index.answered(end)
        if mid is not None and mid > signal.seq and timeline.gap_at(mid) is None:
            found.append(CausalLink(f"woken by message #{mid}", mid))
    elif kind == _S.JOIN:
        found.extend(_answered(timeline, end, "woken by the end of {}"))
    return found


def _still_held(timeline: Timeline, signal: Signal, message: MessageTrace) -> list[CausalLink]:
    """Where a message that nobody took is: in which inbox since when, or the outbox."""
    found = []
    arrivals = {hop.pid: hop.seq for hop in message.hops if hop.kind in _ARRIVALS}
    for pid in message.pending:
        record = timeline.index.live_record(pid)
        ended = None if record is None else record.ended
        since = arrivals.get(pid, message.id)
        name = timeline.name_of(pid, since)
        where = f"still in {name}'s inbox since seq {since}"
        if ended is not None:
            where = f"left in {name}'s inbox; it ended at seq {ended}"
        found.append(CausalLink(where, since))
    data = signal.data if isinstance(signal.data, dict) else {}
    if signal.type in (_S.SEND, _S.DELIVER) and not data.get("into") and not message.hops[1:]:
        found.extend(_nowhere(timeline, signal, data.get("to")))
    return found


def _nowhere(timeline: Timeline, signal: Signal, to: object) -> list[CausalLink]:
    """Where a message that reached no inbox (and no full one refused) was
    going: a process that had ended (the link goes to its end), a pid that
    never existed, or nobody; a SEND's message is then in the outbox."""
    sent = signal.type == _S.SEND
    where = None if not isinstance(to, int) else recipient(timeline, to, signal.seq)
    if where is None:
        if not sent:
            return []
        target = "no process" if not isinstance(to, int) else timeline.name_of(to, signal.seq)
        return [CausalLink(f"reached no inbox ({target}): in the outbox", signal.seq)]
    record = timeline.index.live_record(to) if isinstance(to, int) else None
    ended = None if record is None else record.ended
    jump = ended if ended is not None and ended < signal.seq else signal.seq
    outbox = " (in the outbox)" if sent else ""
    return [CausalLink(f"reached no inbox: to {where}{outbox}", jump)]


def _restart_links(timeline: Timeline, signal: Signal) -> list[CausalLink]:
    """A RESTART: the exit that triggered it, the old child's end, the new one's START."""
    data = signal.data if isinstance(signal.data, dict) else {}
    old, new = data.get("old"), data.get("new")
    found = []
    if isinstance(old, int):
        index = timeline.index
        for seq in index.pids.positions(signal.pid, 0, signal.seq, backward=True):
            if index.types[seq] != _S.EXIT:
                continue
            if _sender(timeline.signal(seq)) == old:
                found.append(CausalLink(f"exit signal from {timeline.name_of(old, seq)}", seq))
                break
        found.extend(_ending_of(timeline, old, signal.seq))
    if isinstance(new, int):
        record = timeline.index.live_record(new)
        if record is not None:
            starts = record.started
            found.append(CausalLink(f"{timeline.name_of(new, starts)} starts", starts))
    return found


def _end_of(timeline: Timeline, pid: int, after: int) -> int | None:
    index = timeline.index
    record = index.live_record(pid)
    ended: int | None = None if record is None else record.ended
    # Why first: the indexer knows where the process ended; looking for its
    # last signal scans back from the end of the index.
    if (
        ended is not None
        and after < ended < index.indexed
        and index.pids[ended] == pid
        and index.types[ended] in (_S.STOP, _S.CRASH, _S.KILL)
    ):
        return ended
    last = timeline.previous_for(pid, index.indexed)
    if last is None or last <= after:
        return None
    if timeline.index.types[last] in (_S.STOP, _S.CRASH, _S.KILL):
        return last
    return None


def _spawn_links(timeline: Timeline, signal: Signal) -> list[CausalLink]:
    data = signal.data if isinstance(signal.data, dict) else {}
    child = data.get("child")
    if not isinstance(child, int):
        return []
    record = timeline.index.live_record(child)
    starts = signal.seq + 1 if record is None else record.started
    found = []
    if timeline.gap_at(starts) is None and starts < len(timeline):
        found.append(CausalLink(f"{timeline.name_of(child, starts)} starts", starts))
    end = _end_of(timeline, child, signal.seq)
    if end is not None:
        found.append(CausalLink(f"{timeline.name_of(child, end)} ends", end))
        found.extend(_answers(timeline, end, {_S.JOIN: "joined by {}"}))
    return found


def _start_links(timeline: Timeline, signal: Signal) -> list[CausalLink]:
    found = []
    data = signal.data if isinstance(signal.data, dict) else {}
    parent = data.get("parent")
    before = signal.seq - 1
    if (
        parent is not None
        and before >= 0
        and timeline.gap_at(before) is None
        and timeline.signal(before).type == _S.SPAWN
    ):
        found.append(CausalLink(f"spawned by {timeline.name_of(parent, before)}", before))
    end = _end_of(timeline, signal.pid, signal.seq)
    if end is not None:
        found.append(CausalLink("ends", end))
    return found
