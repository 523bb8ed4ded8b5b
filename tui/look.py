"""How statuses and signal types look: one symbol and one colour each.

A student must tell a waiting process from a joining one at a glance, so
every :class:`~chronoflow.inspect.Status` has its own symbol *and* colour
(and its label is printed next to it, so colour is never the only cue).
Signal types get a colour in the timeline so that sends, receives and waits
form visible patterns.
"""

from __future__ import annotations

from typing import NamedTuple

from chronoflow.inspect import Examination, SignalType, Status
from chronoflow.inspect import type_name as engine_type_name


class StatusLook(NamedTuple):
    """The symbol and Rich style of one status."""

    symbol: str
    style: str


#: The look of a status this program does not know yet (the engine may add some).
UNKNOWN_LOOK = StatusLook("?", "bold")

STATUS_LOOKS: dict[Status, StatusLook] = {
    Status.RUNNING: StatusLook("▶", "bold green"),
    Status.READY: StatusLook("▷", "bold green"),
    Status.WAITING: StatusLook("○", "bold yellow"),
    Status.USING: StatusLook("◆", "bold magenta"),
    Status.JOINING: StatusLook("◇", "bold cyan"),
    Status.SLEEPING: StatusLook("◌", "bold blue"),
    Status.STOPPED: StatusLook("✓", "bright_black"),
    Status.CRASHED: StatusLook("✗", "bold red"),
    Status.KILLED: StatusLook("†", "dark_orange"),
}


#: How the mailbox marks what a receive knows of each message.
EXAMINATION_STYLES: dict[Examination, str] = {
    Examination.UNEXAMINED: "dim",
    Examination.PASSED_OVER: "yellow",
    Examination.MATCHES: "bold green",
    Examination.RAISED: "bold red",
}


def status_look(status: Status) -> StatusLook:
    """The symbol and style of ``status`` (a neutral one for a status added later)."""
    return STATUS_LOOKS.get(status, UNKNOWN_LOOK)


TYPE_STYLES: dict[SignalType, str] = {
    SignalType.START: "green",
    SignalType.SPAWN: "green",
    SignalType.JOIN: "cyan",
    SignalType.TRANSITION: "bright_green",
    SignalType.USE: "magenta",
    SignalType.SEND: "bright_blue",
    SignalType.STOP: "bright_black",
    SignalType.BACKOFF: "red",
    SignalType.DROP: "red",
    SignalType.DELIVER: "bright_blue",
    SignalType.RECEIVE: "bright_cyan",
    SignalType.WAIT: "yellow",
    SignalType.RESULT: "magenta",
    SignalType.CRASH: "bold red",
    SignalType.KILL: "dark_orange",
    SignalType.LINK: "cyan",
    SignalType.UNLINK: "cyan",
    SignalType.MONITOR: "cyan",
    SignalType.DEMONITOR: "cyan",
    SignalType.EXIT: "red",
    SignalType.DOWN: "red",
    SignalType.TRAP: "yellow",
    SignalType.TIMEOUT: "yellow",
    SignalType.NOW: "bright_black",
    SignalType.REGISTER: "bright_magenta",
    SignalType.UNREGISTER: "bright_magenta",
}


def type_name(kind: int) -> str:
    """The name of a signal type, or ``TYPE#n`` for a type newer than this
    program (the engine's :func:`~chronoflow.inspect.type_name`)."""
    return engine_type_name(kind)


def type_style(kind: int) -> str:
    """The timeline colour of a signal type (plain for unknown types)."""
    try:
        return TYPE_STYLES.get(SignalType(kind), "")
    except ValueError:
        return ""


def relative_time(ts: float, origin: float) -> str:
    """A timestamp as seconds since the first signal, ``+0.125s``; on a virtual
    clock, its own reading, ``t=60.000s`` (what ``self.now()`` returned).

    Why relative: absolute wall-clock times say little when stepping
    through a run, and a relative time reads the same on every replay. A
    virtual clock's readings are the program's own time (timeouts, sleeps),
    so they are shown as they are.
    """
    if origin == 0.0:  # a VirtualClock starts at 0, which no wall clock reads
        return f"t={ts:.3f}s"
    return f"+{ts - origin:.3f}s"
