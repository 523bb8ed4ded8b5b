"""``chronoflow state`` of a big world costs in proportion to the world.

A world of 100,000 waiting processes took 35 s: Rich laid out the tree
(about 100 µs a process) and the index froze the whole world every 6,144
signals (O(signals × processes)). The sizes here keep the test to a few
seconds; the assertions are ratios measured in the same process, never
absolute seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from chronoflow import Process, template
from chronoflow.cli import app
from chronoflow.recording import Recorder
from chronoflow.runtime import SimpleScheduler, VirtualClock

runner = CliRunner()
SMALL, LARGE = 10_000, 40_000


@template
def Waiter(self: Process) -> Generator[Any, Any, None]:
    yield self.receive()


def big_world(path: Path, processes: int) -> Path:
    """A recording of ``processes`` processes that each wait for a message."""
    recorder = Recorder(path)
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[recorder])
    for _ in range(processes):
        scheduler.create(Waiter).start()
    asyncio.run(scheduler.run())
    recorder.close()
    return path


def per_process(args: list[str], processes: int) -> float:
    """Seconds ``chronoflow ARGS`` takes, per process of the world."""
    began = time.perf_counter()
    result = runner.invoke(app, args)
    elapsed = time.perf_counter() - began
    assert result.exit_code == 0, result.output[-2000:]
    assert len(result.stdout.splitlines()) == processes + 2  # the root, a line each, the seq
    return elapsed / processes


def python_per_item(items: int) -> float:
    """Seconds a small repr takes here and now: the machine's speed, for a ratio."""
    began = time.perf_counter()
    for i in range(items):
        repr({"pid": i, "template": "Waiter", "status": "waiting", "since": i})
    return (time.perf_counter() - began) / items


def test_state_of_a_big_world_costs_in_proportion_to_its_size(tmp_path: Path) -> None:
    small = big_world(tmp_path / "small.cfl", SMALL)
    large = big_world(tmp_path / "large.cfl", LARGE)
    per_small = per_process(["state", str(small)], SMALL)
    per_large = per_process(["state", str(large)], LARGE)
    # Linear: the time per process does not grow with the world.
    assert per_large < 1.5 * per_small, (per_small, per_large)
    # And cheap: tens of small reprs a process (it was about 170).
    ratio = per_large / python_per_item(LARGE)
    assert ratio < 100, ratio
