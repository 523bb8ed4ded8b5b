"""Causality: a message's hops from SEND to every RECEIVE/DROP, and jump links."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from chronoflow import Process, template
from chronoflow.inspect import CausalLink, Hop, HopKind, NotAMessageError, Timeline
from chronoflow.inspect.causal_links import _answers
from chronoflow.inspect.fold import state_of
from chronoflow.runtime import SimpleScheduler
from chronoflow.signals import SignalType
from tests.inspect.conftest import record, record_sample, timeline_of
from tests.inspect.random_workflows import Program, programs

pytestmark = pytest.mark.usefixtures("quiet")

H = HopKind
RECORDINGS = Path(__file__).resolve().parent.parent.parent / "recordings"


def test_a_pushed_message_reaches_the_parent_and_every_child() -> None:
    timeline = timeline_of(record_sample("parent_children"))
    trace = timeline.trace(16)
    assert (trace.id, trace.message, trace.sender, trace.to) == (16, "msg2", None, 0)
    assert trace.hops == (
        Hop(H.PUSHED, 0, 16),
        Hop(H.DELIVERED, 0, 16),
        Hop(H.DELIVERED, 1, 16),
        Hop(H.DELIVERED, 2, 16),
        Hop(H.DELIVERED, 3, 16),
        Hop(H.RECEIVED, 1, 17),
        Hop(H.RECEIVED, 2, 19),
        Hop(H.RECEIVED, 3, 21),
    )
    assert trace.pending == (0,)  # the parent never took msg2
    assert trace.hops_in(2) == (Hop(H.DELIVERED, 2, 16), Hop(H.RECEIVED, 2, 19))


def test_copies_inherited_at_spawn_are_traced_to_their_receives() -> None:
    timeline = timeline_of(record_sample("parent_children"))
    trace = timeline.trace(1)
    assert trace.hops == (
        Hop(H.PUSHED, 0, 1),
        Hop(H.DELIVERED, 0, 1),
        Hop(H.INHERITED, 1, 2),
        Hop(H.INHERITED, 2, 4),
        Hop(H.INHERITED, 3, 6),
        Hop(H.RECEIVED, 0, 8),
        Hop(H.RECEIVED, 1, 10),
        Hop(H.RECEIVED, 2, 12),
        Hop(H.RECEIVED, 3, 14),
    )
    assert trace.pending == ()
    assert timeline.links(10) == (
        CausalLink("pushed from outside", 1),
        CausalLink("inherited at spawn", 2),
    )


def test_send_and_receive_link_to_each_other() -> None:
    timeline = timeline_of(record_sample("client_server"))
    assert timeline.links(3) == (CausalLink("received by Server[0]", 7),)
    assert timeline.links(7) == (CausalLink("sent by Client[1]", 3),)
    # The client's select ends when it takes reply 102, which woke it.
    assert timeline.links(6) == (
        CausalLink("wait ends", 14),
        CausalLink("woken by message #12", 12),
    )
    # The server's last wait never ends; Client[1] got every reply.
    assert timeline.links(13) == ()
    assert timeline.links(1) == (CausalLink("ends", 17),)
    trace = timeline.trace(12)
    assert trace.sender == 0
    assert trace.to == 1
    with pytest.raises(NotAMessageError, match="seq 7 is a RECEIVE"):
        timeline.trace(7)


def test_drops_spawns_joins_and_ends_link_up() -> None:
    filtering = timeline_of(record_sample("filtering"))
    assert filtering.links(1) == (CausalLink("dropped by Monitor[0]", 2),)
    assert filtering.links(2) == (CausalLink("pushed from outside", 1),)

    family = timeline_of(record_sample("parent_children"))
    assert family.links(2) == (
        CausalLink("Child[1] starts", 3),
        CausalLink("Child[1] ends", 25),
        CausalLink("joined by Parent[0]", 32),
    )
    assert family.links(3) == (CausalLink("spawned by Parent[0]", 2), CausalLink("ends", 25))
    assert family.links(25) == (CausalLink("joined by Parent[0]", 32),)
    assert family.links(32) == (CausalLink("child ended", 25),)


async def _slow(value: int) -> int:
    return value


@template
def Waiter(self: Process) -> Generator[Any, Any, Any]:
    self.spawn(Sleeper)
    value = yield self.use(_slow, 5)
    return value, (yield self.receive())


@template
def Sleeper(self: Process) -> Generator[Any, Any, None]:
    yield self.receive()


def test_use_result_and_kill_links() -> None:
    async def main(scheduler: SimpleScheduler) -> None:
        waiter = scheduler.create(Waiter)
        waiter.start()
        await scheduler.update()
        await waiter.push("go")

    timeline = timeline_of(record(main))
    use = timeline.find("type:USE")
    result = timeline.find("type:RESULT")
    crash = timeline.find("type:CRASH")
    kill = timeline.find("type:KILL")
    assert use is not None
    assert result is not None
    assert crash is not None
    assert kill is not None
    assert timeline.links(use) == (CausalLink("result", result),)
    assert timeline.links(result) == (CausalLink("use call", use),)
    assert timeline.links(kill) == (CausalLink("caused by the end of Waiter[0]", crash),)
    assert timeline.links(crash) == (CausalLink("killed Sleeper[1]", kill),)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs)
def test_every_receive_and_drop_is_a_hop_of_its_message(program: Program) -> None:
    """And every trace, which stops early, finds what a full scan finds."""
    source = record(program)
    timeline = Timeline(source, background=False, interval=3)
    for signal in source.signals():
        if signal.type in (5, 9):  # SEND, DELIVER
            traced_as_a_full_scan_traces_it(timeline, signal.seq)
        if signal.type in (10, 8):  # RECEIVE, DROP
            mid = signal.data if signal.type == 10 else signal.data["id"]
            kind = H.RECEIVED if signal.type == 10 else H.DROPPED
            hops = timeline.trace(mid).hops
            assert Hop(kind, signal.pid, signal.seq) in hops
            # and the process had the message: delivered or inherited first
            assert any(h.pid == signal.pid and h.kind in (H.DELIVERED, H.INHERITED) for h in hops)


def traced_by_a_full_scan(timeline: Timeline, mid: int) -> tuple[set[Hop], set[int]]:
    """A message's hops and still-holding pids, from every answer up to the end
    of the recording: the slow, obvious way."""
    signal = timeline.signal(mid)
    data = signal.data if isinstance(signal.data, dict) else {}
    sent_or_pushed = signal.type in (5, 9)  # SEND, DELIVER
    into = list(data.get("into", ())) if sent_or_pushed else [signal.pid]
    procs = state_of(timeline.state_at(len(timeline) - 1)).procs
    outcomes: dict[int, Hop] = {}
    kinds = {10: H.RECEIVED, 8: H.DROPPED, 7: H.REFUSED}
    for later in timeline.signals(mid + 1):
        kind = kinds.get(later.type)
        answers = later.data if later.type == 10 else (later.data or {}).get("id")
        if kind is not None and answers == mid:
            outcomes.setdefault(later.pid, Hop(kind, later.pid, later.seq))
    hops = {Hop(H.DELIVERED, pid, mid) for pid in into} | set(outcomes.values())
    holders, pending = [(pid, mid) for pid in into], set()
    while holders:
        pid, arrived = holders.pop()
        outcome = outcomes.get(pid)
        if outcome is None:
            pending.add(pid)
        until = len(timeline) if outcome is None else outcome.seq
        for child in procs[pid].children if pid in procs else ():
            copy = procs[child]  # floor: the seq of the SPAWN that made it
            if copy.inherits and arrived < copy.floor < until:
                hops.add(Hop(H.INHERITED, child, copy.floor))
                holders.append((child, copy.floor))
    return hops, pending


def traced_as_a_full_scan_traces_it(timeline: Timeline, mid: int) -> set[HopKind]:
    """Assert that message ``mid``'s trace is what a full scan finds; its hop kinds."""
    trace = timeline.trace(mid)
    hops, pending = traced_by_a_full_scan(timeline, mid)
    made = {Hop(H.SENT, trace.hops[0].pid, mid), Hop(H.PUSHED, trace.hops[0].pid, mid)}
    assert set(trace.hops) - made == hops, (timeline.path, mid)
    assert set(trace.pending) == pending, (timeline.path, mid)
    return {hop.kind for hop in hops}


