"""Fold handlers for links, monitors and exit trapping.

LINK and UNLINK join and part two processes both ways; MONITOR and
DEMONITOR make and remove a one-way watch (the ref is the MONITOR's seq);
TRAP turns exit signals into messages. When a process ends, its links are
gone on both sides and its monitors, both those it held and those on it,
are spent (the runtime then sends DOWN messages, folded in
:mod:`chronoflow.inspect.mail`).

Why None for "none": most processes never link or monitor, and three empty
containers per process would cost every checkpoint and every seek.
"""

from __future__ import annotations

from typing import Any

from chronoflow.inspect.state import ENDED, LINKS, MONITORS, TRAP, WATCHERS, FoldState, Record


def link(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """LINK: ``pid`` and ``with`` are linked, both ways."""
    other = data["with"]
    a, b = state.procs.get(pid), state.procs.get(other)
    if a is not None and b is not None:
        _add(a, other)
        _add(b, pid)
    return None


def _add(record: Record, pid: int) -> None:
    links = record[LINKS]
    if links is None:
        record[LINKS] = [pid]
    elif pid not in links:
        links.append(pid)


def _remove(record: Record | None, pid: int) -> None:
    links = None if record is None else record[LINKS]
    if links and pid in links:
        links.remove(pid)


def unlink(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """UNLINK: the link between ``pid`` and ``with`` is gone, both ways."""
    other = data["with"]
    _remove(state.procs.get(pid), other)
    _remove(state.procs.get(other), pid)
    return None


def monitor(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """MONITOR: ``pid`` watches ``target`` under ``ref`` (if it is still alive)."""
    ref, target = data["ref"], data["target"]
    watcher, watched = state.procs.get(pid), state.procs.get(target)
    if watcher is not None and watched is not None and watched[ENDED] is None:
        if watcher[MONITORS] is None:
            watcher[MONITORS] = {}
        if watched[WATCHERS] is None:
            watched[WATCHERS] = {}
        watcher[MONITORS][ref] = target
        watched[WATCHERS][ref] = pid
    return None


def unwatch(record: Record | None, field: int, ref: Any) -> Any:
    """Remove ``ref`` from ``record[field]`` (MONITORS or WATCHERS); the pid it had."""
    refs = None if record is None else record[field]
    return None if not refs else refs.pop(ref, None)


def demonitor(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DEMONITOR: the watch ``ref`` is removed; it answers the MONITOR at ``ref``."""
    ref = data["ref"]
    target = unwatch(state.procs.get(pid), MONITORS, ref)
    if target is not None:
        unwatch(state.procs.get(target), WATCHERS, ref)
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
    for other in record[LINKS] or ():
        _remove(procs.get(other), pid)
    for ref, watcher in (record[WATCHERS] or {}).items():
        unwatch(procs.get(watcher), MONITORS, ref)
    for ref, target in (record[MONITORS] or {}).items():
        unwatch(procs.get(target), WATCHERS, ref)
    record[LINKS] = record[WATCHERS] = record[MONITORS] = None
