"""What the debugger watches (``W``), so that ``}`` and ``{`` jump to its changes.

A :class:`Watched` is one of the engine's watches
(:class:`~chronoflow.inspect.ProcessWatch`, :class:`~chronoflow.inspect.MessageWatch`)
with the words the chooser and the status bar show for it. :func:`choices`
offers, for the selected process, its status and its inbox, and, when the
current signal is about a message (the SEND, DELIVER, trapped EXIT or
DOWN that made it, or a RECEIVE, DROP or BACKOFF naming it), where that
message is delivered, received or dropped. The jumps themselves are the
engine's :meth:`Timeline.next_change <chronoflow.inspect.Timeline.next_change>`
and ``previous_change``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chronoflow.inspect import (
    Aspect,
    ChronoflowError,
    MessageEvent,
    MessageWatch,
    ProcessWatch,
    Signal,
    SignalType,
    Timeline,
    Watch,
)

#: Signal types whose data names a message by its id.
_NAMES_A_MESSAGE = frozenset({SignalType.RECEIVE, SignalType.DROP, SignalType.BACKOFF})
#: Signal types whose own seq may be a message's id.
_MAKES_A_MESSAGE = frozenset(
    {SignalType.SEND, SignalType.DELIVER, SignalType.EXIT, SignalType.DOWN}
)


@dataclass(frozen=True)
class Watched:
    """A watch and how it reads: ``status of Client[1]``."""

    watch: Watch
    label: str
    #: What the chooser says it does.
    hint: str = ""


def message_about(timeline: Timeline, signal: Signal | None) -> int | None:
    """The id of the message ``signal`` makes or names, if it is one the engine can trace."""
    if signal is None:
        return None
    if signal.type in _NAMES_A_MESSAGE:
        data = signal.data
        found = data.get("id") if isinstance(data, dict) else data
    elif signal.type in _MAKES_A_MESSAGE:
        found = signal.seq
    else:
        return None
    if not isinstance(found, int):
        return None
    try:
        timeline.trace(found)  # a trapped EXIT makes one, an ignored one does not
    except ChronoflowError:
        return None
    return found


def choices(process: tuple[int, str] | None, message: int | None) -> list[Watched]:
    """What may be watched: ``process`` is ``(pid, name)`` of the selected
    process, ``message`` the id of the message the current signal is about."""
    found = []
    if process is not None:
        pid, name = process
        found += [
            Watched(
                ProcessWatch(pid, Aspect.STATUS),
                f"status of {name}",
                "running, ready, waiting, … changes",
            ),
            Watched(
                ProcessWatch(pid, Aspect.INBOX),
                f"inbox of {name}",
                "a message arrives in it or leaves it",
            ),
        ]
    if message is not None:
        found += [
            Watched(MessageWatch(message, frozenset({event})), f"message #{message} {event.value}")
            for event in MessageEvent
        ]
        found.append(
            Watched(
                MessageWatch(message),
                f"message #{message}",
                "delivered, received or dropped",
            )
        )
    return found