def test_every_shipped_message_is_traced_as_a_full_scan_traces_it() -> None:
    seen: set[HopKind] = set()
    messages = 0
    for path in sorted(RECORDINGS.glob("*.cfl")):
        with Timeline.open(path) as timeline:
            timeline.wait()
            for signal in timeline.signals():
                if signal.type in (5, 9):  # SEND, DELIVER
                    messages += 1
                    seen |= traced_as_a_full_scan_traces_it(timeline, signal.seq)
    assert messages > 100
    # The shipped samples cover every way a copy can end.
    assert {H.RECEIVED, H.DROPPED, H.REFUSED, H.INHERITED} <= seen


def test_answers_read_no_further_than_they_need_yet_find_every_one() -> None:
    """USE and MONITOR links stop where the one process that can answer
    ended; they must find what reading to the end finds."""
    S = SignalType
    kinds: dict[int, dict[int, str]] = {
        S.USE: {S.RETRY: "retry", S.RESULT: "result"},
        S.MONITOR: {S.DOWN: "down", S.DEMONITOR: "demonitor"},
    }
    checked = 0
    for path in sorted(RECORDINGS.glob("*.cfl")):
        with Timeline.open(path) as timeline:
            timeline.wait()
            for signal in timeline.signals():
                if signal.type not in kinds:
                    continue
                labels = kinds[signal.type]
                early = _answers(timeline, signal.seq, labels, signal.pid)
                everything = _answers(timeline, signal.seq, labels)
                assert early == everything, (path.name, signal.seq)
                checked += bool(everything)
    assert checked >= 3  # the samples use, retry and monitor
