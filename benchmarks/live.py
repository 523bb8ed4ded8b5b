"""Live frames: how long ``LiveSession.goto(N)`` takes.

    python benchmarks/live.py [--signals 100000]

For each sample recording and for a ring recording of about ``--signals``
signals, times ``goto`` to the middle and to the end, and, as the baseline
run in the same process, the same workflow run plainly (no recording, no
checks) to its end. The ratio says what checking every signal and feeding
recorded results back costs over just running the code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chronoflow import SimpleScheduler
from chronoflow.recording import Recorder
from chronoflow.replay.live import LiveSession
from chronoflow.replay.workflow import load_workflow, run_workflow
from chronoflow.runtime import SimpleScheduler as PlainScheduler

ROOT = Path(__file__).resolve().parent.parent


def record(workflow: Path, out: Path, args: list[str]) -> None:
    """Record ``workflow`` with ``args`` into ``out``."""
    recorder = Recorder(out, workflow=str(workflow), args=args)

    async def go() -> None:
        async with SimpleScheduler(record=recorder) as scheduler:
            await run_workflow(load_workflow(workflow), scheduler, args)

    asyncio.run(go())


def plain_run(workflow: Path, args: list[str]) -> None:
    """The baseline: run the workflow with nothing observing it."""
    asyncio.run(run_workflow(load_workflow(workflow), PlainScheduler(), args))


def best(run: Callable[[], object], repeat: int = 3) -> float:
    """Median seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(workflow: Path, args: list[str], folder: Path) -> str:
    """One table row: record ``workflow``, then time goto and a plain run."""
    out = folder / f"{workflow.stem}.cfl"
    # The samples print as they run; their output is not what is measured.
    with contextlib.redirect_stdout(io.StringIO()):
        record(workflow, out, args)
        session = LiveSession(out, workflow)
        total = len(session)
        middle = best(lambda: session.goto(total // 2))
        end = best(lambda: session.goto(total - 1))
        baseline = best(lambda: plain_run(workflow, args))
    return (
        f"{workflow.stem:<22}{total:>9,}{middle * 1000:>9.1f}ms{end * 1000:>9.1f}ms"
        f"{baseline * 1000:>9.1f}ms{end / baseline:>7.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=100_000)
    options = parser.parse_args()
    cases = [
        (path, [])
        for path in sorted((ROOT / "sample_workflows").glob("*.py"))
        if path.stem != "__init__"
    ]
    ring = ROOT / "benchmarks" / "workflows" / "ring.py"
    cases.append((ring, ["100", str(options.signals // 3)]))
    header = ("recording", "signals", "goto mid", "goto end", "plain run", "ratio")
    print("{:<22}{:>9}{:>11}{:>11}{:>11}{:>8}".format(*header))
    with tempfile.TemporaryDirectory() as folder:
        for workflow, args in cases:
            print(measure(workflow, args, Path(folder)), flush=True)


if __name__ == "__main__":
    main()
