"""Watch and census benchmark: how long a watch jump and the process table take.

Opens a recording made by ``benchmarks/engine.py`` (20 servers, 200
clients, a hub and its 4 watchers), waits for the index, then times:

- per watched process (a server, a client, the hub, a watcher) and aspect
  (status, inbox): the first ``next_change`` (which scans the process's
  signals for the messages that entered its inbox, once), then
  ``next_change`` and ``previous_change`` from random seqs (median, p90,
  max);
- message watches (a request's delivery, receive, drop) from random seqs;
- ``census(seq)`` at random seqs, the first one (which counts the pid
  column in blocks, once) apart.

    python benchmarks/watch.py [FILE] [--samples 40]

Budget: a watch jump well under 50 ms median once indexed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from chronoflow.inspect import (
    Aspect,
    MessageWatch,
    ProcessWatch,
    SignalType,
    Timeline,
    tune_collector,
)

DEFAULT = Path("/tmp/chronoflow-bench/engine-10000000.cfl")


def _ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(ordered):7.2f} ms  p90 {p90:7.2f}  max {ordered[-1]:7.2f}"


def _pick_pids(timeline: Timeline) -> dict[str, int]:
    """A server, a client, the hub and a watcher, by template."""
    picked: dict[str, int] = {}
    world = timeline.state_at(len(timeline) - 1)
    for proc in world:
        picked.setdefault(proc.template, proc.pid)
    return picked


def main() -> None:
    """Time the watches and the census on one recording."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--samples", type=int, default=40)
    options = parser.parse_args()
    tune_collector()
    started = time.perf_counter()
    with Timeline.open(options.file) as timeline:
        timeline.wait()
        total = len(timeline)
        indexed = time.perf_counter() - started
        print(f"{options.file.name}: {total:,} signals, indexed in {indexed:.1f} s")
        rng = random.Random(7)
        seqs = [rng.randrange(total) for _ in range(options.samples)]
        for template, pid in _pick_pids(timeline).items():
            for aspect in Aspect:
                watch = ProcessWatch(pid, aspect)
                first = _ms(lambda watch=watch: timeline.next_change(watch, seqs[0]))
                forward = [_ms(lambda s=s, w=watch: timeline.next_change(w, s)) for s in seqs]
                backward = [_ms(lambda s=s, w=watch: timeline.previous_change(w, s)) for s in seqs]
                print(f"{template}[{pid}] {aspect.value:6} first {first:8.1f} ms")
                print(f"    next      {_summary(forward)}")
                print(f"    previous  {_summary(backward)}")
        mid = timeline.find(SignalType.SEND, rng.randrange(total // 2))
        if mid is not None:
            watch = MessageWatch(mid)
            first = _ms(lambda: timeline.next_change(watch, mid - 1))
            forward = [_ms(lambda s=s: timeline.next_change(watch, s)) for s in seqs]
            print(f"message #{mid}  first {first:.1f} ms;  next {_summary(forward)}")
        first = _ms(lambda: timeline.census(seqs[0]))
        census = [_ms(lambda s=s: timeline.census(s)) for s in seqs]
        print(f"census first {first:.1f} ms;  then {_summary(census)}")


if __name__ == "__main__":
    main()
