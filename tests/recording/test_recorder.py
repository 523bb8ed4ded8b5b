"""The recorder and the recording scheduler write what the runtime produced, signal for signal."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chronoflow
from chronoflow import template
from chronoflow.recording import (
    Opaque,
    ReadMode,
    Recorder,
    SimpleScheduler,
    UnrecordableValue,
    open_recording,
)
from chronoflow.runtime import SimpleScheduler as PlainScheduler
from chronoflow.signals import Signal, SignalType
from tests.recording.conftest import same_signals, write_recording
from tests.recording.test_values import values


@template(route=lambda message: message[0])
def Relay(self: Any, hops: int) -> Generator[Any, Any, int]:
    """Pass a counter to the next pid until it has made ``hops`` hops."""
    while True:
        _to, count = yield self.receive()
        if count >= hops:
            return count
        self.send(((self.pid + 1) % 3, count + 1))


@template
def Carrier(self: Any) -> Generator[Any, Any, Any]:
    """Receive one message and stop with it as the result."""
    return (yield self.receive())


async def record_relay(scheduler: PlainScheduler) -> list[Signal]:
    seen: list[Signal] = []
    scheduler.add_observer(seen.append)
    procs = [scheduler.create(Relay, 30) for _ in range(3)]
    for proc in procs:
        proc.start()
    await procs[0].push((0, 0))
    await scheduler.run()
    return seen


def test_there_is_one_scheduler_and_it_records() -> None:
    assert chronoflow.SimpleScheduler is SimpleScheduler is PlainScheduler


async def test_record_one_liner_writes_every_signal_and_closes(tmp_path: Path) -> None:
    out = tmp_path / "relay.cfl"
    async with SimpleScheduler(record=out) as scheduler:
        seen = await record_relay(scheduler)
    with open_recording(out) as reader:
        assert reader.complete
        assert reader.count() == len(seen) > 90
        assert same_signals(reader.signals(), seen)
        assert reader.warnings == []
        assert reader.metadata["python_version"]
        assert reader.metadata["templates"] == []


async def test_a_recording_alone_gets_the_signals_an_observer_gets(tmp_path: Path) -> None:
    # Why: when the recorder is all that listens, the signal bus appends to
    # its buffer directly instead of going through the full hand-over.
    observed = await record_relay(PlainScheduler(clock=lambda: 7.0))
    out = tmp_path / "alone.cfl"
    async with SimpleScheduler(record=out, clock=lambda: 7.0) as scheduler:
        assert scheduler.bus.sole_sink is scheduler.recorder
        procs = [scheduler.create(Relay, 30) for _ in range(3)]
        for proc in procs:
            proc.start()
        await procs[0].push((0, 0))
        await scheduler.run()
    with open_recording(out) as reader:
        assert same_signals(reader.signals(), observed)
    # Anything else listening turns the direct path off, and removing it back on.
    scheduler = SimpleScheduler(record=tmp_path / "shared.cfl")
    bus = scheduler.bus
    assert bus.sole_sink is scheduler.recorder
    scheduler.add_observer(print)
    assert bus.sole_sink is None
    scheduler.remove_observer(print)
    assert bus.sole_sink is scheduler.recorder
    scheduler.close()


async def test_close_is_idempotent_and_a_plain_scheduler_records_nothing(tmp_path: Path) -> None:
    scheduler = SimpleScheduler(record=tmp_path / "x.cfl")
    await record_relay(scheduler)
    scheduler.close()
    scheduler.close()
    assert open_recording(tmp_path / "x.cfl").complete
    plain = SimpleScheduler()
    assert plain.recorder is None
    plain.close()


def test_a_standalone_process_can_be_recorded(tmp_path: Path) -> None:
    with Recorder(tmp_path / "solo.cfl", templates=[Carrier]) as recorder:
        proc = Carrier.create(7)
        proc.add_observer(recorder)
        proc.start()
        proc.send((1, "x"))
    with open_recording(tmp_path / "solo.cfl") as reader:
        kinds = [signal.type for signal in reader.signals()]
        assert kinds[0] is SignalType.START
        assert all(s.pid == 7 for s in reader.signals())
        assert reader.metadata["templates"] == [
            {"name": "Carrier", "module": __name__, "qualname": "Carrier"}
        ]


def test_buffered_signals_reach_the_file_after_the_flush_interval(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "live.cfl", flush_interval=0.05)
    recorder(Signal(0, 1, SignalType.START, None, 0.0))
    assert list(open_recording(tmp_path / "live.cfl").signals()) == []
    time.sleep(0.06)
    recorder(Signal(1, 1, SignalType.STOP, {"result": 1}, 0.0))
    live = open_recording(tmp_path / "live.cfl")
    assert not live.complete
    assert [s.seq for s in live.signals()] == [0, 1]
    recorder.close()


async def test_the_kernel_flush_hook_writes_before_waiting_on_use(tmp_path: Path) -> None:
    out = tmp_path / "use.cfl"
    seen_during_use: list[int] = []

    async def peek() -> int:
        seen_during_use.extend(s.seq for s in open_recording(out).signals())
        return 1

    @template
    def User(self: Any) -> Generator[Any, Any, Any]:
        return (yield self.use(peek))

    scheduler = SimpleScheduler(record=Recorder(out, flush_interval=3600))
    scheduler.create(User).start()
    await scheduler.run()
    scheduler.close()
    assert seen_during_use == [0, 1]  # START and USE were on disk before peek ran


def test_a_full_chunk_is_written_without_waiting(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "c.cfl", chunk_size=4, flush_interval=3600)
    for seq in range(10):
        recorder(Signal(seq, 0, SignalType.WAIT, None, 0.0))
    assert [s.seq for s in open_recording(tmp_path / "c.cfl").signals()] == list(range(8))
    assert recorder.count == 10
    recorder.close()


async def test_unrecordable_values_become_opaque_by_default(tmp_path: Path) -> None:
    async with SimpleScheduler(record=tmp_path / "o.cfl") as scheduler:
        proc = scheduler.create(Carrier)
        proc.start()
        await proc.push({1, 2})
    stop = list(open_recording(tmp_path / "o.cfl").signals())[-1]
    assert stop.data == {"result": Opaque("set", "{1, 2}")}


async def test_strict_values_stop_the_recording_and_raise_on_close(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "s.cfl", strict_values=True)
    scheduler = SimpleScheduler(record=recorder)
    proc = scheduler.create(Carrier)
    proc.start()
    with pytest.raises(UnrecordableValue, match=r"seq 1 \(DELIVER of pid 0\)"):
        await proc.push({1, 2})
    with pytest.raises(UnrecordableValue, match="set cannot be recorded exactly"):
        scheduler.close()
    reader = open_recording(tmp_path / "s.cfl")
    assert reader.complete
    assert [s.type for s in reader.signals()] == [SignalType.START]


def test_crash_tracebacks_are_stored_relative_to_the_source_root(tmp_path: Path) -> None:
    here = Path(__file__).resolve()
    traceback = f'Traceback:\n  File "{here}", line 3, in f\nValueError: <X at 0xdeadbeef>\n'
    crash = {"error": "ValueError", "message": "<X at 0x1234>", "traceback": traceback}
    with Recorder(tmp_path / "t.cfl", source_root=here.parent) as recorder:
        recorder(Signal(0, 0, SignalType.CRASH, crash, 0.0))
    (back,) = open_recording(tmp_path / "t.cfl").signals()
    assert back.data["traceback"] == (
        f'Traceback:\n  File "{here.name}", line 3, in f\nValueError: <X at 0x?>\n'
    )
    assert back.data["message"] == "<X at 0x?>"


signal_streams = st.lists(
    st.tuples(st.integers(0, 2**31), st.sampled_from(list(SignalType)), values, st.floats(0, 2e9)),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(stream=signal_streams, first=st.integers(0, 2**40), chunk=st.integers(1, 20))
def test_random_signal_streams_round_trip(
    tmp_path_factory: pytest.TempPathFactory,
    stream: list[tuple[int, SignalType, Any, float]],
    first: int,
    chunk: int,
) -> None:
    signals = [
        Signal(first + i, pid, kind, data, ts) for i, (pid, kind, data, ts) in enumerate(stream)
    ]
    path = write_recording(tmp_path_factory.mktemp("rt") / "h.cfl", signals, chunk=chunk)
    with open_recording(path) as reader:
        back = list(reader.signals())
        assert [s[:4] for s in back] == [s[:4] for s in signals]
        assert all(abs(a.ts - b.ts) <= 1e-6 for a, b in zip(back, signals, strict=True))
        assert all(type(s.type) is SignalType for s in back)
        assert reader.count() == len(signals)


def test_signals_after_close_are_not_recorded_nor_kept(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "closed.cfl", chunk_size=2)
    recorder(Signal(0, 0, SignalType.WAIT, None, 0.0))
    recorder.close()
    for seq in range(1, 4):
        recorder(Signal(seq, 0, SignalType.WAIT, None, 0.0))
    assert recorder.count == 1
    assert [s.seq for s in open_recording(tmp_path / "closed.cfl").signals()] == [0]


@template
def Sleeper(self: Any) -> Generator[Any, Any, None]:
    """Never receives: its inbox fills, then refuses."""
    yield self.sleep(3600)


Looks = list[tuple[int, int, int]]


def flooder(scheduler: PlainScheduler, recorder: Recorder, looks: Looks) -> Any:
    """A template that sends ``count`` messages in one step, noting every 250
    sends the signals produced, buffered and written so far."""

    @template(route=lambda message: message[0])
    def Flooder(self: Any, to: int, count: int) -> Generator[Any, Any, None]:
        for index in range(count):
            self.send((to, index))
            if index % 250 == 0:
                buffered = recorder.buffered
                looks.append((scheduler.seq, buffered, recorder.count - buffered))
        yield self.receive()

    return Flooder


def flood(scheduler: PlainScheduler, recorder: Recorder, count: int, looks: Looks) -> None:
    """Run one step of a process that sends ``count`` messages to one that never receives."""
    sleeper = scheduler.create(Sleeper)
    sleeper.start()
    scheduler.create(flooder(scheduler, recorder, looks), sleeper.pid, count).start()
    scheduler.run_ready()


def test_a_step_that_floods_is_written_in_chunks_while_it_runs(tmp_path: Path) -> None:
    out = tmp_path / "flood.cfl"
    recorder = Recorder(out, chunk_size=256, flush_interval=3600)
    looks: Looks = []
    with SimpleScheduler(record=recorder) as scheduler:  # inbox limit 1000: then BACKOFF
        flood(scheduler, recorder, 20_000, looks)
    assert len(looks) == 80  # the flood ran as one step
    # Everything produced so far is on disk, but for less than one chunk.
    assert all(buffered < 256 for _, buffered, _ in looks)
    assert all(produced - 256 < written <= produced for produced, _, written in looks)
    assert looks[-1][2] > 38_000
    with open_recording(out) as reader:
        assert reader.complete
        counts = [view.columns.count for view in reader.chunks()]
        assert max(counts) == 256
        assert sum(counts) == reader.count()
        assert [s.seq for s in reader.signals()] == list(range(sum(counts)))
        assert sum(counts) > 39_000


def test_the_memory_a_flooding_step_holds_while_recorded_is_bounded(tmp_path: Path) -> None:
    def peak(count: int) -> int:
        recorder = Recorder(tmp_path / f"m{count}.cfl")
        with SimpleScheduler(record=recorder) as scheduler:
            tracemalloc.start()
            try:
                flood(scheduler, recorder, count, [])
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    small, large = peak(5_000), peak(40_000)
    # Eight times the signals, about the same memory: one chunk's worth (and the
    # full inbox), not the whole step's signals (about 20 MB for 40,000 sends).
    assert large < small + 1_000_000
    assert large < 5_000_000


KILLED_MID_STEP = """
import os, signal, sys
from chronoflow import SimpleScheduler, template

