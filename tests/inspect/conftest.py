"""Helpers for the engine tests: run real workflows and keep their signals."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chronoflow.inspect import MemorySource, Timeline
from chronoflow.recording import Recorder
from chronoflow.replay.workflow import load_workflow, run_workflow
from chronoflow.runtime import SimpleScheduler, VirtualClock

SAMPLES = Path(__file__).resolve().parent.parent.parent / "sample_workflows"

Main = Callable[[SimpleScheduler], Any]


async def _run(main: Main, scheduler: SimpleScheduler) -> None:
    outcome = main(scheduler)
    if inspect.isawaitable(outcome):
        await outcome
    await scheduler.run()


def record(main: Main, *, inbox_limit: int | None = 1000) -> MemorySource:
    """Run ``main(scheduler)`` until idle; the signals it produced, in memory.

    The scheduler's clock is virtual: timers fire without real waiting.
    """
    source = MemorySource()
    scheduler = SimpleScheduler(clock=VirtualClock(), inbox_limit=inbox_limit)
    scheduler.add_observer(source.append)
    asyncio.run(_run(main, scheduler))
    return source


def record_sample(name: str, *args: str) -> MemorySource:
    """Run the sample workflow ``sample_workflows/<name>.py`` into memory."""
    source = MemorySource()
    scheduler = SimpleScheduler(clock=lambda: 1.0)
    scheduler.add_observer(source.append)
    asyncio.run(run_workflow(load_workflow(SAMPLES / f"{name}.py"), scheduler, args))
    return source


def record_file(
    main: Main, path: Path, *, chunk_size: int = 1024, virtual_time: bool = False
) -> Path:
    """Run ``main(scheduler)`` with a Recorder writing ``path``; closes the file.

    With ``virtual_time`` timers fire without real waiting; else time stands still.
    """
    recorder = Recorder(path, chunk_size=chunk_size)
    scheduler = SimpleScheduler(clock=VirtualClock() if virtual_time else lambda: 1.0)
    scheduler.add_observer(recorder)
    asyncio.run(_run(main, scheduler))
    recorder.close()
    return path


def timeline_of(source: MemorySource, interval: int = 4) -> Timeline:
    """A fully indexed timeline over ``source`` with a small checkpoint interval."""
    return Timeline(source, background=False, interval=interval)


@pytest.fixture
def quiet(capsys: pytest.CaptureFixture[str]) -> pytest.CaptureFixture[str]:
    """Swallow what sample workflows print."""
    return capsys
