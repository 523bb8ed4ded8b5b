"""Timeline.overview: signals and the first crash per bucket, as a count of the signals says.

Random programs (every kind of signal, crashes among them), some recorded
seqs dropped (a salvaged copy with gaps), cut into any number of buckets:
the overview, read from the index alone, equals a count over the signals
themselves, at every stage of indexing, whether the recording states its
length or not, and whether it was asked for before (kept and brought up
to date) or not.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow.inspect import MemorySource, Overview, Timeline
from chronoflow.inspect import overview as overview_module
from chronoflow.inspect.index import Index
from chronoflow.inspect.overview import Overviews
from chronoflow.inspect.source import runs
from chronoflow.signals import Signal, SignalType
from tests.inspect.conftest import record, record_sample
from tests.inspect.random_workflows import Program, programs

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def counted(signals: list[Signal], total: int, indexed: int, buckets: int) -> Overview:
    """The overview by brute force: each signal below ``indexed`` put in its bucket."""
    counts = [0] * buckets
    messages = [0] * buckets
    crashes: list[int | None] = [None] * buckets
    for signal in signals:
        if signal.seq >= indexed:
            continue
        bucket = next(
            b
            for b in range(buckets)
            if b * total // buckets <= signal.seq < (b + 1) * total // buckets
        )
        counts[bucket] += 1
        messages[bucket] += signal.type in (SignalType.SEND, SignalType.DELIVER)
        if signal.type == SignalType.CRASH and crashes[bucket] is None:
            crashes[bucket] = signal.seq
    return Overview(total, indexed, tuple(counts), tuple(crashes), tuple(messages))


def _salvaged(program: Program, lost: list[int]) -> list[Signal]:
    signals = list(record(program).signals())
    return [signal for signal in signals if signal.seq not in set(lost)]


@SETTINGS
@given(
    program=programs,
    lost=st.lists(st.integers(0, 80), max_size=12),
    buckets=st.lists(st.integers(1, 90), min_size=1, max_size=4),
)
def test_an_indexed_recording_s_overview_is_a_count_of_its_signals(
    program: Program, lost: list[int], buckets: list[int]
) -> None:
    signals = _salvaged(program, lost)
    timeline = Timeline(MemorySource(signals), background=False, interval=5)
    total = len(timeline)
    for count in [*buckets, *buckets]:  # the second time from what was kept
        assert timeline.overview(count) == counted(signals, total, total, count)
    timeline.close()


@SETTINGS
@given(
    program=programs,
    lost=st.lists(st.integers(0, 80), max_size=12),
    cuts=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    buckets=st.integers(1, 50),
    stated=st.booleans(),
)
def test_an_overview_kept_while_indexing_goes_on_equals_a_fresh_count(
    program: Program, lost: list[int], cuts: list[int], buckets: int, stated: bool
) -> None:
    signals = _salvaged(program, lost)
    stop = signals[-1].seq + 1 if signals else 0
    index = Index(interval=3)
    # A recording that states its length (a footer) keeps its buckets while
    # the index grows; one that does not (torn) is as long as indexed so far.
    kept = Overviews(index, (lambda: stop) if stated else (lambda: index.indexed))
    done = 0
    for cut in [*cuts, len(signals)]:
        part = signals[done : done + cut]
        done += len(part)
        if part:
            index.extend(runs(part, size=4), lambda: False, lambda: None)
        total = stop if stated else index.indexed
        if total == 0:
            continue
        expected = counted(signals, total, index.indexed, buckets)
        assert kept.overview(buckets) == expected
        assert Overviews(index, lambda total=total: total).overview(buckets) == expected
    index.close()


@given(total=st.integers(1, 10**12), buckets=st.integers(1, 5000), data=st.data())
def test_every_seq_lies_in_the_bucket_bucket_of_names(
    total: int, buckets: int, data: st.DataObject
) -> None:
    overview = Overview(total, total, (0,) * buckets, (None,) * buckets, (0,) * buckets)
    seq = data.draw(st.integers(0, total - 1))
    bucket = overview.bucket_of(seq)
    first, stop = overview.bounds(bucket)
    assert 0 <= bucket < buckets
    assert first <= seq < stop
    assert overview.bounds(0)[0] == 0
    assert overview.bounds(buckets - 1)[1] == total


def test_a_sample_s_crashes_are_found_in_their_buckets() -> None:
    signals = list(record_sample("supervised_pool").signals())
    crashes = [s.seq for s in signals if s.type == SignalType.CRASH]
    assert crashes, "the sample crashes workers"
    timeline = Timeline(MemorySource(signals), background=False)
    overview = timeline.overview(len(timeline))  # a bucket per seq
    assert [seq for seq in overview.crashes if seq is not None] == crashes
    assert overview.counts == (1,) * len(timeline)
    timeline.close()


def test_no_bucket_is_refused() -> None:
    timeline = Timeline(MemorySource([]), background=False)
    with pytest.raises(ValueError, match="at least one bucket"):
        timeline.overview(0)
    assert timeline.overview(3) == Overview(0, 0, (0, 0, 0), (None, None, None), (0, 0, 0))
    timeline.close()


@pytest.mark.parametrize("block", [1, 3, 7, 64])
@pytest.mark.parametrize("name", ["supervised_pool", "named_bank", "process_ring"])
def test_messages_counted_by_blocks_equal_a_plain_count(
    name: str, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whole blocks summed and partial ends counted, at every block size and width."""
    monkeypatch.setattr(overview_module, "BLOCK", block)
    signals = list(record_sample(name).signals())
    timeline = Timeline(MemorySource(signals), background=False)
    total = len(timeline)
    for buckets in (1, 2, 5, 13, total):
        got = timeline.overview(buckets)
        assert got == counted(signals, total, total, buckets)
        assert sum(got.messages) == sum(
            s.type in (SignalType.SEND, SignalType.DELIVER) for s in signals
        )
    timeline.close()
