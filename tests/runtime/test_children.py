"""Spawn, inherited messages, join, and a child never outliving its parent."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, ProcessStatus, template
from chronoflow.errors import NotAChildError, ProcessCrashedError, UnjoinedChildrenError
from chronoflow.runtime import SimpleScheduler

from .conftest import Tape


@template
def Collector(self: Process, n: int) -> Generator[Any, Any, list[Any]]:
    received = []
    for _ in range(n):
        received.append((yield self.receive()))
    return received


@template
def Parent(self: Process) -> Generator[Any, Any, Any]:
    first = yield self.receive(match=lambda m: m == "go")
    child = self.spawn(Collector, 3)
    second = yield self.receive()
    child_result = yield from child.join()
    return first, second, child_result


async def test_child_gets_a_copy_of_the_inbox_and_every_later_message(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    parent = scheduler.create(Parent)
    parent.start()
    await scheduler.update()
    for message in ("a", "b", "go", "c"):
        await parent.push(message)
    # "a" and "b" waited in the parent's inbox when the child was spawned:
    # the child starts with copies, and "c" is delivered to both.
    child = parent.children[0]
    assert child.result == ["a", "b", "c"]
    assert parent.result == ("go", "a", ["a", "b", "c"])
    assert parent.messages == ["b", "c"]
    assert child.parent is parent
    spawn = next(s for s in tape.signals if s.type.name == "SPAWN")
    start = tape.signals[spawn.seq + 1]
    assert spawn.data == {"child": 1, "template": "Collector"}
    assert (start.pid, start.type.name, start.data["parent"], start.data["args"]) == (
        1,
        "START",
        0,
        [3],
    )
    delivers = [s.data["into"] for s in tape.signals if s.type.name == "DELIVER"]
    assert delivers == [[0], [0], [0], [0, 1]]


@template
def Tree(self: Process, depth: int) -> Generator[Any, Any, int]:
    if depth == 0:
        return (yield self.receive())
    child = self.spawn(Tree, depth - 1)
    mine = yield self.receive()
    below = yield from child.join()
    return mine + below


async def test_grandchildren_receive_through_their_ancestors(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    root = scheduler.create(Tree, 2)
    root.start()
    await scheduler.update()
    await root.push(5)
    assert root.result == 15
    deliver = next(s for s in tape.signals if s.type.name == "DELIVER")
    assert deliver.data["into"] == [0, 1, 2]


@template
def Joiner(self: Process) -> Generator[Any, Any, Any]:
    a = self.spawn(Collector, 1)
    b = self.spawn(Collector, 1)
    return (yield from self.join_all(b, a))


async def test_join_all_returns_results_in_the_order_asked(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    proc = scheduler.create(Joiner)
    proc.start()
    await scheduler.update()
    assert proc.status is ProcessStatus.JOINING
    await proc.push("x")
    assert proc.result == [["x"], ["x"]]
    waits = [(s.pid, s.data) for s in tape.signals if s.type.name in ("WAIT", "JOIN")]
    assert waits == [
        (0, {"join": 2}),
        (1, None),
        (2, None),
        (0, {"child": 2, "result": ["x"]}),
        (0, {"child": 1, "result": ["x"]}),
    ]


async def test_joining_a_process_that_is_not_a_child_is_an_error(
    scheduler: SimpleScheduler,
) -> None:
    stranger = scheduler.create(Collector, 1)

    @template
    def Nosy(self: Process) -> Generator[Any, Any, str]:
        try:
            yield from stranger.join()
        except NotAChildError as error:
            return str(error)
        return "joined"

    stranger.start()
    proc = scheduler.create(Nosy)
    proc.start()
    await scheduler.update()
    assert proc.result == (
        "process 1 cannot join process 0: only a parent can join the children it spawned"
    )


@template
def Careless(self: Process) -> Generator[Any, Any, str]:
    child = self.spawn(Collector, 5)
    child.spawn  # noqa: B018 - the child exists; the parent forgets it
    self.spawn(Collector, 5)
    return "done"
    yield


async def test_a_parent_ending_with_live_children_crashes_and_they_are_killed(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    parent = scheduler.create(Careless)
    parent.start()
    await scheduler.run()
    assert parent.status is ProcessStatus.CRASHED
    assert isinstance(parent.error, UnjoinedChildrenError)
    assert parent.error.children == [1, 2]
    assert [c.status for c in parent.children] == [ProcessStatus.KILLED] * 2
    tail = tape.brief()[-3:]
    assert tail[0][:2] == (0, "CRASH")
    assert tail[0][2]["error"] == "UnjoinedChildrenError"
    assert tail[1:] == [
        (1, "KILL", {"reason": "parent 0 ended", "from": 0}),
        (2, "KILL", {"reason": "parent 0 ended", "from": 0}),
    ]


@template
def Fragile(self: Process) -> Generator[Any, Any, None]:
    message = yield self.receive()
    raise ValueError(f"cannot handle {message}")


@template
def Guardian(self: Process) -> Generator[Any, Any, str]:
    child = self.spawn(Fragile)
    try:
        yield from child.join()
    except ProcessCrashedError as error:
        return f"{error.error}: {error.message} (cause: {type(error.__cause__).__name__})"
    return "no crash"


async def test_a_crashed_child_raises_at_its_join(scheduler: SimpleScheduler) -> None:
    guardian = scheduler.create(Guardian)
    guardian.start()
    await scheduler.update()
    await guardian.push("boom")
    assert guardian.result == "ValueError: cannot handle boom (cause: ValueError)"
    assert guardian.children[0].status is ProcessStatus.CRASHED
