"""The tutorial cannot drift: every "At seq" claim is checked against the engine."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from chronoflow.inspect import ProcessState, Timeline, World

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"


@dataclass(frozen=True)
class Checkpoint:
    recording: str
    seq: int
    claims: tuple[str, ...]
    line: int


def checkpoints() -> list[Checkpoint]:
    found = []
    recording = None
    for number, line in enumerate(TUTORIAL.read_text().splitlines(), 1):
        opened = re.search(r"chronoflow-tui (recordings/\S+\.cfl)", line)
        if opened:
            recording = opened.group(1)
        at = re.match(r"At seq (\d+): (.+)\.$", line)
        if at:
            assert recording, f"line {number}: a checkpoint before any recording is opened"
            # Claims are separated by semicolons outside double quotes.
            parts = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', at.group(2))
            claims = tuple(c.strip() for c in parts)
            found.append(Checkpoint(recording, int(at.group(1)), claims, number))
    return found


def _process(world: World, name: str) -> ProcessState:
    # Why not p.name alone: that shows a registered name too ("alice: Account[2]").
    matches = [p for p in world if f"{p.template}[{p.pid}]" == name]
    assert matches, f"no process {name} at seq {world.seq}"
    return matches[0]


Check = Callable[[Timeline, World, re.Match[str]], None]


def _signal_type(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    assert timeline.signal(world.seq).type.name == m.group(1)


def _status(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    assert _process(world, m.group(1)).status.label == m.group(2)


def _waits_on(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    wait = _process(world, m.group(1)).wait
    assert wait is not None
    assert wait.describe() == m.group(2)


def _empty(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    assert _process(world, m.group(1)).inbox == ()


def _count(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    assert len(_process(world, m.group(1)).inbox) == int(m.group(2))


def _holds(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    ids = [int(x) for x in re.findall(r"#(\d+)", m.group(2))]
    assert [entry.id for entry in _process(world, m.group(1)).inbox] == ids


def _examined(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    pid = _process(world, m.group(1)).pid
    labels = {e.entry.id: e.label for e in timeline.mailbox(pid, world.seq).entries}
    assert labels[int(m.group(2))] == m.group(3)


def _says(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    pid = _process(world, m.group(1)).pid
    assert timeline.why(pid, world.seq).sentence == m.group(2)


def _registered(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    assert _process(world, m.group(1)).registered_name == m.group(2)


def _unregistered(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    assert _process(world, m.group(1)).registered_name is None


def _deadlock(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    standstill = timeline.standstill()
    assert standstill is not None
    assert standstill.deadlock
    assert standstill.since == int(m.group(1))
    assert len(standstill.cycle) == int(m.group(2))


def _no_deadlock(timeline: Timeline, world: World, m: re.Match[str]) -> None:
    standstill = timeline.standstill()
    assert standstill is not None
    assert not standstill.deadlock
    assert standstill.since == int(m.group(1))


NAME = r"(\w+\[\d+\])"
CLAIMS: list[tuple[re.Pattern[str], Check]] = [
    (re.compile(rf"^in {NAME}'s inbox #(\d+) (.+)$"), _examined),
    (re.compile(rf'^the mailbox of {NAME} says "(.+)"$'), _says),
    (
        re.compile(
            r"^the run ends in a deadlock since seq (\d+) with a wait-for cycle of "
            r"(\d+) processes$"
        ),
        _deadlock,
    ),
    (re.compile(r"^the run ends blocked forever since seq (\d+), with no deadlock$"), _no_deadlock),
    (re.compile(r"^the signal is an? (\w+)$"), _signal_type),
    (re.compile(rf'^{NAME} is registered as "(.+)"$'), _registered),
    (re.compile(rf"^{NAME} has no registered name$"), _unregistered),
    (re.compile(rf'^{NAME} waits on "(.+)"$'), _waits_on),
    (re.compile(rf"^{NAME} has an empty inbox$"), _empty),
    (re.compile(rf"^{NAME} has (\d+) messages? in its inbox$"), _count),
    (re.compile(rf"^{NAME}'s inbox holds (#\d+(?:, #\d+)*)$"), _holds),
    (re.compile(rf"^{NAME} is (.+)$"), _status),
]

CHECKPOINTS = checkpoints()


def test_the_tutorial_has_checkpoints_in_every_lesson() -> None:
    lessons = re.findall(r"^## \d+\.", TUTORIAL.read_text(), flags=re.MULTILINE)
    assert len(lessons) >= 9
    assert len({c.recording for c in CHECKPOINTS}) == len(lessons)


@pytest.mark.parametrize("checkpoint", CHECKPOINTS, ids=lambda c: f"line{c.line}")
def test_checkpoint_holds(checkpoint: Checkpoint) -> None:
    path = ROOT / checkpoint.recording
    with Timeline.open(path) as timeline:
        timeline.wait()
        assert checkpoint.seq < len(timeline)
        world = timeline.state_at(checkpoint.seq)
        for claim in checkpoint.claims:
            for pattern, check in CLAIMS:
                matched = pattern.match(claim)
                if matched:
                    check(timeline, world, matched)
                    break
            else:
                pytest.fail(f"line {checkpoint.line}: a claim the test cannot check: {claim!r}")


def test_every_command_in_the_tutorial_names_a_real_file() -> None:
    text = TUTORIAL.read_text()
    for sample in re.findall(r"chronoflow run (sample_workflows/\S+\.py)", text):
        assert (ROOT / sample).is_file(), sample
    for recording in re.findall(r"chronoflow-tui (recordings/\S+\.cfl)", text):
        assert (ROOT / recording).is_file(), recording
