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

from chronoflow.inspect.state import FoldState, ProcessRecord


def link(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """LINK: ``pid`` and ``with`` are linked, both ways."""
    other = data["with"]
    a, b = state.procs.get(pid), state.procs.get(other)
    if a is not None and b is not None:
        _add(a, other)
        _add(b, pid)
    return None


def _add(record: ProcessRecord, pid: int) -> None:
    links = record.links
    if links is None:
        record.links = [pid]
    elif pid not in links:
        links.append(pid)


def _remove(record: ProcessRecord | None, pid: int) -> None:
    links = None if record is None else record.links
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
    if watcher is not None and watched is not None and watched.ended is None:
        if watcher.monitors is None:
            watcher.monitors = {}
        if watched.watchers is None:
            watched.watchers = {}
        watcher.monitors[ref] = target
        watched.watchers[ref] = pid
    return None


def unwatch(refs: dict[Any, int] | None, ref: Any) -> Any:
    """Remove ``ref`` from ``refs`` (a record's ``monitors`` or ``watchers``; None
    for none); the pid it had."""
    return None if not refs else refs.pop(ref, None)


def demonitor(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """DEMONITOR: the watch ``ref`` is removed; it answers the MONITOR at ``ref``."""
    ref = data["ref"]
    target = unwatch(_monitors(state, pid), ref)
    if target is not None:
        unwatch(_watchers(state, target), ref)
    return int(ref)


def trap(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """TRAP: whether exit signals reaching ``pid`` become messages."""
    record = state.procs.get(pid)
    if record is not None:
        record.trap = bool(data["trap"])
    return None


def _monitors(state: FoldState, pid: Any) -> dict[Any, int] | None:
    record = state.procs.get(pid)
    return None if record is None else record.monitors


def _watchers(state: FoldState, pid: Any) -> dict[Any, int] | None:
    record = state.procs.get(pid)
    return None if record is None else record.watchers


def forget(state: FoldState, pid: int, record: ProcessRecord) -> None:
    """An ended process: its links and monitors, both ways, are gone."""
    procs = state.procs
    for other in record.links or ():
        _remove(procs.get(other), pid)
    for ref, watcher in (record.watchers or {}).items():
        unwatch(_monitors(state, watcher), ref)
    for ref, target in (record.monitors or {}).items():
        unwatch(_watchers(state, target), ref)
    record.links = record.watchers = record.monitors = None
