"""The debugger engine's data model: immutable answers a front end can render.

Everything :mod:`chronoflow.inspect` hands out is plain, frozen data:
statuses are enums with display labels, a process at one seq is a
:class:`ProcessState`, each message waiting in an inbox is an
:class:`InboxEntry`, a message's whole life is a :class:`MessageTrace`, and
the difference between two seqs is a :class:`WorldDiff`. Nothing here reads
files or folds signals; :mod:`chronoflow.inspect.fold` builds these values.

Values that come from a recording (messages, arguments, results, template
names, error messages) are shown by front ends as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple


class Status(Enum):
    """Where a process is in its life at one seq.

    The value is the short name (``"waiting"``); :attr:`label` is the text
    to show a person (``"waiting for a message"``). *Ready* is a process
    whose blocked receive found what it waits for (a message it matches,
    or the child it joins has ended): it runs when its turn comes.
    """

    RUNNING = "running"
    READY = "ready"
    WAITING = "waiting"
    USING = "using"
    JOINING = "joining"
    SLEEPING = "sleeping"
    STOPPED = "stopped"
    CRASHED = "crashed"
    KILLED = "killed"

    @property
    def label(self) -> str:
        """A short phrase for display, e.g. ``"waiting on use"``."""
        return _STATUS_LABELS[self]

    @property
    def ended(self) -> bool:
        """True for stopped, crashed and killed: the process can never run again."""
        return self in (Status.STOPPED, Status.CRASHED, Status.KILLED)


_STATUS_LABELS = {
    Status.RUNNING: "running",
    Status.READY: "ready to run",
    Status.WAITING: "waiting for a message",
    Status.USING: "waiting on use",
    Status.JOINING: "joining",
    Status.SLEEPING: "sleeping",
    Status.STOPPED: "stopped",
    Status.CRASHED: "crashed",
    Status.KILLED: "killed",
}


class WaitMode(Enum):
    """What a blocked process waits for (from its WAIT signal)."""

    RECEIVE = "receive"  # any message
    SELECT = "select"  # the first message matching a predicate; others stay
    FILTER = "filter"  # the first message matching a predicate; others are dropped
    JOIN = "join"  # a child to end
    SLEEP = "sleep"  # time to pass (``self.sleep``)


@dataclass(frozen=True, slots=True)
class Wait:
    """The receive, join or sleep a process is blocked in.

    ``match`` is the predicate's name for a select or filter (as recorded;
    the predicate itself is code and is not in the recording); ``child`` is
    the joined pid for a join; ``since`` is the seq of the WAIT signal;
    ``timeout`` is the seconds a receive waits at most (None: forever), or
    the seconds of a sleep. ``call`` is, for the receive of a ``call``
    (a request sent to a process, waiting for its reply), the pid of the
    process called.
    """

    mode: WaitMode
    match: str | None
    child: int | None
    since: int
    timeout: float | None = None
    call: int | None = None

    def describe(self) -> str:
        """One phrase: ``"receive"``, ``"select is_reply_102"``, ``"join 4"``,
        ``"receive (timeout 2s)"``, ``"sleep 0.5s"``, ``"call 5"``."""
        if self.mode is WaitMode.JOIN:
            return f"join {self.child}"
        if self.mode is WaitMode.SLEEP:
            return f"sleep {self.timeout:g}s"
        if self.call is not None:
            text = f"call {self.call}"
        elif self.match is None:
            text = str(self.mode.value)
        else:
            text = f"{self.mode.value} {self.match}"
        return text if self.timeout is None else f"{text} (timeout {self.timeout:g}s)"


@dataclass(frozen=True, slots=True)
class PendingUse:
    """A ``use`` call that has not returned yet: ``fn(*args)`` started at ``seq``."""

    pid: int
    seq: int
    fn: str
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A message that reached no inbox: ``sender`` sent it (SEND ``id``) routed to
    ``to`` (None: its route named nobody), which did not exist or had ended."""

    id: int
    message: Any
    sender: int
    to: int | None


