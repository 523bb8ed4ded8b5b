"""Watches answer what a scan of every world says: the next and previous change.

For random programs (and copies of them with seqs missing, as a salvaged
recording has), every process's status and inbox, and every message's
deliveries, receives and drops, are looked up in the worlds of a fold from
zero; ``next_change`` and ``previous_change`` must name the same seqs from
every seq.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chronoflow.inspect import (
    Aspect,
    MemorySource,
    MessageEvent,
    MessageWatch,
    ProcessWatch,
    Timeline,
    World,
    apply,
)
from chronoflow.signals import Signal, SignalType
from tests.inspect.conftest import record
from tests.inspect.random_workflows import Program, programs

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"
CLASSROOM = Path(__file__).resolve().parents[1] / "fixtures" / "tui-classroom.cfl"
_S = SignalType


def worlds_of(signals: list[Signal]) -> dict[int, World]:
    """The world after every seq, and ``-1`` for the empty one."""
    worlds = {-1: World.empty()}
    last = worlds[-1]
    for signal in signals:
        last = worlds[signal.seq] = apply(last, signal)
    return worlds


def changes(seqs: list[int], value: Callable[[int], Any]) -> list[int]:
    """The seqs at which ``value`` differs from its value at the seq before
    (``seqs`` ascending, starting with -1)."""
    found = []
    for before, at in itertools.pairwise(seqs):
        if value(at) != value(before):
            found.append(at)
    return found


def process_value(worlds: dict[int, World], pid: int, what: str) -> Callable[[int], Any]:
    def value(seq: int) -> Any:
        world = worlds[seq]
        if pid not in world:
            return None
        proc = world.process(pid)
        if what == "status":
            return proc.status
        if what == "length":
            return len(proc.inbox)
        return proc.inbox

    return value


def holders(world: World, mid: int) -> set[int]:
    return {proc.pid for proc in world if any(entry.id == mid for entry in proc.inbox)}


def message_events(
    signals: list[Signal], worlds: dict[int, World], mid: int
) -> dict[MessageEvent, list[int]]:
    """Where a scan of the worlds (and the signals naming the message) finds its events."""
    found: dict[MessageEvent, list[int]] = {event: [] for event in MessageEvent}
    before = set()
    for signal in signals:
        now = holders(worlds[signal.seq], mid)
        if now - before:
            found[MessageEvent.DELIVERED].append(signal.seq)
        data = signal.data
        named = data.get("id") if isinstance(data, dict) else data
        if signal.type == _S.RECEIVE and named == mid:
            found[MessageEvent.RECEIVED].append(signal.seq)
        if signal.type in (_S.DROP, _S.BACKOFF) and named == mid:
            found[MessageEvent.DROPPED].append(signal.seq)
        before = now
    return found


def nearest(found: list[int], seq: int, backward: bool) -> int | None:
    if backward:
        return max((at for at in found if at < seq), default=None)
    return min((at for at in found if at > seq), default=None)


def makes_message(signal: Signal) -> bool:
    if signal.type in (_S.SEND, _S.DELIVER, _S.DOWN):
        return True
    return (
        signal.type == _S.EXIT
        and isinstance(signal.data, dict)
        and signal.data.get("action") == "trap"
    )


def check_every_watch(signals: list[Signal], timeline: Timeline) -> None:
    worlds = worlds_of(signals)
    seqs = [-1, *(signal.seq for signal in signals)]
    asked = [*seqs, seqs[-1] + 1]
    pids = sorted({signal.pid for signal in signals} | {99})
    for pid in pids:
        status = changes(seqs, process_value(worlds, pid, "status"))
        content = changes(seqs, process_value(worlds, pid, "content"))
        # One aspect stands for both: a signal adds or takes at most one message.
        assert changes(seqs, process_value(worlds, pid, "length")) == content
        for aspect, found in ((Aspect.STATUS, status), (Aspect.INBOX, content)):
            watch = ProcessWatch(pid, aspect)
            for seq in asked:
                assert timeline.next_change(watch, seq) == nearest(found, seq, False), (
                    f"next {aspect} of {pid} after {seq}"
                )
                assert timeline.previous_change(watch, seq) == nearest(found, seq, True), (
                    f"previous {aspect} of {pid} before {seq}"
                )
    for signal in signals:
        if not makes_message(signal):
            continue
        events = message_events(signals, worlds, signal.seq)
        kinds = [frozenset({event}) for event in MessageEvent] + [frozenset(MessageEvent)]
        for kind in kinds:
            found = sorted(at for event in kind for at in events[event])
            watch = MessageWatch(signal.seq, kind)
            for seq in asked:
                assert timeline.next_change(watch, seq) == nearest(found, seq, False), (
                    f"next {set(kind)} of #{signal.seq} after {seq}"
                )
                assert timeline.previous_change(watch, seq) == nearest(found, seq, True), (
                    f"previous {set(kind)} of #{signal.seq} before {seq}"
                )


@SETTINGS
@given(program=programs, interval=st.integers(1, 9))
@example(program=Program(roots=[[], [("send", 1, 0), ("spawn", [])]], pushes=[]), interval=2)
def test_watches_agree_with_a_scan_of_every_world(program: Program, interval: int) -> None:
    source = record(program)
    signals = list(source.signals())
    timeline = Timeline(source, background=False, interval=interval)
    try:
        check_every_watch(signals, timeline)
    finally:
        timeline.close()


@SETTINGS
@given(program=programs, interval=st.integers(1, 9), data=st.data())
def test_watches_agree_across_missing_seqs(
    program: Program, interval: int, data: st.DataObject
) -> None:
    # A salvaged copy lacks some signals; the world goes on without them.
    signals = list(record(program).signals())
    if len(signals) > 2:
        first = data.draw(st.integers(1, len(signals) - 2))
        last = data.draw(st.integers(first, min(first + 5, len(signals) - 2)))
        signals = signals[:first] + signals[last + 1 :]
    timeline = Timeline(MemorySource(signals), background=False, interval=interval)
    try:
        check_every_watch(signals, timeline)
    finally:
        timeline.close()


@pytest.mark.parametrize(
    "path", [*sorted(RECORDINGS.glob("*.cfl")), CLASSROOM], ids=lambda path: path.stem
)
def test_every_sample_recording_agrees_too(path: Path) -> None:
    # The classroom's children inherit copies of their parent's messages.
    with Timeline.open(path, interval=16) as timeline:
        timeline.wait()
        check_every_watch(list(timeline.signals()), timeline)


def test_a_process_that_never_started_never_changes() -> None:
    with Timeline.open(RECORDINGS / "client_server.cfl") as timeline:
        timeline.wait()
        watch = ProcessWatch(1234, Aspect.STATUS)
        assert timeline.next_change(watch, -1) is None
        assert timeline.previous_change(watch, len(timeline)) is None


def test_no_copy_is_inherited_through_a_parent_whose_spawn_is_missing() -> None:
    # Found by test_watches_agree_across_missing_seqs: without its SPAWN, the
    # child (pid 1) took no copy of message #2; its own child (pid 2) then
    # inherits pid 1's inbox, which never held #2.
    program = Program(
        roots=[[("call", 0, 0.5), ("spawn", [("spawn", [])]), *[("receive",)] * 3]],
        pushes=[],
        names=[],
    )
    signals = list(record(program).signals())
    assert signals[6].type == _S.SPAWN
    signals = signals[:3] + signals[7:]
    timeline = Timeline(MemorySource(signals), background=False, interval=1)
    try:
        delivered = MessageWatch(2, frozenset({MessageEvent.DELIVERED}))
        assert timeline.next_change(delivered, 2) is None
        check_every_watch(signals, timeline)
    finally:
        timeline.close()
