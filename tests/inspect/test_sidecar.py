"""The index sidecar: reused when valid, rebuilt silently when stale or damaged,
and the worlds read through it equal a fold from seq 0."""

from __future__ import annotations

import itertools
import marshal
import os
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow import Process, template
from chronoflow.inspect import MemorySource, Timeline, World, apply
from chronoflow.inspect.checkpoint import freeze
from chronoflow.inspect.sidecar import Sidecar, cache_path, sidecar_path
from chronoflow.recording import ReadMode, open_recording
from chronoflow.runtime import SimpleScheduler
from chronoflow.signals import Signal, SignalType
from tests.inspect.conftest import record_file
from tests.inspect.random_workflows import Program, programs

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def naive_worlds(signals: list[Signal]) -> list[World]:
    """The world before seq 0, then after every seq, by the pure apply."""
    worlds = [World.empty()]
    for signal in signals:
        worlds.append(apply(worlds[-1], signal))
    return worlds


def opened(path: Path, interval: int = 4) -> Timeline:
    """A timeline of ``path`` indexed in this thread, with a sidecar for any size."""
    source = open_recording(path, mode=ReadMode.TOLERANT)
    return Timeline(source, background=False, interval=interval, sidecar=Sidecar(path, 0))


def written(timeline: Timeline) -> Path | None:
    sidecar = timeline.indexer._sidecar
    assert sidecar is not None
    return sidecar.written


def _to(message: tuple[int, int]) -> int:
    return message[0]


@template(route=_to)
def Echo(self: Process) -> Generator[Any, Any, None]:
    """Send every message back to process 1."""
    while True:
        _, n = yield self.receive()
        self.send((1, n))


@template(route=_to)
def Pinger(self: Process, echo: int, rounds: int) -> Generator[Any, Any, int]:
    """Send ``rounds`` pings to ``echo``, each after the last one came back."""
    for n in range(rounds):
        self.send((echo, n))
        yield self.receive()
    return rounds


def ping_pong(rounds: int) -> Any:
    def main(scheduler: SimpleScheduler) -> None:
        echo = scheduler.create(Echo)
        scheduler.create(Pinger, echo.pid, rounds).start()
        echo.start()

    return main


@pytest.fixture
def recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return record_file(ping_pong(40), tmp_path / "r.cfl", chunk_size=16)


