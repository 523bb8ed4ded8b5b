"""Sinks: the kernel hands a sink its buffer when it fills, also in the middle of a step."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from chronoflow.runtime import SimpleScheduler, template
from chronoflow.runtime.bus import TICK_EVERY
from chronoflow.signals import Signal
from tests.runtime.conftest import Tape


class Batches:
    """A sink that keeps what it hands on, one batch per full buffer or flush."""

    def __init__(self, chunk_size: int) -> None:
        self.buffer: list[Signal] = []
        self.chunk_size = chunk_size
        self.batches: list[list[Signal]] = []
        #: Signals received so far at each tick().
        self.ticks: list[int] = []
        #: The longest the buffer ever was at a tick().
        self.longest = 0

    def received(self) -> int:
        return sum(map(len, self.batches)) + len(self.buffer)

    def tick(self) -> None:
        self.ticks.append(self.received())
        self.longest = max(self.longest, len(self.buffer))
        if len(self.buffer) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.batches.append(list(self.buffer))
            self.buffer.clear()


@template
def Sleeper(self: Any) -> Generator[Any, Any, None]:
    """Never receives: every message stays in its inbox (or is refused)."""
    yield self.sleep(3600)


@template(route=lambda message: message[0])
def Flooder(self: Any, to: int, count: int, seen: list[int]) -> Generator[Any, Any, None]:
    """Send ``count`` messages in one step, noting how many signals preceded each."""
    for index in range(count):
        self.send((to, index))
    seen.append(count)
    yield self.receive()


def flood(sink: Batches, count: int, *, shared: Tape | None = None, limit: int | None) -> int:
    """Run one step that sends ``count`` messages; the number of signals produced."""
    scheduler = SimpleScheduler(clock=lambda: 1.0, inbox_limit=limit)
    scheduler.add_sink(sink)
    if shared is not None:
        scheduler.add_observer(shared)
    sleeper = scheduler.create(Sleeper)
    sleeper.start()
    seen: list[int] = []
    scheduler.create(Flooder, sleeper.pid, count, seen).start()
    scheduler.run_ready()
    assert seen == [count]  # the whole flood was one step
    scheduler.flush_observers()
    return scheduler.seq


@pytest.mark.parametrize("limit", [None, 100], ids=["unbounded", "refusing"])
@pytest.mark.parametrize("alone", [True, False], ids=["alone", "shared"])
def test_a_flooding_step_hands_over_full_buffers_as_it_runs(limit: int | None, alone: bool) -> None:
    # Alone, the hot paths append straight to the buffer; shared with an
    # observer, every signal goes through the bus's full hand-over. Both must cut the same.
    # A full inbox refuses (BACKOFF), which goes through the kernel's general path.
    sink, tape = Batches(chunk_size=100), Tape()
    produced = flood(sink, 5000, shared=None if alone else tape, limit=limit)
    assert produced > 5000
    assert [len(batch) for batch in sink.batches[:-1]] == [100] * (len(sink.batches) - 1)
    assert 0 < len(sink.batches[-1]) <= 100
    assert sink.longest <= 100
    handed = [signal for batch in sink.batches for signal in batch]
    assert [s[0] for s in handed] == list(range(produced))
    if not alone:
        assert [tuple(s) for s in tape.signals] == [tuple(s) for s in handed]


def test_a_sink_is_ticked_at_least_every_tick_every_signals() -> None:
    sink = Batches(chunk_size=10_000)
    produced = flood(sink, 3000, limit=None)
    gaps = [b - a for a, b in zip([0, *sink.ticks], sink.ticks, strict=False)]
    assert max(gaps) <= TICK_EVERY
    assert len(sink.ticks) >= produced // TICK_EVERY
    assert [len(batch) for batch in sink.batches] == [produced]  # flushed once, at the end


def test_a_buffer_smaller_than_the_tick_stride_is_handed_over_exactly_when_full() -> None:
    sink = Batches(chunk_size=5)
    produced = flood(sink, 200, limit=None)
    assert [len(batch) for batch in sink.batches[:-1]] == [5] * (len(sink.batches) - 1)
    assert sum(map(len, sink.batches)) == produced


@template(route=lambda message: message[0])
def Ring(self: Any, ring: int, hops: int) -> Generator[Any, Any, None]:
    """Pass a counter to the next pid until it has made ``hops`` hops."""
    while True:
        _to, count = yield self.receive()
        if count >= hops:
            return
        self.send(((self.pid + 1) % ring, count + 1))


def test_many_short_steps_are_handed_over_in_the_same_order_as_an_observer_sees() -> None:
    async def run(scheduler: SimpleScheduler) -> None:
        procs = [scheduler.create(Ring, 3, 500) for _ in range(3)]
        for proc in procs:
            proc.start()
        await procs[0].push((0, 0))
        await scheduler.run()

    tape = Tape()
    asyncio.run(run(SimpleScheduler(clock=lambda: 2.0, observers=[tape])))
    sink = Batches(chunk_size=7)
    scheduler = SimpleScheduler(clock=lambda: 2.0)
    scheduler.add_sink(sink)
    asyncio.run(run(scheduler))
    assert [len(batch) for batch in sink.batches[:-1]] == [7] * (len(sink.batches) - 1)
    assert [tuple(s) for batch in sink.batches for s in batch] == [tuple(s) for s in tape.signals]
