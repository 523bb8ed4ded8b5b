"""A recording whose seqs jump (a salvaged copy) is browsed across its gaps.

The world goes on across a gap as if nothing happened there (a message a
missing signal would have received stays where it is), seqs stay the
signals' identity, a seq inside a gap has no signal (MissingSeqError), and
every search, step and link skips the gaps. A gap of a billion seqs costs
no more than a small one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chronoflow.inspect import (
    MemorySource,
    MissingSeqError,
    Query,
    SeqOutOfRangeError,
    Timeline,
    World,
    fold,
)
from chronoflow.recording import Recorder
from chronoflow.signals import Signal, SignalType
from tests.inspect.bounded import finishes
from tests.inspect.conftest import record_sample

S = SignalType


def salvaged(name: str, *lost: range) -> list[Signal]:
    """The signals of sample ``name`` without those whose seqs are in ``lost``."""
    return [s for s in record_sample(name).signals() if not any(s.seq in r for r in lost)]


def gapped(signals: list[Signal], interval: int = 4) -> Timeline:
    return Timeline(MemorySource(signals), background=False, interval=interval)


def same_processes(a: World, b: World) -> bool:
    """The same processes in the same states (the worlds' seqs may differ)."""
    return a.pids == b.pids and all(a.process(pid) == b.process(pid) for pid in a.pids)


@pytest.mark.parametrize("interval", [1, 2, 3, 4, 100])
def test_the_world_at_every_seq_is_a_fold_of_the_signals_up_to_it(
    quiet: object, interval: int
) -> None:
    signals = salvaged("client_server", range(9, 15))
    timeline = gapped(signals, interval)
    assert len(timeline) == 18
    assert timeline.gaps == ((9, 14),)
    for seq in range(-1, 18):
        expected = fold(s for s in signals if s.seq <= seq)
        assert same_processes(timeline.state_at(seq), expected)
    # Inside the gap the world is the one before it; the messages the missing
    # RECEIVEs took stay in the server's inbox.
    for seq in range(9, 15):
        world = timeline.state_at(seq)
        assert world.seq == seq
        assert world.process(0) == timeline.state_at(8).process(0)
    left = [entry.id for entry in timeline.state_at(17).process(0).inbox]
    assert left == [4, 5]


def test_every_seq_folds_like_a_fold_from_zero(quiet: object) -> None:
    signals = salvaged("parent_children", range(1), range(9, 15), range(16, 17), range(30, 33))
    for interval in (1, 2, 5):
        timeline = gapped(signals, interval)
        assert timeline.gaps == ((0, 0), (9, 14), (16, 16), (30, 32))
        for seq in range(-1, len(timeline)):
            expected = fold(s for s in signals if s.seq <= seq)
            assert same_processes(timeline.state_at(seq), expected)
        for seq in range(len(timeline)):
            assert timeline.changed_at(seq).changes == timeline.diff(seq - 1, seq).changes


def test_a_missing_seq_has_no_signal(quiet: object) -> None:
    timeline = gapped(salvaged("client_server", range(9, 15)))
    with pytest.raises(MissingSeqError) as raised:
        timeline.signal(10)
    assert raised.value.gap == (9, 14)
    assert isinstance(raised.value, SeqOutOfRangeError)
    assert str(raised.value) == "seq 10 has no signal: the recording lacks seqs 9–14"
    assert timeline.signal(15).seq == 15
    assert [s.seq for s in timeline.signals(7, 17)] == [7, 8, 15, 16]
    assert timeline.gap_at(9) == (9, 14)
    assert timeline.gap_at(15) is None
    assert timeline.warnings == (
        "seqs 9–14 missing: the recording lacks those signals (a salvaged copy, or damage "
        "skipped); the world goes on without them",
    )


@pytest.mark.parametrize(
    "text",
    [
        "type:RECEIVE",
        "-type:RECEIVE",
        "pid:0",
        "pid:1 -type:SEND",
        "id:12",
        "id:10",
        "seq:5..16",
        "seq:9..14",
        '"result"',
        "type:SEND 'error'",
        "",
    ],
)
def test_searches_find_what_a_scan_of_the_signals_finds(quiet: object, text: str) -> None:
    signals = salvaged("client_server", range(9, 15))
    timeline = gapped(signals)
    query = Query.parse(text)
    expected = [s.seq for s in signals if query.matches(s)]
    assert list(timeline.find_all(query)) == expected
    assert list(timeline.find_all(query, backward=True)) == expected[::-1]
    for start in range(len(timeline)):
        after = [seq for seq in expected if seq > start]
        before = [seq for seq in expected if seq < start]
        assert timeline.next_match(start, query) == (after[0] if after else None)
        assert timeline.previous_match(start, query) == (before[-1] if before else None)


def test_a_process_s_next_signal_is_found_across_a_gap(quiet: object) -> None:
    timeline = gapped(salvaged("client_server", range(9, 15)))
    assert timeline.next_for(1, 6) == 15
    assert timeline.previous_for(1, 15) == 6
    assert timeline.next_for(0, 8) is None
    assert timeline.previous_for(0, 17) == 8
    assert timeline.next_of_process(6) == 15
    assert timeline.previous_of_process(15) == 6


def test_no_causal_link_leads_into_a_gap(quiet: object) -> None:
    timeline = gapped(salvaged("client_server", range(4, 5), range(9, 15)))
    # Seq 15 receives message 10, whose SEND is missing: no "sent by" link.
    assert timeline.links(15) == ()
    assert [link.label for link in timeline.links(16)] == ["sent by Server[0]"]
    # The client's WAIT ends at 14 (missing) and then at 15, which took #10 (missing).
    assert [link.label for link in timeline.links(6)] == ["wait ends"]
    for seq in range(len(timeline)):
        if timeline.gap_at(seq) is None:
            assert all(timeline.gap_at(link.seq) is None for link in timeline.links(seq))


def test_a_huge_gap_costs_no_more_than_a_small_one() -> None:
    jump = 10**9
    signals = [
        Signal(0, 0, S.START, {"template": "Srv", "args": [], "parent": None}),
        Signal(1, 1, S.START, {"template": "Cli", "args": [], "parent": None}),
        Signal(2, 1, S.SEND, {"msg": "ping", "to": 0, "into": [0]}),
        Signal(3, 0, S.WAIT, None),
        Signal(jump, 0, S.RECEIVE, 2),
        Signal(jump + 1, 0, S.SEND, {"msg": "pong", "to": 1, "into": [1]}),
        Signal(jump + 2, 1, S.RECEIVE, jump + 1),
        Signal(jump + 3, 1, S.STOP, {"result": "pong"}),
    ]
    timeline = finishes(lambda: gapped(signals, interval=2), seconds=5)
    assert len(timeline) == jump + 4
    assert timeline.gaps == ((4, jump - 1),)
    index = timeline.index
    assert (len(index.pids), len(index.types), len(index.refs)) == (8, 8, 8)
    assert len(index.checkpoints) <= 5
    assert finishes(lambda: list(timeline.find_all("type:RECEIVE", backward=True))) == [
        jump + 2,
        jump,
    ]
    assert finishes(lambda: list(timeline.find_all('"pong"'))) == [jump + 1, jump + 3]
    assert timeline.state_at(jump // 2).process(0).inbox[0].message == "ping"
    assert timeline.state_at(jump + 3).process(1).result == "pong"
    assert timeline.next_for(0, 3) == jump
    assert [link.seq for link in timeline.links(2)] == [jump]
    assert timeline.trace(jump + 1).hops[-1].seq == jump + 2


def test_a_recording_that_begins_with_a_gap() -> None:
    signals = [
        Signal(3, 0, S.START, {"template": "T", "args": [], "parent": None}, ts=5.0),
        Signal(4, 0, S.WAIT, {"mode": "select", "match": "never"}, ts=6.0),
    ]
    timeline = gapped(signals)
    assert timeline.gaps == ((0, 2),)
    assert timeline.origin == 5.0
    assert len(timeline.state_at(2)) == 0
    assert timeline.find("pid:0") == 3
    standstill = timeline.standstill()
    assert standstill is not None
    assert standstill.since == 4


def test_a_standstill_that_begins_after_a_gap_begins_at_a_signal() -> None:
    signals = [
        Signal(0, 0, S.START, {"template": "T", "args": [], "parent": None}),
        Signal(5, 0, S.WAIT, {"mode": "select", "match": "never"}),
    ]
    standstill = gapped(signals).standstill()
    assert standstill is not None
    assert standstill.since == 5


def test_a_recorded_file_with_gaps_is_browsed_across_them(tmp_path: Path) -> None:
    signals = salvaged("client_server", range(9, 15))
    path = tmp_path / "salvaged.cfl"
    recorder = Recorder(path, chunk_size=3)
    for signal in signals:
        recorder(signal)
    recorder.close()
    with Timeline.open(path, interval=2) as timeline:
        assert timeline.wait(timeout=10)
        assert timeline.gaps == ((9, 14),)
        assert len(timeline) == 18
        assert timeline.find("type:STOP") == 17
        assert [s.seq for s in timeline.signals(7, 16)] == [7, 8, 15]
        assert same_processes(timeline.state_at(12), timeline.state_at(8))
        with pytest.raises(MissingSeqError):
            timeline.signal(12)
        assert timeline.state_at(17).process(1).status.label == "stopped"


def test_a_memory_source_holds_a_salvaged_copy() -> None:
    signals = salvaged("client_server", range(9, 15))
    source = MemorySource(signals)
    assert (source.count(), source.next_seq(), len(source)) == (12, 18, 12)
    assert [s.seq for s in source.signals(8, 16)] == [8, 15]
    assert source.signal(15).seq == 15
    with pytest.raises(IndexError):
        source.signal(9)
    with pytest.raises(ValueError, match="expected seq 18 or later"):
        source.append(Signal(17, 0, S.NOW, {"time": 1.0}))
    source.append(Signal(40, 0, S.NOW, {"time": 1.0}))
    assert source.next_seq() == 41
