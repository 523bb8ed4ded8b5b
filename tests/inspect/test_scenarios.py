"""The world at chosen seqs of real workflows: exact trees, statuses and inboxes."""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, Transition, template
from chronoflow.inspect import (
    Crash,
    InboxEntry,
    PendingUse,
    Status,
    Wait,
    WaitMode,
    World,
)
from chronoflow.runtime import SimpleScheduler
from chronoflow.signals import SignalType
from tests.inspect.conftest import record, record_sample, timeline_of

pytestmark = pytest.mark.usefixtures("quiet")


def tree(world: World) -> list[tuple[int, str, str]]:
    """(depth, name, status) in pre-order: the shape the TUI's tree shows."""
    return [(depth, proc.name, proc.status.value) for depth, proc in world.tree()]


def reply(request: int, result: Any) -> dict[str, Any]:
    return {"id": request, "from": 0, "to": 1, "result": result}


def test_client_select_waits_for_102_while_100_and_101_sit_in_its_inbox() -> None:
    timeline = timeline_of(record_sample("client_server"))
    assert timeline.signal(10).type == SignalType.SEND
    world = timeline.state_at(10)
    assert tree(world) == [(0, "Server[0]", "running"), (0, "Client[1]", "waiting")]
    client = world.process(1)
    assert client.wait == Wait(WaitMode.SELECT, "reply_to(102)", None, 6)
    assert client.wait.describe() == "select reply_to(102)"
    assert client.status.label == "waiting for a message"
    assert client.inbox == (
        InboxEntry(8, reply(100, 1), 0, 8),
        InboxEntry(10, reply(101, 2), 0, 10),
    )
    assert world.process(0).inbox == (
        InboxEntry(5, {"id": 102, "from": 1, "to": 0, "command": "STOP"}, 1, 5),
    )
    assert [p.pid for p in world.mailboxes()] == [0, 1]


def test_client_takes_102_first_and_stops_with_the_replies_in_its_order() -> None:
    timeline = timeline_of(record_sample("client_server"))
    after_first = timeline.state_at(14)
    assert after_first.process(1).status is Status.RUNNING
    assert after_first.process(1).wait is None
    assert [entry.id for entry in after_first.process(1).inbox] == [8, 10]
    end = timeline.state_at(len(timeline) - 1)
    client, server = end.process(1), end.process(0)
    assert (client.status, client.result, client.inbox, client.ended) == (
        Status.STOPPED,
        ["error", 2, 1],
        (),
        17,
    )
    assert server.status is Status.WAITING
    assert server.wait == Wait(WaitMode.RECEIVE, None, None, 13)


def test_children_inherit_the_parents_inbox_and_every_later_delivery() -> None:
    timeline = timeline_of(record_sample("parent_children"))
    world = timeline.state_at(7)
    assert tree(world) == [
        (0, "Parent[0]", "running"),
        (1, "Child[1]", "running"),
        (1, "Child[2]", "running"),
        (1, "Child[3]", "running"),
    ]
    assert world.process(0).children == (1, 2, 3)
    assert world.process(0).inbox == (InboxEntry(1, "msg1", None, 1),)
    for child, spawn in ((1, 2), (2, 4), (3, 6)):
        (entry,) = world.process(child).inbox
        assert entry == InboxEntry(1, "msg1", None, spawn)
        assert entry.inherited
        assert world.process(child).parent == 0

    joining = timeline.state_at(16)
    parent = joining.process(0)
    assert parent.status is Status.JOINING
    assert parent.wait == Wait(WaitMode.JOIN, None, 3, 9)
    assert parent.inbox == (InboxEntry(16, "msg2", None, 16),)
    assert [entry.id for entry in joining.process(3).inbox] == [16]
    assert not joining.process(3).inbox[0].inherited

    end = timeline.state_at(33)
    assert [proc.status for proc in end] == [Status.STOPPED] * 4
    # The parent took msg1 only: the two later messages stay in its inbox.
    assert [entry.message for entry in end.process(0).inbox] == ["msg2", "msg3"]
    assert end.process(0).result == ["child3 done", "child2 done", "child1 done"]


def test_a_filter_drops_what_it_skips_and_its_inbox_never_grows() -> None:
    timeline = timeline_of(record_sample("filtering"))
    before_drop = timeline.state_at(1)
    assert before_drop.process(0).inbox == (InboxEntry(1, 12, None, 1),)
    waiting = timeline.state_at(4)
    monitor = waiting.process(0)
    assert monitor.status is Status.WAITING
    assert monitor.wait == Wait(WaitMode.FILTER, "is_alarm", None, 3)
    assert monitor.inbox == (InboxEntry(4, 17, None, 4),)
    assert timeline.state_at(5).process(0).inbox == ()
    assert all(len(timeline.state_at(seq).process(0).inbox) <= 1 for seq in range(19))
    assert timeline.state_at(18).process(0).result == [95, 99, 97]


@template
def Boom(self: Process, value: int) -> Generator[Any, Any, None]:
    yield self.receive()
    raise ValueError(f"bad value {value}")


def test_a_crash_keeps_its_type_message_and_traceback() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        boom = scheduler.create(Boom, 7)
        boom.start()
        await boom.push("go")

    timeline = timeline_of(record(main))
    world = timeline.state_at(len(timeline) - 1)
    proc = world.process(0)
    assert proc.status is Status.CRASHED
    assert proc.crash is not None
    assert (proc.crash.error, proc.crash.message) == ("ValueError", "bad value 7")
    assert "raise ValueError" in proc.crash.traceback
    assert proc.crash == Crash("ValueError", "bad value 7", proc.crash.traceback, proc.ended or 0)
    assert proc.inbox == ()


