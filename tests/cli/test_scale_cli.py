"""``chronoflow state`` of a big world costs in proportion to the world.

A world of 100,000 waiting processes took 35 s: Rich laid out the tree
(about 100 µs a process) and the index froze the whole world every 6,144
signals (O(signals × processes)). The test counts the Python function calls
the command makes (in every thread), which is deterministic where a clock is
not: the count per process must neither grow with the world nor be large.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Generator
from pathlib import Path
from types import FrameType
from typing import Any

from typer.testing import CliRunner

from chronoflow import Process, template
from chronoflow.cli import app
from chronoflow.recording import Recorder
from chronoflow.runtime import SimpleScheduler, VirtualClock

runner = CliRunner()
SMALL, LARGE = 2_000, 8_000


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


def calls_per_process(args: list[str], processes: int) -> float:
    """Function calls ``chronoflow ARGS`` makes, per process of the world."""
    calls = 0

    def count(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call" or event == "c_call":
            calls += 1

    threading.setprofile(count)
    sys.setprofile(count)
    try:
        result = runner.invoke(app, args)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    assert result.exit_code == 0, result.output[-2000:]
    assert len(result.stdout.splitlines()) == processes + 2  # the root, a line each, the seq
    return calls / processes


def test_state_of_a_big_world_costs_in_proportion_to_its_size(tmp_path: Path) -> None:
    small = big_world(tmp_path / "small.cfl", SMALL)
    large = big_world(tmp_path / "large.cfl", LARGE)
    per_small = calls_per_process(["state", str(small)], SMALL)
    per_large = calls_per_process(["state", str(large)], LARGE)
    # Linear: the work per process does not grow with the world (the fixed
    # cost of starting the command only makes the larger world cheaper).
    assert per_large <= per_small, (per_small, per_large)
    # And cheap: under 250 calls a process (about 170 today; laying the
    # tree out with Rich alone took about 350 more).
    assert per_large < 250, per_large
