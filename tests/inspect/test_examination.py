"""The engine's view of every inbox equals the live runtime's, at every seq.

For random programs mixing receive, select, filter, timeouts, links and
children, an observer snapshots the running scheduler as each signal is
handed out: every process's status, its inbox, and what its receive makes
of each message (asking the receive's own predicate). The engine, from the
signals alone, must say the same at that seq: *ready* exactly when a
blocked receive has found its message (or its joined child has ended), and
for each message *did not match* (the predicate says no), *matches* (the
one the receive will take) or *not yet examined*.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from chronoflow.inspect import (
    Examination,
    MemorySource,
    Status,
    Timeline,
)
from chronoflow.inspect.inbox import examine
from chronoflow.runtime import Join, ProcessStatus, Receive, SimpleScheduler, VirtualClock
from chronoflow.runtime.process import Process
from chronoflow.signals import Signal
from tests.inspect.random_workflows import Program, programs

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Snapshot = dict[int, tuple[Status, tuple[tuple[int, Examination], ...]]]

_STATUS = {
    ProcessStatus.RUNNING: Status.RUNNING,
    ProcessStatus.WAITING: Status.WAITING,
    ProcessStatus.USING: Status.USING,
    ProcessStatus.JOINING: Status.JOINING,
    ProcessStatus.SLEEPING: Status.SLEEPING,
    ProcessStatus.STOPPED: Status.STOPPED,
    ProcessStatus.CRASHED: Status.CRASHED,
    ProcessStatus.KILLED: Status.KILLED,
}


def _runtime_view(proc: Process) -> tuple[Status, tuple[tuple[int, Examination], ...]]:
    """What the runtime knows of ``proc``: its status as the engine names it,
    and each inbox message as its receive sees it, checked with the predicate."""
    effect = proc._effect
    woken = proc.status is ProcessStatus.READY and isinstance(effect, Receive | Join)
    if proc.status is ProcessStatus.READY:
        status = Status.READY if woken else Status.RUNNING
    else:
        status = _STATUS[proc.status]
    inbox = list(proc.inbox)
    marks: list[tuple[int, Examination]] = []
    if proc.status is ProcessStatus.WAITING and isinstance(effect, Receive):
        for mid, message in inbox:
            if effect.match is None:
                marks.append((mid, Examination.UNEXAMINED))
            else:
                assert not effect.match(message), "a blocked receive holds a match"
                marks.append((mid, Examination.PASSED_OVER))
    elif woken and isinstance(effect, Receive):
        matched = inbox[0][0] if effect.match is None else proc._matched
        seen = False
        for mid, message in inbox:
            if mid == matched:
                seen = True
                assert effect.match is None or effect.match(message)
                marks.append((mid, Examination.MATCHES))
            elif seen or effect.match is None:
                marks.append((mid, Examination.UNEXAMINED))
            else:
                assert not effect.match(message)
                marks.append((mid, Examination.PASSED_OVER))
    else:
        marks = [(mid, Examination.UNEXAMINED) for mid, _ in inbox]
    return status, tuple(marks)


def run_with_snapshots(program: Program) -> tuple[list[Signal], list[Snapshot]]:
    """Run ``program``, snapshotting the runtime as each signal is handed out."""
    signals: list[Signal] = []
    snapshots: list[Snapshot] = []
    scheduler = SimpleScheduler(clock=VirtualClock(), inbox_limit=None)

    def observe(signal: Signal) -> None:
        signals.append(signal)
        snapshots.append(
            {
                pid: _runtime_view(proc)
                for pid, proc in scheduler.processes.items()
                if proc.status is not ProcessStatus.CREATED
            }
        )

    scheduler.add_observer(observe)

    async def main() -> None:
        await program(scheduler)
        await scheduler.run()

    asyncio.run(main())
    return signals, snapshots


def _engine_view(timeline: Timeline, seq: int) -> Snapshot:
    world = timeline.state_at(seq)
    view: Snapshot = {}
    for proc in world:
        marks = tuple((m.entry.id, m.examination) for m in examine(proc, world.examines))
        view[proc.pid] = (proc.status, marks)
    return view


@SETTINGS
@given(program=programs)
def test_the_engine_sees_every_inbox_as_the_runtime_does(program: Program) -> None:
    signals, snapshots = run_with_snapshots(program)
    timeline = Timeline(MemorySource(signals), background=False, interval=5)
    for seq, expected in enumerate(snapshots):
        engine = _engine_view(timeline, seq)
        # A process the runtime has made but the engine meets at its START
        # (a child between its parent's SPAWN and its START) is left out.
        assert {pid: engine[pid] for pid in expected if pid in engine} == {
            pid: view for pid, view in expected.items() if pid in engine
        }, f"seq {seq}: {signals[seq]}"
        data = signals[seq].data
        spawned = {data.get("child")} if isinstance(data, dict) else set()
        assert set(expected) - set(engine) <= spawned, seq
    timeline.close()


def test_a_recording_from_before_examination_marks_only_what_was_there() -> None:
    """Format 1.0: a select's messages that arrived after it blocked are not yet
    examined (the runtime then woke the receive to look again)."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "client_server-1.0.cfl"
    with Timeline.open(fixture) as timeline:
        timeline.wait()
        assert not timeline.index.examines
        # seq 12: reply 102 has just arrived; the client's select blocked at 6
        # with an empty inbox, so none of the three replies was examined then.
        client = timeline.state_at(12).process(1)
        assert client.status is Status.WAITING
        marks = [(m.entry.id, m.examination) for m in timeline.mailbox(1, 12).entries]
        assert marks == [(8, Examination.UNEXAMINED), (10, Examination.UNEXAMINED),
                         (12, Examination.UNEXAMINED)]  # fmt: skip


