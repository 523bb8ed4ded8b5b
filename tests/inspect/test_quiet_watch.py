"""QuietWatch answers quiet(state) after every signal, looking only at the
records each signal reached (find_standstill asks it after every signal)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow import Process, template
from chronoflow.inspect import Timeline, standstill
from chronoflow.inspect.fold import fold_each
from chronoflow.inspect.standstill import QuietWatch, quiet
from chronoflow.runtime import SimpleScheduler
from tests.inspect.conftest import record
from tests.inspect.random_workflows import Program, programs


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(program=programs, data=st.data())
def test_the_watch_agrees_with_quiet_after_every_signal(
    program: Program, data: st.DataObject
) -> None:
    timeline = Timeline(record(program), background=False, interval=5)
    count = len(timeline)
    start = data.draw(st.integers(0, count))
    state = timeline.index.seek(start - 1, timeline.reader.runs)
    watch = QuietWatch(state)
    assert watch.quiet() == quiet(state)
    for seq in fold_each(state, timeline.reader.runs(start, count), start, count):
        assert watch.quiet() == quiet(state), f"seq {seq}"
    timeline.close()


def _never(message: Any) -> bool:
    return False


@template
def Idle(self: Process) -> Generator[Any, Any, None]:
    """Wait for a message no one sends."""
    self.select(_never)
    yield self.receive()


def _to(message: tuple[int, int, int]) -> int:
    return message[0]


@template(route=_to)
def Echo(self: Process) -> Generator[Any, Any, None]:
    """Send every message ``(me, n, sender)`` back to its sender."""
    while True:
        _, n, sender = yield self.receive()
        self.send((sender, n, self.pid))


@template(route=_to)
def Pinger(self: Process, echo: int, rounds: int) -> Generator[Any, Any, int]:
    """Send ``rounds`` pings to ``echo``, each after the last one came back."""
    for n in range(rounds):
        self.send((echo, n, self.pid))
        yield self.receive()
    return rounds


def test_the_watch_looks_at_the_records_a_signal_reached_not_the_world(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    idle = 400

    def main(scheduler: SimpleScheduler) -> None:
        for _ in range(idle):
            scheduler.create(Idle).start()
        echo = scheduler.create(Echo)
        scheduler.create(Pinger, echo.pid, 400).start()
        echo.start()

    timeline = Timeline(record(main), background=False)
    count = len(timeline)
    start = count - 1500  # every idle process waits; the ping-pong goes on
    assert all(
        timeline.state_at(start).process(pid).status.label == "waiting for a message"
        for pid in range(idle)
    )
    state = timeline.index.seek(start - 1, timeline.reader.runs)
    calls = 0
    kind = standstill._kind

    def counted(*args: Any) -> int:
        nonlocal calls
        calls += 1
        return kind(*args)

    monkeypatch.setattr(standstill, "_kind", counted)
    watch = QuietWatch(state)
    folded = 0
    for _ in fold_each(state, timeline.reader.runs(start, count), start, count):
        watch.quiet()
        folded += 1
    assert folded > 1000
    # Each process once when the watch begins, then the few records each
    # signal reached (a walk of the world after each would be folded x 402).
    assert calls <= (idle + 2) + 3 * folded
    assert timeline.standstill() is not None
    timeline.close()
