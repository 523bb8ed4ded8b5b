"""The engine on real ``.cfl`` files: clean, torn, and still being written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow.inspect import Timeline, fold
from chronoflow.recording import RecordingWriter, open_recording
from chronoflow.signals import Signal
from tests.inspect.conftest import record, record_sample
from tests.inspect.random_workflows import Program, programs

pytestmark = pytest.mark.usefixtures("quiet")


def write(path: Path, signals: list[Signal], *, chunk: int, close: bool = True) -> Path:
    writer = RecordingWriter(path, {"workflow": "test"})
    for start in range(0, len(signals), chunk):
        writer.write_signals(signals[start : start + chunk])
    if close:
        writer.close()
    else:
        writer.abandon()
    return path


def read_back(path: Path) -> list[Signal]:
    with open_recording(path) as reader:
        return list(reader.signals())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs, chunk=st.integers(1, 7), interval=st.integers(1, 8))
def test_a_recorded_workflow_folds_the_same_from_the_file(
    tmp_path_factory: pytest.TempPathFactory, program: Program, chunk: int, interval: int
) -> None:
    path = write(
        tmp_path_factory.mktemp("r") / "w.cfl", list(record(program).signals()), chunk=chunk
    )
    signals = read_back(path)
    with Timeline.open(path, interval=interval) as timeline:
        assert timeline.wait(timeout=10)
        assert len(timeline) == len(signals)
        for seq in range(len(signals) - 1, -2, -1):
            assert timeline.state_at(seq) == fold(signals[: seq + 1])


def test_a_torn_recording_opens_with_its_complete_prefix_and_a_warning(tmp_path: Path) -> None:
    signals = list(record_sample("parent_children").signals())
    path = write(tmp_path / "torn.cfl", signals, chunk=5, close=False)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 7])  # the last chunk is cut short
    with Timeline.open(path, interval=3) as timeline:
        assert timeline.wait(timeout=10)
        assert not timeline.complete
        assert len(timeline) == 30  # six whole chunks of five
        assert timeline.warnings
        assert timeline.progress.error is None
        assert timeline.state_at(29) == fold(signals[:30])
        assert timeline.state_at(29).process(1).status.value == "stopped"


def test_a_file_without_footer_but_whole_chunks_opens_fully(tmp_path: Path) -> None:
    signals = list(record_sample("client_server").signals())
    path = write(tmp_path / "abandoned.cfl", signals, chunk=4, close=False)
    with Timeline.open(path) as timeline:
        assert timeline.wait(timeout=10)
        assert not timeline.complete
        assert len(timeline) == len(signals)
        assert timeline.state_at(len(signals) - 1) == fold(signals)


def test_following_a_recording_that_is_still_being_written(tmp_path: Path) -> None:
    signals = list(record_sample("parent_children").signals())
    path = tmp_path / "live.cfl"
    writer = RecordingWriter(path, {"workflow": "live"})
    writer.write_signals(signals[:8])
    with Timeline.open(path, follow=True, interval=4) as timeline:
        assert timeline.wait(7, timeout=10)
        assert not timeline.wait(8, timeout=0.05)
        writer.write_signals(signals[8:20])
        assert timeline.wait(19, timeout=10)
        assert timeline.state_at(19) == fold(signals[:20])
        writer.write_signals(signals[20:])
        writer.close()
        assert timeline.wait(len(signals) - 1, timeout=10)
        assert timeline.state_at(len(signals) - 1) == fold(signals)
        # The recorder closed the file: the timeline stops following it.
        deadline = time.monotonic() + 10
        while timeline.progress.following and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not timeline.progress.following


def test_opening_something_that_is_not_a_recording_is_a_chronoflow_error(
    tmp_path: Path,
) -> None:
    from chronoflow.errors import ChronoflowError

    path = tmp_path / "not.cfl"
    path.write_bytes(b"hello, world" * 10)
    with pytest.raises(ChronoflowError):
        Timeline.open(path)