@dataclass(frozen=True, slots=True)
class Crash:
    """Why a process crashed: the exception's type name, message and traceback."""

    error: str
    message: str
    traceback: str
    seq: int


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One message waiting in one inbox.

    ``id`` is the message's identity (the seq of the SEND or DELIVER that
    created it); ``sender`` is the sending pid, or None for a message pushed
    from outside; ``arrived`` is the seq at which it entered *this* inbox:
    the SEND/DELIVER itself, or the parent's SPAWN for a copy a child
    inherited.
    """

    id: int
    message: Any
    sender: int | None
    arrived: int

    @property
    def inherited(self) -> bool:
        """True when the message came with the parent's inbox at spawn."""
        return self.arrived != self.id


@dataclass(frozen=True, slots=True)
class ProcessState:
    """One process at one seq: identity, place in the tree, status and inbox.

    ``template``/``module``/``qualname``/``args`` describe the template the
    process runs now (after ``transitions`` transitions); ``started_as`` is
    the template it started with. ``inbox`` is in arrival order (the order a
    plain receive takes). ``wait`` is set while waiting or joining, ``use``
    while waiting on a ``use`` call. An ended process keeps its last inbox
    and has ``ended`` (the seq of its STOP, CRASH or KILL) and either
    ``result`` (stopped), ``crash`` (crashed) or ``kill_reason`` and
    ``killed_by`` (killed; the reason shown as text). ``links`` are the pids
    it is linked with, ``monitors`` its ``(ref, watched pid)`` pairs,
    ``trap_exit`` whether exit signals become messages; ``inherits`` is
    False for a child spawned with ``inherit=False`` (it gets no copy of its
    parent's messages); ``restarts`` counts the children a supervisor has
    restarted (its RESTART signals). ``template_since`` is the seq of the
    START or TRANSITION from which it runs its current template. A *ready*
    process's blocked receive has found what it waits for: ``matched`` is
    the id of the message it will take (None when it is ready for another
    reason: the child it joins has ended, or the message it matched was
    evicted and it will look at its inbox again), and ``match_raised`` the
    exception type name when its pattern raised on that message instead.
    ``wait`` stays set while it is ready, to say what it waited for.
    ``registered_name`` is the name it is registered under at this seq
    (REGISTER; None when it has none: never registered, unregistered, or
    ended, which frees a name), at most
    :data:`~chronoflow.inspect.excerpt.NAME_LIMIT` characters.
    """

    pid: int
    template: str
    module: str
    qualname: str
    args: tuple[Any, ...]
    started_as: str
    transitions: int
    parent: int | None
    children: tuple[int, ...]
    status: Status
    inbox: tuple[InboxEntry, ...]
    wait: Wait | None
    use: PendingUse | None
    result: Any
    crash: Crash | None
    kill_reason: str | None
    started: int
    ended: int | None
    killed_by: int | None = None
    links: tuple[int, ...] = ()
    monitors: tuple[tuple[int, int], ...] = ()
    trap_exit: bool = False
    inherits: bool = True
    restarts: int = 0
    template_since: int = 0
    matched: int | None = None
    match_raised: str | None = None
    registered_name: str | None = None

    @property
    def name(self) -> str:
        """``"Template[pid]"``, or ``"alice: Template[pid]"`` while it is registered
        as ``alice``: the way the engine names a process in text."""
        return process_label(self.template, self.pid, self.registered_name)


def process_label(template: str, pid: int, name: str | None = None) -> str:
    """How the engine names a process in text: ``"Account[5]"``, or with its
    registered name ``"alice: Account[5]"``."""
    return f"{template}[{pid}]" if name is None else f"{name}: {template}[{pid}]"


class HopKind(Enum):
    """One step in a message's life (see :class:`MessageTrace`)."""

    SENT = "sent"  # a process sent it (SEND; pid is the sender)
    PUSHED = "pushed"  # pushed from outside (DELIVER; pid is the target)
    SIGNALLED = "signalled"  # the runtime made it: a trapped EXIT or a DOWN (pid: receiver)
    DELIVERED = "delivered"  # put into pid's inbox by the SEND/DELIVER
    INHERITED = "inherited"  # copied into a new child's inbox at its parent's SPAWN
    RECEIVED = "received"  # taken out of pid's inbox by a receive
    DROPPED = "dropped"  # removed from pid's inbox by a filter
    REFUSED = "refused"  # not put into pid's full inbox (BACKOFF)


