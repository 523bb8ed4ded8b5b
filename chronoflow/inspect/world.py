"""The :class:`World`: an immutable snapshot of every process at one seq.

A world wraps a fold state that nobody mutates any more and turns its
records into :class:`~chronoflow.inspect.model.ProcessState` values on
first access (then caches them). Why lazily: a snapshot of thousands of
processes must be cheap to take, and a front end only looks at what it
shows (a tree of statuses, one mailbox). The values the fold kept in the
raw form (:mod:`chronoflow.recording.raw`) become values here.

Fields a front end shows as text (template, module and function names, a
predicate's name, a kill reason, a crash's error, message and traceback)
are bounded here, whatever a recording holds: a name is at most
:data:`~chronoflow.inspect.excerpt.NAME_LIMIT` characters, a message
:data:`~chronoflow.inspect.excerpt.TEXT_LIMIT`, a traceback
:data:`~chronoflow.inspect.excerpt.TRACEBACK_LIMIT`, and a value where a
name belongs becomes its excerpt.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from chronoflow.inspect.excerpt import NAME_LIMIT, TEXT_LIMIT, TRACEBACK_LIMIT, text_of
from chronoflow.inspect.model import (
    Crash,
    InboxEntry,
    OutboxEntry,
    PendingUse,
    ProcessState,
    Status,
    Wait,
    WaitMode,
    process_label,
)
from chronoflow.inspect.state import STATUSES, FoldState, ProcessRecord, matched_of, status_code
from chronoflow.inspect.summary import short
from chronoflow.recording.raw import from_raw

_WAIT_MODES = {mode.value: mode for mode in WaitMode}
_BLOCKED = frozenset(
    STATUSES.index(status) for status in (Status.WAITING, Status.JOINING, Status.SLEEPING)
)


def _tuple(raw: Any) -> tuple[Any, ...]:
    value = from_raw(raw)
    if isinstance(value, tuple):
        return value
    if isinstance(value, list):
        return tuple(value)
    return () if value is None else (value,)


def _value(raw: Any) -> Any:
    """``from_raw(raw)``, skipped for the str and None that most fields hold."""
    return raw if raw is None or type(raw) is str else from_raw(raw)


def _text(raw: Any, limit: int = NAME_LIMIT) -> str:
    """A field shown as text: a str cut to ``limit`` characters, any other value
    (from a damaged recording) as its excerpt, read from the raw form."""
    if type(raw) is str and len(raw) <= limit:
        return raw
    return text_of(raw, limit, raw=True)


def _optional_text(raw: Any, limit: int = NAME_LIMIT) -> str | None:
    return None if raw is None else _text(raw, limit)


def _reason(raw: Any) -> str | None:
    """A kill reason: a str as it is (cut), any other value (a crash's
    ``{"error", "message"}``) as its short repr."""
    if raw is None:
        return None
    if type(raw) is str:
        return _text(raw, TEXT_LIMIT)
    return short(raw, raw=True)


def process_state(record: ProcessRecord) -> ProcessState:
    """The frozen :class:`ProcessState` of one fold record."""
    pid = record.pid
    floor = record.floor
    inbox = tuple(
        InboxEntry(mid, from_raw(message), sender, mid if mid >= floor else floor)
        for mid, (message, sender) in record.inbox.items()
    )
    wait = record.wait
    use = record.use
    crash = record.crash
    matched = matched_of(record)
    template, module, qualname = record.template, record.module, record.qualname
    started_as = record.started_as
    registered = record.registered
    return ProcessState(
        pid=pid,
        # Why not _text alone: a call per field is a third of building a state,
        # and these are nearly always short strings.
        template=template
        if type(template) is str and len(template) <= NAME_LIMIT
        else _text(template),
        module=module if type(module) is str and len(module) <= NAME_LIMIT else _text(module),
        qualname=qualname
        if type(qualname) is str and len(qualname) <= NAME_LIMIT
        else _text(qualname),
        args=_tuple(record.args),
        started_as=started_as
        if type(started_as) is str and len(started_as) <= NAME_LIMIT
        else _text(started_as),
        transitions=record.transitions,
        parent=record.parent,
        children=tuple(record.children),
        status=STATUSES[status_code(record)],
        inbox=inbox,
        wait=None if wait is None else _wait(wait),
        use=None if use is None else PendingUse(pid, use[0], _text(use[1]), _tuple(use[2])),
        result=_value(record.result),
        crash=None
        if crash is None
        else Crash(
            _text(crash[0]),
            _text(crash[1], TEXT_LIMIT),
            _text(crash[2], TRACEBACK_LIMIT),
            crash[3],
        ),
        kill_reason=_reason(record.kill_reason),
        started=record.started,
        ended=record.ended,
        killed_by=record.killed_by,
        links=tuple(record.links or ()),
        monitors=tuple((record.monitors or {}).items()),
        trap_exit=record.trap,
        inherits=record.inherits,
        restarts=record.restarts,
        template_since=record.template_since,
        matched=matched if type(matched) is int or matched is None else matched[0],
        match_raised=None if type(matched) is int or matched is None else str(matched[1]),
        registered_name=None if registered is None else _text(registered),
    )


def _wait(wait: tuple[Any, ...]) -> Wait:
    mode = _WAIT_MODES.get(wait[0], WaitMode.RECEIVE)
    call = wait[5]
    return Wait(
        mode,
        _optional_text(wait[1]),
        wait[2],
        wait[3],
        _value(wait[4]),
        call if type(call) is int else None,
    )


class _Processes(Mapping[int, ProcessState]):
    """The read-only ``pid -> ProcessState`` view of a world, in START order."""

    __slots__ = ("_world",)

    def __init__(self, world: World) -> None:
        self._world = world

    def __getitem__(self, pid: int) -> ProcessState:
        return self._world.process(pid)

    def __iter__(self) -> Iterator[int]:
        return iter(self._world.pids)

    def __len__(self) -> int:
        return len(self._world.pids)


class World:
    """Every process at seq :attr:`seq` (``-1``: before the first signal).

    Immutable: the fold state it wraps is owned by this world alone.
    """

    __slots__ = ("_cache", "_state")

    def __init__(self, state: FoldState) -> None:
        """Wrap ``state``, which the caller must never mutate again."""
        self._state = state
        self._cache: dict[int, ProcessState] = {}

    @classmethod
    def empty(cls) -> World:
        """The world before seq 0: no processes."""
        return cls(FoldState())

    @property
    def seq(self) -> int:
        """The seq of the last signal folded into this world."""
        return self._state.seq

    @property
    def examines(self) -> bool:
        """Whether the recording's runtime examined messages as they arrived at a
        blocked selective receive (see :mod:`chronoflow.inspect.inbox`)."""
        return self._state.examines

    @property
    def pids(self) -> tuple[int, ...]:
        """Every process that has started, in START order."""
        return tuple(self._state.procs)

    @property
    def roots(self) -> tuple[int, ...]:
        """The processes without a parent, in START order."""
        return tuple(pid for pid, record in self._state.procs.items() if record.parent is None)

    @property
    def processes(self) -> Mapping[int, ProcessState]:
        """A read-only mapping ``pid -> ProcessState`` in START order."""
        return _Processes(self)

    def process(self, pid: int) -> ProcessState:
        """The process ``pid`` (``KeyError`` if it has not started by :attr:`seq`)."""
        state = self._cache.get(pid)
        if state is None:
            record = self._state.procs.get(pid)
            if record is None:
                raise KeyError(pid)
            state = self._cache[pid] = process_state(record)
        return state

    def template_of(self, pid: int) -> str | None:
        """The template ``pid`` runs at :attr:`seq` (None if it has not started).

        Why not ``process(pid).template``: a timeline names the process of
        every row it shows, and that would build each one's whole state.
        """
        record = self._state.procs.get(pid)
        return None if record is None else _text(record.template)

    def label_of(self, pid: int) -> str:
        """How text names ``pid`` at :attr:`seq`: ``"Account[5]"``, ``"alice:
        Account[5]"`` while it is registered as ``alice``, or ``"process 9"`` for
        a pid that has not started (see :attr:`ProcessState.name
        <chronoflow.inspect.model.ProcessState.name>`), without building its
        ``ProcessState``."""
        record = self._state.procs.get(pid)
        if record is None:
            return f"process {pid}"
        name = record.registered
        return process_label(_text(record.template), pid, None if name is None else _text(name))

    @property
    def names(self) -> Mapping[str, int]:
        """Every registered name at :attr:`seq` and the pid holding it, in the
        order they were given (the names as recorded, not cut)."""
        return MappingProxyType(dict(self._state.names))

    def whereis(self, name: str) -> int | None:
        """The pid registered as ``name`` at :attr:`seq`, or None."""
        return self._state.names.get(name)

    def __contains__(self, pid: object) -> bool:
        return pid in self._state.procs

    def __len__(self) -> int:
        return len(self._state.procs)

    def __iter__(self) -> Iterator[ProcessState]:
        for pid in self._state.procs:
            yield self.process(pid)

    def tree(self) -> Iterator[tuple[int, ProcessState]]:
        """``(depth, process)`` in pre-order, roots first, children in spawn order."""
        for depth, pid in self.tree_order():
            yield depth, self.process(pid)

    def tree_order(self) -> Iterator[tuple[int, int]]:
        """``(depth, pid)`` in the order of :meth:`tree`, building no ProcessState.

        Why: a front end lays out a tree of thousands of processes from this
        alone, and builds states only for the rows it shows.

        Every process comes exactly once. The fold never builds a parent
        cycle (it skips a START that would), but this walk does not rely on
        it: a pid already shown is not followed again, and a process no root
        leads to comes as a root of its own, in START order.
        """
        procs = self._state.procs
        seen: set[int] = set()
        for root in (*self.roots, *procs):
            if root in seen:
                continue
            stack = [(0, root)]
            while stack:
                depth, pid = stack.pop()
                record = procs.get(pid)
                if record is None or pid in seen:
                    continue
                seen.add(pid)
                yield depth, pid
                stack.extend((depth + 1, child) for child in reversed(record.children))

    def mailboxes(self) -> tuple[ProcessState, ...]:
        """The processes whose inbox is not empty, in START order."""
        return tuple(self.process(pid) for pid, rec in self._state.procs.items() if rec.inbox)

    def waiting(self) -> tuple[ProcessState, ...]:
        """The processes blocked in a receive, select, filter, join or sleep (not
        those a receive or join has just made ready)."""
        return tuple(
            self.process(pid)
            for pid, rec in self._state.procs.items()
            if status_code(rec) in _BLOCKED
        )

    def pending_uses(self) -> tuple[PendingUse, ...]:
        """Every ``use`` call that has not returned, in START order of its process."""
        uses = []
        for pid, record in self._state.procs.items():
            if record.use is not None:
                use = self.process(pid).use
                assert use is not None
                uses.append(use)
        return tuple(uses)

    def pending_timers(self) -> tuple[ProcessState, ...]:
        """Processes with an armed timer: a receive with a timeout, or a sleep.

        Each one's ``wait`` has the ``timeout`` and the seq it was armed at
        (``since``); the timer is due at that signal's ``ts`` plus the timeout.
        """
        return tuple(
            self.process(pid)
            for pid, record in self._state.procs.items()
            if status_code(record) in _BLOCKED
            and record.wait is not None
            and record.wait[4] is not None
        )

    @property
    def outbox(self) -> tuple[OutboxEntry, ...]:
        """The messages sent so far that reached no inbox, oldest first."""
        return tuple(
            OutboxEntry(mid, from_raw(message), sender, to if type(to) is int else None)
            for mid, (message, sender, to) in self._state.outbox.items()
        )

    def status_counts(self) -> dict[Status, int]:
        """How many processes have each status (every status is a key)."""
        counts = dict.fromkeys(STATUSES, 0)
        for record in self._state.procs.values():
            counts[STATUSES[status_code(record)]] += 1
        return counts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, World):
            return NotImplemented
        return (
            self.seq == other.seq
            and self.pids == other.pids
            and all(self.process(pid) == other.process(pid) for pid in self.pids)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<World seq={self.seq} processes={len(self)}>"
