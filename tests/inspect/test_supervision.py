"""Supervision in the world: restart counts and pending timers."""

from __future__ import annotations

from pathlib import Path

from chronoflow.inspect import Timeline

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


def test_the_world_counts_restarts_and_lists_pending_timers() -> None:
    with Timeline.open(RECORDINGS / "supervised_pool.cfl") as t:
        t.wait()
        before = t.state_at(38)
        after = t.state_at(39)  # the RESTART of w3
        assert before.process(1).restarts == 0
        assert after.process(1).restarts == 1
        timers = after.pending_timers()
        assert [p.pid for p in timers] == [2, 3]  # workers 2 and 3 sleep on their jobs
        assert all(p.wait is not None and p.wait.timeout == 1.0 for p in timers)
