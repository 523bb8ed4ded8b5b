"""Under any chosen schedule the recording tells the truth: folded by the engine, it gives
the worlds the live runtime went through, and it replays signal for signal."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow import ProcessStatus, Signal
from chronoflow.inspect import MemorySource, Timeline
from chronoflow.runtime import SimpleScheduler, VirtualClock
from chronoflow.runtime.choosers import SeededSchedule
from chronoflow.runtime.replay import RecordingReplay
from tests.inspect.random_workflows import Actor, Program, programs

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: At one seq: each started process's inbox (message ids) and whether it has ended.
Snapshot = dict[int, tuple[tuple[int, ...], bool]]


#: Inbox limits: unbounded, and small enough for BACKOFF and overflow drops.
limits = st.sampled_from([None, 2])


def run(program: Program, seed: int, limit: int | None) -> tuple[list[Signal], list[Snapshot], int]:
    """Run ``program`` under a seeded schedule, snapshotting the live runtime at every signal."""
    signals: list[Signal] = []
    snapshots: list[Snapshot] = []
    scheduler = SimpleScheduler(clock=VirtualClock(), inbox_limit=limit)
    schedule = SeededSchedule(seed)
    scheduler.choose_with(schedule)

    def observe(signal: Signal) -> None:
        signals.append(signal)
        snapshots.append(
            {
                pid: (tuple(mid for mid, _ in proc.inbox), proc.status.ended)
                for pid, proc in scheduler.processes.items()
                if proc.status is not ProcessStatus.CREATED
            }
        )

    scheduler.add_observer(observe)

    async def main() -> None:
        await program(scheduler)
        await scheduler.run()

    asyncio.run(main())
    return signals, snapshots, schedule.choices


@SETTINGS
@given(program=programs, seed=st.integers(0, 2**32), limit=limits)
def test_the_recording_folds_to_the_worlds_the_runtime_went_through(
    program: Program, seed: int, limit: int | None
) -> None:
    signals, snapshots, _ = run(program, seed, limit)
    timeline = Timeline(MemorySource(signals), background=False, interval=7)
    assert not [w for w in timeline.warnings if "malformed" in str(w)]
    for signal, live in zip(signals, snapshots, strict=True):
        world = timeline.state_at(signal.seq)
        seen = {
            proc.pid: (tuple(entry.id for entry in proc.inbox), proc.status.ended) for proc in world
        }
        # A process is CREATED still as its own START is handed out.
        assert set(live) <= set(seen), f"seq {signal.seq}"
        assert {pid: seen[pid] for pid in live} == live, f"seq {signal.seq}"
    timeline.close()


@SETTINGS
@given(program=programs, seed=st.integers(0, 2**32), limit=limits)
def test_a_recording_made_under_any_schedule_replays(
    program: Program, seed: int, limit: int | None
) -> None:
    recorded, _, _ = run(program, seed, limit)
    replayed: list[Signal] = []
    scheduler = SimpleScheduler(clock=VirtualClock(), inbox_limit=limit)
    scheduler.add_observer(replayed.append)
    checker = RecordingReplay(recorded, templates=[Actor])
    checker.attach(scheduler)

    async def main() -> None:
        await program(scheduler)
        await scheduler.run()

    asyncio.run(main())
    assert (checker.checked, checker.beyond, checker.leftover) == (len(recorded), 0, 0)
    assert [s[:3] for s in replayed] == [s[:3] for s in recorded]
