"""The index's building blocks: runs of columns, deferred checkpoints, odd column values."""

from __future__ import annotations

import gc
import weakref

import pytest

from chronoflow.inspect import MemorySource, Timeline, fold
from chronoflow.inspect.checkpoint import Checkpoint
from chronoflow.inspect.fold import state_of
from chronoflow.inspect.index import NO_TYPE, Index
from chronoflow.inspect.source import SignalRun, runs
from chronoflow.signals import Signal, SignalType
from tests.inspect.conftest import record_sample

START = {"template": "T", "args": [], "parent": None}


def test_runs_are_cut_at_gaps_in_the_seqs_and_at_their_size() -> None:
    seqs = [0, 1, 2, 3, 4, 7, 8, 2]
    signals = [Signal(seq, seq * 10, SignalType.WAIT, f"d{seq}") for seq in seqs]
    found = list(runs(signals, size=3))
    assert found == [
        SignalRun(0, [0, 10, 20], [SignalType.WAIT] * 3, ["d0", "d1", "d2"]),
        SignalRun(3, [30, 40], [SignalType.WAIT] * 2, ["d3", "d4"]),
        SignalRun(7, [70, 80], [SignalType.WAIT] * 2, ["d7", "d8"]),
        SignalRun(2, [20], [SignalType.WAIT], ["d2"]),
    ]
    assert list(runs([])) == []


def test_a_deferred_checkpoint_restores_the_same_state_before_and_after_compression() -> None:
    source = record_sample("parent_children")
    state = state_of(fold(source.signals()))
    checkpoint = Checkpoint(state, defer=True)
    assert checkpoint.pending
    raw_size = checkpoint.size
    assert checkpoint.restore() == state
    checkpoint.compress()
    assert not checkpoint.pending
    assert checkpoint.size < raw_size
    assert checkpoint.restore() == state
    checkpoint.compress()  # a second call changes nothing
    assert checkpoint.restore() == state


@pytest.mark.parametrize(
    ("memory", "spill_limit", "how"),
    [(1 << 30, 1 << 30, "in memory"), (1, 1 << 30, "spilled"), (1, 0, "thinned")],
)
def test_every_checkpoint_is_compressed_and_counted_once_indexing_returns(
    memory: int, spill_limit: int, how: str
) -> None:
    source = record_sample("parent_children")
    timeline = Timeline(
        source, background=False, interval=4, checkpoint_memory=memory, spill_limit=spill_limit
    )
    index = timeline.index
    checkpoints = index.checkpoints
    assert not any(checkpoint.pending for checkpoint in checkpoints)
    held = [c for c in checkpoints[1:] if not c.spilled]
    assert index.checkpoint_bytes == sum(c.size for c in held)
    if how == "in memory":
        assert len(checkpoints) > 5
        assert index.spill.size == 0
    elif how == "spilled":
        assert held == []
        assert index.spill.size > 0
    else:
        assert index.interval > 4
        assert len(checkpoints) == 2
    signals = list(source.signals())
    for checkpoint in checkpoints:
        assert checkpoint.restore() == state_of(fold(signals[: checkpoint.seq + 1]))
    timeline.close()


def test_values_that_do_not_fit_a_column_are_stored_as_missing() -> None:
    signals = [
        Signal(0, 0, SignalType.START, START),
        Signal(1, -3, SignalType.WAIT, None),  # a pid no column can hold
        Signal(2, 0, 300, None),  # type: ignore[arg-type]  # a type wider than a byte
        Signal(3, 70_000, SignalType.START, START),  # widens the pid column
        Signal(4, 0, SignalType.WAIT, None),
    ]
    index = Index(interval=2)
    assert index.extend(runs(signals), lambda: False, lambda: None)
    assert index.indexed == 5
    assert list(index.pids.data) == [0, index.pids.missing, 0, 70_000, 0]
    assert list(index.types.data) == [0, SignalType.WAIT, NO_TYPE, 0, SignalType.WAIT]
    assert list(index.pids.positions(70_000, 0, 5)) == [3]
    assert index.malformed == 1  # type 300 has no handler: IndexError, one warning
    index.close()


def test_runs_that_begin_before_the_index_end_are_folded_from_there_on() -> None:
    signals = list(record_sample("parent_children").signals())
    index = Index(interval=3)
    index.extend(runs(signals[:10]), lambda: False, lambda: None)
    assert index.extend(runs(signals, size=7), lambda: False, lambda: None)
    assert index.indexed == len(signals)
    timeline = Timeline(MemorySource(signals), background=False, interval=3)
    assert list(index.types.data) == list(timeline.index.types.data)
    assert list(index.refs.data) == list(timeline.index.refs.data)
    assert [c.seq for c in index.checkpoints][-1] <= len(signals) - 1
    for checkpoint in index.checkpoints[1:]:
        assert checkpoint.restore() == state_of(fold(signals[: checkpoint.seq + 1]))
    index.close()
    timeline.close()


class _Cycle:
    """An object in a reference cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_indexing_leaves_the_collector_as_it_found_it_and_lets_it_run_between_runs() -> None:
    signals = list(record_sample("parent_children").signals())
    for enabled in (True, False):
        if not enabled:
            gc.disable()
        index = Index(interval=4)
        index.extend(runs(signals, size=2), lambda: False, lambda: None)
        assert gc.isenabled() is enabled
        index.close()
    gc.enable()

    # Garbage cycles made by others while the index folds are collected as
    # indexing goes on, not only when it ends.
    gc.set_threshold(10)
    garbage: list[weakref.ref[_Cycle]] = []
    freed_during: list[bool] = []

    def published() -> None:
        if not garbage:
            garbage.append(weakref.ref(_Cycle()))
        freed_during.append(garbage[0]() is None)

    index = Index(interval=4)
    index.extend(runs(signals, size=2), lambda: False, published)
    assert len(freed_during) > 5
    assert any(freed_during[:-1])
    index.close()
