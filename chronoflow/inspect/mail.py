"""Fold handlers for messages: how inboxes fill and empty (``docs/signals.md``).

A SEND or DELIVER appends its message (identity: its seq) to every inbox it
names; RECEIVE and DROP take one out; a BACKOFF records a refusal that left
the inbox as it was. A trapped EXIT and a DOWN are messages the runtime
puts in one process's own inbox, with the signal's seq as their identity.
Each handler returns the seq its signal answers (see
:mod:`chronoflow.inspect.fold`).
"""

from __future__ import annotations

from typing import Any

from chronoflow.inspect import relations
from chronoflow.inspect.state import ENDED, INBOX, MONITORS, RUNNING, STATUS, WAIT, FoldState


def send(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """SEND: the message goes into every inbox in ``into``."""
    into = data["into"]
    if into:
        # Why one tuple for every inbox: copies of a message share it, so a
        # checkpoint (marshal keeps shared objects shared) stores it once.
        entry = (data["msg"], pid)
        procs = state.procs
        for target in into:
            record = procs.get(target)
            if record is not None:
                record[INBOX][seq] = entry
    return None


def deliver(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DELIVER: a message pushed from outside goes into every inbox in ``into``."""
    entry = (data["msg"], None)
    procs = state.procs
    for target in data["into"]:
        record = procs.get(target)
        if record is not None:
            record[INBOX][seq] = entry
    return None


def backoff(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """BACKOFF: the refused message is already absent from the inbox (not in ``into``)."""
    return int(data["id"])


def drop(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DROP: a filter removed the message from the inbox."""
    mid = data["id"]
    record = state.procs.get(pid)
    if record is not None:
        record[INBOX].pop(mid, None)
    return int(mid)


def receive(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """RECEIVE: the message leaves the inbox and the process runs with it."""
    record = state.procs.get(pid)
    if record is not None:
        record[INBOX].pop(data, None)
        record[STATUS] = RUNNING
        record[WAIT] = None
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
            record[INBOX][seq] = (data.get("msg"), sender)
    source = state.procs.get(sender) if isinstance(sender, int) else None
    return None if source is None or source[ENDED] is None else int(source[ENDED])


def down(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DOWN: a watched process ended; the monitor is spent and a message arrives.

    It answers the MONITOR that made the watch (the ref is that seq).
    """
    ref = data.get("ref")
    record = state.procs.get(pid)
    if record is not None:
        relations.unwatch(record, MONITORS, ref)
        record[INBOX][seq] = (data.get("msg"), None)
    return ref if isinstance(ref, int) else None
