"""Big-recording benchmark: a 100 M-signal recording opened, indexed, jumped in and reopened.

Generates, once, a recording of ``--signals`` signals (default 100 M) from
the token ring of ``benchmarks/ring.py`` (``--processes`` nodes, three
signals per hop: RECEIVE, SEND, WAIT) recorded through the scheduler, and
keeps it in ``--dir`` (it is never shipped: about 1.7 GB). Then, each in a
fresh child process (so peak memory is the engine's alone):

1. a cold open: no index sidecar (it is deleted first). Prints the time
   from ``Timeline.open`` to the first world (``state_at`` of an early
   seq and the first rows, as the TUI's first screen needs), the index
   rate (signals / second until indexing is done, and the CPU seconds of
   the process), jumps to random seqs once indexed (median, p90), and
   peak memory (``ru_maxrss``) against the budget: a quarter of the file
   size plus 100 MB, and how long writing the sidecar took once indexed.
2. a reopen: the sidecar is there. Prints the time until the index is
   complete (``wait()``) and every seq answers, the first world, jumps
   anywhere (median, p90) and peak memory.

    python benchmarks/big.py [--signals 100000000] [--processes 1000] [--dir DIR]
                             [--samples 200] [--reopens 3] [--generate-only]

Budgets (the performance issue "Big recordings"): first screen under
0.5 s, jumps under 50 ms median once indexed, index at least 1.5 M
signals/s, memory under a quarter of the file size plus 100 MB, and a
reopen with the sidecar interactive everywhere within 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ring import run_ring

from chronoflow.inspect import Timeline
from chronoflow.inspect.sidecar import sidecar_path
from chronoflow.runtime import SimpleScheduler

#: Signals per hop of the ring: RECEIVE, SEND, WAIT.
SIGNALS_PER_HOP = 3
MB = 1024 * 1024


def generate(path: Path, signals: int, processes: int) -> None:
    """Record a ring of ``processes`` nodes making about ``signals`` signals into ``path``."""
    hops = max(1, signals // SIGNALS_PER_HOP)
    partial = path.with_suffix(".partial")
    started = time.perf_counter()
    with SimpleScheduler(inbox_limit=None, record=partial) as scheduler:
        asyncio.run(run_ring(scheduler, processes, hops))
    partial.rename(path)
    print(
        f"  generated in {time.perf_counter() - started:.0f} s "
        f"({path.stat().st_size / MB:,.0f} MiB)",
        flush=True,
    )


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpu() -> float:
    return time.process_time()


def _jumps(timeline: Timeline, samples: int, seed: int) -> list[float]:
    """Seconds of ``state_at`` at random seqs anywhere in the recording."""
    rng = random.Random(seed)
    count = len(timeline)
    times = []
    for _ in range(samples):
        seq = rng.randrange(count)
        begin = time.perf_counter()
        timeline.state_at(seq)
        times.append(time.perf_counter() - begin)
    return times


def _first_world(path: Path) -> tuple[Timeline, float]:
    """Open ``path`` as the TUI does and take its first screen: the seconds it took."""
    started = time.perf_counter()
    timeline = Timeline.open(path, start=False)
    list(timeline.signals(0, 50))
    timeline.state_at(min(1000, len(timeline) - 1))
    return timeline, time.perf_counter() - started


def measure(path: Path, samples: int, cold: bool) -> dict[str, Any]:
    """Every figure of one opening of ``path`` (run in a fresh process)."""
    if cold:
        sidecar_path(path).unlink(missing_ok=True)
    rss_start = _rss()
    cpu_start = _cpu()
    started = time.perf_counter()
    timeline, first = _first_world(path)
    timeline.start_indexing()
    timeline.wait()
    indexed = time.perf_counter() - started
    cpu = _cpu() - cpu_start
    while not timeline.indexer.finished:  # the sidecar is written after indexing
        time.sleep(0.01)
    kept = time.perf_counter() - started - indexed
    jumps = _jumps(timeline, samples, seed=11 if cold else 13)
    figures = {
        "signals": len(timeline),
        "file_bytes": path.stat().st_size,
        "first_world_s": first,
        "indexed_s": indexed,
        "index_cpu_s": cpu,
        "sidecar_write_s": kept,
        "jump_ms": [1e3 * statistics.median(jumps), 1e3 * sorted(jumps)[int(0.9 * len(jumps))]],
        "from_sidecar": timeline.index.loaded,
        "interval": timeline.index.interval,
        "checkpoints": len(timeline.index.checkpoints),
        "rss_start": rss_start,
        "rss_peak": _rss(),
    }
    timeline.close()
    figures["sidecar_bytes"] = (
        sidecar_path(path).stat().st_size if sidecar_path(path).exists() else 0
    )
    return figures


def _report(label: str, f: dict[str, Any]) -> None:
    budget = f["file_bytes"] / 4 + 100 * MB
    rate = f["signals"] / f["indexed_s"]
    median, p90 = f["jump_ms"]
    print(f"  {label} (index from the sidecar: {f['from_sidecar']})")
    rows = [
        ("first world", f"{1e3 * f['first_world_s']:.0f} ms (budget 500 ms)"),
        ("open to fully indexed", f"{f['indexed_s']:.2f} s wall, {f['index_cpu_s']:.2f} s CPU"),
        ("index rate", f"{rate:,.0f} signals/s (budget 1,500,000)"),
        ("jump median / p90", f"{median:.1f} / {p90:.1f} ms (budget 50 ms median)"),
        ("checkpoints", f"{f['checkpoints']:,}, interval {f['interval']:,}"),
        (
            "sidecar",
            f"{f['sidecar_bytes'] / MB:,.0f} MiB, written in {f['sidecar_write_s']:.2f} s",
        ),
        (
            "peak memory",
            f"{f['rss_peak'] / MB:,.0f} MiB (start {f['rss_start'] / MB:.0f} MiB; "
            f"budget {budget / MB:,.0f} MiB)",
        ),
    ]
    for name, value in rows:
        print(f"    {name:<24} {value}", flush=True)


def _child(path: Path, samples: int, cold: bool) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            *("--measure", str(path), "--samples", str(samples)),
            *(["--cold"] if cold else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    """Generate the recording if missing, then a cold open and ``--reopens`` reopens."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--signals", type=int, default=100_000_000)
    parser.add_argument("--processes", type=int, default=1000)
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "chronoflow-bench"
    )
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reopens", type=int, default=3)
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.samples, args.cold)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"big-{args.signals}-{args.processes}.cfl"
    print(f"{args.signals:,} signals, ring of {args.processes:,}: {path}", flush=True)
    if not path.exists():
        generate(path, args.signals, args.processes)
    if args.generate_only:
        return
    _report("cold open, no sidecar", _child(path, args.samples, cold=True))
    for run in range(args.reopens):
        _report(f"reopen {run + 1}", _child(path, args.samples, cold=False))


if __name__ == "__main__":
    main()
