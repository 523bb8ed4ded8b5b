"""Receive timeouts, sleeps, now() and the virtual clock; their replay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator
from typing import Any

from chronoflow import Process, ProcessStatus, Signal, template
from chronoflow.runtime import TIMEOUT, SimpleScheduler, VirtualClock
from chronoflow.runtime.replay import RecordingReplay

from .conftest import Tape


@template
def Patient(self: Process, seconds: float) -> Generator[Any, Any, list[Any]]:
    """Wait for a message with a timeout, twice, then sleep, noting the time."""
    start = self.now()
    first = yield self.receive(timeout=seconds)
    second = yield self.receive(match=lambda m: m == "wanted", timeout=seconds)
    yield self.sleep(seconds)
    return [first, second, self.now() - start]


def _virtual(tape: Tape) -> SimpleScheduler:
    return SimpleScheduler(clock=VirtualClock(), observers=[tape])


async def test_virtual_time_jumps_to_each_deadline(tape: Tape) -> None:
    scheduler = _virtual(tape)
    proc = scheduler.create(Patient, 3600.0)
    proc.start()
    started = time.monotonic()
    await scheduler.run()
    assert time.monotonic() - started < 5  # three hour-long waits, instantly
    assert proc.result == [TIMEOUT, TIMEOUT, 3 * 3600.0]
    assert scheduler.clock() == 3 * 3600.0
    kinds = [(k, d) for _, k, d in tape.brief() if k in ("WAIT", "TIMEOUT", "NOW")]
    assert kinds == [
        ("NOW", {"time": 0.0}),
        ("WAIT", {"timeout": 3600.0}),
        ("TIMEOUT", {"wait": 2}),
        ("WAIT", {"mode": "select", "match": "Patient.<locals>.<lambda>", "timeout": 3600.0}),
        ("TIMEOUT", {"wait": 4}),
        ("WAIT", {"sleep": 3600.0}),
        ("TIMEOUT", {"wait": 6}),
        ("NOW", {"time": 10800.0}),
    ]
    assert [s.ts for s in tape.signals if s.type.name == "TIMEOUT"] == [3600.0, 7200.0, 10800.0]


async def test_a_message_in_time_wins_and_its_timer_never_fires(tape: Tape) -> None:
    scheduler = _virtual(tape)
    proc = scheduler.create(Patient, 10.0)
    proc.start()
    scheduler.run_ready()  # run without letting time pass
    await proc.push("early")  # answers the first receive
    await proc.push("noise")  # does not match the select: the timer keeps running
    assert proc.status is ProcessStatus.WAITING
    await proc.push("wanted")
    await scheduler.run()
    assert proc.result == ["early", "wanted", 10.0]
    assert [k for _, k, _ in tape.brief() if k in ("WAIT", "TIMEOUT")] == [
        "WAIT",
        "WAIT",
        "WAIT",
        "TIMEOUT",  # the sleep's; neither receive timed out
    ]
    assert proc.messages == ["noise"]


async def test_real_time_timeouts_wait_in_real_time() -> None:
    scheduler = SimpleScheduler(clock=lambda: 0.0)  # a clock that stands still
    proc = scheduler.create(Patient, 0.05)
    proc.start()
    started = time.monotonic()
    await asyncio.wait_for(scheduler.run(), timeout=10)
    assert time.monotonic() - started >= 0.15
    assert proc.result[:2] == [TIMEOUT, TIMEOUT]


async def test_sleeping_processes_are_not_woken_by_messages(tape: Tape) -> None:
    @template
    def Sleeper(self: Process) -> Generator[Any, Any, Any]:
        yield self.sleep(5)
        return (yield self.receive())

    scheduler = _virtual(tape)
    proc = scheduler.create(Sleeper)
    proc.start()
    scheduler.run_ready()
    assert proc.status is ProcessStatus.SLEEPING
    await proc.push("hi")
    assert proc.status is ProcessStatus.SLEEPING
    assert proc.messages == ["hi"]
    await scheduler.run()
    assert proc.result == "hi"
    assert scheduler.clock() == 5.0


def _record_real_time() -> list[Signal]:
    tape = Tape()
    scheduler = SimpleScheduler(observers=[tape])
    scheduler.create(Patient, 0.01).start()
    asyncio.run(scheduler.run())
    return tape.signals


def test_replay_fires_recorded_timers_and_returns_recorded_times() -> None:
    recorded = _record_real_time()
    replayed = Tape()
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[replayed])
    replay = RecordingReplay(recorded, templates=[Patient])
    replay.attach(scheduler)
    scheduler.create(Patient, 0.01).start()
    asyncio.run(scheduler.run())
    assert replay.checked == len(recorded)
    assert [(s.type, s.data) for s in replayed.signals] == [(s.type, s.data) for s in recorded]
    assert scheduler.processes[0].result == recorded[-1].data["result"]
