"""Timeline: background indexing, progress, following, ranges, diffs."""

from __future__ import annotations

import threading

import pytest

from chronoflow.errors import ChronoflowError
from chronoflow.inspect import (
    InboxEntry,
    MemorySource,
    Progress,
    SeqOutOfRangeError,
    Status,
    Timeline,
    fold,
)
from chronoflow.inspect.diff import diff_worlds
from tests.inspect.conftest import record_sample, timeline_of

pytestmark = pytest.mark.usefixtures("quiet")


def test_background_indexing_reports_progress_until_done() -> None:
    source = record_sample("parent_children")
    seen: list[Progress] = []
    done = threading.Event()

    def listen(progress: Progress) -> None:
        seen.append(progress)
        if progress.done:
            done.set()

    with Timeline(source, on_progress=listen, interval=4) as timeline:
        assert timeline.wait(timeout=10)
        assert done.wait(10)
        assert timeline.progress == Progress(len(source), len(source), True, False, None)
        assert timeline.progress.fraction == 1.0
        assert seen[-1].done
        assert seen[-1].indexed == len(source) == len(timeline)
        assert [p.indexed for p in seen] == sorted(p.indexed for p in seen)
    assert source.closed


def test_a_failing_listener_is_dropped_with_a_warning_and_indexing_goes_on() -> None:
    def broken(progress: Progress) -> None:
        raise RuntimeError("ui bug")

    timeline = Timeline(record_sample("filtering"), on_progress=broken, background=False)
    assert timeline.progress.done
    assert any("ui bug" in warning for warning in timeline.warnings)


def test_state_at_waits_for_the_indexer_and_agrees_with_a_fold() -> None:
    source = record_sample("client_server")
    with Timeline(source, interval=2) as timeline:
        last = len(source) - 1
        assert timeline.state_at(last) == fold(source.signals())
        assert timeline.state_at(last) is timeline.state_at(last)  # cached


def test_following_picks_up_signals_appended_later() -> None:
    signals = list(record_sample("parent_children").signals())
    source = MemorySource(signals[:10], complete=False)
    with Timeline(source, follow=True, interval=4) as timeline:
        assert timeline.wait(9, timeout=10)
        assert len(timeline) == 10
        assert timeline.progress.following
        assert not timeline.wait(10, timeout=0.05)
        with pytest.raises(SeqOutOfRangeError):
            timeline.state_at(10)
        source.extend(signals[10:])
        assert timeline.wait(len(signals) - 1, timeout=10)
        assert len(timeline) == len(signals)
        assert timeline.state_at(len(signals) - 1) == fold(signals)
        assert timeline.find("type:STOP pid:0") == 33
    assert not timeline.progress.following


def test_a_torn_source_opens_with_its_prefix_and_warnings() -> None:
    signals = list(record_sample("filtering").signals())[:7]
    source = MemorySource(signals, complete=False, warnings=["offset 512: torn record"])
    timeline = Timeline(source, background=False)
    assert not timeline.complete
    assert timeline.warnings == ("offset 512: torn record",)
    assert len(timeline) == 7
    assert timeline.state_at(6) == fold(signals)


def test_seqs_out_of_range_are_one_clear_error() -> None:
    timeline = timeline_of(record_sample("filtering"))
    for bad in (-2, len(timeline), 10**9):
        with pytest.raises(SeqOutOfRangeError, match="out of range: the recording has seqs 0–18"):
            timeline.state_at(bad)
    with pytest.raises(SeqOutOfRangeError):
        timeline.signal(-1)
    error = SeqOutOfRangeError(5, 0)
    assert isinstance(error, ChronoflowError)
    assert isinstance(error, IndexError)
    assert "no signals" in str(error)


def test_signals_can_be_filtered_by_a_query() -> None:
    timeline = timeline_of(record_sample("filtering"))
    drops = [s.seq for s in timeline.signals(match="type:DROP")]
    assert drops == [2, 5, 10, 15]
    assert [s.seq for s in timeline.signals(3, 8)] == [3, 4, 5, 6, 7]
    assert timeline.summary(2) == "drop #1 12"


def test_changed_at_names_what_one_signal_changed() -> None:
    timeline = timeline_of(record_sample("parent_children"))
    spawn = timeline.changed_at(3)  # the START of child 1
    assert spawn.pids == (0, 1)
    created = spawn.get(1)
    assert created is not None
    assert created.created
    assert created.status_changed
    assert created.added == (InboxEntry(1, "msg1", None, 2),)
    parent = spawn.get(0)
    assert parent is not None
    assert parent.fields == ("children",)

    receive = timeline.changed_at(17)  # child 1 takes msg2
    (change,) = receive.changes
    assert change.pid == 1
    assert change.fields == ("status", "wait", "matched")
    assert change.before is not None
    assert change.after is not None
    # Ready since msg2 arrived at seq 16, it takes it and runs.
    assert (change.before.status, change.after.status) == (Status.READY, Status.RUNNING)
    assert (change.before.matched, change.after.matched) == (16, None)
    assert [entry.id for entry in change.removed] == [16]
    assert change.added == ()

    deliver = timeline.changed_at(16)
    assert deliver.pids == (0, 1, 2, 3)
    assert all(c.added[0].id == 16 for c in deliver.changes)
    assert not timeline.diff(5, 5)


