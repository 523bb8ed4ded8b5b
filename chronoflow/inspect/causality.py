"""Causality: where a message came from and went, and jump targets for any signal.

A message's life is read from the index, not by scanning: its SEND or
DELIVER names the inboxes it went into; every RECEIVE, DROP and BACKOFF
naming it is found in the column of answered seqs; copies inherited by
children spawned while it waited are found from the children's spawn seqs.
The other links (a USE and its RESULT, a JOIN and the child's end, a KILL
and the ending it follows) use the same column, and the pid column gives a
process's neighbouring signals.

No link leads to a seq a salvaged copy lacks (see
:mod:`chronoflow.inspect.gaps`): a message whose SEND is missing has no
"sent by" link, and a missing START is not offered as where a child starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronoflow.inspect.errors import NotAMessageError
from chronoflow.inspect.model import CausalLink, Hop, HopKind, MessageTrace
from chronoflow.inspect.summary import type_name
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline

_S = SignalType
_OUTCOMES: dict[int, HopKind] = {
    _S.RECEIVE: HopKind.RECEIVED,
    _S.DROP: HopKind.DROPPED,
    _S.BACKOFF: HopKind.REFUSED,
}
_LABELS = {
    HopKind.RECEIVED: "received by",
    HopKind.DROPPED: "dropped by",
    HopKind.REFUSED: "refused by (inbox full)",
    HopKind.INHERITED: "inherited by",
}


def makes_message(signal: Signal) -> bool:
    """True for a signal whose seq is a message's identity: SEND, DELIVER, a
    trapped EXIT or a DOWN."""
    kind = signal.type
    if kind in (_S.SEND, _S.DELIVER, _S.DOWN):
        return True
    return kind == _S.EXIT and isinstance(signal.data, dict) and signal.data.get("action") == "trap"


def trace(timeline: Timeline, mid: int) -> MessageTrace:
    """Every hop of message ``mid`` known to the index, in seq order."""
    signal = timeline.signal(mid)
    if not makes_message(signal):
        raise NotAMessageError(mid, type_name(signal.type))
    data = signal.data if isinstance(signal.data, dict) else {}
    kind = signal.type
    sent = kind == _S.SEND
    if kind in (_S.SEND, _S.DELIVER):
        into = [pid for pid in data.get("into", ()) if isinstance(pid, int)]
        first = HopKind.SENT if sent else HopKind.PUSHED
    else:  # the runtime put it in the process's own inbox
        into, first = [signal.pid], HopKind.SIGNALLED
    hops = [Hop(first, signal.pid, mid)]
    hops.extend(Hop(HopKind.DELIVERED, pid, mid) for pid in into)
    outcomes, pending = _outcomes(timeline, mid, into, hops)
    hops.extend(outcomes.values())
    hops.sort(key=lambda hop: hop.seq)
    sender: int | None
    if sent:
        sender = signal.pid
    elif kind in (_S.EXIT, _S.DOWN):
        # Why: a trapped exit comes from the process that sent it, a DOWN
        # from the process that ended.
        sender = data.get("from") if kind == _S.EXIT else data.get("target")
    else:
        sender = None
    return MessageTrace(
        id=mid,
        message=data.get("msg"),
        sender=sender,
        to=data.get("to") if sent else signal.pid,
        hops=tuple(hops),
        pending=tuple(sorted(pending)),
    )


def _outcomes(
    timeline: Timeline, mid: int, into: list[int], hops: list[Hop]
) -> tuple[dict[int, Hop], list[int]]:
    """Where each copy of message ``mid`` ended: ``(outcome by pid, pids still holding it)``.

    Appends an INHERITED hop to ``hops`` for every child that got a copy.

    Why not simply every answer up to the end of the index: on a big
    recording that scan takes tens of milliseconds for every message. The
    scan stops once every process holding a copy has its outcome, or has
    ended (an ended process receives nothing more). Copies refused or
    dropped on arrival are answered right after the message's own signal,
    one signal per inbox at most, so the first stretch is always scanned.
    The processes' children, spawn seqs and ends come from the indexer's
    own records (a child spawned or an end reached past ``end`` fails the
    comparisons below), not from a seek to the end of the index.
    """
    index = timeline.index
    end = index.indexed
    refs, types, pids = index.refs, index.types, index.pids
    record_of = index.live_record
    outcomes: dict[int, Hop] = {}
    waiting: dict[int, int] = {}  # holder -> seq its copy arrived, while its outcome is unknown
    pending: list[int] = []

    def settle(pid: int, until: int) -> None:
        """``pid``'s copy left it at ``until``: children spawned meanwhile inherited it."""
        arrived = waiting.pop(pid)
        record = record_of(pid)
        for child in () if record is None else tuple(record.children):
            copy = record_of(child)
            spawned = -1 if copy is None or not copy.inherits else copy.floor
            if arrived < spawned < until:
                hops.append(Hop(HopKind.INHERITED, child, spawned))
                waiting[child] = spawned

    def last_chance(pid: int) -> int:
        record = record_of(pid)
        ended = None if record is None else record.ended
        return end if ended is None else min(end, ended + 1)

    for pid in into:
        waiting[pid] = mid
    low, first_stretch = mid + 1, mid + 2 + index.process_count
    while True:
        settled = [pid for pid in waiting if pid in outcomes]
        for pid in settled:
            settle(pid, outcomes[pid].seq)
        if settled:
            continue
        if not waiting and low >= first_stretch:
            break
        high = max([last_chance(pid) for pid in waiting] + [min(end, first_stretch)])
        answered = None
        for seq in refs.positions(mid, low, high):
            what = _OUTCOMES.get(types[seq])
            if what is None:
                continue
            pid = pids[seq]
            if pid not in outcomes:
                outcomes[pid] = Hop(what, pid, seq)
                if pid in waiting:
                    answered = seq
                    break
        if answered is not None:
            low = answered + 1
            continue
        low = max(low, high)
        if not waiting:
            break
        # Nothing more answers the holders left: they keep their copies.
        for pid in list(waiting):
            pending.append(pid)
            settle(pid, end)
    return outcomes, pending


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
                found.append(CausalLink(f"{label} {name(hop.pid)}", hop.seq))
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
    return tuple(found)


