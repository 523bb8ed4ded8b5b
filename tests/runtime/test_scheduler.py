"""SimpleScheduler: pids, routing, the outbox, rounds, use and determinism."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

from chronoflow import Process, ProcessStatus, template
from chronoflow.runtime import SimpleScheduler

from .conftest import Tape


def to_field(message: dict[str, Any]) -> int | None:
    return message.get("to")


@template(route=to_field)
def Forwarder(self: Process, hops: int) -> Generator[Any, Any, int]:
    for _ in range(hops):
        message = yield self.receive()
        self.send({"to": message["next"], "next": self.pid, "n": message["n"] + 1})
    return hops


async def test_pids_are_unique_and_allocated_in_order(scheduler: SimpleScheduler) -> None:
    procs = [scheduler.create(Forwarder, 1) for _ in range(3)]
    assert [p.pid for p in procs] == [0, 1, 2]
    assert scheduler.processes == {0: procs[0], 1: procs[1], 2: procs[2]}


async def test_route_delivers_and_update_reports_idle(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    a = scheduler.create(Forwarder, 2)
    b = scheduler.create(Forwarder, 2)
    a.start()
    b.start()
    assert await scheduler.update() is True  # both wait in receive
    a.send({"to": a.pid, "next": b.pid, "n": 0})
    await scheduler.run()
    assert (a.status, b.status) == (ProcessStatus.STOPPED, ProcessStatus.STOPPED)
    assert (a.result, b.result) == (2, 2)
    sends = [s for s in tape.signals if s.type == 5]
    assert [(s.pid, s.data["to"], s.data["into"], s.data["msg"]["n"]) for s in sends] == [
        (0, 0, [0], 0),
        (0, 1, [1], 1),
        (1, 0, [0], 2),
        (0, 1, [1], 3),
        (1, 0, [], 4),  # a has stopped: nobody takes it
    ]
    assert [s.data["msg"]["n"] for s in scheduler.outbox] == [4]
    assert all(s.ts == 1.5 for s in tape.signals)


async def test_unroutable_messages_stay_in_the_outbox(scheduler: SimpleScheduler) -> None:
    @template
    def Talker(self: Process) -> Generator[Any, Any, None]:
        self.send("no route")
        self.send({"to": 99})
        return
        yield

    @template(route=to_field)
    def Lost(self: Process) -> Generator[Any, Any, None]:
        self.send({"to": 99})
        return
        yield

    scheduler.create(Talker).start()
    scheduler.create(Lost).start()
    await scheduler.run()
    assert [(s.pid, s.data["msg"], s.data["to"]) for s in scheduler.outbox] == [
        (0, "no route", None),
        (0, {"to": 99}, None),
        (1, {"to": 99}, 99),
    ]


async def sleep_then(value: Any, seconds: float) -> Any:
    await asyncio.sleep(seconds)
    return value


@template
def User(self: Process, value: Any, seconds: float) -> Generator[Any, Any, Any]:
    result = yield self.use(sleep_then, value, seconds)
    return result


async def test_use_runs_on_asyncio_while_others_continue(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    gate = asyncio.Event()

    async def wait_for_gate() -> str:
        await asyncio.wait_for(gate.wait(), timeout=5)
        return "through"

    async def open_gate() -> str:
        gate.set()
        return "opened"

    @template
    def Waiter(self: Process) -> Generator[Any, Any, Any]:
        return (yield self.use(wait_for_gate))

    @template
    def Opener(self: Process) -> Generator[Any, Any, Any]:
        return (yield self.use(open_gate))

    waiter = scheduler.create(Waiter)
    opener = scheduler.create(Opener)
    waiter.start()
    opener.start()
    assert await scheduler.update() is False  # a use is pending
    await scheduler.run()
    # If use calls ran one after another, the waiter would time out first.
    assert (waiter.result, opener.result) == ("through", "opened")
    local = f"{__name__}.test_use_runs_on_asyncio_while_others_continue.<locals>"
    assert [(s.seq, s.pid, s.type.name, s.data) for s in tape.signals[2:]] == [
        (2, 0, "USE", {"fn": f"{local}.wait_for_gate", "args": []}),
        (3, 1, "USE", {"fn": f"{local}.open_gate", "args": []}),
        (4, 1, "RESULT", {"use": 3, "value": "opened"}),
        (5, 1, "STOP", {"result": "opened"}),
        (6, 0, "RESULT", {"use": 2, "value": "through"}),
        (7, 0, "STOP", {"result": "through"}),
    ]


async def test_update_waits_for_use_instead_of_calling_it_blocked(
    scheduler: SimpleScheduler,
) -> None:
    proc = scheduler.create(User, "v", 0.01)
    proc.start()
    rounds = 0
    while not await scheduler.update():
        rounds += 1
    assert proc.result == "v"
    assert rounds == 0  # the round waited for the result and then finished


def _run_program(clock_value: float) -> list[tuple[Any, ...]]:
    tape = Tape()

    async def program() -> None:
        scheduler = SimpleScheduler(clock=lambda: clock_value, observers=[tape])
        procs = [scheduler.create(Forwarder, 3) for _ in range(4)]
        for p in procs:
            p.start()
        procs[0].send({"to": 0, "next": 2, "n": 0})
        procs[1].send({"to": 1, "next": 3, "n": 100})
        await scheduler.run()

    asyncio.run(program())
    return [(s.seq, s.pid, s.type, s.data) for s in tape.signals]


def test_scheduling_is_deterministic_and_independent_of_the_clock() -> None:
    first = _run_program(1.0)
    assert first == _run_program(99.0)
    assert [s[0] for s in first] == list(range(len(first)))