@SETTINGS
@given(program=programs, interval=st.integers(1, 9), data=st.data())
def test_worlds_read_through_the_sidecar_equal_a_fold_from_zero(
    program: Program, interval: int, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = record_file(program, Path(folder) / "r.cfl", chunk_size=7, virtual_time=True)
        signals = list(open_recording(path).signals())
        worlds = naive_worlds(signals)
        first = opened(path, interval)
        # A state only pickle can freeze (a value recorded as an opaque
        # stand-in) is never written: nothing in a sidecar is unpickled.
        plain = all(cp.packed_bytes() is not None for cp in first.index.checkpoints[1:])
        try:
            marshal.dumps(freeze(first.index.final_state()))
        except ValueError:  # the final state holds such a value too
            plain = False
        # Nor is the index of a recording the reader warned about.
        kept = plain and not first.source.warnings
        assert (written(first) == sidecar_path(path)) is kept
        first.close()
        again = opened(path, interval)
        assert again.index.loaded is kept
        assert len(again) == len(signals)
        seqs = data.draw(st.lists(st.integers(-1, len(signals) - 1), max_size=20))
        for seq in [*seqs, *range(len(signals) - 1, -2, -1)]:
            assert again.state_at(seq) == worlds[seq + 1], f"seq {seq}"
        again.close()


def test_a_sidecar_is_reused_and_answers_as_the_index_did(recording: Path) -> None:
    recording.chmod(0o640)
    first = opened(recording)
    assert not first.index.loaded
    assert written(first) == sidecar_path(recording)
    assert sidecar_path(recording).stat().st_mode & 0o777 == 0o640  # as the recording's
    again = opened(recording)
    assert again.index.loaded
    assert written(again) is None  # nothing to write: it was read
    assert again.index.interval == first.index.interval
    assert len(again.index.checkpoints) == len(first.index.checkpoints)
    for name in ("pids", "types", "refs"):
        assert getattr(again.index, name).data == getattr(first.index, name).data
    assert list(again.find_all("type:RECEIVE")) == list(first.find_all("type:RECEIVE"))
    assert again.name_of(1) == first.name_of(1) == "Pinger[1]"
    assert again.index.process_count == first.index.process_count == 2
    for seq in range(-1, len(first)):
        assert again.state_at(seq) == first.state_at(seq)
    first.close()
    again.close()


def test_a_small_recording_gets_no_sidecar(recording: Path) -> None:
    source = open_recording(recording)
    timeline = Timeline(source, background=False, sidecar=Sidecar(recording, 10_000))
    assert written(timeline) is None
    assert not sidecar_path(recording).exists()
    timeline.close()


def test_a_recording_replaced_by_another_is_indexed_again(recording: Path) -> None:
    opened(recording).close()
    record_file(ping_pong(25), recording, chunk_size=16)  # same name, other bytes
    signals = list(open_recording(recording).signals())
    timeline = opened(recording)
    assert not timeline.index.loaded
    assert timeline.state_at(len(signals) - 1) == naive_worlds(signals)[-1]
    assert written(timeline) == sidecar_path(recording)  # replaced by the fresh one
    timeline.close()
    assert opened(recording).index.loaded


def test_a_recording_appended_to_is_indexed_again(recording: Path) -> None:
    opened(recording).close()
    with recording.open("ab") as handle:
        handle.write(b"\x00" * 10)
    timeline = opened(recording)
    assert not timeline.index.loaded
    assert timeline.progress.done
    # Bytes after the trailer are damage the reader warns about; a recording
    # read with warnings gets no sidecar (loading one would skip the reads
    # that find the damage).
    assert timeline.warnings
    assert written(timeline) is None
    timeline.close()


@pytest.mark.parametrize(
    "damage",
    ["truncated", "flipped column byte", "flipped table byte", "garbage", "empty"],
)
def test_a_damaged_sidecar_is_rebuilt_without_a_word(recording: Path, damage: str) -> None:
    reference = opened(recording)
    idx = sidecar_path(recording)
    data = bytearray(idx.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped column byte":
        data[10] ^= 0xFF  # the pid column starts right after the 8-byte magic
    elif damage == "flipped table byte":
        data[-40] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    else:
        data = bytearray()
    idx.write_bytes(bytes(data))
    timeline = opened(recording)
    assert not timeline.index.loaded
    assert timeline.warnings == reference.warnings
    for seq in range(-1, len(reference)):
        assert timeline.state_at(seq) == reference.state_at(seq)
    assert written(timeline) == idx
    assert opened(recording).index.loaded  # the rebuilt one is good
    reference.close()
    timeline.close()


def test_a_damaged_checkpoint_falls_back_to_an_earlier_one(recording: Path) -> None:
    reference = opened(recording)
    idx = sidecar_path(recording)
    timeline = opened(recording)
    assert timeline.index.loaded
    # Damage the bytes of the last checkpoint (read only when a seek restores it).
    last = timeline.index.checkpoints[-1]
    offset, length = last._where
    data = bytearray(idx.read_bytes())
    data[offset + length // 2] ^= 0xFF
    idx.write_bytes(bytes(data))
    for seq in range(len(reference) - 1, -2, -1):
        assert timeline.state_at(seq) == reference.state_at(seq)
    with pytest.raises(ValueError, match="damaged"):
        last.restore()
    reference.close()
    timeline.close()


def test_a_folder_that_cannot_take_the_sidecar_sends_it_to_the_cache(
    recording: Path, tmp_path: Path
) -> None:
    # Why a directory in the way, not chmod: the tests may run as root,
    # whom no folder permission stops; a directory cannot be replaced by a file.
    sidecar_path(recording).mkdir()
    first = opened(recording)
    assert written(first) == cache_path(recording)
    assert cache_path(recording).is_relative_to(tmp_path / "cache")
    again = opened(recording)
    assert again.index.loaded
    for seq in range(-1, len(first)):
        assert again.state_at(seq) == first.state_at(seq)
    first.close()
    again.close()


def test_timeline_open_keeps_a_sidecar_only_when_asked(recording: Path) -> None:
    with Timeline.open(recording, sidecar=False) as timeline:
        timeline.wait()
    assert not sidecar_path(recording).exists()
    with Timeline.open(recording, sidecar_min_signals=1) as timeline:
        timeline.wait()
        while not timeline.indexer.finished:
            timeline.wait(timeout=0.01)
    assert sidecar_path(recording).exists()
    with Timeline.open(recording, sidecar_min_signals=1) as timeline:
        assert timeline.wait(timeout=10)
        assert timeline.index.loaded


def test_checkpoints_are_spaced_by_at_least_the_number_of_processes() -> None:
    # 300 processes start, then 3,000 signals touch one of them: freezing
    # every process at each of the interval's checkpoints would freeze
    # 300 records per 8 signals.
    start: dict[str, Any] = {
        "template": "T",
        "module": "m",
        "qualname": "T",
        "args": [],
        "parent": None,
    }
    signals = [Signal(pid, pid, SignalType.START, start, 0.0) for pid in range(300)]
    for seq in range(300, 3300):
        signals.append(Signal(seq, 0, SignalType.WAIT, None, 0.0))
    timeline = Timeline(MemorySource(signals), background=False, interval=8)
    seqs = [cp.seq for cp in timeline.index.checkpoints]
    late = [seq for seq in seqs if seq >= 600]
    assert all(b - a >= 150 for a, b in itertools.pairwise(late))
    assert len(seqs) <= 3300 // 150 + 300 // 8 + 2
    assert timeline.state_at(3299) == naive_worlds(signals)[-1]
    timeline.close()
