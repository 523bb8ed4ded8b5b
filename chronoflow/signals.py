"""Signals: the plain records every process event becomes.

A signal is immutable data with no behaviour and no I/O: a global ``seq``
(the total order of one scheduler or standalone process tree), the ``pid``
of the process it belongs to, its ``type``, an optional ``data`` payload
whose shape depends on the type (see :data:`DATA_SHAPES` and
``docs/signals.md``), and a timestamp from the runtime's clock.

The first nine types keep the names and numbers of the original library;
the types that make a recording self-contained (deliveries, receives,
waits, ``use`` results, crashes, kills) are appended after ``DROP``.

Message identity: a message is identified by the ``seq`` of the signal
that created it, the SEND of a process or the DELIVER of an external push.
RECEIVE, DROP and BACKOFF name messages by that identity.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, NamedTuple


class SignalType(IntEnum):
    """What happened. Numbers are part of the recording format: append only."""

    START = 0
    SPAWN = 1
    JOIN = 2
    TRANSITION = 3
    USE = 4
    SEND = 5
    STOP = 6
    BACKOFF = 7
    DROP = 8
    DELIVER = 9
    RECEIVE = 10
    WAIT = 11
    RESULT = 12
    CRASH = 13
    KILL = 14
    LINK = 15
    UNLINK = 16
    MONITOR = 17
    DEMONITOR = 18
    EXIT = 19
    DOWN = 20
    TRAP = 21
    TIMEOUT = 22
    NOW = 23
    RESTART = 24
    RETRY = 25
    STUCK = 26
    REGISTER = 27
    UNREGISTER = 28


def type_name(kind: int) -> str:
    """The name of a signal type, or ``TYPE#n`` for a number newer than this
    program (a recording from a newer writer holds such signals)."""
    try:
        return SignalType(kind).name
    except ValueError:
        return f"TYPE#{kind}"


class Signal(NamedTuple):
    """One event of one process, at one position of the total order.

    A ``NamedTuple`` so that it is immutable, cheap to create on the hot
    path, and packs as a plain array.
    """

    seq: int
    pid: int
    #: A :class:`SignalType`; a plain int for a type newer than this program.
    type: SignalType
    data: Any = None
    ts: float = 0.0

    def __repr__(self) -> str:
        kind = type_name(self.type)
        if self.data is None:
            return f"Signal(seq={self.seq}, pid={self.pid}, {kind})"
        return f"Signal(seq={self.seq}, pid={self.pid}, {kind}, data={self.data!r})"


#: The shape of ``data`` for every signal type, as documented for readers of
#: recordings.  Keys in angle brackets are optional.
DATA_SHAPES: dict[SignalType, str] = {
    SignalType.START: (
        "{'template': name, 'module': str, 'qualname': str, 'args': list, 'parent': pid | None}"
    ),
    SignalType.SPAWN: "{'child': pid, 'template': name}",
    SignalType.JOIN: "{'child': pid, 'result': value}",
    SignalType.TRANSITION: ("{'template': name, 'module': str, 'qualname': str, 'args': list}"),
    SignalType.USE: "{'fn': qualified name, 'args': list}",
    SignalType.SEND: (
        "{'msg': value, 'to': routed pid | None, 'into': [pid, ...]}, plus "
        "'matched': [pid, ...] and 'raised': [[pid, type name], ...] when it "
        "arrived at processes blocked in a selective receive that accepted it "
        "(or whose pattern raised on it) "
        "(the message's identity is this signal's seq; 'into' lists every "
        "inbox it was delivered to, the routed process and its live "
        "descendants)"
    ),
    SignalType.STOP: "{'result': value}",
    SignalType.BACKOFF: (
        "{'id': message id, 'size': inbox size, 'limit': int} "
        "(the inbox of pid was full: the message was not put in it)"
    ),
    SignalType.DROP: (
        "{'id': message id, 'msg': value}, plus 'reason': 'inbox full' when a full "
        "inbox dropped it (drop-oldest, drop-newest) rather than a filter"
    ),
    SignalType.DELIVER: (
        "{'msg': value, 'into': [pid, ...]}, plus 'matched' and 'raised' as for SEND "
        "(an external push; its seq is the message's identity)"
    ),
    SignalType.RECEIVE: "message id (taken out of the inbox of pid)",
    SignalType.WAIT: (
        "None (plain receive) | {'mode': 'select' | 'filter', 'match': name} | {'join': pid} "
        "| {'sleep': seconds}; a receive with a timeout adds 'timeout': seconds; "
        "the receive of a call adds 'call': the callee's pid"
    ),
    SignalType.RESULT: (
        "{'use': seq of the USE, 'value': value} | {'use': seq, 'error': type name, 'message': str}"
    ),
    SignalType.CRASH: "{'error': type name, 'message': str, 'traceback': str}",
    SignalType.KILL: (
        "{'reason': exit reason, 'from': pid | None} (ended from outside: its parent "
        "ended, an exit signal, or a kill)"
    ),
    SignalType.LINK: "{'with': pid} (a two-way link; pid is the process that linked)",
    SignalType.UNLINK: "{'with': pid}",
    SignalType.MONITOR: "{'ref': int, 'target': pid} (ref is this signal's seq)",
    SignalType.DEMONITOR: "{'ref': int}",
    SignalType.EXIT: (
        "{'from': pid, 'reason': exit reason, 'action': 'trap' | 'ignore', 'msg': "
        "('EXIT', from, reason) when trapped}, plus 'matched' and 'raised' as for SEND "
        "(an exit signal reached pid; trapped, it became a message whose identity is "
        "this seq)"
    ),
    SignalType.DOWN: (
        "{'ref': int, 'target': pid, 'reason': exit reason, 'msg': ('DOWN', ref, "
        "target, reason)}, plus 'matched' and 'raised' as for SEND (a monitor's "
        "message, identity = this seq; its sender is target)"
    ),
    SignalType.TRAP: "{'trap': bool} (whether exit signals become messages)",
    SignalType.TIMEOUT: "{'wait': seq of the WAIT whose timer fired}",
    SignalType.NOW: "{'time': float} (what self.now() returned)",
    SignalType.RESTART: (
        "{'child': child id, 'old': pid, 'new': pid | None, 'reason': exit reason, "
        "'restarts': int} (a supervisor's decision)"
    ),
    SignalType.RETRY: "{'use': seq of the USE, 'attempt': int, 'delay': float}",
    SignalType.STUCK: "{'seconds': float, 'where': 'file:line'} (a step ran too long)",
    SignalType.REGISTER: (
        "{'name': str}, plus 'by': pid | None when another process (a supervisor "
        "for its child) or the code outside registered it (pid now has the name)"
    ),
    SignalType.UNREGISTER: (
        "{'name': str}, plus 'by' as for REGISTER (pid no longer has the name; "
        "a name is also freed, with no signal, when its process ends)"
    ),
}