def _message_origin(timeline: Timeline, signal: Signal) -> list[CausalLink]:
    mid = timeline.index.answered(signal.seq)
    if mid is None or not 0 <= mid < len(timeline) or timeline.gap_at(mid) is not None:
        return []
    origin = timeline.signal(mid)
    if origin.type == _S.SEND:
        found = [CausalLink(f"sent by {timeline.name_of(origin.pid)}", mid)]
    elif origin.type == _S.EXIT:
        sender = origin.data.get("from") if isinstance(origin.data, dict) else None
        who = timeline.name_of(sender) if isinstance(sender, int) else "outside"
        found = [CausalLink(f"exit signal from {who}", mid)]
    elif origin.type == _S.DOWN:
        target = origin.data.get("target") if isinstance(origin.data, dict) else None
        who = timeline.name_of(target) if isinstance(target, int) else "a process"
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
        found[kind].append(CausalLink(label.format(timeline.name_of(index.pids[other])), other))
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
        label = label.format(timeline.name_of(pid))
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
    return [CausalLink(f"caused by the end of {timeline.name_of(pid)}", ended)]


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
        where = f"still in {timeline.name_of(pid)}'s inbox since seq {since}"
        if ended is not None:
            where = f"left in {timeline.name_of(pid)}'s inbox; it ended at seq {ended}"
        found.append(CausalLink(where, since))
    data = signal.data if isinstance(signal.data, dict) else {}
    if signal.type == _S.SEND and not data.get("into") and not message.hops[1:]:
        to = data.get("to")
        target = "no process" if not isinstance(to, int) else timeline.name_of(to)
        found.append(CausalLink(f"reached no inbox ({target}): in the outbox", signal.seq))
    return found


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
                found.append(CausalLink(f"exit signal from {timeline.name_of(old)}", seq))
                break
        found.extend(_ending_of(timeline, old, signal.seq))
    if isinstance(new, int):
        record = timeline.index.live_record(new)
        if record is not None:
            found.append(CausalLink(f"{timeline.name_of(new)} starts", record.started))
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
        found.append(CausalLink(f"{timeline.name_of(child)} starts", starts))
    end = _end_of(timeline, child, signal.seq)
    if end is not None:
        found.append(CausalLink(f"{timeline.name_of(child)} ends", end))
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
        found.append(CausalLink(f"spawned by {timeline.name_of(parent)}", before))
    end = _end_of(timeline, signal.pid, signal.seq)
    if end is not None:
        found.append(CausalLink("ends", end))
    return found