def test_labels_say_what_was_examined_and_when_it_is_taken() -> None:
    root = Path(__file__).resolve().parents[2]
    with Timeline.open(root / "recordings" / "client_server.cfl") as timeline:
        timeline.wait()
        assert timeline.index.examines
        labels = [(m.entry.id, m.label, m.new) for m in timeline.mailbox(1, 12).entries]
        assert labels == [
            (8, "did not match reply_to(102)", False),
            (10, "did not match reply_to(102)", False),
            (12, "matches reply_to(102), taken at seq 14", True),
        ]
        assert timeline.state_at(12).process(1).status is Status.READY
        taken = timeline.mailbox(1, 14)
        assert [(r.entry.id, r.how.value) for r in taken.removed] == [(12, "received")]
        assert [m.label for m in taken.entries] == ["not yet examined"] * 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs)
def test_every_answer_holds_at_every_seq_of_random_programs(program: Program) -> None:
    """why, mailbox, pending, links and the standstill answer at every seq, and
    agree with each other and with the world."""
    signals, _ = run_with_snapshots(program)
    timeline = Timeline(MemorySource(signals), background=False, interval=5)
    standstill = timeline.standstill()
    last = len(signals) - 1
    for seq in range(len(signals)):
        world = timeline.state_at(seq)
        pending = timeline.pending(seq)
        live = [proc for proc in world if not proc.status.ended]
        assert {w.pid for w in pending.blocked} | {w.pid for w in pending.ready} <= {
            p.pid for p in live
        }
        for proc in world:
            why = timeline.why(proc.pid, seq)
            assert why.sentence
            assert (why.kind.value == "ready") == (proc.status is Status.READY)
            box = timeline.mailbox(proc.pid, seq)
            assert [m.entry for m in box.entries] == list(proc.inbox)
        assert all(link.seq < len(signals) for link in timeline.links(seq))
        if pending.quiet and seq == last:
            assert standstill is not None
            assert pending.standstill == standstill
    if standstill is not None:
        assert timeline.pending(last).quiet
        assert all(timeline.pending(s).quiet for s in range(standstill.since, last + 1))
    timeline.close()
