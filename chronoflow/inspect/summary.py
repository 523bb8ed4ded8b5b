"""One line of plain text per signal, for timeline rows and search results.

:func:`summary` reads only the signal itself (no world state), so a front
end can describe thousands of rows cheaply. Every value and name in it is
shortened by :mod:`chronoflow.inspect.excerpt` (three levels deep, six
entries, forty characters a string, a small dict's keys sorted, as
:mod:`reprlib` shows them), so a line costs little however deep or
big the signal's data; the text is data, to be shown literally, never as
markup. A type newer than this program is named ``TYPE#n``
(:func:`type_name`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chronoflow.inspect.excerpt import excerpt
from chronoflow.signals import Signal, SignalType

#: The characters of one short value in a summary.
SHORT_LIMIT = 80


def seq_span(length: int) -> str:
    """The seqs of a recording of ``length`` seqs, ``"0–17"`` (``"none"`` if empty)."""
    return f"0–{length - 1:,}" if length > 0 else "none"


def seq_among(seq: int, length: int) -> str:
    """``"seq 13 of 0–17"``: how the debugger and the command line both name a
    seq among the recording's (``"no signals"`` for an empty recording)."""
    if length <= 0:
        return "no signals"
    return f"seq {seq:,} of {seq_span(length)}"


def type_name(kind: int) -> str:
    """The name of a signal type, or ``TYPE#n`` for a number newer than this
    program (a recording of a newer minor format version holds such signals)."""
    try:
        return SignalType(kind).name
    except ValueError:
        return f"TYPE#{kind}"


def short(value: Any, *, raw: bool = False) -> str:
    """A short ``repr`` of ``value`` (long strings and containers are cut with
    ``...``); ``raw``: ``value`` is in the fold's raw form."""
    return excerpt(value, SHORT_LIMIT, depth=3, items=6, string=40, raw=raw, sort=True)


def _text(value: Any, limit: int = 60) -> str:
    """A string as it is (cut to ``limit``), anything else as its short repr."""
    if not isinstance(value, str):
        return short(value)
    # Why cut before replacing: the string may be megabytes long.
    line = value[: limit + 1].replace("\n", " ")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _args(values: Any) -> str:
    if not isinstance(values, list | tuple):
        return short(values)
    return ", ".join(short(v) for v in values[:4]) + (", ..." if len(values) > 4 else "")


def _get(data: Any, key: str, default: Any = None) -> Any:
    return data.get(key, default) if isinstance(data, dict) else default


def _field(data: Any, key: str, default: Any = None) -> str:
    """A field of ``data`` as short text (see :func:`_text`)."""
    return _text(_get(data, key, default))


def _start(d: Any) -> str:
    parent = _get(d, "parent")
    text = f"start {_field(d, 'template', '?')}({_args(_get(d, 'args', ()))})"
    return text if parent is None else f"{text} child of {_text(parent)}"


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
    to = _field(d, "to")
    if not into:
        where = "→ outbox" if _get(d, "to") is None else f"→ {to} (not delivered)"
    else:
        where = f"→ {to} into {short(into)}" if _get(d, "to") is not None else f"into {short(into)}"
    return f"send {message_text(_get(d, 'msg'))} {where}{_examined(d)}"


def _call(message: Any) -> tuple[str, Any, Any] | None:
    """``("call", request, ref)`` for the request of a ``call``, ``("reply",
    value, ref)`` for its reply (``("$call", (caller, ref), request)``,
    ``("$reply", ref, value)``), else None."""
    if not isinstance(message, tuple | list) or len(message) != 3:
        return None
    tag, head, body = message
    if tag == "$call" and isinstance(head, tuple | list) and len(head) == 2:
        return "call", body, head[1]
    if tag == "$reply":
        return "reply", body, head
    return None


def message_text(message: Any) -> str:
    """A message's short text: a call's request as ``call ('deposit', 5) (ref
    @12)``, its reply as ``reply 'ok' (ref @12)``, any other as its short repr."""
    call = _call(message)
    if call is None:
        return short(message)
    what, value, ref = call
    return f"{what} {short(value)} (ref @{_text(ref)})"


def name_line(kind: int, data: Any, by: str | None = None) -> str:
    """A REGISTER or UNREGISTER: ``register alice``; registered by another
    process, ``register alice (by 1)`` (``by``: how to name that process
    instead of its pid), by code outside the processes ``(from outside)``."""
    verb = "register" if kind == SignalType.REGISTER else "unregister"
    text = f"{verb} {_field(data, 'name')}"
    if not isinstance(data, dict) or "by" not in data:
        return text
    who = data["by"]
    if who is None:
        return f"{text} (from outside)"
    return f"{text} (by {_text(who) if by is None else by})"


def _result(d: Any) -> str:
    use = _field(d, "use")
    if isinstance(d, dict) and "error" in d:
        return f"use @{use} failed: {_field(d, 'error')}: {_text(_get(d, 'message', ''))}"
    return f"result of use @{use} = {short(_get(d, 'value'))}"


