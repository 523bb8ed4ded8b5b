"""Crashes, bad yields, use failures and transitions."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from chronoflow import Process, ProcessStatus, Transition, template
from chronoflow.runtime import SimpleScheduler

from .conftest import Tape


@template
def Crasher(self: Process) -> Generator[Any, Any, None]:
    message = yield self.receive()
    raise RuntimeError(f"bad message {message!r}")


@template
def Counter(self: Process, n: int) -> Generator[Any, Any, int]:
    for _ in range(n):
        yield self.receive()
    return n


async def test_a_crash_ends_one_process_and_the_others_keep_running(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    crasher = scheduler.create(Crasher)
    counter = scheduler.create(Counter, 2)
    crasher.start()
    counter.start()
    await scheduler.update()
    await crasher.push("x")
    await counter.push(1)
    await counter.push(2)
    assert crasher.status is ProcessStatus.CRASHED
    assert isinstance(crasher.error, RuntimeError)
    assert counter.status is ProcessStatus.STOPPED
    crash = next(s for s in tape.signals if s.type.name == "CRASH")
    assert crash.pid == 0
    assert crash.data["error"] == "RuntimeError"
    assert crash.data["message"] == "bad message 'x'"
    traceback = crash.data["traceback"]
    assert "in Crasher" in traceback
    assert 'raise RuntimeError(f"bad message {message!r}")' in traceback
    assert "chronoflow/runtime" not in traceback.splitlines()[1]  # not the kernel's frame


async def test_yielding_something_else_raises_type_error_inside(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    @template
    def Confused(self: Process) -> Generator[Any, Any, str]:
        try:
            yield 42
        except TypeError as error:
            return str(error)
        return "accepted"

    @template
    def Careless(self: Process) -> Generator[Any, Any, None]:
        yield "not an effect"

    confused = scheduler.create(Confused)
    careless = scheduler.create(Careless)
    confused.start()
    careless.start()
    await scheduler.run()
    assert confused.result.startswith("process 0 yielded 42; a process may only yield")
    assert careless.status is ProcessStatus.CRASHED
    assert "self.receive()" in str(careless.error)


async def failing(reason: str) -> None:
    raise LookupError(reason)


async def test_a_failed_use_is_raised_inside_and_recorded(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    @template
    def Careful(self: Process) -> Generator[Any, Any, str]:
        try:
            yield self.use(failing, "no such key")
        except LookupError as error:
            return f"recovered from {error}"
        return "no error"

    @template
    def Sloppy(self: Process) -> Generator[Any, Any, Any]:
        return (yield self.use(len, "not awaitable"))

    careful = scheduler.create(Careful)
    sloppy = scheduler.create(Sloppy)
    careful.start()
    sloppy.start()
    await scheduler.run()
    assert careful.result == "recovered from no such key"
    assert sloppy.status is ProcessStatus.CRASHED
    assert "use() needs fn(*args) to return an awaitable" in str(sloppy.error)
    results = [(s.pid, s.data) for s in tape.signals if s.type.name == "RESULT"]
    assert results == [
        (
            1,
            {
                "use": 3,
                "error": "TypeError",
                "message": "use() needs fn(*args) to return an awaitable (e.g. call an "
                "async def function); builtins.len returned int",
            },
        ),
        (0, {"use": 2, "error": "LookupError", "message": "no such key"}),
    ]


@template
def Finish(self: Process, total: int) -> Generator[Any, Any, int]:
    extra = yield self.receive()
    return total + extra


@template
def Accumulate(self: Process, total: int, left: int) -> Generator[Any, Any, Transition]:
    n = yield self.receive()
    if left == 1:
        return Transition(Finish, total + n)
    return Transition(Accumulate, total + n, left - 1)


async def test_transition_replaces_the_generator_and_keeps_pid_and_inbox(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    proc = scheduler.create(Accumulate, 0, 2)
    proc.start()
    await scheduler.update()
    await proc.push(1)
    assert proc.template is Accumulate
    assert proc.transitions == 1
    await proc.push(2)
    assert proc.template is Finish
    await proc.push(100)
    assert proc.result == 103
    assert proc.pid == 0
    transitions = [s.data for s in tape.signals if s.type.name == "TRANSITION"]
    assert [(t["template"], t["args"]) for t in transitions] == [
        ("Accumulate", [1, 1]),
        ("Finish", [3]),
    ]
    assert proc.transitions == 2


def to_first(message: Any) -> int:
    return 0


@template(route=to_first)
def Burst(self: Process, count: int) -> Generator[Any, Any, None]:
    for n in range(count):
        self.send(n + 1)
    return
    yield


async def test_messages_waiting_in_the_inbox_survive_a_transition(
    scheduler: SimpleScheduler,
) -> None:
    proc = scheduler.create(Accumulate, 0, 2)
    proc.start()
    scheduler.create(Burst, 3).start()
    await scheduler.run()
    # All three arrived while the first state ran; the next states took them.
    assert proc.status is ProcessStatus.STOPPED
    assert proc.result == 1 + 2 + 3
    assert proc.messages == []


async def test_the_watchdog_reports_a_step_that_does_not_yield(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import time as clock

    @template
    def Hog(self: Process) -> Generator[Any, Any, None]:
        yield self.receive()
        clock.sleep(0.3)  # blocks every other process

    tape = Tape()
    scheduler = SimpleScheduler(observers=[tape], watchdog=0.05)
    hog = scheduler.create(Hog)
    hog.start()
    await scheduler.update()
    await hog.push("go")
    stuck = [(p, d) for p, k, d in tape.brief() if k == "STUCK"]
    assert len(stuck) == 1
    pid, data = stuck[0]
    assert pid == 0
    assert data["seconds"] >= 0.3
    source = Path(__file__).read_text().splitlines()
    line = next(n for n, text in enumerate(source, 1) if "clock.sleep(0.3)" in text)
    assert data["where"] == f"{__file__}:{line}"
    warning = capsys.readouterr().err
    assert "process 0 (Hog) has run" in warning
    assert f"without yielding, at {__file__}:{line}" in warning
