"""One line of plain text per signal, for timeline rows and search results.

:func:`summary` reads only the signal itself (no world state), so a front
end can describe thousands of rows cheaply. Values are shortened with
:mod:`reprlib`; the text is data, to be shown literally, never as markup.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from typing import Any

from chronoflow.signals import Signal, SignalType

_repr = reprlib.Repr()
_repr.maxstring = 40
_repr.maxother = 40
_repr.maxlist = 6
_repr.maxtuple = 6
_repr.maxdict = 4
_repr.maxlevel = 3


def short(value: Any) -> str:
    """A short ``repr`` of ``value`` (long strings and containers are cut with ``...``)."""
    return _repr.repr(value)


def _text(value: Any, limit: int = 60) -> str:
    """A string as it is (cut to ``limit``), anything else as its short repr."""
    if not isinstance(value, str):
        return short(value)
    line = value.replace("\n", " ")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _args(values: Any) -> str:
    if not isinstance(values, list | tuple):
        return short(values)
    return ", ".join(short(v) for v in values[:4]) + (", ..." if len(values) > 4 else "")


def _get(data: Any, key: str, default: Any = None) -> Any:
    return data.get(key, default) if isinstance(data, dict) else default


def _start(d: Any) -> str:
    parent = _get(d, "parent")
    text = f"start {_get(d, 'template', '?')}({_args(_get(d, 'args', ()))})"
    return text if parent is None else f"{text} child of {parent}"


def _examined(d: Any) -> str:
    """``", matched by [1]"`` for a message that blocked selective receives
    accepted (or whose pattern raised on it) as it arrived."""
    text = ""
    matched = _get(d, "matched")
    if matched:
        text += f", matched by {short(matched)}"
    raised = _get(d, "raised")
    if raised:
        text += f", pattern raised in {short(raised)}"
    return text


def _send(d: Any) -> str:
    into = _get(d, "into", [])
    to = _get(d, "to")
    if not into:
        where = "→ outbox" if to is None else f"→ {to} (not delivered)"
    else:
        where = f"→ {to} into {short(into)}" if to is not None else f"into {short(into)}"
    return f"send {short(_get(d, 'msg'))} {where}{_examined(d)}"


def _result(d: Any) -> str:
    use = _get(d, "use")
    if "error" in (d if isinstance(d, dict) else {}):
        return f"use @{use} failed: {_get(d, 'error')}: {_text(_get(d, 'message', ''))}"
    return f"result of use @{use} = {short(_get(d, 'value'))}"


def _wait(d: Any) -> str:
    if d is None:
        return "wait (receive)"
    if "join" in d:
        return f"wait join {d['join']}"
    if "sleep" in d:
        return f"sleep {_get(d, 'sleep')}s"
    text = f"wait {_get(d, 'mode')} {_get(d, 'match', '?')}" if "mode" in d else "wait (receive)"
    return text if "timeout" not in d else f"{text} timeout {_get(d, 'timeout')}s"


def _kill(d: Any) -> str:
    by = _get(d, "from")
    text = f"killed: {_text(_get(d, 'reason', ''))}"
    return text if by is None else f"{text} (by {by})"


def _exit(d: Any) -> str:
    action = _get(d, "action", "?")
    where = "trapped as a message" if action == "trap" else "ignored"
    return f"exit from {_get(d, 'from')}: {_text(_get(d, 'reason'))} ({where}){_examined(d)}"


def _restart(d: Any) -> str:
    new = _get(d, "new")
    then = "not restarted" if new is None else f"→ {new}"
    return (
        f"restart {_text(_get(d, 'child'))}: {_get(d, 'old')} {then} "
        f"({_text(_get(d, 'reason'))}, restarts {_get(d, 'restarts')})"
    )


def _crash(d: Any) -> str:
    return f"crash {_get(d, 'error', '?')}: {_text(_get(d, 'message', ''))}"


_FORMATS: dict[SignalType, Callable[[Any], str]] = {
    SignalType.START: _start,
    SignalType.SPAWN: lambda d: f"spawn {_get(d, 'child')} {_get(d, 'template', '?')}",
    SignalType.JOIN: lambda d: f"join {_get(d, 'child')} = {short(_get(d, 'result'))}",
    SignalType.TRANSITION: lambda d: (
        f"transition → {_get(d, 'template', '?')}({_args(_get(d, 'args', ()))})"
    ),
    SignalType.USE: lambda d: f"use {_get(d, 'fn', '?')}({_args(_get(d, 'args', ()))})",
    SignalType.SEND: _send,
    SignalType.STOP: lambda d: f"stop = {short(_get(d, 'result'))}",
    SignalType.BACKOFF: lambda d: (
        f"backoff #{_get(d, 'id')} (inbox full: {_get(d, 'size')}/{_get(d, 'limit')})"
    ),
    SignalType.DROP: lambda d: (
        f"drop #{_get(d, 'id')} {short(_get(d, 'msg'))}"
        + (f" ({_text(_get(d, 'reason'))})" if "reason" in d else "")
    ),
    SignalType.DELIVER: lambda d: (
        f"deliver {short(_get(d, 'msg'))} into {short(_get(d, 'into', []))}{_examined(d)}"
    ),
    SignalType.RECEIVE: lambda d: f"receive #{d}",
    SignalType.WAIT: _wait,
    SignalType.RESULT: _result,
    SignalType.CRASH: _crash,
    SignalType.KILL: _kill,
    SignalType.LINK: lambda d: f"link with {_get(d, 'with')}",
    SignalType.UNLINK: lambda d: f"unlink {_get(d, 'with')}",
    SignalType.MONITOR: lambda d: f"monitor {_get(d, 'target')} (ref @{_get(d, 'ref')})",
    SignalType.DEMONITOR: lambda d: f"demonitor @{_get(d, 'ref')}",
    SignalType.EXIT: _exit,
    SignalType.DOWN: lambda d: (
        f"down: {_get(d, 'target')} ended ({_text(_get(d, 'reason'))}), "
        f"monitor @{_get(d, 'ref')}{_examined(d)}"
    ),
    SignalType.TRAP: lambda d: f"trap exits {'on' if _get(d, 'trap') else 'off'}",
    SignalType.TIMEOUT: lambda d: f"timeout of wait @{_get(d, 'wait')}",
    SignalType.NOW: lambda d: f"now = {_get(d, 'time')}",
    SignalType.RESTART: _restart,
    SignalType.RETRY: lambda d: (
        f"retry use @{_get(d, 'use')} (attempt {_get(d, 'attempt')}, after {_get(d, 'delay')}s)"
    ),
    SignalType.STUCK: lambda d: f"stuck {_get(d, 'seconds')}s at {_get(d, 'where')}",
}


def summary(signal: Signal) -> str:
    """One line describing ``signal``, e.g. ``send 'ping' → 3 into [3, 4]``.

    Messages are named ``#id`` (their identity), ``use`` calls ``@seq``.
    """
    try:
        kind = SignalType(signal.type)
    except ValueError:
        return f"signal of unknown type {signal.type!r}: {short(signal.data)}"
    describe = _FORMATS.get(kind)
    if describe is None:
        return (
            kind.name.lower()
            if signal.data is None
            else f"{kind.name.lower()} {short(signal.data)}"
        )
    try:
        return describe(signal.data)
    except (TypeError, KeyError, AttributeError):
        return f"{kind.name.lower()} (malformed data {short(signal.data)})"
