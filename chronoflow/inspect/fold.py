"""The fold: how each signal type changes the world (``docs/signals.md``).

One handler per :class:`~chronoflow.signals.SignalType`, looked up in one
table (:data:`HANDLERS`) by the signal's type number, as eventsourcing's
``apply`` dispatches on the event's type. Each handler updates a private
:class:`~chronoflow.inspect.state.FoldState` in place; :func:`apply` wraps
them as a pure function from :class:`World` to :class:`World`, and the
timeline runs the same handlers on its own state while indexing, so the two
can never disagree.

A handler returns the seq of the signal this one *answers*, if any: the
message a RECEIVE, DROP or BACKOFF names, the USE a RESULT or RETRY
concerns, the WAIT a TIMEOUT ends, the MONITOR a DEMONITOR removes, the
STOP/CRASH a JOIN collects or a KILL follows. The index keeps these in a
column, which is how causal links are found without another pass.
Message handlers live in :mod:`chronoflow.inspect.mail`, link and monitor
handlers in :mod:`chronoflow.inspect.relations`, and the handlers of
registered names (REGISTER, UNREGISTER) in :mod:`chronoflow.inspect.registry`.

Handlers see each ``data`` in the raw form of :mod:`chronoflow.recording.raw`
(a map is a dict, a scalar itself, an array a tuple), which is how the
indexer decodes a recording at half the cost; values they keep stay raw in
the state, and :mod:`chronoflow.inspect.world` turns them back
(:func:`~chronoflow.recording.raw.from_raw`) when it shows them. Signals
from memory are put in that form first (:func:`apply_in_place`,
:func:`chronoflow.inspect.source.runs`).

A handler reaches a process's :class:`~chronoflow.inspect.state.ProcessRecord`
only through ``state.procs.get(pid)`` and changes its fields by name. Why
only ``get``: a forked state (:meth:`FoldState.fork
<chronoflow.inspect.state.FoldState.fork>`) copies a record the first time
the fold gets it, which is what makes a step forward cost the signals it
folds rather than the size of the world.

Why handlers tolerate nonsense: a damaged recording may hold a RECEIVE of a
message that is not in the inbox, or a signal of a pid that never started.
Such a signal changes nothing (``dict.pop(key, None)``, unknown pids
skipped) rather than making a whole recording unreadable. Types newer than
this engine (appended to the format later) change nothing either, and so
do NOW and STUCK, which record facts about time that no process's state
holds. A RESTART counts toward its supervisor's ``restarts``.

An impossible tree is malformed, not folded: a START whose ``parent`` is
the process itself, or is not a process that has started, or a second
START of a pid (which would re-parent it, possibly into a cycle) raises
:class:`ImpossibleTree`, so the indexer counts it and warns, and the
process does not exist (its later signals change nothing, as for any pid
that never started). Why refuse rather than repair: every parent then
started before its children, so no parent chain can loop, and the walks
that follow them (a KILL's search for the ending that caused it, the
tree's pre-order) end; they are bounded all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from chronoflow.inspect import mail, registry, relations
from chronoflow.inspect.source import Run
from chronoflow.inspect.state import (
    CRASHED,
    JOINING,
    KILLED,
    READY,
    RUNNING,
    SLEEPING,
    STOPPED,
    USING,
    WAITING,
    FoldState,
    Inbox,
    ProcessRecord,
)
from chronoflow.inspect.summary import short
from chronoflow.inspect.world import World
from chronoflow.recording.raw import to_raw
from chronoflow.signals import Signal

#: ``handler(state, seq, pid, data) -> answered seq | None``.
Handler = Callable[[FoldState, int, int, Any], "int | None"]


class ImpossibleTree(ValueError):
    """A START that would make the process tree impossible: its own parent, a
    parent that has not started, or a pid started a second time."""


def _check_start(state: FoldState, pid: int, parent: Any) -> None:
    """Raise :class:`ImpossibleTree` unless ``pid`` may start as a child of ``parent``."""
    procs = state.procs
    if pid in procs:
        raise ImpossibleTree(f"process {pid} has started already")
    if parent is None:
        return
    if parent == pid:
        raise ImpossibleTree(f"process {pid} names itself as its parent")
    if type(parent) is not int or parent not in procs:
        raise ImpossibleTree(f"its parent {short(parent, raw=True)} has not started")


def _start(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    parent = data.get("parent")
    _check_start(state, pid, parent)
    inherited = state.spawning.pop(pid, None)
    inbox: Inbox
    if inherited is None:
        inbox, floor, inherits = {}, seq, True
    else:
        inbox, floor, inherits = inherited
    state.procs[pid] = ProcessRecord(
        pid,
        data.get("template", "?"),
        data.get("module", ""),
        data.get("qualname", ""),
        data.get("args", ()),
        parent,
        inbox,
        floor,
        inherits,
        seq,
    )
    if parent is not None:
        owner = state.procs.get(parent)
        if owner is not None:
            owner.children.append(pid)
    return None


def _spawn(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    parent = state.procs.get(pid)
    if parent is not None:
        inherits = data.get("inherit", True) is not False
        inbox = parent.inbox.copy() if inherits else {}
        state.spawning[data["child"]] = (inbox, seq, inherits)
    return None


def _join(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    child = state.procs.get(data["child"])
    _resume(state, pid)
    return None if child is None else child.ended


def _resume(state: FoldState, pid: int) -> None:
    """The process runs again: it waits for nothing."""
    record = state.procs.get(pid)
    if record is not None:
        record.status = RUNNING
        record.wait = None


def _transition(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    record = state.procs.get(pid)
    if record is not None:
        record.template = data.get("template", "?")
        record.module = data.get("module", "")
        record.qualname = data.get("qualname", "")
        record.args = data.get("args", ())
        record.transitions += 1
        record.template_since = seq
        record.status = RUNNING
        record.wait = None
    return None


def _use(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    record = state.procs.get(pid)
    if record is not None:
        record.status = USING
        record.use = (seq, data.get("fn", "?"), data.get("args", ()))
    return None


def _end(state: FoldState, pid: int, record: ProcessRecord, status: int, seq: int) -> None:
    """Mark ``record`` ended at ``seq``: it waits for and uses nothing, its
    links and monitors are gone, and so is its registered name."""
    record.status = status
    record.ended = seq
    record.wait = None
    record.use = None
    relations.forget(state, pid, record)
    if record.registered is not None:  # why here: most processes have no name
        registry.forget(state, pid, record, seq)
    parent = _parent_of(state, record)
    if parent is not None and parent.status == JOINING:
        wait = parent.wait
        if wait is not None and wait[2] == pid:
            parent.status = READY  # its join is answered: it collects the child when it runs


def _parent_of(state: FoldState, record: ProcessRecord) -> ProcessRecord | None:
    parent = record.parent
    return None if parent is None else state.procs.get(parent)


def _stop(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    record = state.procs.get(pid)
    if record is not None:
        _end(state, pid, record, STOPPED, seq)
        record.result = data.get("result") if isinstance(data, dict) else None
    return None


def _crash(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    record = state.procs.get(pid)
    if record is not None:
        _end(state, pid, record, CRASHED, seq)
        record.crash = (
            data.get("error", "?"),
            data.get("message", ""),
            data.get("traceback", ""),
            seq,
        )
    return None


def _kill(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    procs = state.procs
    record = procs.get(pid)
    if record is None:
        return None
    by = data.get("from") if isinstance(data, dict) else None
    _end(state, pid, record, KILLED, seq)
    record.kill_reason = data.get("reason", "") if isinstance(data, dict) else ""
    record.killed_by = by
    # The KILL answers the ending of the process that caused it: the one it
    # names, else the nearest ancestor that ended other than by being killed.
    cause = procs.get(by) if type(by) is int else None
    if cause is not None and cause.ended is not None:
        return int(cause.ended)
    ancestor = _parent_of(state, record)
    # Why bounded: the fold builds no parent cycle, but a walk that could
    # loop forever must not rely on that (a chain has at most len(procs) links).
    for _ in range(len(procs)):
        if ancestor is None or ancestor.status != KILLED:
            break
        ancestor = _parent_of(state, ancestor)
    else:
        return None
    return None if ancestor is None else ancestor.ended


def _wait(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    record = state.procs.get(pid)
    if record is None:
        return None
    # The wait: (mode, match, joined child, since, timeout, callee of a call).
    if data is None:
        record.status = WAITING
        record.wait = ("receive", None, None, seq, None, None)
    elif "join" in data:
        record.status = JOINING
        record.wait = ("join", None, data["join"], seq, None, None)
    elif "sleep" in data:
        record.status = SLEEPING
        record.wait = ("sleep", None, None, seq, data["sleep"], None)
    else:
        record.status = WAITING
        mode = data.get("mode", "receive")
        call = data.get("call")
        record.wait = (mode, data.get("match"), None, seq, data.get("timeout"), call)
    return None


def _timeout(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """TIMEOUT: the timer of the WAIT at ``wait`` fired; the process runs on."""
    _resume(state, pid)
    return int(data["wait"])


def _result(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    record = state.procs.get(pid)
    if record is not None:
        record.status = RUNNING
        record.use = None
    return int(data["use"])


def _retry(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """RETRY: a failed ``use`` is tried again; still pending, still using."""
    return int(data["use"])


def _restart(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """RESTART: a supervisor restarted a child; its restart count goes up."""
    record = state.procs.get(pid)
    if record is not None:
        record.restarts += 1
    return None


def _unknown(state: FoldState, seq: int, pid: int, data: Any) -> int | None:
    """A signal that changes no process: NOW, STUCK, or a type appended to the
    format after this engine."""
    return None


#: The handler of each signal type, indexed by its number (START = 0 ...).
HANDLERS: tuple[Handler, ...] = (
    _start,  # START
    _spawn,  # SPAWN
    _join,  # JOIN
    _transition,  # TRANSITION
    _use,  # USE
    mail.send,  # SEND
    _stop,  # STOP
    mail.backoff,  # BACKOFF
    mail.drop,  # DROP
    mail.deliver,  # DELIVER
    mail.receive,  # RECEIVE
    _wait,  # WAIT
    _result,  # RESULT
    _crash,  # CRASH
    _kill,  # KILL
    relations.link,  # LINK
    relations.unlink,  # UNLINK
    relations.monitor,  # MONITOR
    relations.demonitor,  # DEMONITOR
    mail.exit_signal,  # EXIT
    mail.down,  # DOWN
    relations.trap,  # TRAP
    _timeout,  # TIMEOUT
    _unknown,  # NOW
    _restart,  # RESTART
    _retry,  # RETRY
    _unknown,  # STUCK
    registry.register,  # REGISTER
    registry.unregister,  # UNREGISTER
)

#: HANDLERS padded with the no-op for every other number a type byte can hold,
#: so the hot loop indexes without a bounds check (index 255 and negative
#: numbers land on the no-op too).
TABLE: tuple[Handler, ...] = HANDLERS + (_unknown,) * (256 - len(HANDLERS))

#: Exceptions a handler raises on a malformed signal (wrong shape of ``data``).
MALFORMED = (KeyError, TypeError, AttributeError, ValueError, IndexError)


def apply_in_place(state: FoldState, signal: Signal) -> int | None:
    """Fold ``signal`` into ``state``; returns the seq it answers, if any.

    Raises one of :data:`MALFORMED` if the signal's data has the wrong
    shape; the state may then be partly updated by that one signal.
    """
    kind = signal.type
    handler = TABLE[kind] if -256 < kind < 256 else _unknown
    state.seq = signal.seq
    return handler(state, signal.seq, signal.pid, to_raw(signal.data))


def _apply_quietly(state: FoldState, signal: Signal) -> None:
    try:
        apply_in_place(state, signal)
    except MALFORMED:
        state.seq = signal.seq


def apply(world: World, signal: Signal) -> World:
    """The world after ``signal``: pure, ``world`` is left unchanged.

    A malformed signal (data of the wrong shape) is skipped.
    """
    state = state_of(world).fork()
    _apply_quietly(state, signal)
    state.settle()
    return World(state)


def fold(signals: Iterable[Signal], world: World | None = None) -> World:
    """Apply every signal in order, from ``world`` (default: the empty world)."""
    state = FoldState() if world is None else state_of(world).copy()
    for signal in signals:
        _apply_quietly(state, signal)
    return World(state)


def state_of(world: World) -> FoldState:
    """The fold state a world wraps (read it, never mutate it)."""
    return world._state


def fold_runs(state: FoldState, runs: Iterable[Run], start: int, stop: int) -> None:
    """Fold the signals ``start <= seq < stop`` of ``runs`` into ``state`` in
    place, skipping malformed ones.

    Why not :func:`fold_each` drained: every seek folds up to an interval of
    signals here, and a generator's resume per signal would cost a tenth of
    the fold; the loop is written out twice instead, this one without it.
    """
    table = TABLE
    for run in runs:
        first, pids = run.first, run.pids
        low, high = max(start - first, 0), min(stop - first, len(pids))
        if low >= high:
            continue
        # Why not strict: the run may reach beyond ``stop``.
        signals = zip(range(first, first + high), pids, run.types, run.datas, strict=False)
        for seq, pid, kind, data in islice(signals, low, None):
            # Why not contextlib.suppress: entering a context manager per signal
            # costs more than the fold itself; try is free until something raises.
            try:  # noqa: SIM105
                table[kind](state, seq, pid, data)
            except MALFORMED:
                pass
        state.seq = first + high - 1


def fold_each(state: FoldState, runs: Iterable[Run], start: int, stop: int) -> Iterator[int]:
    """Fold the signals ``start <= seq < stop`` of ``runs`` into ``state`` one by
    one, yielding each seq once it is folded (so the caller can look at the
    state after every signal); malformed signals are skipped."""
    table = TABLE
    for run in runs:
        first, pids = run.first, run.pids
        low, high = max(start - first, 0), min(stop - first, len(pids))
        if low >= high:
            continue
        signals = zip(range(first, first + high), pids, run.types, run.datas, strict=False)
        for seq, pid, kind, data in islice(signals, low, None):
            try:  # noqa: SIM105
                table[kind](state, seq, pid, data)
            except MALFORMED:
                pass
            state.seq = seq
            yield seq
