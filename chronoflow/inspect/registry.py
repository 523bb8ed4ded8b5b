"""Fold handlers for registered names: REGISTER, UNREGISTER, and an end freeing one.

A process has at most one name and a name at most one process
(``docs/signals.md``, types 27 and 28). REGISTER gives ``pid`` the name,
UNREGISTER takes it back, and a process's end (STOP, CRASH, KILL) frees
it with no signal of its own (:func:`forget`, called by the fold's end);
a TRANSITION keeps it. The state holds the name on the process's record
(``registered``) and, looked up the other way, in ``state.names``.

Why a history that breaks these rules is malformed: a REGISTER of a name
another process holds, or of a second name, and an UNREGISTER of a name
the process does not hold, cannot come from the runtime (it raises
``NameTakenError`` or ``NameNotRegisteredError`` instead). The handlers
raise ``ValueError``, so the indexer warns and skips the signal as it
skips any malformed one, and the world keeps one process per name. A
name that is not a str is malformed too (``TypeError``). A signal of a
pid that has not started, or has ended, changes nothing (as for every
type).

Each change is also written to the state's journal, when it has one (the
indexer's state, see :class:`~chronoflow.inspect.state.FoldState`).
"""

from __future__ import annotations

from typing import Any

from chronoflow.inspect.state import FoldState, ProcessRecord
from chronoflow.inspect.summary import short


def _name(data: Any) -> str:
    name = data["name"]
    if type(name) is not str:
        raise TypeError(f"a name is a str, not {type(name).__name__}")
    return name


def register(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """REGISTER: ``pid`` is known by ``name`` from now on."""
    name = _name(data)
    record = state.procs.get(pid)
    if record is None or record.ended is not None:
        return None
    holder = state.names.get(name)
    if holder is not None and holder != pid:
        raise ValueError(f"the name {short(name)} is held by process {holder}")
    if record.registered is not None and record.registered != name:
        raise ValueError(f"process {pid} is registered as {short(record.registered)} already")
    record.registered = name
    state.names[name] = pid
    _note(state, pid, seq, name)
    return None


def unregister(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """UNREGISTER: ``pid`` is no longer known by ``name``."""
    name = _name(data)
    record = state.procs.get(pid)
    if record is None:
        return None
    if record.registered != name:
        raise ValueError(f"process {pid} does not hold the name {short(name)}")
    record.registered = None
    state.names.pop(name, None)
    _note(state, pid, seq, None)
    return None


def forget(state: FoldState, pid: int, record: ProcessRecord, seq: int) -> None:
    """``record`` ended at ``seq``: its name, if it had one, is free again."""
    name = record.registered
    if name is not None:
        record.registered = None
        if state.names.get(name) == pid:
            del state.names[name]
        _note(state, pid, seq, None)


def _note(state: FoldState, pid: int, seq: int, name: str | None) -> None:
    journal = state.journal
    if journal is not None:
        journal.append((pid, seq, name))
