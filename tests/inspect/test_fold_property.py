"""state_at(n) through checkpoints equals a naive fold from seq 0, however one seeks."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow.inspect import MemorySource, Timeline, World, apply, fold
from chronoflow.recording import open_recording
from chronoflow.signals import Signal, SignalType
from tests.inspect.conftest import record, record_file
from tests.inspect.random_workflows import Program, programs

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def naive_worlds(signals: list[Signal]) -> list[World]:
    """The world before seq 0, then after every seq, by the pure apply."""
    worlds = [World.empty()]
    for signal in signals:
        worlds.append(apply(worlds[-1], signal))
    return worlds


@SETTINGS
@given(
    program=programs,
    interval=st.integers(1, 9),
    tiny_memory=st.booleans(),
    spill=st.booleans(),
    data=st.data(),
)
def test_state_at_equals_a_fold_from_zero_in_any_seek_order(
    program: Program, interval: int, tiny_memory: bool, spill: bool, data: st.DataObject
) -> None:
    source = record(program)
    signals = list(source.signals())
    worlds = naive_worlds(signals)
    timeline = Timeline(
        source,
        background=False,
        interval=interval,
        checkpoint_memory=1 if tiny_memory else 1 << 30,
        spill_limit=1 << 30 if spill else 0,  # spill to a file, or thin
    )
    assert len(timeline) == len(signals)
    seqs = data.draw(st.lists(st.integers(-1, len(signals) - 1), min_size=1, max_size=30))
    seqs += list(range(len(signals) - 1, -2, -1))  # then every seq, stepping backward
    for seq in seqs:
        assert timeline.state_at(seq) == worlds[seq + 1], f"seq {seq}"
    assert fold(signals) == worlds[-1]
    timeline.close()


@SETTINGS
@given(program=programs, chunk=st.integers(1, 12), interval=st.integers(1, 30), data=st.data())
def test_a_recording_folds_from_its_chunks_to_the_worlds_of_its_signals(
    program: Program, chunk: int, interval: int, data: st.DataObject
) -> None:
    # The indexer and seeks fold a file's chunks in the raw form; apply folds
    # the Signal values the reader builds. Both must give the same worlds.
    with tempfile.TemporaryDirectory() as folder:
        path = record_file(program, Path(folder) / "r.cfl", chunk_size=chunk, virtual_time=True)
        signals = list(open_recording(path).signals())
        worlds = naive_worlds(signals)
        timeline = Timeline(open_recording(path), background=False, interval=interval)
        assert len(timeline) == len(signals)
        seqs = data.draw(st.lists(st.integers(-1, len(signals) - 1), min_size=1, max_size=20))
        for seq in [*seqs, len(signals) - 1]:
            assert timeline.state_at(seq) == worlds[seq + 1], f"seq {seq}"
        timeline.close()


@SETTINGS
@given(program=programs)
def test_apply_is_pure(program: Program) -> None:
    signals = list(record(program).signals())
    worlds = naive_worlds(signals)
    again = naive_worlds(signals)
    assert worlds == again  # applying later signals changed no earlier world
    for seq, world in enumerate(worlds[1:]):
        assert world.seq == seq


def _garble(signal: Signal, how: int) -> Signal:
    """A damaged copy of ``signal``: wrong data shape, unknown type, odd or unknown pid."""
    if how == 0:
        return signal._replace(data={"nonsense": True})
    if how == 1:
        return signal._replace(data=None)
    if how == 2:
        return signal._replace(type=99)  # a type from a newer format
    if how == 3:
        return signal._replace(pid=70_000)  # wider than the pid column starts
    return signal._replace(pid=-3)


@SETTINGS
@given(program=programs, interval=st.integers(1, 6), data=st.data())
def test_malformed_signals_change_nothing_and_the_index_agrees(
    program: Program, interval: int, data: st.DataObject
) -> None:
    signals = list(record(program).signals())
    damaged = [
        _garble(s, data.draw(st.integers(0, 4))) if data.draw(st.booleans()) else s for s in signals
    ]
    worlds = naive_worlds(damaged)
    timeline = Timeline(MemorySource(damaged), background=False, interval=interval)
    for seq in range(len(damaged) - 1, -1, -1):
        assert timeline.state_at(seq) == worlds[seq + 1]
    malformed = timeline.index.malformed
    assert len([w for w in timeline.warnings if "malformed" in w]) == min(malformed, 100)


def test_unknown_types_are_skipped_silently() -> None:
    signals = [
        Signal(0, 0, SignalType.START, {"template": "T", "args": [], "parent": None}),
        Signal(1, 0, 42, {"anything": 1}),  # type: ignore[arg-type]
    ]
    timeline = Timeline(MemorySource(signals), background=False)
    assert timeline.state_at(1).process(0).status.value == "running"
    assert timeline.warnings == ()
