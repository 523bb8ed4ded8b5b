"""The fold's private, mutable state: one :class:`ProcessRecord` per process.

Why plain containers and a slotted record: indexing folds every signal of
a recording, so one signal must cost well under a microsecond. A process
is a :class:`ProcessRecord`, whose fields are slots read and set by name;
an inbox is a ``dict`` from message id to ``(message, sender)`` (insertion
order is arrival order, and a receive by id is O(1)); and every value in
them is a plain value or container in the raw form of
:mod:`chronoflow.recording.raw`, so that a whole state freezes to plain
containers (:func:`fields_of`) that marshal writes in one C call
(:mod:`chronoflow.inspect.checkpoint`). Nothing outside
:mod:`chronoflow.inspect` sees these records: front ends get the frozen
values of :mod:`chronoflow.inspect.model`.

Why slots cost the fold nothing: Python 3.11 specialises reading and
setting a slot as it does indexing a list, and a field name needs no
global lookup where an index constant did. Indexing the engine
benchmark's 1 M signals without checkpoints took 0.78-0.84 s of CPU with
28-item lists and 0.78 s with this record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chronoflow.inspect.model import Status

#: Status codes stored in ``record.status``, in :class:`Status` order.
STATUSES: tuple[Status, ...] = tuple(Status)
RUNNING, READY, WAITING, USING, JOINING, SLEEPING, STOPPED, CRASHED, KILLED = range(9)

Inbox = dict[int, tuple[Any, "int | None"]]
#: Messages that reached no inbox: message id -> (message, sender pid, routed pid).
Outbox = dict[int, tuple[Any, int, Any]]


class ProcessRecord:
    """One process as the fold keeps it, at the seq of its :class:`FoldState`.

    Text fields (``template``, ``module``, ...) hold what the recording
    says, which a damaged recording may make any raw value; the others are
    described beside each slot. Only the fold changes a record; a record
    in a state that a :class:`~chronoflow.inspect.world.World` wraps is
    never changed again.
    """

    __slots__ = (
        "args",
        "children",
        "crash",
        "ended",
        "floor",
        "inbox",
        "inherits",
        "kill_reason",
        "killed_by",
        "links",
        "matched",
        "module",
        "monitors",
        "parent",
        "pid",
        "qualname",
        "registered",
        "restarts",
        "result",
        "started",
        "started_as",
        "status",
        "template",
        "template_since",
        "transitions",
        "trap",
        "use",
        "wait",
        "watchers",
    )

    pid: int
    #: The template it runs now, and its module and qualified name.
    template: Any
    module: Any
    qualname: Any
    #: The arguments of its START or last TRANSITION (raw).
    args: Any
    #: The template it started as.
    started_as: Any
    #: How many TRANSITIONs it made.
    transitions: int
    parent: int | None
    #: Its children, in spawn order.
    children: list[int]
    #: An index into :data:`STATUSES` (see :func:`status_code`).
    status: int
    inbox: Inbox
    #: The SPAWN seq: an inbox entry with a smaller id was inherited then.
    floor: int
    #: None, or ``(mode value, match name | None, child | None, since seq, timeout,
    #: callee | None)``; the callee is the process a ``call`` waits for a reply from.
    wait: tuple[Any, ...] | None
    #: None, or ``(use seq, fn name, args)``.
    use: tuple[Any, ...] | None
    #: What it returned (raw).
    result: Any
    #: None, or ``(error, message, traceback, seq)``.
    crash: tuple[Any, ...] | None
    #: The KILL's reason as recorded (any raw value).
    kill_reason: Any
    #: The seqs of its START and of its STOP, CRASH or KILL.
    started: int
    ended: int | None
    #: Why None for "none" in these three: most processes never link or
    #: monitor, and three empty containers per process would cost every
    #: checkpoint and every seek. Links in the order they were made.
    links: list[int] | None
    #: Monitors it holds: ref -> watched pid.
    monitors: dict[Any, int] | None
    #: Monitors on it: ref -> watcher pid.
    watchers: dict[Any, int] | None
    #: Exit signals become messages.
    trap: bool
    #: Who ended it from outside.
    killed_by: Any
    #: False for a child spawned with ``inherit=False``.
    inherits: bool
    #: How many children it (a supervisor) restarted.
    restarts: int
    #: The name it is registered under (REGISTER), or None; a str (the fold
    #: checks it), freed by UNREGISTER and by its end, kept by a TRANSITION.
    registered: str | None
    #: None, or the id of the message its blocked receive matched (status
    #: READY), or ``(id, error type name)`` when the receive's pattern raised
    #: on that message.
    matched: Any
    #: The seq of its START or last TRANSITION.
    template_since: int

    def __init__(
        self,
        pid: int,
        template: Any,
        module: Any,
        qualname: Any,
        args: Any,
        parent: int | None,
        inbox: Inbox,
        floor: int,
        inherits: bool,
        started: int,
    ) -> None:
        """A process that STARTs at seq ``started``, running."""
        self.pid = pid
        self.template = template
        self.module = module
        self.qualname = qualname
        self.args = args
        self.started_as = template
        self.transitions = 0
        self.parent = parent
        self.children = []
        self.status = RUNNING
        self.inbox = inbox
        self.floor = floor
        self.wait = None
        self.use = None
        self.result = None
        self.crash = None
        self.kill_reason = None
        self.started = started
        self.ended = None
        self.links = None
        self.monitors = None
        self.watchers = None
        self.trap = False
        self.killed_by = None
        self.inherits = inherits
        self.restarts = 0
        self.registered = None
        self.matched = None
        self.template_since = started

    def own(self) -> None:
        """Take copies of the containers it holds (children, inbox, links,
        monitors), so that folding into this record changes no other; the
        messages and other values in them, which the fold never mutates, stay
        shared."""
        self.children = self.children.copy()
        self.inbox = self.inbox.copy()
        if self.links is not None:
            self.links = self.links.copy()
        if self.monitors is not None:
            self.monitors = self.monitors.copy()
        if self.watchers is not None:
            self.watchers = self.watchers.copy()

    def copy(self) -> ProcessRecord:
        """An independent copy (see :meth:`own`)."""
        (clone,) = records_of(fields_of((self,)))
        clone.own()
        return clone

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProcessRecord):
            return NotImplemented
        fields = fields_of((self, other))
        return fields[:FIELDS] == fields[FIELDS:]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<ProcessRecord pid={self.pid} {STATUSES[self.status].value}>"


_new = object.__new__


#: How many fields a record has: :func:`fields_of` gives that many per record.
FIELDS = len(ProcessRecord.__slots__)


def fields_of(records: Iterable[ProcessRecord]) -> list[Any]:
    """Every field of each record, :data:`FIELDS` a record in ``__slots__``
    order, in one flat list of plain values and containers, which a
    checkpoint marshals (:func:`records_of` is the way back).

    Why written out: reading each slot by name costs half of
    ``operator.attrgetter(*__slots__)`` (measured: 0.05 against 0.10 ms for
    225 records). Why flat: restored, one list of all fields is
    one allocation, where a tuple per record made the cycle collector run
    during nearly every restore (a quarter of restoring 225 records).
    """
    fields: list[Any] = []
    extend = fields.extend
    for r in records:
        extend(
            (
                r.args,
                r.children,
                r.crash,
                r.ended,
                r.floor,
                r.inbox,
                r.inherits,
                r.kill_reason,
                r.killed_by,
                r.links,
                r.matched,
                r.module,
                r.monitors,
                r.parent,
                r.pid,
                r.qualname,
                r.registered,
                r.restarts,
                r.result,
                r.started,
                r.started_as,
                r.status,
                r.template,
                r.template_since,
                r.transitions,
                r.trap,
                r.use,
                r.wait,
                r.watchers,
            )
        )
    return fields


def records_of(fields: list[Any]) -> list[ProcessRecord]:
    """The records whose :func:`fields_of` are ``fields`` (their containers
    become the records' own)."""
    records = []
    # Why zip over one iterator FIELDS times: it cuts the flat list into the
    # fields of one record after another, in C.
    for row in zip(*[iter(fields)] * FIELDS, strict=True):
        record = _new(ProcessRecord)
        # Why one unpacking: a checkpoint's restore builds every record this
        # way, and one assignment per slot is the cheapest Python offers. The
        # targets are the slots in ``__slots__`` order, the order of fields_of.
        (
            record.args,
            record.children,
            record.crash,
            record.ended,
            record.floor,
            record.inbox,
            record.inherits,
            record.kill_reason,
            record.killed_by,
            record.links,
            record.matched,
            record.module,
            record.monitors,
            record.parent,
            record.pid,
            record.qualname,
            record.registered,
            record.restarts,
            record.result,
            record.started,
            record.started_as,
            record.status,
            record.template,
            record.template_since,
            record.transitions,
            record.trap,
            record.use,
            record.wait,
            record.watchers,
        ) = row
        records.append(record)
    return records


def status_code(record: ProcessRecord) -> int:
    """The status of ``record``, with a process blocked in a plain receive
    whose inbox holds a message counted as READY.

    Why not stored: a plain receive blocks only on an empty inbox, so any
    message there is the one it takes next; deriving it keeps the fold from
    testing the receiver of every SEND.
    """
    status = record.status
    if status == WAITING and record.inbox and record.wait is not None and record.wait[1] is None:
        return READY
    return status


def matched_of(record: ProcessRecord) -> Any:
    """What ``record``'s ready receive matched (``matched`` counts only while
    READY; a ready plain receive takes its first message), or None."""
    status = record.status
    if status == READY:
        return record.matched
    if status_code(record) == READY:
        return next(iter(record.inbox))
    return None


class FoldState:
    """Every process at one seq, as mutable records (see the module docstring).

    ``spawning`` holds, between a SPAWN and its child's START, the inbox copy
    the child starts with, the SPAWN's seq and whether the child inherits.
    ``outbox`` holds the messages sent to no inbox (the scheduler's outbox).
    ``names`` maps each registered name to the pid that holds it (the
    records' ``registered``, looked up the other way). ``examines`` says
    whether the runtime that recorded examined a message as it arrived at a
    process blocked in a selective receive (recordings of format 1.1 and
    later, and every in-memory source): then every message in the inbox of
    a blocked receive has been looked at.

    ``journal``, None but in the indexer's own state, receives ``(pid, seq,
    name or None)`` each time a process's registered name changes. Why:
    the index keeps every process's names by seq from it (for labels at a
    seq, and the links between a REGISTER and what freed the name) without
    testing the type of every signal it folds. A copy, fork or checkpoint
    has no journal.
    """

    __slots__ = ("examines", "journal", "names", "outbox", "procs", "seq", "spawning")

    def __init__(
        self,
        seq: int = -1,
        procs: dict[int, ProcessRecord] | None = None,
        spawning: dict[int, tuple[Inbox, int, bool]] | None = None,
        outbox: Outbox | None = None,
        names: dict[str, int] | None = None,
        *,
        examines: bool = True,
    ) -> None:
        self.seq = seq
        self.procs: dict[int, ProcessRecord] = {} if procs is None else procs
        self.spawning: dict[int, tuple[Inbox, int, bool]] = {} if spawning is None else spawning
        self.outbox: Outbox = {} if outbox is None else outbox
        self.names: dict[str, int] = {} if names is None else names
        self.examines = examines
        self.journal: list[tuple[int, int, str | None]] | None = None

    def copy(self) -> FoldState:
        """An independent copy: records and the containers in them are copied;
        messages and other values, which the fold never mutates, are shared."""
        procs = self.procs
        records = records_of(fields_of(procs.values()))
        for record in records:
            record.own()
        return self._with(dict(zip(procs, records, strict=True)))

    def fork(self) -> FoldState:
        """A state to fold on from this one, which then must not change: it
        shares this one's records until the fold gets one (copy on write).
        Call :meth:`settle` once the fold is done.

        Why: a step forward folds a signal or a few onto a world of thousands
        of processes; copying only the records those signals touch, instead
        of all, makes the step as cheap as the fold, and the processes it did
        not touch stay the very same records, which a diff skips at once.
        It relies on the fold reaching a record only through
        ``state.procs.get(pid)`` (see :mod:`chronoflow.inspect.fold`).
        """
        return self._with(_Forked(self.procs))

    def settle(self) -> None:
        """End a :meth:`fork`: the records become a plain dict again, so that
        reading one (a :class:`~chronoflow.inspect.world.World` does) copies
        nothing."""
        if type(self.procs) is not dict:
            self.procs = dict(self.procs)

    def _with(self, procs: dict[int, ProcessRecord]) -> FoldState:
        spawning = {
            pid: (inbox.copy(), seq, inherits)
            for pid, (inbox, seq, inherits) in self.spawning.items()
        }
        return FoldState(
            self.seq,
            procs,
            spawning,
            self.outbox.copy(),
            self.names.copy(),
            examines=self.examines,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FoldState):
            return NotImplemented
        return (
            self.seq == other.seq
            and self.procs == other.procs
            and list(self.procs) == list(other.procs)
            and all(list(a.inbox) == list(other.procs[p].inbox) for p, a in self.procs.items())
            and self.outbox == other.outbox
            and self.names == other.names
        )

    __hash__ = None  # type: ignore[assignment]


class _Forked(dict[int, ProcessRecord]):
    """The records of a forked state (see :meth:`FoldState.fork`): the first
    ``get`` of a record copies it, a record set here is its own already."""

    __slots__ = ("_owned",)

    def __init__(self, records: dict[int, ProcessRecord]) -> None:
        super().__init__(records)
        self._owned: set[Any] = set()

    def get(self, pid: Any, default: Any = None) -> Any:
        """The record of ``pid``, this state's own (copied on first use)."""
        record = dict.get(self, pid)
        if record is None:
            return default
        if pid not in self._owned:
            record = record.copy()
            dict.__setitem__(self, pid, record)
            self._owned.add(pid)
        return record

    def __setitem__(self, pid: int, record: ProcessRecord) -> None:
        dict.__setitem__(self, pid, record)
        self._owned.add(pid)
