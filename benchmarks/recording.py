"""Recording benchmark: the ring recorded vs unrecorded, file size, and reader speed.

Rings run interleaved (A B C ..., A B C ...) for ``--rounds`` rounds in one
process, so that a noisy shared machine slows them alike:

- the ring of ``benchmarks/ring.py`` (a token passed around 1000
  processes) through ``SimpleScheduler``, unrecorded;
- the ``asyncio.Queue`` ring of ``benchmarks/ring.py`` (``--hops / 10``
  hops; the rate is per hop), unrecorded;
- the same ``SimpleScheduler`` ring recorded to a ``.cfl`` file;
- with ``--kernel-costs``, also the ring with a do-nothing observer (the
  kernel's cost of observing at all) and with a sink that drops what it is
  handed (the kernel's cost of handing every signal to a recorder, without
  encoding).

Each figure is the CPU time (``time.process_time``) of the hop phase only:
creating the processes and opening the file are not timed, nor is closing
it (its CPU time is printed on its own line). Each round also reads the
recording back in full with ``open_recording(...).signals()`` (CPU time).
The script prints the median and spread (min-max) over the rounds, the
ratios of medians, and bytes per signal (small messages: a 2-tuple per
SEND; format 3 stores it as a compact SEND).

    python benchmarks/recording.py [--processes 1000] [--hops 1000000] [--rounds 5]

Budgets (DESIGN.md, revised 2026-12-03): the recorded ring at least 2.5x
the unrecorded asyncio ring and at least 40% of our unrecorded ring; at
most 10 bytes per signal; a full read at least 1 M signals/s.
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ring import (
    Contender,
    HopClock,
    Ring,
    asyncio_ring,
    ratio_line,
    ring_parser,
    run_ring,
    scheduler_ring,
)

from chronoflow import SimpleScheduler
from chronoflow.recording import open_recording
from chronoflow.runtime.handover import SinkColumns
from chronoflow.signals import Signal

#: Budgets from DESIGN.md (revised 2026-12-03).
RECORDED_VS_ASYNCIO = 2.5
RECORDED_VS_UNRECORDED = 0.40
BYTES_PER_SIGNAL = 10.0
READ_SIGNALS_PER_SECOND = 1_000_000


class NullObserver:
    """Observes and drops every signal: what observing costs the kernel by itself."""

    def __call__(self, signal: Signal) -> None:
        pass

    def flush(self) -> None:
        """Nothing buffered."""


class DroppingSink:
    """A column sink (as a recorder attaches) that throws its columns away: what
    handing every signal to a recorder costs the kernel, without any encoding."""

    chunk_size = 1024

    def __init__(self) -> None:
        self.columns = SinkColumns()

    def tick(self) -> None:
        """Drop what was handed over."""
        self.columns.clear()

    def flush(self) -> None:
        """Drop what was handed over."""
        self.columns.clear()


def sunk_ring(processes: int, hops: int, clock: HopClock) -> None:
    """The ring with a sink that drops every signal."""
    scheduler = SimpleScheduler(inbox_limit=None)
    scheduler.add_sink(DroppingSink())
    asyncio.run(run_ring(scheduler, processes, hops, clock))


def observed_ring(processes: int, hops: int, clock: HopClock) -> None:
    """The ring with a do-nothing observer."""
    scheduler = SimpleScheduler(inbox_limit=None, observers=[NullObserver()])
    asyncio.run(run_ring(scheduler, processes, hops, clock))


def recorded_ring(path: Path, closing: list[float]) -> Ring:
    """The ring recorded to ``path``; the CPU time of each close goes to ``closing``."""

    def run(processes: int, hops: int, clock: HopClock) -> None:
        with SimpleScheduler(inbox_limit=None, record=path) as scheduler:
            asyncio.run(run_ring(scheduler, processes, hops, clock))
            started = time.process_time()
        closing.append(time.process_time() - started)

    return run


def read_seconds(path: Path) -> tuple[int, float]:
    """Signals in ``path`` and the CPU time of one full streaming read."""
    gc.collect()
    started = time.process_time()
    reader = open_recording(path)
    deque(reader.signals(), maxlen=0)
    seconds = time.process_time() - started
    return reader.count() or 0, seconds


def spread(values: list[float], unit: str) -> str:
    """Median and (min-max) of ``values``, as printed."""
    return f"{statistics.median(values):>12,.0f} {unit}   ({min(values):,.0f}-{max(values):,.0f})"


def main() -> None:
    parser = ring_parser(
        "interleaved rounds; each round runs every ring once and reads the recording"
    )
    parser.description = (__doc__ or "").splitlines()[0]
    parser.add_argument(
        "--kernel-costs",
        action="store_true",
        help="also run the ring with a do-nothing observer and with a dropping sink",
    )
    args = parser.parse_args()
    n, hops, rounds = args.processes, args.hops, args.rounds
    closing: list[float] = []
    reads: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ring.cfl"
        plain = Contender("unrecorded", scheduler_ring)
        aio = Contender("asyncio.Queue ring", asyncio_ring, hops_divisor=10)
        recorded = Contender("recorded", recorded_ring(path, closing))
        observed = Contender("do-nothing observer", observed_ring)
        sunk = Contender("dropping sink", sunk_ring)
        contenders = [plain, aio, recorded]
        if args.kernel_costs:
            contenders += [observed, sunk]
        count = 0
        for _ in range(rounds):
            for contender in contenders:
                contender.run(n, hops)
            count, seconds = read_seconds(path)
            reads.append(count / seconds)
        size = os.path.getsize(path)
    print(
        f"ring of {n} processes, {hops:,} hops (asyncio ring: {max(hops // 10, 1):,} hops); "
        f"CPU time of the hop phase; median (min-max) over {rounds} interleaved rounds"
    )
    print(plain.line())
    print(aio.line())
    print(recorded.line())
    if args.kernel_costs:
        print(observed.line(f"({observed.median / plain.median:.0%} of unrecorded)"))
        print(sunk.line(f"({sunk.median / plain.median:.0%} of unrecorded)"))
    print(f"  {'closing the recording':<28} {statistics.median(closing) * 1000:>12.1f} ms CPU")
    print("ratios of medians")
    print(
        ratio_line(
            "recorded / unrecorded", recorded.median / plain.median, RECORDED_VS_UNRECORDED, True
        )
    )
    print(
        ratio_line("recorded / asyncio", recorded.median / aio.median, RECORDED_VS_ASYNCIO, False)
    )
    print(f"  {'unrecorded / asyncio':<28} {plain.median / aio.median:>11.1f}x")
    per_signal = size / count
    met = "met" if per_signal <= BYTES_PER_SIGNAL else "NOT met"
    print(f"recording: {count:,} signals, {size:,} bytes")
    print(
        f"  {'bytes per signal':<28} {per_signal:>12.1f}   (budget <= {BYTES_PER_SIGNAL:g}: {met})"
    )
    met = "met" if statistics.median(reads) >= READ_SIGNALS_PER_SECOND else "NOT met"
    print(
        f"  {'full streaming read':<28} {spread(reads, 'signals/s')}"
        f"   (budget >= {READ_SIGNALS_PER_SECOND:,}: {met})"
    )


if __name__ == "__main__":
    main()
