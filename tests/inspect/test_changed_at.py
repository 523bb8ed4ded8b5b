"""changed_at after a jump reads once and gives the same worlds as a fold from 0."""

from __future__ import annotations

import random
from pathlib import Path

from chronoflow.inspect import Timeline, fold
from chronoflow.recording import open_recording

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


def test_changed_at_agrees_with_a_fold_from_zero_at_random_seqs() -> None:
    path = RECORDINGS / "supervised_pool.cfl"
    with open_recording(path) as reader:
        signals = list(reader.signals())
    rng = random.Random(5)
    with Timeline.open(path, interval=8) as timeline:
        timeline.wait()
        for seq in rng.sample(range(1, len(signals)), 30):
            changed = timeline.changed_at(seq)
            before, after = fold(signals[:seq]), fold(signals[: seq + 1])
            assert timeline.state_at(seq - 1) == before
            assert timeline.state_at(seq) == after
            assert {c.pid for c in changed.changes} == {
                pid
                for pid in set(before.pids) | set(after.pids)
                if pid not in before
                or pid not in after
                or before.process(pid) != after.process(pid)
            }
            assert timeline.signal(seq) == signals[seq]
