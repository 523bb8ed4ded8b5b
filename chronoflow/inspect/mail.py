"""Fold handlers for messages: how inboxes fill and empty (``docs/signals.md``).

A SEND or DELIVER appends its message (identity: its seq) to every inbox it
names; RECEIVE and DROP take one out; a BACKOFF records a refusal that left
the inbox as it was. A trapped EXIT and a DOWN are messages the runtime
puts in one process's own inbox, with the signal's seq as their identity.
A SEND that reached no inbox and was refused by none goes to the outbox.
Each handler returns the seq its signal answers (see
:mod:`chronoflow.inspect.fold`).

A message that reaches a process blocked in a plain receive makes it
*ready*: any message is acceptable, so the runtime records nothing more,
and neither does the fold (a plain receive blocks only on an empty inbox,
so :mod:`chronoflow.inspect.world` calls such a process with messages
ready). One that reaches a process blocked in a selective receive was
examined as it arrived; the signal that made it lists the receivers that
accepted it in ``matched`` (and those whose pattern raised on it in
``raised``), which makes them ready here (``matched`` counts only while
the status is READY: nothing else clears it).
"""

from __future__ import annotations

from typing import Any

from chronoflow.inspect import relations
from chronoflow.inspect.state import READY, RUNNING, FoldState


def _examined(state: FoldState, mid: int, data: Any) -> None:
    """The blocked selective receives that accepted message ``mid`` as it
    arrived (``matched``), or whose pattern raised on it (``raised``), are ready."""
    procs = state.procs
    for pid in data.get("matched") or ():
        record = procs.get(pid)
        if record is not None and record.ended is None:
            record.status = READY
            record.matched = mid
    for pid, error in data.get("raised") or ():
        record = procs.get(pid)
        if record is not None and record.ended is None:
            record.status = READY
            record.matched = (mid, error)


def send(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """SEND: the message goes into every inbox in ``into``."""
    into = data["into"]
    if into:
        # Why one tuple for every inbox: copies of a message share it, so a
        # checkpoint (marshal keeps shared objects shared) stores it once.
        entry = (data["msg"], pid)
        procs = state.procs
        if len(into) == 1:
            # Why apart: most messages go into one inbox, and indexing them
            # without a loop pays for the check of what blocked receives took.
            record = procs.get(into[0])
            if record is not None:
                record.inbox[seq] = entry
        else:
            for target in into:
                record = procs.get(target)
                if record is not None:
                    record.inbox[seq] = entry
        if len(data) > 3:  # why len: most SENDs hold msg, to and into only
            _examined(state, seq, data)
    else:
        # Refused by a full inbox instead, a BACKOFF or DROP takes it back out.
        state.outbox[seq] = (data["msg"], pid, data.get("to"))
    return None


def deliver(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DELIVER: a message pushed from outside goes into every inbox in ``into``."""
    entry = (data["msg"], None)
    procs = state.procs
    for target in data["into"]:
        record = procs.get(target)
        if record is not None:
            record.inbox[seq] = entry
    _examined(state, seq, data)
    return None


def backoff(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """BACKOFF: the refused message is already absent from the inbox (not in ``into``)."""
    mid = int(data["id"])
    state.outbox.pop(mid, None)
    return mid


def drop(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DROP: a filter removed the message from the inbox, or a full inbox did
    (evicting the oldest, or refusing the newest).

    A ready receive whose matched message is evicted looks at its inbox
    again when it runs (a plain receive: it takes the new first message).
    """
    mid = data["id"]
    state.outbox.pop(mid, None)
    record = state.procs.get(pid)
    if record is not None:
        record.inbox.pop(mid, None)
        if record.status == READY and record.matched == mid:
            record.matched = None  # it looks at its inbox again when it runs
    return int(mid)


def receive(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """RECEIVE: the message leaves the inbox and the process runs with it."""
    record = state.procs.get(pid)
    if record is not None:
        record.inbox.pop(data, None)
        record.status = RUNNING
        record.wait = None
    # Why the type check: half of all signals are RECEIVEs, and int() on an
    # int costs more than the check.
    return data if type(data) is int else int(data)


def exit_signal(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """EXIT: trapped, it becomes a message in the process's own inbox; else nothing.

    It answers the ending of the process it comes from, if that ended.
    """
    sender = data.get("from")
    if data.get("action") == "trap":
        record = state.procs.get(pid)
        if record is not None:
            record.inbox[seq] = (data.get("msg"), sender)
            _examined(state, seq, data)
    source = state.procs.get(sender) if isinstance(sender, int) else None
    return None if source is None or source.ended is None else int(source.ended)


def down(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DOWN: a watched process ended; the monitor is spent and a message arrives.

    The message's sender is the process that ended (as an EXIT's is the
    process it comes from). It answers the MONITOR that made the watch (the
    ref is that seq).
    """
    ref = data.get("ref")
    target = data.get("target")
    record = state.procs.get(pid)
    if record is not None:
        relations.unwatch(record.monitors, ref)
        record.inbox[seq] = (data.get("msg"), target if type(target) is int else None)
        _examined(state, seq, data)
    return ref if isinstance(ref, int) else None
