"""Replay: a recording re-run against the real code, checked signal by signal."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Generator
from typing import Any

import pytest

from chronoflow import Process, ProcessStatus, Signal, SignalType, Transition, template
from chronoflow.errors import NondeterminismError, ReplayError
from chronoflow.runtime import SimpleScheduler
from chronoflow.runtime.replay import LIVE, Finished, RecordingReplay

from .conftest import Tape

#: Which deliberate change the workflow below carries ("" for none).
MUTATION = {"name": ""}
#: How many times ``lookup`` really ran.
CALLS = {"lookup": 0}


async def lookup(key: str) -> str:
    CALLS["lookup"] += 1
    await asyncio.sleep(0)
    return key.upper()


def to_field(message: dict[str, Any]) -> int:
    return int(message["to"])


@template(route=to_field)
def Worker(self: Process) -> Generator[Any, Any, str]:
    request = yield self.receive()
    answer = yield self.use(lookup, request["key"])
    if MUTATION["name"] == "changed constant":
        answer += "!"
    self.send({"to": request["from"], "answer": answer})
    return answer


@template(route=to_field)
def Boss(self: Process) -> Generator[Any, Any, list[Any]]:
    first = self.spawn(Worker) if MUTATION["name"] != "extra spawn" else None
    worker = self.spawn(Worker) if first is None else first
    if MUTATION["name"] == "extra spawn":
        self.spawn(Worker)
    if MUTATION["name"] == "swapped sends":
        self.send({"to": 99, "note": "audit"})
        self.send({"to": worker.pid, "from": self.pid, "key": "ab"})
    elif MUTATION["name"] == "time read":
        self.send({"to": worker.pid, "from": self.pid, "key": "ab", "at": time.time()})
        self.send({"to": 99, "note": "audit"})
    else:
        self.send({"to": worker.pid, "from": self.pid, "key": "ab"})
        self.send({"to": 99, "note": "audit"})
    if MUTATION["name"] == "removed receive":
        reply = {"answer": None}
    else:
        reply = yield self.receive(match=lambda m: "answer" in m)
    done = yield from worker.join()
    return [reply["answer"], done]


def main(scheduler: SimpleScheduler) -> None:
    scheduler.create(Boss).start()


def record() -> list[Signal]:
    MUTATION["name"] = ""
    tape = Tape()
    scheduler = SimpleScheduler(observers=[tape])
    main(scheduler)
    asyncio.run(scheduler.run())
    return tape.signals


def replay(recorded: list[Signal], mutation: str = "") -> tuple[SimpleScheduler, RecordingReplay]:
    MUTATION["name"] = mutation
    try:
        scheduler = SimpleScheduler()
        checker = RecordingReplay(recorded, templates=[Boss, Worker])
        checker.attach(scheduler)
        main(scheduler)
        asyncio.run(scheduler.run())
        return scheduler, checker
    finally:
        MUTATION["name"] = ""


def test_a_replay_reproduces_the_recording_without_running_side_effects() -> None:
    recorded = record()
    assert CALLS["lookup"] >= 1
    calls_before = CALLS["lookup"]
    tape = Tape()
    MUTATION["name"] = ""
    scheduler = SimpleScheduler(observers=[tape])
    checker = RecordingReplay(recorded, templates=[Boss, Worker])
    checker.attach(scheduler)
    main(scheduler)
    asyncio.run(scheduler.run())
    assert CALLS["lookup"] == calls_before  # the recorded result was used
    assert checker.checked == len(recorded)
    assert (checker.beyond, checker.leftover) == (0, 0)
    assert [(s.seq, s.pid, s.type, s.data) for s in tape.signals] == [
        (s.seq, s.pid, s.type, s.data) for s in recorded
    ]
    assert scheduler.processes[0].result == ["AB", "AB"]


def _line_of(text: str) -> int:
    """The first line of this file that contains ``text``."""
    with open(__file__, encoding="utf-8") as source:
        return next(n for n, line in enumerate(source, 1) if text in line)


def _divergence(mutation: str) -> NondeterminismError:
    recorded = record()
    with pytest.raises(NondeterminismError) as caught:
        replay(recorded, mutation)
    return caught.value


def test_swapped_sends_are_caught_at_the_first_send() -> None:
    error = _divergence("swapped sends")
    assert (error.seq, error.pid, error.template) == (3, 0, "Boss")
    assert error.expected.type is SignalType.SEND
    assert error.expected.data["msg"] == {"to": 1, "from": 0, "key": "ab"}
    assert error.actual.data["msg"] == {"to": 99, "note": "audit"}
    audit_line = _line_of('self.send({"to": 99, "note": "audit"})')
    assert error.location == f"{__file__}:{audit_line}"
    assert [s.type.name for s in error.matched] == ["START", "SPAWN", "START"]
    assert "code changed since the recording" in error.cause


def test_a_time_read_in_a_message_is_caught() -> None:
    error = _divergence("time read")
    assert error.expected.type is error.actual.type is SignalType.SEND
    assert "at" in error.actual.data["msg"]
    assert "at" not in error.expected.data["msg"]
    assert "time, randomness or I/O outside self.use()" in error.report()


def test_a_changed_constant_is_caught_in_the_worker() -> None:
    error = _divergence("changed constant")
    assert (error.pid, error.template) == (1, "Worker")
    assert error.expected.data["msg"]["answer"] == "AB"
    assert error.actual.data["msg"]["answer"] == "AB!"
    assert error.step == 5  # START, RECEIVE, USE, RESULT, then this SEND


def test_an_extra_spawn_is_caught() -> None:
    error = _divergence("extra spawn")
    assert error.expected.type is SignalType.SEND
    assert error.actual.type is SignalType.SPAWN
    assert error.actual.data == {"child": 2, "template": "Worker"}


def test_a_removed_receive_is_caught() -> None:
    error = _divergence("removed receive")
    assert error.expected.type is SignalType.WAIT
    assert error.expected.data == {"mode": "select", "match": "Boss.<locals>.<lambda>"}
    assert error.actual.type is SignalType.WAIT
    assert error.actual.data == {"join": 1}
    headline = str(error)
    assert headline.startswith(f"replay diverged at seq {error.seq} (step ")
    assert "recorded WAIT" in headline


def test_a_recording_cut_short_replays_to_its_end_then_runs_live() -> None:
    recorded = record()
    calls_before = CALLS["lookup"]
    use = next(s for s in recorded if s.type is SignalType.USE)
    scheduler, checker = replay(recorded[: use.seq + 1])
    assert checker.checked == use.seq + 1
    assert checker.beyond == len(recorded) - use.seq - 1
    assert CALLS["lookup"] == calls_before + 1  # no recorded result: it ran for real
    assert scheduler.processes[0].result == ["AB", "AB"]


def test_recorded_signals_left_over_are_counted() -> None:
    recorded = record()
    extra = Signal(len(recorded), 0, SignalType.SEND, {"msg": 1, "to": None, "into": []})
    _, checker = replay([*recorded, extra])
    assert checker.leftover == 1
    assert checker.beyond == 0


def test_template_names_unknown_to_the_code_are_a_clear_error() -> None:
    checker = RecordingReplay([], templates=[Boss])
    with pytest.raises(ReplayError, match="'Ghost', which the replayed code does not define"):
        checker.template("Ghost")


# -- the original's per-process replay ------------------------------------------------

STEPS = {"greeter": 0, "child": 0, "phase": 0}


@template
def Greeter(self: Process, count: int) -> Generator[Any, Any, int]:
    for i in range(count):
        STEPS["greeter"] += 1
        name = yield self.receive()
        greeting = yield self.use(lookup, name)
        self.send(f"greeting #{i}: Hello {greeting}!")
    return count


def _pulled(proc: Process) -> Callable[[int], list[Signal]]:
    """``read`` for a replay: what each process of ``proc``'s tree pulls."""
    signals: list[Signal] = []
    tree = [proc]
    while tree:
        member = tree.pop()
        signals += member.pull()
        tree += member.children
    return lambda pid: [s for s in signals if s.pid == pid]


