"""Recording benchmark: the ring with recording on vs off, file size, and reader speed.

Runs in one process, so the ratios hold on a noisy shared machine:

- the ring of ``benchmarks/ring.py`` (a token passed around 1000 processes)
  unrecorded, with a do-nothing observer (the kernel's cost of observing at
  all), with a sink that drops what it is handed (the kernel's cost of
  handing every signal to a recorder, without encoding), and recorded to a
  ``.cfl`` file;
- bytes per signal of that recording (small messages: a 2-tuple per SEND);
- a full streaming read of it with ``open_recording(...).signals()``.

    python benchmarks/recording.py [--processes 1000] [--hops 1000000] [--repeat 3]

Budgets (DESIGN.md): recording keeps at least half the unrecorded
throughput; at most 40 bytes per signal for small messages; a full read at
least 1 M signals/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ring import run_ring, scheduler_ring

from chronoflow import SimpleScheduler
from chronoflow.recording import open_recording
from chronoflow.signals import Signal


class NullObserver:
    """Observes and drops every signal: what observing costs the kernel by itself."""

    def __call__(self, signal: Signal) -> None:
        pass

    def flush(self) -> None:
        """Nothing buffered."""


class DroppingSink:
    """A sink (as a recorder attaches) that throws its buffer away: what handing
    every signal to a recorder costs the kernel, without any encoding."""

    chunk_size = 4096

    def __init__(self) -> None:
        self.buffer: list[Signal] = []

    def tick(self) -> None:
        """Drop what was handed over."""
        self.buffer.clear()

    def flush(self) -> None:
        """Drop what was handed over."""
        self.buffer.clear()


def sunk_ring(processes: int, hops: int) -> None:
    """The ring with a sink that drops every signal."""
    scheduler = SimpleScheduler(inbox_limit=None)
    scheduler.add_sink(DroppingSink())
    asyncio.run(run_ring(scheduler, processes, hops))


def observed_ring(processes: int, hops: int) -> None:
    """The ring with a do-nothing observer."""
    scheduler = SimpleScheduler(inbox_limit=None, observers=[NullObserver()])
    asyncio.run(run_ring(scheduler, processes, hops))


def recorded_ring(path: Path) -> Callable[[int, int], None]:
    """The ring recorded to ``path`` (the file is closed when it ends)."""

    def run(processes: int, hops: int) -> None:
        with SimpleScheduler(inbox_limit=None, record=path) as scheduler:
            asyncio.run(run_ring(scheduler, processes, hops))

    return run


def best_rate(run: Callable[[int, int], None], processes: int, hops: int, repeat: int) -> float:
    """Best hops/s over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run(processes, hops)
        best = min(best, time.perf_counter() - start)
    return hops / best


def read_rate(path: Path, repeat: int) -> tuple[int, float]:
    """Signals in ``path`` and the best signals/s of a full streaming read."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        reader = open_recording(path)
        deque(reader.signals(), maxlen=0)
        best = min(best, time.perf_counter() - start)
    count = reader.count() or 0
    return count, count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--processes", type=int, default=1000)
    parser.add_argument("--hops", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, hops, repeat = args.processes, args.hops, args.repeat
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ring.cfl"
        plain = best_rate(scheduler_ring, n, hops, repeat)
        observed = best_rate(observed_ring, n, hops, repeat)
        sunk = best_rate(sunk_ring, n, hops, repeat)
        recorded = best_rate(recorded_ring(path), n, hops, repeat)
        size = os.path.getsize(path)
        count, reads = read_rate(path, repeat)
    print(f"ring of {n} processes, {hops:,} hops, best of {repeat}")
    print(f"  unrecorded                 {plain:>12,.0f} hops/s")
    print(f"  do-nothing observer        {observed:>12,.0f} hops/s  ({observed / plain:.0%})")
    print(f"  dropping sink              {sunk:>12,.0f} hops/s  ({sunk / plain:.0%})")
    print(f"  recorded                   {recorded:>12,.0f} hops/s")
    print(f"  recorded / unrecorded      {recorded / plain:>12.0%}   (budget >= 50%)")
    print(f"  recorded / observed        {recorded / observed:>12.0%}")
    print(f"recording: {count:,} signals, {size:,} bytes")
    print(f"  bytes per signal           {size / count:>12.1f}   (budget <= 40)")
    print(f"  full streaming read        {reads:>12,.0f} signals/s   (budget >= 1,000,000)")


if __name__ == "__main__":
    main()