@template
def Sleeper(self):
    yield self.sleep(3600)

@template(route=lambda message: message[0])
def Flooder(self, to):
    for index in range(1_000_000):
        if index == {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)
        self.send((to, index))
    yield self.receive()

scheduler = SimpleScheduler(record=sys.argv[1], inbox_limit=None)
sleeper = scheduler.create(Sleeper)
sleeper.start()
scheduler.create(Flooder, sleeper.pid).start()
scheduler.run_ready()
"""


def test_a_process_killed_in_the_middle_of_a_step_leaves_what_it_sent(tmp_path: Path) -> None:
    out = tmp_path / "killed.cfl"
    kill_at = 30_000
    code = KILLED_MID_STEP.replace("{kill_at}", str(kill_at))
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    with open_recording(out, ReadMode.TOLERANT) as reader:
        assert not reader.complete
        seqs = [s.seq for s in reader.signals()]
    # START, WAIT, START, then one SEND per message: all but the last chunk is there.
    assert seqs == list(range(len(seqs)))
    assert 3 + kill_at - 1024 <= len(seqs) <= 3 + kill_at


def test_a_flood_is_recorded_the_same_in_any_chunk_size(tmp_path: Path) -> None:
    def record(chunk_size: int) -> list[tuple[Any, ...]]:
        out = tmp_path / f"c{chunk_size}.cfl"
        recorder = Recorder(out, chunk_size=chunk_size)
        with SimpleScheduler(record=recorder, inbox_limit=10, clock=lambda: 3.0) as scheduler:
            flood(scheduler, recorder, 300, [])
        with open_recording(out) as reader:
            assert max(view.columns.count for view in reader.chunks()) <= chunk_size
            return [tuple(s) for s in reader.signals()]

    assert record(1) == record(7) == record(1024)