async def test_process_replay_checks_signals_and_uses_recorded_results() -> None:
    original = Greeter.create(0, 2).start()
    for name in ("ada", "bob"):
        await original.push(name)
        await original.update()  # let the use finish
    read = _pulled(original)
    calls = CALLS["lookup"]
    handled: list[str] = []

    def handler(signal: Signal) -> Any:
        handled.append(signal.type.name)
        if signal.type is SignalType.USE and signal.data["args"] == ["ada"]:
            return "ADA"  # the recorded result, handed back by the handler
        return LIVE

    again = Greeter.create(0, 2).replay(handler, read)
    for name in ("ada", "bob"):
        await again.push(name)
        await again.update()
    assert handled == ["START", "USE", "USE"]
    assert CALLS["lookup"] == calls + 1  # "ada" came from the handler, "bob" ran live
    assert again.result == 2
    pulled = [s.data["msg"] for s in again.pull() if s.type is SignalType.SEND]
    assert pulled == ["greeting #0: Hello ADA!", "greeting #1: Hello BOB!"]


async def test_process_replay_raises_on_divergence() -> None:
    original = Greeter.create(0, 1).start()
    await original.push("ada")
    await original.update()
    read = _pulled(original)
    again = Greeter.create(0, 1).replay(None, read)
    with pytest.raises(NondeterminismError) as caught:
        await again.push("eve")
    assert caught.value.expected.data["msg"] == "ada"
    assert caught.value.actual.data["msg"] == "eve"


