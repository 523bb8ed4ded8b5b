"""Engine benchmark: indexing rate, seek latency, first answer and memory on big recordings.

Generates recordings of 1 M and 10 M signals (once; they are kept in
``--dir``) from a workflow with 225 processes whose inboxes hold real
backlogs: 200 clients each send batches of 4 requests to one of 20
servers and take the replies in reverse order with ``select`` (so replies
wait in their inboxes, and requests queue up at the servers), and send a
notice per round to a hub whose 4 children inherit every notice while the
hub ``filter``s them (DROPs) and keeps the late ones in its inbox.

Each measurement runs in a fresh child process (so peak memory is the
engine's, not the generator's) and reports:

- index rate: signals / second from ``Timeline.open`` until indexing is
  done (best of ``--repeat`` runs, as are the baselines), with two
  baselines on the same file in the same process: a plain
  msgpack decode of every chunk payload (``msgpack.unpackb``, no framing
  checks, no Signal objects) and the recording reader's own stream
  (``reader.signals()``); then both the index rate and the reader stream
  again after ``tune_collector()``, with Python's cycle collector set as
  ``chronoflow-tui`` and the commands that read recordings set it;
- time to the first usable answer: ``Timeline.open`` until the first 50
  signals and ``state_at`` of an early seq are in hand;
- ``state_at`` latency at random seqs after indexing (median, p90, max),
  against the reader's own ``signal(seq)`` at random seqs, interleaved
  (the chunk decode every seek needs), and single steps forward
  (``state_at(s + 1)`` then ``changed_at``);
- ``Timeline.diff`` (two moments compared, each change with its seq) of
  near seqs (100 apart) and far ones (at least 80% of the recording
  apart), median and first (the first far one counts the index's blocks,
  which later ones reuse), against ``state_at`` of two other seqs as far
  apart, interleaved: the two worlds every diff compares;
- peak memory (``ru_maxrss``) against the budget: half the file size plus
  100 MB.

    python benchmarks/engine.py [--sizes 1000000 10000000] [--dir DIR] [--repeat 3]

Budgets (DESIGN.md): index at least 1 M signals/s; ``state_at`` under 5 ms
median on 10 M signals; first answer under 0.5 s for any size; memory
under half the file size plus 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import msgpack

from chronoflow import Process, template
from chronoflow.inspect import Timeline, tune_collector
from chronoflow.recording import Recorder, open_recording
from chronoflow.recording.format import FILE_HEADER_2, RECORD_HEADER, RecordKind, parse_header
from chronoflow.runtime import SimpleScheduler

SERVERS = 20
CLIENTS = 200
WATCHERS = 4
BATCH = 4
#: A client sends the hub a notice every NOTICE_EVERY rounds; the hub keeps
#: those of every IMPORTANT_EVERY-th round and drops the others. Why not
#: every round: FIFO scheduling gives each watcher at most STEP_BUDGET
#: receives per turn, and a notice from every client every round would grow
#: the watchers' backlogs without bound instead of keeping them realistic.
NOTICE_EVERY = 8
IMPORTANT_EVERY = 32
#: Signals one client round produces, about (measured): used to size a run.
SIGNALS_PER_ROUND = 17


def _to(message: tuple[Any, ...]) -> int:
    return int(message[0])


@template(route=_to)
def Server(self: Process) -> Generator[Any, Any, None]:
    """Answer every request ``(me, id, client)`` with ``(client, id, me, served)``."""
    served = 0
    while True:
        _, request, client = yield self.receive()
        served += 1
        self.send((client, request, self.pid, served))


def _reply_to(request: int) -> Any:
    def is_reply(message: tuple[Any, ...]) -> bool:
        return bool(message[1] == request)

    is_reply.__qualname__ = f"reply_to({request})"
    return is_reply


@template(route=_to)
def Client(self: Process, server: int, hub: int, rounds: int) -> Generator[Any, Any, int]:
    """Per round: BATCH requests, sometimes a notice to the hub, replies taken last first."""
    for round_ in range(rounds):
        base = round_ * BATCH
        for request in range(base, base + BATCH):
            self.send((server, request, self.pid))
        if round_ % NOTICE_EVERY == 0:
            self.send((hub, "notice", self.pid, round_))
        for request in reversed(range(base, base + BATCH)):
            yield self.receive(_reply_to(request))
    return rounds


def _important(message: tuple[Any, ...]) -> bool:
    return bool(message[3] % IMPORTANT_EVERY == 0)


@template(route=_to)
def Watcher(self: Process, notices: int) -> Generator[Any, Any, int]:
    """Take every notice (each is delivered to the hub and all its children)."""
    for _ in range(notices):
        yield self.receive()
    return notices


@template(route=_to)
def Hub(self: Process, clients: int, rounds: int) -> Generator[Any, Any, int]:
    """Keep the important notices (filter drops the rest), then join the watchers."""
    notices = clients * len(range(0, rounds, NOTICE_EVERY))
    watchers = [self.spawn(Watcher, notices) for _ in range(WATCHERS)]
    important = clients * len(range(0, rounds, IMPORTANT_EVERY))
    for _ in range(important):
        self.filter(_important)
        yield self.receive()
    yield from self.join_all(*watchers)
    return important


async def _workload(scheduler: SimpleScheduler, rounds: int) -> None:
    servers = [scheduler.create(Server) for _ in range(SERVERS)]
    hub = scheduler.create(Hub, CLIENTS, rounds)
    clients = [
        scheduler.create(Client, servers[i % SERVERS].pid, hub.pid, rounds) for i in range(CLIENTS)
    ]
    for proc in [*servers, hub, *clients]:
        proc.start()
    await scheduler.run()


def generate(path: Path, signals: int) -> None:
    """Record the benchmark workflow with at least ``signals`` signals into ``path``."""
    rounds = max(1, -(-signals // (SIGNALS_PER_ROUND * CLIENTS)))
    partial = path.with_suffix(".partial")
    recorder = Recorder(partial, workflow="benchmarks/engine.py", args=[rounds])
    scheduler = SimpleScheduler(inbox_limit=None, observers=[recorder])
    started = time.perf_counter()
    asyncio.run(_workload(scheduler, rounds))
    recorder.close()
    partial.rename(path)
    print(
        f"  generated {recorder.count:,} signals in {time.perf_counter() - started:.1f} s "
        f"({path.stat().st_size / 1e6:.0f} MB)",
        flush=True,
    )


# -- measurements (in a child process) ------------------------------------------------


def _plain_msgpack(path: Path) -> tuple[int, float]:
    """Baseline: walk the frames and msgpack-decode every chunk payload."""
    started = time.perf_counter()
    count = 0
    with path.open("rb") as handle:
        header, _ = parse_header(handle.read(FILE_HEADER_2.size))
        handle.seek(header.size)
        while True:
            head = handle.read(RECORD_HEADER.size)
            if len(head) < RECORD_HEADER.size:
                break
            _, length, kind, _ = RECORD_HEADER.unpack(head)
            payload = handle.read(length)
            if kind == RecordKind.CHUNK:
                count += msgpack.unpackb(payload, raw=False, strict_map_key=False)[1]
            elif kind != RecordKind.METADATA:
                break
    return count, time.perf_counter() - started


def _reader_stream(path: Path) -> tuple[int, float]:
    started = time.perf_counter()
    with open_recording(path) as reader:
        count = sum(1 for _ in reader.signals())
    return count, time.perf_counter() - started


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _index_seconds(path: Path) -> float:
    """One more full indexing of ``path`` (in this thread), in seconds."""
    started = time.perf_counter()
    Timeline(open_recording(path), background=False).close()
    return time.perf_counter() - started


def measure(path: Path, samples: int, repeat: int) -> dict[str, Any]:
    """Every figure for one recording; run in a fresh process.

    Memory, first answer and latencies come from the first opening; the
    rates are the best of ``repeat`` runs each (the machines are shared).
    """
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    timeline = Timeline.open(path, sidecar=False)
    first_rows = list(timeline.signals(0, 50))
    timeline.state_at(min(1000, len(first_rows) - 1 if len(timeline) < 1000 else 1000))
    first_answer = time.perf_counter() - started
    timeline.wait()
    index_seconds = time.perf_counter() - started
    count = len(timeline)
    rng = random.Random(7)
    latencies, reads = [], []
    with open_recording(path) as reader:
        for _ in range(samples):
            seq = rng.randrange(count)
            begin = time.perf_counter()
            timeline.state_at(seq)
            latencies.append(time.perf_counter() - begin)
            # Baseline, interleaved so both see the same machine: reading one
            # signal at a random seq (the reader decodes its whole chunk).
            other = rng.randrange(count)
            begin = time.perf_counter()
            reader.signal(other)
            reads.append(time.perf_counter() - begin)
    steps, changes = [], []
    for _ in range(samples):
        seq = rng.randrange(count - 1)
        timeline.state_at(seq)
        begin = time.perf_counter()
        timeline.state_at(seq + 1)
        middle = time.perf_counter()
        timeline.changed_at(seq + 1)
        steps.append(middle - begin)
        changes.append(time.perf_counter() - middle)
    diffs = _diffs(timeline, rng, max(3, samples // 20))
    world = timeline.state_at(count // 2)
    begin = time.perf_counter()
    shown = sum(len(proc.inbox) for proc in world)
    materialize = time.perf_counter() - begin
    index = timeline.index
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    figures = {
        "signals": count,
        "file_bytes": path.stat().st_size,
        "processes": len(world),
        "inbox_entries_mid": shown,
        "index_seconds": index_seconds,
        "first_answer_seconds": first_answer,
        "state_at_ms": [1e3 * statistics.median(latencies), 1e3 * _percentile(latencies, 0.9)],
        "state_at_max_ms": 1e3 * max(latencies),
        "random_read_ms": 1e3 * statistics.median(reads),
        "step_ms": 1e3 * statistics.median(steps),
        "changed_at_ms": 1e3 * statistics.median(changes),
        **diffs,
        "materialize_all_ms": 1e3 * materialize,
        "interval": index.interval,
        "checkpoints": len(index.checkpoints),
        "checkpoint_bytes": index.checkpoint_bytes,
        "spilled_bytes": index.spill.size,
        "column_bytes": sum(len(c.data) * c.width for c in (index.pids, index.types, index.refs)),
        "rss_start": rss_start,
        "rss_peak": rss_peak,
    }
    timeline.close()
    plains, readers, indexings = [], [], [index_seconds]
    for run in range(repeat):
        plain_count, seconds = _plain_msgpack(path)
        plains.append(plain_count / seconds)
        reader_count, seconds = _reader_stream(path)
        readers.append(reader_count / seconds)
        if run:
            indexings.append(_index_seconds(path))
    figures["index_seconds"] = min(indexings)
    figures["plain_msgpack_rate"] = max(plains)
    figures["reader_rate"] = max(readers)
    # The same again with the collector tuned, as chronoflow-tui and the
    # commands that read recordings run (chronoflow.recording.collector).
    tune_collector()
    tuned_readers, tuned_indexings = [], []
    for _ in range(repeat):
        reader_count, seconds = _reader_stream(path)
        tuned_readers.append(reader_count / seconds)
        tuned_indexings.append(_index_seconds(path))
    figures["tuned_index_seconds"] = min(tuned_indexings)
    figures["tuned_reader_rate"] = max(tuned_readers)
    return figures


def _diffs(timeline: Timeline, rng: random.Random, samples: int) -> dict[str, float]:
    """Median ms of ``Timeline.diff`` of near and of far seqs, and of ``state_at``
    of two other seqs as far apart (interleaved, so both see the same machine)."""
    count = len(timeline)
    figures = {}
    for how in ("near", "far"):
        diffs, worlds = [], []
        for _ in range(samples):
            pairs = []
            for _ in range(2):
                if how == "near":
                    a = rng.randrange(count - 100)
                    pairs.append((a, a + 100))
                else:
                    a = rng.randrange(count // 10)
                    pairs.append((a, count - 1 - rng.randrange(count // 10)))
            begin = time.perf_counter()
            timeline.diff(*pairs[0])
            diffs.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            timeline.state_at(pairs[1][0])
            timeline.state_at(pairs[1][1])
            worlds.append(time.perf_counter() - begin)
        figures[f"diff_{how}_ms"] = 1e3 * statistics.median(diffs)
        figures[f"diff_{how}_first_ms"] = 1e3 * diffs[0]
        figures[f"diff_{how}_worlds_ms"] = 1e3 * statistics.median(worlds)
    return figures


def _report(f: dict[str, Any]) -> None:
    mb = 1024 * 1024
    rate = f["signals"] / f["index_seconds"]
    tuned = f["signals"] / f["tuned_index_seconds"]
    budget = f["file_bytes"] / 2 + 100 * mb
    median, p90 = f["state_at_ms"]
    rows = [
        ("signals / file", f"{f['signals']:,} / {f['file_bytes'] / mb:,.0f} MiB"),
        ("processes / inbox entries (mid-run)", f"{f['processes']} / {f['inbox_entries_mid']}"),
        ("index rate", f"{rate:,.0f} signals/s  (budget 1,000,000: {_met(rate >= 1e6)})"),
        ("  plain msgpack decode", f"{f['plain_msgpack_rate']:,.0f} signals/s"),
        ("  reader stream", f"{f['reader_rate']:,.0f} signals/s"),
        ("  index / plain msgpack", f"{rate / f['plain_msgpack_rate']:.2f}x"),
        ("  index / reader stream", f"{rate / f['reader_rate']:.2f}x"),
        (
            "index rate, collector tuned",
            f"{tuned:,.0f} signals/s  (budget 1,000,000: {_met(tuned >= 1e6)})",
        ),
        ("  reader stream, collector tuned", f"{f['tuned_reader_rate']:,.0f} signals/s"),
        ("  index / reader stream", f"{tuned / f['tuned_reader_rate']:.2f}x"),
        (
            "first answer",
            f"{f['first_answer_seconds'] * 1e3:.0f} ms  (budget 500 ms: "
            f"{_met(f['first_answer_seconds'] < 0.5)})",
        ),
        (
            "state_at median / p90 / max",
            f"{median:.2f} / {p90:.2f} / {f['state_at_max_ms']:.2f} ms"
            f"  (budget 5 ms median: {_met(median < 5)})",
        ),
        (
            "  one random reader.signal(), median",
            f"{f['random_read_ms']:.2f} ms (state_at / it: {median / f['random_read_ms']:.1f}x)",
        ),
        ("step forward / changed_at", f"{f['step_ms']:.2f} / {f['changed_at_ms']:.2f} ms"),
        *(
            (
                f"diff, {how}, median (first)",
                f"{f[f'diff_{how}_ms']:.1f} ms ({f[f'diff_{how}_first_ms']:.1f} ms; two state_at "
                f"{f[f'diff_{how}_worlds_ms']:.1f} ms: "
                f"{f[f'diff_{how}_ms'] / f[f'diff_{how}_worlds_ms']:.0f}x)",
            )
            for how in ("near", "far")
        ),
        ("every ProcessState of a world", f"{f['materialize_all_ms']:.2f} ms"),
        (
            "checkpoints",
            f"{f['checkpoints']:,}, at most {f['interval']:,} signals apart: "
            f"{f['checkpoint_bytes'] / mb:.1f} MiB in memory, "
            f"{f['spilled_bytes'] / mb:.1f} MiB in the spill file",
        ),
        ("columns (pid, type, answered seq)", f"{f['column_bytes'] / mb:.1f} MiB"),
        (
            "peak memory",
            f"{f['rss_peak'] / mb:,.0f} MiB (interpreter and imports "
            f"{f['rss_start'] / mb:.0f} MiB; budget {budget / mb:,.0f} MiB: "
            f"{_met(f['rss_peak'] < budget)})",
        ),
    ]
    for name, value in rows:
        print(f"  {name:<38} {value}")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    """Generate what is missing, then measure each size in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "chronoflow-bench"
    )
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="runs per rate (best kept)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.samples, args.repeat)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        path = args.dir / f"engine-{size}.cfl"
        print(f"{size:,} signals: {path}", flush=True)
        if not path.exists():
            generate(path, size)
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                *("--measure", str(path), "--samples", str(args.samples)),
                *("--repeat", str(args.repeat)),
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        _report(json.loads(done.stdout))


if __name__ == "__main__":
    main()