def _wait(d: Any) -> str:
    if d is None:
        return "wait (receive)"
    if not isinstance(d, dict):
        return f"wait {short(d)}"
    if "join" in d:
        return f"wait join {_text(d['join'])}"
    if "sleep" in d:
        return f"sleep {_field(d, 'sleep')}s"
    text = (
        f"wait {_field(d, 'mode')} {_field(d, 'match', '?')}" if "mode" in d else "wait (receive)"
    )
    if "call" in d:
        text = f"wait call {_field(d, 'call')} ({text.removeprefix('wait ')})"
    return text if "timeout" not in d else f"{text} timeout {_field(d, 'timeout')}s"


def _kill(d: Any) -> str:
    by = _get(d, "from")
    text = f"killed: {_text(_get(d, 'reason', ''))}"
    return text if by is None else f"{text} (by {_text(by)})"


def _exit(d: Any) -> str:
    action = _get(d, "action", "?")
    where = "trapped as a message" if action == "trap" else "ignored"
    return f"exit from {_field(d, 'from')}: {_text(_get(d, 'reason'))} ({where}){_examined(d)}"


def _restart(d: Any) -> str:
    new = _get(d, "new")
    then = "not restarted" if new is None else f"→ {_text(new)}"
    return (
        f"restart {_text(_get(d, 'child'))}: {_field(d, 'old')} {then} "
        f"({_text(_get(d, 'reason'))}, restarts {_field(d, 'restarts')})"
    )


def _crash(d: Any) -> str:
    return f"crash {_field(d, 'error', '?')}: {_text(_get(d, 'message', ''))}"


_FORMATS: dict[SignalType, Callable[[Any], str]] = {
    SignalType.START: _start,
    SignalType.SPAWN: lambda d: f"spawn {_field(d, 'child')} {_field(d, 'template', '?')}",
    SignalType.JOIN: lambda d: f"join {_field(d, 'child')} = {short(_get(d, 'result'))}",
    SignalType.TRANSITION: lambda d: (
        f"transition → {_field(d, 'template', '?')}({_args(_get(d, 'args', ()))})"
    ),
    SignalType.USE: lambda d: f"use {_field(d, 'fn', '?')}({_args(_get(d, 'args', ()))})",
    SignalType.SEND: _send,
    SignalType.STOP: lambda d: f"stop = {short(_get(d, 'result'))}",
    SignalType.BACKOFF: lambda d: (
        f"backoff #{_field(d, 'id')} (inbox full: {_field(d, 'size')}/{_field(d, 'limit')})"
    ),
    SignalType.DROP: lambda d: (
        f"drop #{_field(d, 'id')} {short(_get(d, 'msg'))}"
        + (f" ({_text(_get(d, 'reason'))})" if "reason" in d else "")
    ),
    SignalType.DELIVER: lambda d: (
        f"deliver {message_text(_get(d, 'msg'))} into {short(_get(d, 'into', []))}{_examined(d)}"
    ),
    SignalType.RECEIVE: lambda d: f"receive #{_text(d)}",
    SignalType.WAIT: _wait,
    SignalType.RESULT: _result,
    SignalType.CRASH: _crash,
    SignalType.KILL: _kill,
    SignalType.LINK: lambda d: f"link with {_field(d, 'with')}",
    SignalType.UNLINK: lambda d: f"unlink {_field(d, 'with')}",
    SignalType.MONITOR: lambda d: f"monitor {_field(d, 'target')} (ref @{_field(d, 'ref')})",
    SignalType.DEMONITOR: lambda d: f"demonitor @{_field(d, 'ref')}",
    SignalType.EXIT: _exit,
    SignalType.DOWN: lambda d: (
        f"down: {_field(d, 'target')} ended ({_text(_get(d, 'reason'))}), "
        f"monitor @{_field(d, 'ref')}{_examined(d)}"
    ),
    SignalType.TRAP: lambda d: f"trap exits {'on' if _get(d, 'trap') else 'off'}",
    SignalType.TIMEOUT: lambda d: f"timeout of wait @{_field(d, 'wait')}",
    SignalType.NOW: lambda d: f"now = {_field(d, 'time')}",
    SignalType.RESTART: _restart,
    SignalType.RETRY: lambda d: (
        f"retry use @{_field(d, 'use')} "
        f"(attempt {_field(d, 'attempt')}, after {_field(d, 'delay')}s)"
    ),
    SignalType.STUCK: lambda d: f"stuck {_field(d, 'seconds')}s at {_field(d, 'where')}",
    SignalType.REGISTER: lambda d: name_line(SignalType.REGISTER, d),
    SignalType.UNREGISTER: lambda d: name_line(SignalType.UNREGISTER, d),
}


def summary(signal: Signal) -> str:
    """One line describing ``signal``, e.g. ``send 'ping' → 3 into [3, 4]``.

    Messages are named ``#id`` (their identity), ``use`` calls ``@seq``.
    """
    try:
        kind = SignalType(signal.type)
    except ValueError:
        return f"signal of unknown type {_text(signal.type)}: {short(signal.data)}"
    describe = _FORMATS.get(kind)
    if describe is None:
        return (
            kind.name.lower()
            if signal.data is None
            else f"{kind.name.lower()} {short(signal.data)}"
        )
    try:
        return describe(signal.data)
    except Exception:  # why so broad: data from a damaged file must still get a line
        return f"{kind.name.lower()} (malformed data {short(signal.data)})"
