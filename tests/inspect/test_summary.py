"""One-line summaries of every signal type, short and literal."""

from __future__ import annotations

import pytest

from chronoflow.inspect import summary
from chronoflow.signals import Signal, SignalType

S = SignalType


@pytest.mark.parametrize(
    ("kind", "data", "text"),
    [
        (S.START, {"template": "Echo", "args": [1, "x"], "parent": None}, "start Echo(1, 'x')"),
        (S.START, {"template": "Kid", "args": [], "parent": 2}, "start Kid() child of 2"),
        (S.SPAWN, {"child": 4, "template": "Kid"}, "spawn 4 Kid"),
        (S.JOIN, {"child": 4, "result": "ok"}, "join 4 = 'ok'"),
        (S.TRANSITION, {"template": "Next", "args": [3]}, "transition → Next(3)"),
        (S.USE, {"fn": "mod.fetch", "args": ["u"]}, "use mod.fetch('u')"),
        (S.SEND, {"msg": "ping", "to": 3, "into": [3, 4]}, "send 'ping' → 3 into [3, 4]"),
        (S.SEND, {"msg": "ping", "to": None, "into": []}, "send 'ping' → outbox"),
        (S.SEND, {"msg": "ping", "to": 9, "into": []}, "send 'ping' → 9 (not delivered)"),
        (S.STOP, {"result": [1, 2]}, "stop = [1, 2]"),
        (S.BACKOFF, {"id": 7, "size": 3, "limit": 3}, "backoff #7 (inbox full: 3/3)"),
        (S.DROP, {"id": 7, "msg": 12}, "drop #7 12"),
        (S.DROP, {"id": 7, "msg": 12, "reason": "inbox full"}, "drop #7 12 (inbox full)"),
        (S.DELIVER, {"msg": "hi", "into": [0]}, "deliver 'hi' into [0]"),
        (S.RECEIVE, 17, "receive #17"),
        (S.WAIT, None, "wait (receive)"),
        (S.WAIT, {"mode": "select", "match": "is_reply"}, "wait select is_reply"),
        (S.WAIT, {"join": 5}, "wait join 5"),
        (S.RESULT, {"use": 4, "value": 8}, "result of use @4 = 8"),
        (S.RESULT, {"use": 4, "error": "KeyError", "message": "x"}, "use @4 failed: KeyError: x"),
        (
            S.CRASH,
            {"error": "ValueError", "message": "bad", "traceback": "..."},
            "crash ValueError: bad",
        ),
        (S.KILL, {"reason": "parent 1 ended"}, "killed: parent 1 ended"),
    ],
)
def test_each_type_has_its_line(kind: SignalType, data: object, text: str) -> None:
    assert summary(Signal(0, 1, kind, data)) == text


def test_long_values_are_shortened_and_markup_is_left_alone() -> None:
    line = summary(Signal(0, 1, S.SEND, {"msg": "[bold]x[/]" * 20, "to": 1, "into": [1]}))
    assert line.startswith("send '[bold]x[/]")
    assert "..." in line
    assert len(line) < 80


def test_malformed_and_unknown_signals_still_get_a_line() -> None:
    assert summary(Signal(0, 1, S.SPAWN, "junk")) == "spawn None ?"
    assert summary(Signal(0, 1, S.RECEIVE, None)) == "receive #None"
    assert summary(Signal(0, 1, 99, {"a": 1})) == "signal of unknown type 99: {'a': 1}"  # type: ignore[arg-type]
