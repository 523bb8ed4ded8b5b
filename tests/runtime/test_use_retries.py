"""``use`` with timeouts and retries: every attempt recorded, replay runs none."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, ProcessStatus, template
from chronoflow.runtime import SimpleScheduler
from chronoflow.runtime.replay import RecordingReplay

from .conftest import Tape

ATTEMPTS: list[str] = []


async def flaky(name: str, failures: int) -> str:
    """Fail ``failures`` times for ``name``, then succeed."""
    ATTEMPTS.append(name)
    if ATTEMPTS.count(name) <= failures:
        raise ConnectionError(f"{name}: try again")
    return f"{name} ok"


async def slow(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "finally"


@template
def Caller(self: Process, name: str, failures: int, retries: int) -> Generator[Any, Any, Any]:
    try:
        return (yield self.use(flaky, name, failures, retries=retries, backoff=0.001))
    except ConnectionError as error:
        return f"gave up: {error}"


async def test_retries_until_success_recording_each_attempt(tape: Tape) -> None:
    scheduler = SimpleScheduler(observers=[tape])
    proc = scheduler.create(Caller, "a", 2, 3)
    proc.start()
    await scheduler.run()
    assert proc.result == "a ok"
    steps = [(k, d) for _, k, d in tape.brief() if k in ("USE", "RESULT", "RETRY")]
    fn = f"{__name__}.flaky"
    assert steps == [
        ("USE", {"fn": fn, "args": ["a", 2], "attempt": 1}),
        ("RESULT", {"use": 1, "error": "ConnectionError", "message": "a: try again"}),
        ("RETRY", {"use": 1, "attempt": 2, "delay": 0.001}),
        ("USE", {"fn": fn, "args": ["a", 2], "attempt": 2}),
        ("RESULT", {"use": 4, "error": "ConnectionError", "message": "a: try again"}),
        ("RETRY", {"use": 4, "attempt": 3, "delay": 0.002}),
        ("USE", {"fn": fn, "args": ["a", 2], "attempt": 3}),
        ("RESULT", {"use": 7, "value": "a ok"}),
    ]


async def test_the_last_failure_is_raised_in_the_process(tape: Tape) -> None:
    scheduler = SimpleScheduler(observers=[tape])
    proc = scheduler.create(Caller, "b", 5, 1)
    proc.start()
    await scheduler.run()
    assert proc.result == "gave up: b: try again"
    assert [k for _, k, _ in tape.brief()].count("USE") == 2


async def test_a_timeout_fails_the_attempt(tape: Tape) -> None:
    @template
    def Impatient(self: Process) -> Generator[Any, Any, Any]:
        try:
            return (yield self.use(slow, 5.0, timeout=0.01, retries=1))
        except TimeoutError as error:
            return str(error)

    scheduler = SimpleScheduler(observers=[tape])
    proc = scheduler.create(Impatient)
    proc.start()
    await asyncio.wait_for(scheduler.run(), timeout=5)
    assert proc.status is ProcessStatus.STOPPED
    assert proc.result == "no result within 0.01 s"
    results = [d for _, k, d in tape.brief() if k == "RESULT"]
    assert [r["error"] for r in results] == ["TimeoutError", "TimeoutError"]


def test_use_arguments_are_checked() -> None:
    @template
    def Wrong(self: Process) -> Generator[Any, Any, Any]:
        try:
            yield self.use(slow, 1, retries=-1)
        except ValueError as error:
            return str(error)
        return "accepted"

    assert Wrong.create(0).start().result.startswith("use(): retries and backoff")


def test_replay_feeds_back_every_attempt_without_calling() -> None:
    tape = Tape()
    scheduler = SimpleScheduler(observers=[tape])
    scheduler.create(Caller, "c", 2, 3).start()
    asyncio.run(scheduler.run())
    calls = ATTEMPTS.count("c")
    replayed = SimpleScheduler()
    replay = RecordingReplay(tape.signals, templates=[Caller])
    replay.attach(replayed)
    proc = replayed.create(Caller, "c", 2, 3)
    proc.start()
    asyncio.run(replayed.run())
    assert ATTEMPTS.count("c") == calls
    assert proc.result == "c ok"
    assert replay.checked == len(tape.signals)


@pytest.fixture(autouse=True)
def _fresh_attempts() -> None:
    ATTEMPTS.clear()
