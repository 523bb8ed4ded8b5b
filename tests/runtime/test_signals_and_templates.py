"""Signal types keep the original's numbers; templates carry their metadata."""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, ProcessTemplate, Signal, SignalType, Transition, template


def test_signal_types_keep_the_original_numbers() -> None:
    original = ["START", "SPAWN", "JOIN", "TRANSITION", "USE", "SEND", "STOP", "BACKOFF", "DROP"]
    assert [SignalType(i).name for i in range(9)] == original
    appended = [t for t in SignalType if t.value >= 9]
    assert [t.value for t in appended] == list(range(9, 9 + len(appended)))


def test_signal_is_immutable_plain_data() -> None:
    signal = Signal(3, 1, SignalType.SEND, {"msg": "x"}, 2.0)
    with pytest.raises(AttributeError):
        signal.seq = 4  # type: ignore[misc]
    assert tuple(signal) == (3, 1, SignalType.SEND, {"msg": "x"}, 2.0)
    assert repr(signal) == "Signal(seq=3, pid=1, SEND, data={'msg': 'x'})"


@template
def Plain(self: Process) -> Generator[Any, Any, None]:
    yield self.receive()


def _route(message: Any) -> int:
    return 7


@template(route=_route, inbox_limit=3)
def Configured(self: Process) -> Generator[Any, Any, None]:
    yield self.receive()


def test_template_metadata_and_options() -> None:
    assert isinstance(Plain, ProcessTemplate)
    assert (Plain.name, Plain.module, Plain.qualname) == (
        "Plain",
        __name__,
        "Plain",
    )
    assert Plain.route is None
    assert Configured.route is _route
    assert Configured.inbox_limit == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        Plain.name = "Other"  # type: ignore[misc]


def test_template_needs_a_generator_function() -> None:
    def not_a_generator(self: Process) -> None:
        return None

    with pytest.raises(TypeError, match="generator function"):
        template(not_a_generator)  # type: ignore[arg-type]


def test_transition_needs_a_template() -> None:
    transition = Transition(Plain, 1, "two")
    assert transition.template is Plain
    assert transition.args == (1, "two")
    with pytest.raises(TypeError, match="ProcessTemplate"):
        Transition(len)  # type: ignore[arg-type]
