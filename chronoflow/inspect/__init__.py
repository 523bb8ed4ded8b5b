"""The debugger engine: fold a recording's signals into the world at any seq.

A :class:`Timeline` opens a recording (or any :class:`SignalSource`),
indexes it in the background and answers, for any seq, the world state
(:meth:`Timeline.state_at`), what changed (:meth:`Timeline.diff`), where the
next matching signal is (:meth:`Timeline.find`) and where a message came
from and went (:meth:`Timeline.trace`, :meth:`Timeline.links`). Front ends
(the TUI, the CLI, scripts) render these answers and fold nothing
themselves. See ``docs/engine.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chronoflow.errors import ChronoflowError
from chronoflow.inspect.blocked import Pending, Timer, Why, WhyKind, why
from chronoflow.inspect.census import Census, CensusRow
from chronoflow.inspect.errors import (
    MissingSeqError,
    NotAMessageError,
    QueryError,
    SeqOutOfRangeError,
)
from chronoflow.inspect.excerpt import (
    NAME_LIMIT,
    TEXT_LIMIT,
    TRACEBACK_LIMIT,
    excerpt,
    excerpt_lines,
    text_of,
)
from chronoflow.inspect.export import Exported, export
from chronoflow.inspect.fold import HANDLERS, apply, fold
from chronoflow.inspect.gaps import Gap, describe_gap, gaps_warning
from chronoflow.inspect.inbox import (
    Examination,
    Mailbox,
    MailboxEntry,
    Removal,
    RemovedEntry,
    examine,
)
from chronoflow.inspect.index import (
    DEFAULT_CHECKPOINT_MEMORY,
    DEFAULT_INTERVAL,
    DEFAULT_SPILL_LIMIT,
)
from chronoflow.inspect.model import (
    CausalLink,
    Crash,
    Hop,
    HopKind,
    InboxEntry,
    MessageTrace,
    OutboxEntry,
    PendingUse,
    ProcessChange,
    ProcessState,
    Progress,
    Status,
    Wait,
    WaitMode,
    WorldDiff,
)
from chronoflow.inspect.moment_diff import (
    DEFAULT_DIFF_ROWS,
    DiffGroup,
    DiffKind,
    DiffRow,
    MomentDiff,
)
from chronoflow.inspect.overview import Overview
from chronoflow.inspect.query import Query, Term
from chronoflow.inspect.signal_text import addressee
from chronoflow.inspect.source import MemorySource, SignalSource
from chronoflow.inspect.standstill import Standstill, WaitEdge
from chronoflow.inspect.summary import seq_among, seq_span, summary, type_name
from chronoflow.inspect.timeline import Timeline
from chronoflow.inspect.watch import Aspect, MessageEvent, MessageWatch, ProcessWatch, Watch
from chronoflow.inspect.world import World
from chronoflow.recording.collector import tune_collector
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.two_runs import (
        ProcessDifference,
        RunComparison,
        RunDivergence,
        compare_runs,
    )
    from chronoflow.replay.fork import ForkReport, make_fork
    from chronoflow.replay.fork_changes import (
        DropMessage,
        ForkError,
        ReorderInbox,
        ReplaceMessage,
        UseError,
        UseResult,
    )
    from chronoflow.replay.live import Frame, LiveFrames, LiveSession

#: Names imported only when first used: live frames and forks re-execute a
#: workflow, and comparing runs uses replay's comparison, which pulls in the
#: runtime; a front end that never asks pays nothing.
_LAZY = {"Frame", "LiveFrames", "LiveSession"}
_LAZY_RUNS = {"ProcessDifference", "RunComparison", "RunDivergence", "compare_runs"}
_LAZY_FORK = {"ForkReport", "make_fork"}
_LAZY_CHANGES = {
    "DropMessage",
    "ForkError",
    "ReorderInbox",
    "ReplaceMessage",
    "UseError",
    "UseResult",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from chronoflow.replay import live

        return getattr(live, name)
    if name in _LAZY_RUNS:
        from chronoflow.inspect import two_runs

        return getattr(two_runs, name)
    if name in _LAZY_FORK:
        from chronoflow.replay import fork

        return getattr(fork, name)
    if name in _LAZY_CHANGES:
        from chronoflow.replay import fork_changes

        return getattr(fork_changes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_CHECKPOINT_MEMORY",
    "DEFAULT_DIFF_ROWS",
    "DEFAULT_INTERVAL",
    "DEFAULT_SPILL_LIMIT",
    "HANDLERS",
    "NAME_LIMIT",
    "TEXT_LIMIT",
    "TRACEBACK_LIMIT",
    "Aspect",
    "CausalLink",
    "Census",
    "CensusRow",
    "ChronoflowError",
    "Crash",
    "DiffGroup",
    "DiffKind",
    "DiffRow",
    "DropMessage",
    "Examination",
    "Exported",
    "ForkError",
    "ForkReport",
    "Frame",
    "Gap",
    "Hop",
    "HopKind",
    "InboxEntry",
    "LiveFrames",
    "LiveSession",
    "Mailbox",
    "MailboxEntry",
    "MemorySource",
    "MessageEvent",
    "MessageTrace",
    "MessageWatch",
    "MissingSeqError",
    "MomentDiff",
    "NotAMessageError",
    "OutboxEntry",
    "Overview",
    "Pending",
    "PendingUse",
    "ProcessChange",
    "ProcessDifference",
    "ProcessState",
    "ProcessWatch",
    "Progress",
    "Query",
    "QueryError",
    "Removal",
    "RemovedEntry",
    "ReorderInbox",
    "ReplaceMessage",
    "RunComparison",
    "RunDivergence",
    "SeqOutOfRangeError",
    "Signal",
    "SignalSource",
    "SignalType",
    "Standstill",
    "Status",
    "Term",
    "Timeline",
    "Timer",
    "UseError",
    "UseResult",
    "Wait",
    "WaitEdge",
    "WaitMode",
    "Watch",
    "Why",
    "WhyKind",
    "World",
    "WorldDiff",
    "addressee",
    "apply",
    "compare_runs",
    "describe_gap",
    "examine",
    "excerpt",
    "excerpt_lines",
    "export",
    "fold",
    "gaps_warning",
    "make_fork",
    "seq_among",
    "seq_span",
    "summary",
    "text_of",
    "tune_collector",
    "type_name",
    "why",
]
