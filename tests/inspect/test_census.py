"""The census of a seq says what the world at that seq says, and counts signals right."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chronoflow.inspect.signal_counts as signal_counts
from chronoflow.inspect import MemorySource, Timeline, World, apply
from chronoflow.signals import Signal
from tests.inspect.conftest import record
from tests.inspect.random_workflows import Program, programs

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


def check_every_census(signals: list[Signal], timeline: Timeline) -> None:
    world = World.empty()
    seqs = [-1]
    worlds = {-1: world}
    for signal in signals:
        world = worlds[signal.seq] = apply(world, signal)
        seqs.append(signal.seq)
    for seq in seqs:
        census = timeline.census(seq)
        world = worlds[seq]
        assert census.seq == seq
        assert [row.pid for row in census.rows] == list(world.pids)
        for row in census.rows:
            proc = world.process(row.pid)
            assert row.template == proc.template
            assert row.registered_name == proc.registered_name
            assert row.status is proc.status
            assert row.inbox == len(proc.inbox)
            assert (row.started, row.ended) == (proc.started, proc.ended)
            assert row.alive is not proc.status.ended
            assert row.signals == sum(1 for s in signals if s.pid == row.pid and s.seq <= seq)


@SETTINGS
@given(program=programs, block=st.integers(1, 7), data=st.data())
def test_a_census_agrees_with_the_world_and_the_signals(
    program: Program, block: int, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signal_counts, "BLOCK", block)
    signals = list(record(program).signals())
    if len(signals) > 2 and data.draw(st.booleans()):  # a salvaged copy lacks some seqs
        first = data.draw(st.integers(1, len(signals) - 2))
        signals = signals[:first] + signals[first + 2 :]
    timeline = Timeline(MemorySource(signals), background=False, interval=3)
    try:
        check_every_census(signals, timeline)
    finally:
        timeline.close()


def test_names_show_only_in_a_recording_that_has_them() -> None:
    with Timeline.open(RECORDINGS / "named_bank.cfl") as named:
        named.wait()
        census = named.census(len(named) - 1)
        assert census.named
        assert any(row.registered_name for row in named.census(40).rows)
    with Timeline.open(RECORDINGS / "client_server.cfl") as plain:
        plain.wait()
        assert not plain.census(len(plain) - 1).named
