"""A census of the processes at one seq: one small row each, for a process table.

:func:`census` lists every process started by a seq with what an
observer-style table sorts and filters by: its pid, template, registered
name, status, inbox length and how many signals it has made so far. The
rows are read from the fold's records directly, so a world of thousands
of processes costs no :class:`~chronoflow.inspect.model.ProcessState` (whose
inbox would be turned into values message by message); the signal counts
come from the index's pid column (:mod:`~chronoflow.inspect.signal_counts`).
What a process waits for is :func:`~chronoflow.inspect.blocked.why` of the
world, asked for the rows a front end shows.

The inbox limit of a process is not in a recording (only a BACKOFF names
the limit it met), so a row has its inbox length alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chronoflow.inspect.excerpt import NAME_LIMIT, text_of
from chronoflow.inspect.fold import state_of
from chronoflow.inspect.model import Status
from chronoflow.inspect.state import STATUSES, status_code

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline
    from chronoflow.inspect.world import World


@dataclass(frozen=True, slots=True)
class CensusRow:
    """One process at a census's seq."""

    pid: int
    template: str
    #: The name it is registered under at that seq, or None.
    registered_name: str | None
    status: Status
    #: Messages in its inbox.
    inbox: int
    #: Its signals at seqs up to the census's seq.
    signals: int
    #: The seq of its START, and of its end (None: alive).
    started: int
    ended: int | None

    @property
    def alive(self) -> bool:
        """True until it stops, crashes or is killed."""
        return self.ended is None


@dataclass(frozen=True, slots=True)
class Census:
    """Every process started by ``seq``, in START order; ``named`` is True when
    the recording registers names (as far as it is indexed)."""

    seq: int
    rows: tuple[CensusRow, ...]
    named: bool
    #: The world the rows were read from (for :func:`~chronoflow.inspect.blocked.why`).
    world: World


def _name(raw: Any) -> str:
    if type(raw) is str and len(raw) <= NAME_LIMIT:
        return raw
    return text_of(raw, NAME_LIMIT, raw=True)


def census(timeline: Timeline, seq: int) -> Census:
    """The census of the world at ``seq`` (``-1``: the empty world)."""
    world = timeline.state_at(seq)
    tally = timeline.signal_counts.upto(seq)
    rows = []
    for pid, record in state_of(world).procs.items():
        registered = record.registered
        rows.append(
            CensusRow(
                pid=pid,
                template=_name(record.template),
                registered_name=None if registered is None else _name(registered),
                status=STATUSES[status_code(record)],
                inbox=len(record.inbox),
                signals=tally[pid],
                started=record.started,
                ended=record.ended,
            )
        )
    named = bool(timeline.index.history.names)
    return Census(seq, tuple(rows), named, world)
