"""A standalone process (``T.create``) behaves as in the original README."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, ProcessStatus, Signal, SignalType, template
from chronoflow.errors import (
    AlreadyStartedError,
    MisuseError,
    NotStartedError,
    OutsideProcessError,
    ProcessStoppedError,
)


@template
def Greeter(self: Process, count: int) -> Generator[Any, Any, None]:
    for i in range(count):
        name = yield self.receive()
        self.send(f"greeting #{i}: Hello {name}!")


async def test_readme_greeter_push_then_pull() -> None:
    proc = Greeter.create(0, 10)
    assert proc.status is ProcessStatus.CREATED
    proc.start()
    await proc.push("Alice")
    pulled = proc.pull()
    # The original shows START then SEND; the signals that make a recording
    # self-contained (WAIT, DELIVER, RECEIVE) come in between.
    assert [(s.seq, s.pid, SignalType(s.type).name, s.data) for s in pulled] == [
        (
            0,
            0,
            "START",
            {
                "template": "Greeter",
                "module": __name__,
                "qualname": "Greeter",
                "args": [10],
                "parent": None,
            },
        ),
        (1, 0, "WAIT", None),
        (2, 0, "DELIVER", {"msg": "Alice", "into": [0]}),
        (3, 0, "RECEIVE", 2),
        (4, 0, "SEND", {"msg": "greeting #0: Hello Alice!", "to": None, "into": []}),
        (5, 0, "WAIT", None),
    ]
    original = [(s.pid, s.type, s.data) for s in pulled if s.type in (0, 5)]
    assert original[1] == (0, 5, {"msg": "greeting #0: Hello Alice!", "to": None, "into": []})
    assert proc.pull() == []
    assert proc.status is ProcessStatus.WAITING
    assert proc.seq == 6


async def test_standalone_numbers_its_own_tree_from_zero() -> None:
    first = Greeter.create(41, 1).start()
    second = Greeter.create(7, 1).start()
    await first.push("x")
    await second.push("y")
    assert [s.seq for s in first.pull()] == [0, 1, 2, 3, 4, 5]
    assert {s.pid for s in second.pull()} == {7}
    assert first.status is ProcessStatus.STOPPED
    assert first.pid == 41


async def test_misuse_errors_say_what_to_do() -> None:
    proc = Greeter.create(0, 1)
    with pytest.raises(NotStartedError, match="start"):
        await proc.push("too early")
    proc.start()
    with pytest.raises(AlreadyStartedError):
        proc.start()
    with pytest.raises(OutsideProcessError, match="inside process 0"):
        proc.receive()
    with pytest.raises(OutsideProcessError):
        proc.select(lambda m: True)
    with pytest.raises(OutsideProcessError):
        proc.spawn(Greeter, 1)
    with pytest.raises(OutsideProcessError):
        proc.use(lambda: None)
    await proc.push("only")
    assert proc.status is ProcessStatus.STOPPED
    with pytest.raises(ProcessStoppedError, match="stopped"):
        await proc.push("late")
    with pytest.raises(ProcessStoppedError):
        proc.send("late")


async def test_inbox_size_and_messages_are_readable() -> None:
    @template
    def Sleeper(self: Process) -> Generator[Any, Any, None]:
        self.select(lambda m: m == "wake")
        yield self.receive()

    proc = Sleeper.create(0).start()
    await proc.push("a")
    await proc.push("b")
    assert proc.inbox_size == 2
    assert proc.messages == ["a", "b"]
    await proc.push("wake")
    assert proc.status is ProcessStatus.STOPPED
    assert proc.messages == ["a", "b"]


def test_scheduler_processes_have_no_pull() -> None:
    from chronoflow.runtime import SimpleScheduler

    proc = SimpleScheduler().create(Greeter, 1)
    with pytest.raises(MisuseError, match="observers"):
        proc.pull()


async def _double(value: int) -> int:
    return value * 2


@template
def Doubler(self: Process) -> Generator[Any, Any, int]:
    value = yield self.receive()
    return (yield self.use(_double, value))


async def test_update_waits_for_a_pending_use_then_runs_on() -> None:
    proc = Doubler.create(0).start()
    await proc.push(21)
    assert proc.status is ProcessStatus.USING  # push does not wait for the use
    assert await proc.update() is True  # update waits for it; the process finishes
    assert proc.status is ProcessStatus.STOPPED
    assert proc.result == 42
    kinds = [SignalType(s.type).name for s in proc.pull()]
    assert kinds == ["START", "WAIT", "DELIVER", "RECEIVE", "USE", "RESULT", "STOP"]


def test_status_names_and_ended() -> None:
    assert [s for s in ProcessStatus if s.ended] == [
        ProcessStatus.STOPPED,
        ProcessStatus.CRASHED,
        ProcessStatus.KILLED,
    ]
    proc = Greeter.create(3, 1)
    assert repr(proc) == "<Process Greeter[3] created>"
    assert proc.alive


def test_create_and_spawn_need_templates() -> None:
    from chronoflow.runtime import SimpleScheduler

    def plain(self: Process) -> None:
        return None

    with pytest.raises(MisuseError, match="@template"):
        SimpleScheduler().create(plain)  # type: ignore[arg-type]

    @template
    def Spawner(self: Process) -> Generator[Any, Any, str]:
        try:
            self.spawn(plain)  # type: ignore[arg-type]
        except MisuseError as error:
            return str(error)
        return "spawned"
        yield

    assert Spawner.create(0).start().result.startswith("spawn() needs a ProcessTemplate")


def test_observers_can_be_removed() -> None:
    from chronoflow.runtime import SimpleScheduler

    seen: list[int] = []

    def observer(signal: Signal) -> None:
        seen.append(signal.seq)

    scheduler = SimpleScheduler()
    scheduler.add_observer(observer)
    proc = scheduler.create(Greeter, 1)
    proc.start()
    scheduler.remove_observer(observer)
    proc.send("ignored: no route")
    assert seen == [0]
    assert scheduler.seq == 2


@template
def Child(self: Process, name: str) -> Generator[Any, Any, str]:
    yield from ()
    return name


@template
def Parent(self: Process) -> Generator[Any, Any, list[str]]:
    children = [self.spawn(Child, name) for name in ("a", "b")]
    results = yield from self.join_all(*children)
    return list(results)


async def test_pull_yields_the_whole_tree_in_seq_order_as_the_original_outbox() -> None:
    parent = Parent.create(0)
    parent.start()
    while parent.alive:
        await parent.update()
    pulled = parent.pull()
    assert [s.seq for s in pulled] == list(range(len(pulled)))
    starts = [s.pid for s in pulled if s.type is SignalType.START]
    stops = {s.pid: s.data["result"] for s in pulled if s.type is SignalType.STOP}
    assert starts == [0, 1, 2]
    assert stops == {1: "a", 2: "b", 0: ["a", "b"]}
    assert parent.pull() == []  # drained: one outbox for the tree


def test_a_standalone_process_takes_its_own_inbox_limit() -> None:
    proc = Greeter.create(0, 1, inbox_limit=1, overflow="drop-newest")
    assert proc.inbox_limit == 1
    with pytest.raises(MisuseError):
        Greeter.create(0, 1, overflow="sideways")
