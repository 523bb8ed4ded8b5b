"""A signal's one line with what the timeline knows beyond the signal itself.

:func:`~chronoflow.inspect.summary.summary` reads the signal alone, which
is enough for most. A few read better with the world around them, which
only the index knows: a message sent or pushed to a process that had
ended, or to a pid no process ever had, reached no inbox
(``send 'ping' to Worker[4], which ended at seq 80``, ``deliver 'x' to pid
9, which never existed``); and a name registered by another process names
it (``register worker_a (by Supervisor[1])``). :func:`describe` gives that
line (:meth:`Timeline.describe <chronoflow.inspect.timeline.Timeline.describe>`),
:func:`recipient` the part about where the message went, for the causal
links, and :func:`addressee` whom any message was routed to (the pending
report's outbox).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chronoflow.inspect.summary import message_text, name_line, summary
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline

_S = SignalType
_MESSAGES = frozenset({_S.SEND, _S.DELIVER})
_NAMING = frozenset({_S.REGISTER, _S.UNREGISTER})


def describe(timeline: Timeline, signal: Signal) -> str:
    """The one line of ``signal`` (see the module docstring): its
    :func:`~chronoflow.inspect.summary.summary`, but for the signals the
    timeline says more about."""
    kind, data = signal.type, signal.data
    if kind in _MESSAGES and isinstance(data, dict) and not data.get("into"):
        to = data.get("to")
        where = None if type(to) is not int else recipient(timeline, to, signal.seq)
        if where is not None:
            verb = "send" if kind == _S.SEND else "deliver"
            return f"{verb} {message_text(data.get('msg'))} to {where}"
    if kind in _NAMING and isinstance(data, dict) and type(data.get("by")) is int:
        return name_line(kind, data, timeline.name_of(data["by"], signal.seq))
    return summary(signal)


def recipient(timeline: Timeline, pid: int, seq: int) -> str | None:
    """Where a message sent or pushed to ``pid`` at ``seq`` went, when it reached
    no process: ``"Worker[4], which ended at seq 80"``, ``"pid 9, which never
    existed"``; None when ``pid`` was alive then (its inbox was full) or the
    index has not reached ``seq``."""
    index = timeline.index
    if seq >= index.indexed:
        return None
    record = index.live_record(pid)
    if record is None:
        if timeline.progress.done:
            return f"pid {pid}, which never existed"
        return f"pid {pid}, which did not exist at seq {seq}"
    if record.started > seq:
        return f"{timeline.name_of(pid, seq)}, which had not started"
    ended: Any = record.ended
    if ended is not None and ended < seq:
        return f"{timeline.name_of(pid, seq)}, which ended at seq {ended}"
    return None


def addressee(timeline: Timeline, pid: int | None, seq: int) -> str:
    """To whom a message sent at ``seq`` was routed: ``"alice: Account[5]"``,
    or, when it reached no process, :func:`recipient`'s ``"Worker[4], which
    ended at seq 80"`` or ``"pid 9, which never existed"``; ``"nobody"`` for
    None (its route named no process)."""
    if pid is None:
        return "nobody"
    where = recipient(timeline, pid, seq)
    return timeline.name_of(pid, seq) if where is None else where
