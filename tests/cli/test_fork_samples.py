"""Forks of the shipped samples: the first waiting message dropped, a third of the
way in. Before the fork point a fork is its original, signal for signal; at
it, the DROP; and the fork replays against itself."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

import pytest

from chronoflow.inspect import Timeline
from chronoflow.recording import open_recording
from chronoflow.replay.fork import make_fork
from chronoflow.replay.fork_changes import DropMessage, ForkError
from chronoflow.replay.fork_reexecution import ForkReexecution, reexecution_of
from chronoflow.replay.reexecution import Outcome
from chronoflow.signals import SignalType

ROOT = Path(__file__).resolve().parents[2]

#: The samples with a message waiting in an inbox after the first third.
WITH_WAITING_MESSAGES = [
    "bounded_mailbox",
    "client_server",
    "dining_philosophers",
    "echo",
    "fridge",
    "monitor_flush",
    "priority_receive",
    "process_ring",
    "supervised_pool",
    "timeout_retry",
]


def _waiting(recording: Path) -> list[tuple[int, int]]:
    """Each seq after a third of ``recording`` where a message waits that no
    receive has matched, with the first such message's id."""
    found = []
    with Timeline.open(recording) as timeline:
        assert timeline.wait(timeout=30)
        for seq in range(len(timeline) // 3, len(timeline)):
            for process in timeline.state_at(seq):
                entry = next((e for e in process.inbox if e.id != process.matched), None)
                if entry is not None:
                    found.append((seq, entry.id))
                    break
    assert found, f"{recording} has no waiting message after its first third"
    return found


@pytest.mark.parametrize("name", WITH_WAITING_MESSAGES)
def test_a_sample_forks_and_replays_against_itself(name: str, tmp_path: Path) -> None:
    recording = ROOT / "recordings" / f"{name}.cfl"
    workflow = ROOT / "sample_workflows" / f"{name}.py"
    fork = tmp_path / "fork.cfl"
    with contextlib.redirect_stdout(io.StringIO()):  # the samples print
        # A message the world shows at seq AT may be taken before the fork
        # begins (the step running at AT finishes first): then the next seq.
        report, refused = None, []
        for at, message in _waiting(recording)[:5]:
            try:
                report = make_fork(recording, workflow, at, DropMessage(message), fork)
                break
            except ForkError as error:
                refused.append(str(error))
        assert report is not None, refused
        assert all("finished first: a step is atomic" in text for text in refused)
        runner = reexecution_of(fork, workflow)
        replayed = asyncio.run(runner.run())
    assert report.begins > at
    with open_recording(recording) as reader:
        original = list(reader.signals())
    with open_recording(fork) as reader:
        forked = list(reader.signals())
    strip = [(s.seq, s.pid, s.type, s.data) for s in original[: report.begins]]
    assert [(s.seq, s.pid, s.type, s.data) for s in forked[: report.begins]] == strip
    dropped = forked[report.begins]
    assert dropped.type == SignalType.DROP
    assert dropped.data["id"] == message
    assert dropped.data["reason"] == "fork"
    assert isinstance(runner, ForkReexecution)
    assert replayed.outcome is Outcome.MATCHED
    assert replayed.checked == len(forked)


def test_a_fork_point_inside_main_is_refused(tmp_path: Path) -> None:
    """parent_children's async main() goes on pushing after its first third."""
    recording = ROOT / "recordings" / "parent_children.cfl"
    at, message = _waiting(recording)[0]
    with (
        contextlib.redirect_stdout(io.StringIO()),
        pytest.raises(ForkError, match=r"main\(\) had not finished"),
    ):
        make_fork(
            recording,
            ROOT / "sample_workflows" / "parent_children.py",
            at,
            DropMessage(message),
            tmp_path / "fork.cfl",
        )
    assert list(tmp_path.iterdir()) == []
