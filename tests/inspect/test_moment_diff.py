"""Timeline.diff: what differs between two seqs and when each difference happened.

Every row is checked against a brute-force answer: the world folded at every
signal between the two seqs, looking for the seq where each difference
appeared (random programs, the shipped recordings, a salvaged copy).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow import Process, template
from chronoflow.inspect import (
    DiffKind,
    MemorySource,
    MomentDiff,
    SeqOutOfRangeError,
    Signal,
    SignalType,
    Timeline,
    World,
    apply,
    diff_scan,
    event_counts,
)
from chronoflow.inspect.diff import diff_worlds
from chronoflow.recording import open_recording
from chronoflow.runtime import SimpleScheduler
from tests.inspect.conftest import record, record_sample
from tests.inspect.random_workflows import Program, programs

RECORDINGS = sorted((Path(__file__).resolve().parents[2] / "recordings").glob("*.cfl"))
EVERYTHING = 10**9
EVENTS = {
    SignalType.SEND: DiffKind.SENT,
    SignalType.USE: DiffKind.USE_STARTED,
    SignalType.RESULT: DiffKind.USE_FINISHED,
}

Key = tuple[DiffKind, int, int, "int | None"]


class Worlds:
    """The world after every signal, by the pure apply (a seq in a gap: the
    world after the last signal before it)."""

    def __init__(self, signals: list[Signal]) -> None:
        self.signals = signals
        self.seqs = [signal.seq for signal in signals]
        self.after = []
        world = World.empty()
        for signal in signals:
            world = apply(world, signal)
            self.after.append(world)

    def at(self, seq: int) -> World:
        at = bisect_right(self.seqs, seq) - 1
        return World.empty() if at < 0 else self.after[at]

    def between(self, lo: int, hi: int) -> Iterator[tuple[Signal, World, World]]:
        """Each signal in ``(lo, hi]`` with the worlds before and after it."""
        for at in range(bisect_right(self.seqs, lo), bisect_right(self.seqs, hi)):
            before = self.after[at - 1] if at else World.empty()
            yield self.signals[at], before, self.after[at]


def brute(worlds: Worlds, lo: int, hi: int) -> Counter[Key]:
    """Every difference from ``lo`` to ``hi`` with its seq, by folding at every signal."""
    first, last = worlds.at(lo), worlds.at(hi)
    found: Counter[Key] = Counter()
    steps = list(worlds.between(lo, hi))
    for pid in last.pids:
        new = last.process(pid)
        old = first.process(pid) if pid in first else None
        if old is None:
            seq = next(s.seq for s, _, w in steps if pid in w)
            found[DiffKind.STARTED, pid, seq, None] += 1
        if new.status.ended and (old is None or not old.status.ended):
            seq = next(s.seq for s, _, w in steps if pid in w and w.process(pid).status.ended)
            found[DiffKind.ENDED, pid, seq, None] += 1
        elif old is not None and old.status is not new.status:
            seq = [
                s.seq
                for s, b, w in steps
                if pid in b and b.process(pid).status is not w.process(pid).status
            ][-1]
            found[DiffKind.STATUS, pid, seq, None] += 1
        old_ids = {entry.id for entry in old.inbox} if old is not None else set()
        new_ids = {entry.id for entry in new.inbox}
        for mid in new_ids - old_ids:
            seq = next(
                s.seq
                for s, _, w in steps
                if pid in w and any(e.id == mid for e in w.process(pid).inbox)
            )
            found[DiffKind.ADDED, pid, seq, mid] += 1
        for mid in old_ids - new_ids:
            seq = next(s.seq for s, _, w in steps if all(e.id != mid for e in w.process(pid).inbox))
            found[DiffKind.REMOVED, pid, seq, mid] += 1
    for signal, before, after in steps:
        kind = EVENTS.get(SignalType(signal.type)) if signal.type in EVENTS else None
        if kind is not None:
            found[kind, signal.pid, signal.seq, None] += 1
        for pid in after.pids:
            name = after.process(pid).registered_name
            if name != (before.process(pid).registered_name if pid in before else None):
                found[DiffKind.NAMED, pid, signal.seq, None] += 1
    return found


def keys(diff: MomentDiff) -> Counter[Key]:
    return Counter((row.kind, row.pid, row.seq, row.message) for row in diff.rows)


def check(timeline: Timeline, worlds: Worlds, a: int, b: int) -> None:
    """diff(a, b) lists what the brute force finds; counts and the world diff agree."""
    diff = timeline.diff(a, b, limit=EVERYTHING)
    lo, hi = min(a, b), max(a, b)
    expected = brute(worlds, lo, hi)
    assert keys(diff) == expected, f"diff({a}, {b})"
    assert not diff.truncated
    totals = Counter((group.pid, group.kind) for group in diff.groups for _ in range(group.total))
    assert totals == Counter((pid, kind) for kind, pid, _, _ in expected.elements())
    assert diff.changes == diff_worlds(worlds.at(a), worlds.at(b)).changes
    assert (diff.a, diff.b, diff.backward) == (a, b, b < a)


def check_bounded(timeline: Timeline, a: int, b: int, limit: int) -> None:
    """With a limit, each group lists its first rows and still counts them all."""
    full = timeline.diff(a, b, limit=EVERYTHING)
    bounded = timeline.diff(a, b, limit=limit)
    assert [(g.pid, g.kind, g.total) for g in bounded.groups] == [
        (g.pid, g.kind, g.total) for g in full.groups
    ]
    for small, whole in zip(bounded.groups, full.groups, strict=True):
        assert len(small.rows) == min(limit, whole.total)
        assert set(small.rows) <= set(whole.rows)
        if small.kind is not DiffKind.REMOVED:  # removed: the first as they waited
            assert [r.seq for r in small.rows] == [r.seq for r in whole.rows][:limit]
        assert small.omitted == whole.total - len(small.rows)
    assert bounded.truncated == any(g.total > limit for g in full.groups)


SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(program=programs, interval=st.integers(1, 9), data=st.data())
def test_every_row_is_where_a_fold_at_every_signal_finds_it(
    program: Program, interval: int, data: st.DataObject
) -> None:
    source = record(program)
    signals = list(source.signals())
    worlds = Worlds(signals)
    with Timeline(source, background=False, interval=interval) as timeline:
        last = len(signals) - 1
        seq = st.integers(-1, last)
        pairs = data.draw(st.lists(st.tuples(seq, seq), min_size=1, max_size=6))
        for a, b in [(-1, last), *pairs]:
            check(timeline, worlds, a, b)
            # Every type found process by process, counted in blocks of 5
            # (then again from the blocks kept).
            with patch.object(diff_scan, "RARE", 0), patch.object(event_counts, "BLOCK", 5):
                check(timeline, worlds, a, b)
                check(timeline, worlds, b, a)
        for a, b in pairs[:2]:
            check_bounded(timeline, a, b, data.draw(st.integers(1, 3)))


@pytest.mark.parametrize("path", RECORDINGS, ids=lambda path: path.stem)
def test_the_shipped_recordings_agree_with_the_brute_force(path: Path) -> None:
    with open_recording(path) as reader:
        signals = list(reader.signals())
    worlds = Worlds(signals)
    last = signals[-1].seq
    with Timeline.open(path, interval=8) as timeline:
        timeline.wait()
        picked = random.Random(path.stem)
        pairs = [(picked.randrange(-1, last + 1), picked.randrange(-1, last + 1)) for _ in range(8)]
        for a, b in [(-1, last), (0, last // 2), (last // 3, last), (last, 2), (5, 6), *pairs]:
            check(timeline, worlds, min(a, last), min(b, last))
        check_bounded(timeline, -1, last, 1)
        with patch.object(diff_scan, "RARE", 0), patch.object(event_counts, "BLOCK", 16):
            for a, b in [(-1, last), (3, last), (last // 2, 3), (20, 40), (-1, last)]:
                check(timeline, worlds, min(a, last), min(b, last))
            check_bounded(timeline, -1, last, 1)


def test_a_salvaged_copy_says_when_across_its_gaps() -> None:
    signals = [s for s in record_sample("parent_children").signals() if not 9 <= s.seq <= 14]
    worlds = Worlds(signals)
    with Timeline(MemorySource(signals), background=False, interval=3) as timeline:
        assert timeline.gaps == ((9, 14),)
        last = signals[-1].seq
        for a, b in [(-1, last), (10, last), (3, 12), (12, 3), (8, 15)]:
            check(timeline, worlds, a, b)


def test_rows_name_what_happened_and_group_by_process() -> None:
    with Timeline.open(RECORDINGS[0].parent / "client_server.cfl") as timeline:
        diff = timeline.diff(3, 17)
    assert isinstance(diff, MomentDiff)
    texts = [(row.pid, row.seq, row.kind, row.text) for row in diff.rows]
    assert texts[0][:3] == (0, 7, DiffKind.REMOVED)
    assert texts[0][3].endswith(" received")
    assert (1, 17, DiffKind.ENDED, "stopped, returned ['error', 2, 1]") in texts
    assert (0, 13, DiffKind.STATUS, "ready to run → waiting for a message") in texts
    assert [row.pid for row in diff.rows] == sorted(row.pid for row in diff.rows)
    assert diff.processes == (0, 1)
    assert [g.kind for g in diff.groups_of(0)] == [
        DiffKind.STATUS,
        DiffKind.REMOVED,
        DiffKind.SENT,
    ]


def test_a_long_stretch_is_counted_and_listed_bounded() -> None:
    source = record(_chatter(3000))
    with Timeline(source, background=False, interval=64) as timeline:
        last = len(timeline) - 1
        diff = timeline.diff(last, 0, limit=10)
        sent = {g.pid: g for g in diff.groups if g.kind is DiffKind.SENT}
        assert sum(g.total for g in sent.values()) == 6000
        assert all(len(g.rows) == 10 for g in sent.values())
        assert sent[0].note() == "2,990 more messages sent (10 of 3,000 listed)"
        assert diff.truncated
        assert diff.backward
        assert len(diff.rows) < 100


def test_a_far_diff_decodes_only_what_it_lists() -> None:
    signals = list(record(_chatter(5000)).signals())
    source = CountingSource(signals)
    with Timeline(source, background=False, interval=256) as timeline:
        source.read = 0
        diff = timeline.diff(0, len(timeline) - 1, limit=5)
        assert sum(g.total for g in diff.groups if g.kind is DiffKind.SENT) == 10000
        assert source.read < len(signals) // 5


def test_bad_seqs_and_limits_are_refused() -> None:
    timeline = Timeline(record_sample("parent_children"), background=False)
    with pytest.raises(SeqOutOfRangeError):
        timeline.diff(0, len(timeline))
    with pytest.raises(SeqOutOfRangeError):
        timeline.diff(-2, 3)
    with pytest.raises(ValueError, match="at least one row"):
        timeline.diff(0, 3, limit=0)
    assert not timeline.diff(4, 4)
    assert timeline.diff(-1, -1).rows == ()


class CountingSource(MemorySource):
    """A memory source that counts the signals read from it."""

    read = 0

    def signals(self, start: int = 0, stop: int | None = None) -> Iterator[Signal]:
        for signal in super().signals(start, stop):
            self.read += 1
            yield signal


@template
def Talker(self: Process, peer: int, rounds: int) -> Generator[Any, Any, None]:
    """Send ``peer`` a number and take one message, ``rounds`` times."""
    for n in range(rounds):
        self.send_to(peer, n)
        yield self.receive()


def _chatter(rounds: int) -> Callable[[SimpleScheduler], None]:
    """Two talkers sending each other ``rounds`` messages each."""

    def main(scheduler: SimpleScheduler) -> None:
        for peer in (1, 0):
            scheduler.create(Talker, peer, rounds).start()

    return main
