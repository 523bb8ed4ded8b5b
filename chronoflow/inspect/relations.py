"""Fold handlers for links, monitors and exit trapping.

LINK and UNLINK join and part two processes both ways; MONITOR and
DEMONITOR make and remove a one-way watch (the ref is the MONITOR's seq);
TRAP turns exit signals into messages. When a process ends, its links are
gone on both sides and its monitors, both those it held and those on it,
are spent (the runtime then sends DOWN messages, folded in
:mod:`chronoflow.inspect.mail`).
"""

from __future__ import annotations

from typing import Any

from chronoflow.inspect.state import ENDED, LINKS, MONITORS, TRAP, WATCHERS, FoldState, Record


def link(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """LINK: ``pid`` and ``with`` are linked, both ways."""
    other = data["with"]
    a, b = state.procs.get(pid), state.procs.get(other)
    if a is not None and b is not None:
        if other not in a[LINKS]:
            a[LINKS].append(other)
        if pid not in b[LINKS]:
            b[LINKS].append(pid)
    return None


def unlink(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """UNLINK: the link between ``pid`` and ``with`` is gone, both ways."""
    other = data["with"]
    for one, two in ((pid, other), (other, pid)):
        record = state.procs.get(one)
        if record is not None and two in record[LINKS]:
            record[LINKS].remove(two)
    return None


def monitor(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """MONITOR: ``pid`` watches ``target`` under ``ref`` (if it is still alive)."""
    ref, target = data["ref"], data["target"]
    watcher, watched = state.procs.get(pid), state.procs.get(target)
    if watcher is not None and watched is not None and watched[ENDED] is None:
        watcher[MONITORS][ref] = target
        watched[WATCHERS][ref] = pid
    return None


def demonitor(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DEMONITOR: the watch ``ref`` is removed; it answers the MONITOR at ``ref``."""
    ref = data["ref"]
    watcher = state.procs.get(pid)
    target = None if watcher is None else watcher[MONITORS].pop(ref, None)
    watched = state.procs.get(target) if target is not None else None
    if watched is not None:
        watched[WATCHERS].pop(ref, None)
    return int(ref)


def trap(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """TRAP: whether exit signals reaching ``pid`` become messages."""
    record = state.procs.get(pid)
    if record is not None:
        record[TRAP] = bool(data["trap"])
    return None


def forget(state: FoldState, pid: int, record: Record) -> None:
    """An ended process: its links and monitors, both ways, are gone."""
    procs = state.procs
    for other in record[LINKS]:
        peer = procs.get(other)
        if peer is not None and pid in peer[LINKS]:
            peer[LINKS].remove(pid)
    record[LINKS] = []
    for ref, watcher in record[WATCHERS].items():
        holder = procs.get(watcher)
        if holder is not None:
            holder[MONITORS].pop(ref, None)
    record[WATCHERS] = {}
    for ref, target in record[MONITORS].items():
        watched = procs.get(target)
        if watched is not None:
            watched[WATCHERS].pop(ref, None)
    record[MONITORS] = {}