@template
def Forever(self: Process) -> Generator[Any, Any, None]:
    while True:
        yield self.receive()


@template
def Careless(self: Process) -> Generator[Any, Any, str]:
    self.spawn(Forever)
    yield self.receive()
    return "done"


def test_an_unjoined_child_is_killed_when_its_parent_ends() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        parent = scheduler.create(Careless)
        parent.start()
        await parent.push("go")

    timeline = timeline_of(record(main))
    last = len(timeline) - 1
    assert timeline.signal(last).type == SignalType.KILL
    world = timeline.state_at(last)
    assert tree(world) == [(0, "Careless[0]", "crashed"), (1, "Forever[1]", "killed")]
    child = world.process(1)
    assert child.kill_reason == "parent 0 ended"
    assert child.ended == last
    assert child.wait is None
    parent = world.process(0)
    assert parent.crash is not None
    assert parent.crash.error == "UnjoinedChildrenError"
    # The child never ran: one seq earlier it was still running (started) with
    # the copy of "go" it inherited when it was spawned; killed, it keeps it.
    before = timeline.state_at(last - 1).process(1)
    assert before.status is Status.RUNNING
    assert [(e.message, e.inherited) for e in before.inbox] == [("go", True)]
    assert child.inbox == before.inbox


async def _answer(value: int) -> int:
    return value * 2


async def _fail() -> None:
    raise RuntimeError("service down")


@template
def User(self: Process) -> Generator[Any, Any, Any]:
    doubled = yield self.use(_answer, 21)
    with contextlib.suppress(RuntimeError):
        yield self.use(_fail)
    return Transition(Finisher, doubled)


@template
def Finisher(self: Process, value: int) -> Generator[Any, Any, int]:
    yield self.receive()
    return value


def test_pending_use_results_and_transitions() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        scheduler.create(User).start()

    timeline = timeline_of(record(main))
    kinds = [SignalType(s.type).name for s in timeline.signals()]
    assert kinds == ["START", "USE", "RESULT", "USE", "RESULT", "TRANSITION", "WAIT"]
    using = timeline.state_at(1)
    proc = using.process(0)
    assert proc.status is Status.USING
    assert proc.status.label == "waiting on use"
    assert proc.use == PendingUse(0, 1, f"{__name__}._answer", (21,))
    assert using.pending_uses() == (proc.use,)
    assert timeline.state_at(2).process(0).use is None
    assert timeline.state_at(2).pending_uses() == ()
    moved = timeline.state_at(5).process(0)
    assert (moved.template, moved.started_as, moved.transitions, moved.args) == (
        "Finisher",
        "User",
        1,
        (42,),
    )
    assert moved.qualname == "Finisher"
    assert timeline.state_at(6).process(0).status is Status.WAITING


@template(inbox_limit=1)
def Small(self: Process) -> Generator[Any, Any, None]:
    yield self.receive(lambda message: message == "never")


def test_a_refused_delivery_leaves_the_inbox_unchanged() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        small = scheduler.create(Small)
        small.start()
        await small.push("first")
        await small.push("second")

    timeline = timeline_of(record(main))
    backoff = timeline.find("type:BACKOFF")
    assert backoff is not None
    world = timeline.state_at(backoff)
    assert [entry.message for entry in world.process(0).inbox] == ["first"]
    assert timeline.signal(backoff).data["id"] == backoff - 1


def test_world_views_agree_with_each_other() -> None:
    timeline = timeline_of(record_sample("parent_children"))
    world = timeline.state_at(16)
    assert world.pids == (0, 1, 2, 3)
    assert world.roots == (0,)
    assert len(world) == 4
    assert 2 in world
    assert 9 not in world
    assert list(world.processes) == [0, 1, 2, 3]
    assert world.processes[2] is world.process(2)
    # Seq 16 delivers a message to the parent and its children: the children,
    # blocked in a plain receive, are ready now (they take it when they run).
    assert [p.pid for p in world.waiting()] == [0]
    assert [world.process(pid).matched for pid in (1, 2, 3)] == [16, 16, 16]
    counts = world.status_counts()
    assert (counts[Status.JOINING], counts[Status.READY], counts[Status.RUNNING]) == (1, 3, 0)
    assert sum(counts.values()) == 4
    with pytest.raises(KeyError):
        world.process(9)
    assert World.empty().pids == ()
    assert timeline.state_at(-1) == World.empty()


@pytest.mark.parametrize(
    ("sample", "nests"),
    [("parent_children", True), ("supervised_pool", True), ("transitions", False)],
)
def test_tree_order_and_template_of_build_no_process_state(sample: str, nests: bool) -> None:
    timeline = timeline_of(record_sample(sample))
    deepest = 0
    for seq in range(len(timeline)):
        world = timeline.state_at(seq)
        order = list(world.tree_order())
        names = {pid: world.template_of(pid) for pid in world.pids}
        assert world.template_of(10_000) is None
        assert world._cache == {}  # laid out and named without a single ProcessState
        assert names == {pid: world.process(pid).template for pid in world.pids}
        assert order == [(depth, proc.pid) for depth, proc in world.tree()]
        assert sorted(pid for _, pid in order) == sorted(world.pids)
        deepest = max([deepest, *(depth for depth, _ in order)])
    assert (deepest >= 1) == nests