class Hop(NamedTuple):
    """One step of a message: what happened, in which process, at which seq."""

    kind: HopKind
    pid: int
    seq: int


@dataclass(frozen=True, slots=True)
class MessageTrace:
    """Where a message came from and everywhere it went, in seq order.

    ``hops`` starts with the SENT, PUSHED or SIGNALLED hop (at seq ``id``), then every
    delivery, inheritance, receive, drop and refusal known to the index.
    ``pending`` lists the pids whose inbox still holds the message at the
    end of what has been indexed.
    """

    id: int
    message: Any
    sender: int | None
    to: int | None
    hops: tuple[Hop, ...]
    pending: tuple[int, ...]

    def hops_in(self, pid: int) -> tuple[Hop, ...]:
        """The hops that happened in ``pid`` (delivery, then receive/drop)."""
        return tuple(hop for hop in self.hops if hop.pid == pid)


class CausalLink(NamedTuple):
    """A jump target from one signal: ``label`` to show, ``seq`` to go to."""

    label: str
    seq: int


@dataclass(frozen=True, slots=True)
class Progress:
    """How far indexing has come.

    ``indexed`` signals (seqs ``0 .. indexed - 1``) can be answered without
    waiting; ``total`` is the signal count when the recording says it (a
    clean close), else None; ``done`` is True once the end was reached
    (a following timeline keeps ``following`` True and may grow later);
    ``error`` is set if indexing stopped on an error.
    """

    indexed: int
    total: int | None
    done: bool
    following: bool = False
    error: str | None = None

    @property
    def fraction(self) -> float | None:
        """``indexed / total`` in [0, 1], or None when the total is unknown."""
        if self.done:
            return 1.0
        if not self.total:
            return None
        return min(1.0, self.indexed / self.total)


@dataclass(frozen=True, slots=True)
class ProcessChange:
    """How one process differs between two seqs of a :class:`WorldDiff`.

    ``before`` is the process at the diff's ``a``, ``after`` at its ``b``;
    one of them is None when the process did not exist at that seq (in a
    forward diff only ``before`` can be None: processes never disappear,
    ended ones stay). ``added``/``removed`` are inbox entries present only after / only before
    (by message id). ``fields`` names the other fields of
    :class:`ProcessState` that differ (``"status"``, ``"wait"``, ``"use"``,
    ``"template"``, ``"children"``, ...; never ``"inbox"``).
    """

    pid: int
    before: ProcessState | None
    after: ProcessState | None
    added: tuple[InboxEntry, ...]
    removed: tuple[InboxEntry, ...]
    fields: tuple[str, ...]

    @property
    def created(self) -> bool:
        """True when the process came into existence between the two seqs."""
        return self.before is None

    @property
    def status_changed(self) -> bool:
        """True when the status differs (or the process exists at one seq only)."""
        if self.before is None or self.after is None:
            return True
        return self.before.status is not self.after.status


@dataclass(frozen=True, slots=True)
class WorldDiff:
    """What changed from the world at seq ``a`` to the world at seq ``b``.

    ``changes`` holds one :class:`ProcessChange` per process that differs,
    in pid order; an empty diff is falsy. ``a`` may be greater than ``b``
    (a diff backwards): ``before`` is always the world at ``a`` and
    ``after`` the world at ``b``.
    """

    a: int
    b: int
    changes: tuple[ProcessChange, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def get(self, pid: int) -> ProcessChange | None:
        """The change of ``pid``, or None if it did not change."""
        for change in self.changes:
            if change.pid == pid:
                return change
        return None

    @property
    def pids(self) -> tuple[int, ...]:
        """The pids that changed."""
        return tuple(change.pid for change in self.changes)
