"""Links, monitors, exit trapping, timeouts and sleeps in the world and its causality."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, template
from chronoflow.inspect import (
    HANDLERS,
    CausalLink,
    Hop,
    HopKind,
    Status,
    Wait,
    WaitMode,
)
from chronoflow.runtime import SimpleScheduler
from chronoflow.signals import SignalType
from tests.inspect.conftest import record, timeline_of


def test_every_signal_type_has_a_handler() -> None:
    assert len(HANDLERS) == len(SignalType)


@template
def Fragile(self: Process) -> Generator[Any, Any, None]:
    yield self.receive()
    raise RuntimeError("fragile broke")


@template
def Partner(self: Process, other: int, trap: bool) -> Generator[Any, Any, Any]:
    self.trap_exits(trap)
    self.link(other)
    return (yield self.receive())


def _linked(trap: bool) -> Any:
    async def main(scheduler: SimpleScheduler) -> None:
        fragile = scheduler.create(Fragile)
        fragile.start()
        scheduler.create(Partner, fragile.pid, trap).start()
        await scheduler.update()
        await fragile.push("go")

    return main


def test_a_crash_ends_a_linked_process_that_does_not_trap_exits() -> None:
    timeline = timeline_of(record(_linked(False)))
    link = timeline.find("type:LINK")
    assert link is not None
    linked = timeline.state_at(link)
    assert linked.process(0).links == (1,)
    assert linked.process(1).links == (0,)
    crash = timeline.find("type:CRASH")
    kill = timeline.find("type:KILL")
    assert crash is not None
    assert kill is not None
    end = timeline.state_at(len(timeline) - 1)
    partner = end.process(1)
    assert partner.status is Status.KILLED
    assert partner.killed_by == 0
    assert partner.kill_reason is not None
    assert "fragile broke" in partner.kill_reason
    assert (end.process(0).links, partner.links) == ((), ())
    assert CausalLink("caused by the end of Fragile[0]", crash) in timeline.links(kill)


def test_a_trapped_exit_is_a_message_with_its_own_identity() -> None:
    timeline = timeline_of(record(_linked(True)))
    exit_seq = timeline.find("type:EXIT")
    assert exit_seq is not None
    world = timeline.state_at(exit_seq)
    partner = world.process(1)
    assert partner.trap_exit
    (entry,) = partner.inbox
    assert entry.id == exit_seq
    assert entry.sender == 0
    assert entry.message[:2] == ("EXIT", 0)
    trace = timeline.trace(exit_seq)
    receive = timeline.find("type:RECEIVE pid:1")
    assert receive is not None
    assert trace.hops == (
        Hop(HopKind.SIGNALLED, 1, exit_seq),
        Hop(HopKind.DELIVERED, 1, exit_seq),
        Hop(HopKind.RECEIVED, 1, receive),
    )
    assert trace.sender == 0
    assert timeline.links(receive)[0] == CausalLink("exit signal from Fragile[0]", exit_seq)
    assert timeline.state_at(len(timeline) - 1).process(1).status is Status.STOPPED


@template
def Watcher(self: Process, target: int) -> Generator[Any, Any, Any]:
    self.monitor(target)
    return (yield self.receive())


def test_a_monitor_gets_a_down_message_when_its_target_ends() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        fragile = scheduler.create(Fragile)
        fragile.start()
        scheduler.create(Watcher, fragile.pid).start()
        await scheduler.update()
        await fragile.push("go")

    timeline = timeline_of(record(main))
    monitor = timeline.find("type:MONITOR")
    down = timeline.find("type:DOWN")
    assert monitor is not None
    assert down is not None
    assert timeline.state_at(monitor).process(1).monitors == ((monitor, 0),)
    at_down = timeline.state_at(down).process(1)
    assert at_down.monitors == ()
    assert [(e.id, e.message[:3]) for e in at_down.inbox] == [(down, ("DOWN", monitor, 0))]
    assert timeline.links(monitor) == (CausalLink("down", down),)
    crash = timeline.find("type:CRASH")
    assert crash is not None
    # A DOWN names the ending that caused it and the monitor it answers, and
    # its message comes from the process that ended.
    assert timeline.links(down)[:2] == (
        CausalLink("caused by the end of Fragile[0]", crash),
        CausalLink("monitor", monitor),
    )
    assert at_down.inbox[0].sender == 0
    assert timeline.trace(down).sender == 0
    assert timeline.summary(down).startswith("down: 0 ended")


@template
def Patient(self: Process) -> Generator[Any, Any, Any]:
    first = yield self.receive(timeout=2)
    yield self.sleep(0.5)
    return first


def test_receive_timeouts_and_sleeps() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        scheduler.create(Patient).start()

    timeline = timeline_of(record(main))
    kinds = [SignalType(s.type).name for s in timeline.signals()]
    assert kinds == ["START", "WAIT", "TIMEOUT", "WAIT", "TIMEOUT", "STOP"]
    waiting = timeline.state_at(1).process(0)
    assert waiting.status is Status.WAITING
    assert waiting.wait == Wait(WaitMode.RECEIVE, None, None, 1, 2.0)
    assert waiting.wait.describe() == "receive (timeout 2s)"
    assert timeline.state_at(2).process(0).status is Status.RUNNING
    sleeping = timeline.state_at(3).process(0)
    assert sleeping.status is Status.SLEEPING
    assert sleeping.status.label == "sleeping"
    assert sleeping.wait is not None
    assert sleeping.wait.describe() == "sleep 0.5s"
    assert timeline.links(2) == (CausalLink("wait began", 1),)
    assert timeline.summary(1) == "wait (receive) timeout 2s"
    assert timeline.summary(3) == "sleep 0.5s"


@template
def Loner(self: Process) -> Generator[Any, Any, Any]:
    return (yield self.receive())


@template
def Boss(self: Process) -> Generator[Any, Any, Any]:
    worker = self.spawn(Loner, inherit=False)
    yield self.receive()
    yield from worker.join()


def test_a_child_spawned_without_inheriting_gets_no_copies() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        boss = scheduler.create(Boss)
        boss.start()
        await boss.push("early")  # waits in the boss's inbox when it spawns
        await boss.push("later")

    timeline = timeline_of(record(main))
    assert timeline.signal(2).data == {"child": 1, "template": "Loner", "inherit": False}
    world = timeline.state_at(3)
    assert world.process(1).inherits is False
    assert world.process(0).inherits is True
    assert [entry.message for entry in world.process(0).inbox] == ["early"]
    assert world.process(1).inbox == ()
    later = timeline.find('type:DELIVER "later"')
    assert later is not None
    assert timeline.signal(later).data["into"] == [0]
    assert timeline.state_at(later).process(1).inbox == ()
    assert timeline.trace(1).hops == (
        Hop(HopKind.PUSHED, 0, 1),
        Hop(HopKind.DELIVERED, 0, 1),
        Hop(HopKind.RECEIVED, 0, 4),
    )


def test_summaries_of_the_relation_signals() -> None:
    from chronoflow.inspect import summary
    from chronoflow.signals import Signal

    S = SignalType
    cases = {
        (S.LINK, (("with", 3),)): "link with 3",
        (S.UNLINK, (("with", 3),)): "unlink 3",
        (S.DEMONITOR, (("ref", 9),)): "demonitor @9",
        (S.TRAP, (("trap", True),)): "trap exits on",
        (S.NOW, (("time", 2.5),)): "now = 2.5",
        (
            S.RETRY,
            (("use", 4), ("attempt", 2), ("delay", 0.5)),
        ): "retry use @4 (attempt 2, after 0.5s)",
    }
    for (kind, items), text in cases.items():
        assert summary(Signal(0, 1, kind, dict(items))) == text
    exit_data = {"from": 2, "reason": "normal", "action": "ignore"}
    assert summary(Signal(0, 1, S.EXIT, exit_data)) == "exit from 2: normal (ignored)"
    kill = {"reason": "kill", "from": 5}
    assert summary(Signal(0, 1, S.KILL, kill)) == "killed: kill (by 5)"


pytestmark = pytest.mark.usefixtures("quiet")
