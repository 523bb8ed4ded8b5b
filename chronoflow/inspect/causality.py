"""Causality: where a message came from and everywhere it went.

A message's life is read from the index, not by scanning: its SEND or
DELIVER names the inboxes it went into; every RECEIVE, DROP and BACKOFF
naming it is found in the column of answered seqs; copies inherited by
children spawned while it waited are found from the children's spawn seqs.
The jump targets of any signal, messages' among them, are
:mod:`chronoflow.inspect.causal_links`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronoflow.inspect.errors import NotAMessageError
from chronoflow.inspect.model import Hop, HopKind, MessageTrace
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
