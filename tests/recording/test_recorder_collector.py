"""A recorder rests the cycle collector while it holds signals, then gives the settings back."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from chronoflow import template
from chronoflow.recording import Recorder, SimpleScheduler, open_recording
from chronoflow.recording.collector import RECORDING_THRESHOLD, CollectorRest
from chronoflow.signals import Signal, SignalType

#: A user's own settings, unlike Python's and ours, so that a restore is visible.
USERS = (900, 11, 12)
A_SIGNAL = Signal(0, 1, SignalType.SEND, None, 0.0)


@pytest.fixture(autouse=True)
def users_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*USERS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _Cycle:
    """Garbage that only the cycle collector frees; counts the live ones."""

    alive = 0

    def __init__(self) -> None:
        _Cycle.alive += 1
        self.me = self

    def __del__(self) -> None:
        _Cycle.alive -= 1


@template(route=lambda message: message[0])
def Looper(self: Any, hops: int, seen: list[Any], cycles: bool) -> Generator[Any, Any, int]:
    """Send itself ``hops`` messages; note the thresholds midway and the most
    live cycles; make a garbage cycle per hop if ``cycles``."""
    most = 0
    for hop in range(hops):
        self.send((self.pid, hop))
        yield self.receive()
        if cycles:
            _Cycle()
            most = max(most, _Cycle.alive)
        if hop == hops // 2:
            seen.append(gc.get_threshold())
    seen.append(most)
    return hops


async def run_looper(scheduler: Any, hops: int, *, cycles: bool = False) -> list[Any]:
    seen: list[Any] = []
    scheduler.create(Looper, hops, seen, cycles).start()
    await scheduler.run()
    return seen


async def test_a_recording_rests_the_collector_and_close_gives_the_settings_back(
    tmp_path: Path,
) -> None:
    async with SimpleScheduler(record=tmp_path / "loop.cfl") as scheduler:
        seen = await run_looper(scheduler, 2_000)
        assert gc.get_threshold() == USERS  # the kernel flushed when quiet
    assert seen[0] == (RECORDING_THRESHOLD, 11, 12)
    assert gc.get_threshold() == USERS
    assert open_recording(tmp_path / "loop.cfl").complete


async def test_an_unrecorded_run_keeps_the_users_settings() -> None:
    seen = await run_looper(SimpleScheduler(), 2_000)
    assert seen[0] == USERS
    assert gc.get_threshold() == USERS


async def crash_while_recording(path: Path) -> None:
    """Leave a recording's ``with`` by an exception while it holds signals."""
    async with SimpleScheduler(record=path) as scheduler:
        scheduler.create(Looper, 2_000, [], False).start()
        scheduler.run_ready()
        assert gc.get_threshold()[0] == RECORDING_THRESHOLD
        raise RuntimeError("boom")


async def test_the_settings_come_back_after_an_exception(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        await crash_while_recording(tmp_path / "boom.cfl")
    assert gc.get_threshold() == USERS
    assert open_recording(tmp_path / "boom.cfl").complete


def test_a_recorder_dropped_unclosed_gives_the_settings_back(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "dropped.cfl")
    recorder.tick()  # nothing buffered: nothing rested
    assert gc.get_threshold() == USERS
    recorder(A_SIGNAL)
    assert gc.get_threshold()[0] == RECORDING_THRESHOLD
    gone = weakref.ref(recorder)
    del recorder
    gc.collect()
    assert gone() is None
    assert gc.get_threshold() == USERS


def test_the_settings_come_back_when_a_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(tmp_path / "full.cfl", flush_interval=3600)
    recorder(A_SIGNAL)
    assert gc.get_threshold()[0] == RECORDING_THRESHOLD

    def disk_full(*columns: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recorder._writer, "write_columns", disk_full)
    with pytest.raises(OSError, match="No space"):
        recorder.flush()
    assert gc.get_threshold() == USERS
    monkeypatch.undo()
    recorder.close()
    assert gc.get_threshold() == USERS


def test_overlapping_rests_share_one_saved_setting_in_any_order() -> None:
    first, second, third = CollectorRest(), CollectorRest(), CollectorRest()
    first.rest()
    first.rest()  # counts once
    second.rest()
    assert gc.get_threshold() == (RECORDING_THRESHOLD, 11, 12)
    first.wake()
    first.wake()
    assert gc.get_threshold() == (RECORDING_THRESHOLD, 11, 12)  # second still holds signals
    third.rest()
    second.wake()
    assert gc.get_threshold() == (RECORDING_THRESHOLD, 11, 12)
    third.wake()
    assert gc.get_threshold() == USERS


def test_two_recorders_closed_out_of_order(tmp_path: Path) -> None:
    outer = Recorder(tmp_path / "outer.cfl")
    inner = Recorder(tmp_path / "inner.cfl", flush_interval=3600)
    for recorder in (outer, inner):
        recorder(A_SIGNAL)
    outer.close()
    assert gc.get_threshold()[0] == RECORDING_THRESHOLD
    inner.close()
    assert gc.get_threshold() == USERS


def test_a_setting_made_while_rested_stands_and_higher_ones_are_kept() -> None:
    rest = CollectorRest()
    rest.rest()
    gc.set_threshold(5_000, 3, 4)  # the program chose its own meanwhile
    rest.wake()
    assert gc.get_threshold() == (5_000, 3, 4)
    for own in [(50_000, 10, 10), (0, 10, 10)]:  # above ours, or never: left alone
        gc.set_threshold(*own)
        rest.rest()
        assert gc.get_threshold() == own
        rest.wake()
        assert gc.get_threshold() == own


async def test_garbage_cycles_made_while_recording_are_still_collected(tmp_path: Path) -> None:
    hops = 3 * RECORDING_THRESHOLD
    gc.collect()
    async with SimpleScheduler(record=tmp_path / "cycles.cfl") as scheduler:
        seen = await run_looper(scheduler, hops, cycles=True)
    most = seen[-1]
    # Each hop leaves one cycle; the collector still frees them by Python's
    # rule, every RECORDING_THRESHOLD allocations, so they never pile up.
    assert most < 1.5 * RECORDING_THRESHOLD < hops
    gc.collect()
    assert _Cycle.alive == 0


async def test_a_recorded_run_makes_few_young_collections(tmp_path: Path) -> None:
    gc.set_threshold(700, 10, 10)  # Python's defaults
    before = gc.get_stats()[0]["collections"]
    async with SimpleScheduler(record=tmp_path / "many.cfl") as scheduler:
        await run_looper(scheduler, 20_000)
    # With Python's threshold the buffered tuples filled the young
    # generation over a hundred times here.
    assert gc.get_stats()[0]["collections"] - before < 20


def test_a_collection_inside_a_rest_may_wake_another_rest() -> None:
    """A recorder dropped unclosed wakes its rest from a finalizer, which a
    collection can run anywhere, also inside another rest's own bookkeeping
    (its tuples are allocations): that must not wait for itself."""
    dropped, other = CollectorRest(), CollectorRest()
    dropped.rest()
    collections: list[str] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(phase)
            dropped.wake()  # what the dropped recorder's finalizer does

    def rest_while_collecting() -> None:
        saved = gc.get_threshold()
        gc.callbacks.append(collected)
        gc.set_threshold(1)  # every allocation may start a collection
        try:
            for _ in range(50):
                other.rest()
                other.wake()
        finally:
            gc.set_threshold(*saved)
            gc.callbacks.remove(collected)

    worker = threading.Thread(target=rest_while_collecting, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "a rest waited for itself"
    assert collections
    assert not dropped.resting
    assert not other.resting
