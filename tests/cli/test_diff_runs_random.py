"""``compare_runs`` on random programs, against a plain walk over the raw signals.

Each program (tests/inspect/random_workflows.py) is recorded twice on a
virtual clock: the two runs must agree. Recorded again with one more push
from outside, the first divergence must be where a plain signal-by-signal
walk finds the first difference, and each process's signal counts must
be what the recordings hold.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow.inspect import Timeline, compare_runs
from chronoflow.recording import Recorder, open_recording
from chronoflow.runtime import SimpleScheduler, VirtualClock
from chronoflow.signals import Signal
from tests.inspect.random_workflows import Program, payloads, programs


def _record(program: Program, path: Path) -> list[Signal]:
    async def go() -> None:
        recorder = Recorder(path, workflow="random")
        async with SimpleScheduler(clock=VirtualClock(), record=recorder) as scheduler:
            await program(scheduler)
            await scheduler.run()

    asyncio.run(go())
    with open_recording(path) as reader:
        return list(reader.signals())


def _plain(signal: Signal) -> tuple[Any, ...]:
    data = signal.data
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("module", "traceback")}
    return (signal.seq, signal.pid, signal.type, data)


def _first_difference(a: list[Signal], b: list[Signal]) -> int | None:
    for x, y in zip(a, b, strict=False):
        if _plain(x) != _plain(y):
            return x.seq
    return None if len(a) == len(b) else min(len(a), len(b))


def _compare(a: Path, b: Path) -> Any:
    with Timeline.open(a) as first, Timeline.open(b) as second:
        assert first.wait(timeout=30)
        assert second.wait(timeout=30)
        return compare_runs(first, second)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=programs, extra=st.tuples(st.integers(0, 3), payloads))
def test_compare_runs_finds_what_a_plain_walk_finds(
    tmp_path_factory: Any, program: Program, extra: tuple[int, Any]
) -> None:
    folder = tmp_path_factory.mktemp("random")
    one = _record(program, folder / "one.cfl")
    two = _record(program, folder / "two.cfl")
    assert _first_difference(one, two) is None  # the program is deterministic
    same = _compare(folder / "one.cfl", folder / "two.cfl")
    assert same.same
    assert same.differing == ()

    other = Program(program.roots, [*program.pushes, extra], program.names)
    three = _record(other, folder / "three.cfl")
    compared = _compare(folder / "one.cfl", folder / "three.cfl")
    expected = _first_difference(one, three)
    found = compared.divergence
    assert (None if found is None else found.seq) == expected
    if found is not None:
        ours = one[found.seq] if found.seq < len(one) else None
        theirs = three[found.seq] if found.seq < len(three) else None
        assert found.a == ours
        assert found.b == theirs
        first = ours if ours is not None else theirs
        assert first is not None
        assert found.step == sum(1 for s in one[: found.seq] if s.pid == first.pid) + 1
    counts_one = Counter(s.pid for s in one)
    counts_three = Counter(s.pid for s in three)
    for process in compared.processes:
        assert process.signals_a == counts_one[process.pid]
        assert process.signals_b == counts_three[process.pid]
        # Aligned by its own steps: before its first differing step, the same
        # types; at it, the seqs of that step in each run.
        mine = [s for s in one if s.pid == process.pid]
        theirs = [s for s in three if s.pid == process.pid]
        if process.first_step is None:
            assert [s.type for s in mine] == [s.type for s in theirs]
            continue
        step = process.first_step
        assert [s.type for s in mine[: step - 1]] == [s.type for s in theirs[: step - 1]]
        assert process.seq_a == (mine[step - 1].seq if step <= len(mine) else None)
        assert process.seq_b == (theirs[step - 1].seq if step <= len(theirs) else None)
