"""Why each process is not running, what the world waits on, standstills and causes."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from chronoflow import Process, SimpleScheduler, template
from chronoflow.inspect import CausalLink, Status, Timeline, WaitEdge, WhyKind
from chronoflow.replay.workflow import load_workflow
from tests.inspect.conftest import record, timeline_of

ROOT = Path(__file__).resolve().parents[2]


def opened(name: str) -> Timeline:
    timeline = Timeline.open(ROOT / "recordings" / f"{name}.cfl")
    timeline.wait()
    return timeline


def test_why_says_what_a_receive_waits_for_and_what_made_it_ready() -> None:
    with opened("client_server") as timeline:
        waiting = timeline.why(1, 10)
        assert waiting.kind is WhyKind.RECEIVE
        assert waiting.short == "select reply_to(102)"
        assert waiting.sentence == (
            "waits for a message matching reply_to(102) since seq 6; "
            "2 messages in its inbox did not match"
        )
        assert waiting.since == 6
        ready = timeline.why(1, 12)
        assert (ready.kind, ready.short) == (WhyKind.READY, "#12 matches")
        assert ready.sentence == (
            "is ready: message #12 matches reply_to(102); the receive takes it when it runs"
        )
        plain = timeline.why(0, 3)  # the server, blocked at seq 2, gets request 100
        assert plain.sentence == ("is ready: message #3 arrived; its receive takes it when it runs")
        assert timeline.why(0, 2).sentence == "waits for any message since seq 2"
        assert timeline.why(1, 17).sentence == "stopped at seq 17"
        assert timeline.why(0, 7).kind is WhyKind.RUNNING


def test_why_names_joins_timers_sleeps_and_uses() -> None:
    with opened("parent_children") as timeline:
        join = timeline.why(0, 9)
        assert (join.short, join.counterpart) == ("join Child[3]", 3)
        assert join.sentence == "joins Child[3] since seq 9"
        end = timeline.find("type:STOP pid:3")
        assert end is not None
        ready = timeline.why(0, end)
        assert timeline.state_at(end).process(0).status is Status.READY
        assert ready.sentence == (
            f"is ready: Child[3], which it joins, ended at seq {end}; it collects it when it runs"
        )
    with opened("timeout_retry") as timeline:
        timed = timeline.why(1, 10)
        assert timed.sentence == (
            "waits for a message matching is_reply(2) since seq 9 (timeout 2 s, due at +3.000s)"
        )
        assert timed.short == "select is_reply(2) ⏱2s"
        assert timed.due == pytest.approx(timeline.origin + 3.0)
        sleeping = timeline.why(0, 9)
        assert sleeping.sentence == "sleeps 3 s since seq 6, until +3.000s"
        assert sleeping.short == "sleep until +3.000s"

    async def fetch(value: int) -> int:
        return value

    @template
    def User(self: Process) -> Generator[Any, Any, Any]:
        return (yield self.use(fetch, 5))

    def main(scheduler: SimpleScheduler) -> None:
        scheduler.create(User).start()

    timeline = timeline_of(record(main))
    use = timeline.find("type:USE")
    assert use is not None
    using = timeline.why(0, use)
    assert using.kind is WhyKind.USE
    assert using.short == "use fetch"
    assert using.sentence == f"awaits use fetch since seq {use}"


def test_the_deadlocked_philosophers_show_their_cycle() -> None:
    with opened("dining_philosophers") as timeline:
        standstill = timeline.standstill()
        assert standstill is not None
        last = len(timeline) - 1
        assert standstill.since == last  # the last philosopher blocks last
        assert standstill.deadlock
        assert standstill.describe() == "deadlock: 10 processes blocked forever since seq 64"
        assert standstill.cycle == (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
        assert WaitEdge(5, 1, "sent to it, then waited") in standstill.edges
        assert WaitEdge(1, 6, "sent to it, then waited") in standstill.edges
        pending = timeline.pending(last)
        assert pending.quiet
        assert pending.standstill == standstill
        assert len(pending.blocked) == 10
        assert [pid for pid, _ in pending.inboxes] == [0, 1, 2, 3, 4]
        assert timeline.pending(last - 1).standstill is None  # Philosopher[9] still runs


def test_a_recording_from_before_examination_shows_the_same_deadlock() -> None:
    fixture = ROOT / "tests" / "fixtures" / "dining_philosophers-1.0.cfl"
    with Timeline.open(fixture) as timeline:
        timeline.wait()
        standstill = timeline.standstill()
        assert standstill is not None
        assert standstill.cycle == (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)


def test_servers_left_waiting_are_a_standstill_but_not_a_deadlock() -> None:
    with opened("client_server") as timeline:
        standstill = timeline.standstill()
        assert standstill is not None
        assert not standstill.deadlock
        assert (standstill.since, standstill.blocked, standstill.cycle) == (17, (0,), ())
        assert standstill.describe() == (
            "blocked forever since seq 17: 1 process waits for messages that nothing left can send"
        )
    workflow = load_workflow(ROOT / "sample_workflows" / "dining_philosophers.py")
    timeline = timeline_of(record(lambda scheduler: workflow.main(scheduler, "ordered")))
    standstill = timeline.standstill()
    assert standstill is not None
    assert not standstill.deadlock  # the forks wait for requests nobody will make
    with opened("parallel_map") as done:
        assert done.standstill() is None


@template
def Silent(self: Process) -> Generator[Any, Any, Any]:
    return (yield self.receive())


@template
def Joiner(self: Process) -> Generator[Any, Any, Any]:
    child = self.spawn(Silent, inherit=False)
    return (yield from child.join())


def test_a_join_on_a_blocked_child_is_a_deadlock_without_a_cycle() -> None:
    def main(scheduler: SimpleScheduler) -> None:
        scheduler.create(Joiner).start()

    timeline = timeline_of(record(main))
    standstill = timeline.standstill()
    assert standstill is not None
    assert standstill.edges == (WaitEdge(0, 1, "joins"),)
    assert standstill.deadlock
    assert standstill.cycle == ()


def test_a_quiet_world_moved_on_from_outside_is_no_standstill() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        first = scheduler.create(Silent)
        first.start()
        await scheduler.update()  # blocked: the world is quiet here
        await first.push("wake")

    timeline = timeline_of(record(main))
    assert timeline.standstill() is None
    quiet = timeline.pending(1)
    assert quiet.quiet
    assert quiet.standstill is None
    assert quiet.resumed_at == 2
    assert not timeline.pending(2).quiet


@template
def Lonely(self: Process) -> Generator[Any, Any, Any]:
    self.send(("nobody", 1))
    return (yield self.receive())


def test_the_outbox_holds_what_reached_no_inbox() -> None:
    @template(route=lambda message: None)
    def Shouter(self: Process) -> Generator[Any, Any, None]:
        self.send("into the void")
        return
        yield

    def main(scheduler: SimpleScheduler) -> None:
        scheduler.create(Shouter).start()

    timeline = timeline_of(record(main))
    send = timeline.find("type:SEND")
    assert send is not None
    (lost,) = timeline.state_at(send).outbox
    assert (lost.id, lost.message, lost.sender, lost.to) == (send, "into the void", 0, None)
    assert timeline.pending(send).outbox == (lost,)
    assert CausalLink("reached no inbox (no process): in the outbox", send) in timeline.links(send)


def test_a_message_nobody_took_says_where_it_still_is() -> None:
    with opened("dining_philosophers") as timeline:
        # Philosopher[5]'s request for fork 1 waits in Fork[1]'s inbox to the end.
        assert timeline.links(55) == (CausalLink("still in Fork[1]'s inbox since seq 55", 55),)


def test_a_restart_links_to_its_exit_the_old_end_and_the_new_start() -> None:
    with opened("supervised_pool") as timeline:
        restart = timeline.find("type:RESTART")
        assert restart == 39
        assert timeline.links(restart) == (
            CausalLink("exit signal from Worker[4]", 33),
            CausalLink("caused by the end of Worker[4]", 32),
            CausalLink("Worker[5] starts", 37),
        )
        assert timeline.links(33)[0] == CausalLink("caused by the end of Worker[4]", 32)


def test_the_template_at_a_seq_follows_transitions() -> None:
    with opened("transitions") as timeline:
        assert [timeline.template_at(0, seq) for seq in (0, 10, 11, 15)] == [
            "Countdown",
            "Countdown",
            "Liftoff",
            "Liftoff",
        ]
        assert timeline.template_at(7, 3) is None
        assert timeline.state_at(12).process(0).template_since == 11
        assert timeline.state_at(10).process(0).template_since == 7


@template(route=lambda message: message[0])
def Asker(self: Process, server: int) -> Generator[Any, Any, Any]:
    self.send((server, "question", self.pid))
    return (yield self.receive(match=lambda m: m[1] == "answer"))


@template(route=lambda message: message[0])
def Fragile(self: Process) -> Generator[Any, Any, Any]:
    yield self.receive()
    raise RuntimeError("gone before answering")


def test_a_wait_for_a_reply_from_a_process_that_ended_is_a_dead_end() -> None:
    def main(scheduler: SimpleScheduler) -> None:
        server = scheduler.create(Fragile)
        server.start()
        scheduler.create(Asker, server.pid).start()

    timeline = timeline_of(record(main))
    standstill = timeline.standstill()
    assert standstill is not None
    assert not standstill.deadlock
    assert standstill.hangs
    crash = timeline.find("type:CRASH")
    assert standstill.dead_ends == (
        WaitEdge(1, 0, f"sent to it, then waited; it ended at seq {crash}"),
    )
    assert standstill.describe() == (
        f"blocked forever since seq {standstill.since}: 1 process waits for a process "
        "that has ended"
    )


@template(route=lambda message: message[0])
def Polite(self: Process, other: int) -> Generator[Any, Any, Any]:
    first = yield self.receive()  # each waits for the other to speak first
    self.send((other, "hello"))
    return first


def test_two_processes_that_wait_for_each_other_to_speak_first() -> None:
    def main(scheduler: SimpleScheduler) -> None:
        scheduler.create(Polite, 1).start()
        scheduler.create(Polite, 0).start()

    timeline = timeline_of(record(main))
    standstill = timeline.standstill()
    assert standstill is not None
    # Neither sent anything, so nothing says whom each waits for.
    assert (standstill.blocked, standstill.edges, standstill.dead_ends) == ((0, 1), (), ())
    assert [timeline.why(pid, len(timeline) - 1).sentence for pid in (0, 1)] == [
        "waits for any message since seq 2",
        "waits for any message since seq 3",
    ]