def test_a_diff_backwards_shows_processes_that_do_not_exist_yet() -> None:
    timeline = timeline_of(record_sample("parent_children"))
    back = timeline.diff(7, 2)
    assert back.a == 7
    assert back.b == 2
    assert back.pids == (0, 1, 2, 3)
    for pid in (1, 2, 3):
        change = back.get(pid)
        assert change is not None
        assert change.after is None
        assert change.status_changed
        assert change.removed[0].id == 1


def test_a_real_recording_opens_and_agrees_with_its_reader(tmp_path: object) -> None:
    from pathlib import Path

    from chronoflow.recording import open_recording
    from tests.inspect.conftest import record_file
    from tests.inspect.random_workflows import Actor

    def main(scheduler: object) -> None:
        for plan in ([("send", 1, "x"), ("receive",)], [("receive",), ("send", 0, "y")]):
            scheduler.create(Actor, plan).start()  # type: ignore[attr-defined]

    path = record_file(main, Path(str(tmp_path)) / "two.cfl", chunk_size=3)
    with open_recording(path) as reader:
        signals = list(reader.signals())
    with Timeline.open(path, interval=2) as timeline:
        assert timeline.wait(timeout=10)
        assert timeline.complete
        assert timeline.warnings == ()
        assert timeline.path == path
        assert len(timeline) == len(signals)
        for seq in range(len(signals) - 1, -1, -1):
            assert timeline.state_at(seq) == fold(signals[: seq + 1])
        assert timeline.signal(0) == signals[0]


def test_checkpoints_past_the_memory_bound_spill_to_a_file_or_thin() -> None:
    source = record_sample("parent_children")
    final = fold(source.signals())
    spilling = Timeline(source, background=False, interval=2, checkpoint_memory=1)
    assert spilling.interval == 2
    assert spilling.index.spill.size > 0
    assert spilling.index.checkpoint_bytes == 0
    assert spilling.state_at(33) == final
    spilling.close()
    thinning = Timeline(source, background=False, interval=2, checkpoint_memory=1, spill_limit=0)
    assert thinning.interval > 2
    assert len(thinning.index.checkpoints) == 2
    assert thinning.index.spill.size == 0
    assert thinning.state_at(33) == final


def test_indexing_can_wait_until_a_front_end_has_drawn_its_first_screen() -> None:
    source = record_sample("parent_children")
    signals = list(source.signals())
    with Timeline(source, interval=4, start=False) as timeline:
        assert not timeline.indexing_started
        assert timeline.progress.indexed == 0
        assert len(timeline) == len(signals)  # the recording says how long it is
        # Within one interval of the index's end, state_at folds from the start.
        assert timeline.ready(3)
        assert not timeline.ready(4)
        assert timeline.state_at(3) == fold(signals[:4])
        # Why not timeline.diff: it says when each change happened, from the
        # index, which it starts.
        assert timeline.changed_at(2) == diff_worlds(timeline.state_at(1), timeline.state_at(2))
        assert timeline.signal(20) == signals[20]
        assert not timeline.indexing_started
        # A question that needs the index starts it.
        assert timeline.state_at(len(signals) - 1) == fold(signals)
        assert timeline.indexing_started
        timeline.start_indexing()  # a second start changes nothing
        assert timeline.wait(timeout=10)
        assert timeline.ready(len(signals) - 1)


def test_start_indexing_starts_the_thread_once() -> None:
    source = record_sample("greeter")
    with Timeline(source, start=False) as timeline:
        timeline.start_indexing()
        timeline.start_indexing()
        assert timeline.wait(timeout=10)
        assert timeline.progress.done
        assert sum(t.name == "chronoflow-index" for t in threading.enumerate()) <= 1


def test_a_timeline_that_never_indexed_closes_its_source() -> None:
    source = record_sample("greeter")
    timeline = Timeline(source, start=False)
    timeline.close()
    timeline.start_indexing()  # closed: nothing starts
    assert not timeline.indexing_started
    assert source.closed


def test_a_recording_without_a_stated_length_indexes_at_once() -> None:
    signals = list(record_sample("filtering").signals())
    source = MemorySource(signals, complete=False)
    with Timeline(source, start=False) as timeline:
        assert timeline.indexing_started  # only the index knows its length
        assert timeline.wait(len(signals) - 1, timeout=10)


def test_removing_a_listener_that_is_not_listening_is_harmless() -> None:
    with Timeline(record_sample("greeter"), background=False) as timeline:
        timeline.remove_listener(print)
        timeline.add_listener(print)
        timeline.remove_listener(print)
        timeline.remove_listener(print)