@template
def Leaf(self: Process) -> Generator[Any, Any, str]:
    STEPS["child"] += 1
    return (yield self.receive())


@template
def Branch(self: Process) -> Generator[Any, Any, list[str]]:
    STEPS["child"] += 1
    leaf = self.spawn(Leaf)
    first = yield self.receive()
    below = yield from leaf.join()
    return [first, below]


@template
def Root(self: Process) -> Generator[Any, Any, Any]:
    STEPS["child"] += 1
    branch = self.spawn(Branch)
    return (yield from branch.join())


async def test_finished_processes_fast_forward_with_their_children() -> None:
    original = Root.create(0).start()
    await original.push("m")
    assert original.result == ["m", "m"]
    read = _pulled(original)
    recorded_types = {pid: [s.type.name for s in read(pid)] for pid in (0, 1, 2)}
    STEPS["child"] = 0

    def handler(signal: Signal) -> Any:
        return Finished(["m", "m"]) if signal.type is SignalType.START else LIVE

    again = Root.create(0).replay(handler, read, templates=[Branch, Leaf])
    assert STEPS["child"] == 0  # no generator ran
    assert again.status is ProcessStatus.STOPPED
    assert again.result == ["m", "m"]
    branch, leaf = again.children[0], again.children[0].children[0]
    assert (branch.pid, branch.template, branch.status) == (1, Branch, ProcessStatus.STOPPED)
    assert (leaf.pid, leaf.template, leaf.result) == (2, Leaf, "m")
    emitted = again.pull() + branch.pull() + leaf.pull()
    assert {pid: [s.type.name for s in emitted if s.pid == pid] for pid in (0, 1, 2)} == (
        recorded_types
    )


@template
def Phase(self: Process, phase: int, total: int) -> Generator[Any, Any, Any]:
    STEPS["phase"] += 1
    value = yield self.receive()
    if phase == 3:
        return total + value
    return Transition(Phase, phase + 1, total + value)


async def test_replay_starts_from_the_last_transition() -> None:
    original = Phase.create(0, 1, 0).start()
    for value in (1, 2, 3):
        await original.push(value)
    assert original.result == 6
    signals = original.pull()
    last = max(s.seq for s in signals if s.type is SignalType.TRANSITION)
    tail = [s for s in signals if s.seq >= last]
    STEPS["phase"] = 0
    again = Phase.create(0, 1, 0).replay(None, lambda pid: tail)
    assert (again.template, again.args) == (Phase, (3, 3))
    await again.push(3)
    assert again.result == 6
    assert STEPS["phase"] == 1  # only the last phase ran
