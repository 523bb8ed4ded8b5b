"""Impossible process trees are malformed signals: skipped, counted, and never a loop.

A damaged file may say that a process is its own parent, name a parent
that never started, or start a pid twice (re-parenting it, possibly into a
cycle). Each such START is skipped with a warning and the process does not
exist; every walk over parents and children ends.
"""

from __future__ import annotations

from typing import Any

import pytest

from chronoflow.inspect import MemorySource, Timeline, World, apply, fold
from chronoflow.inspect.fold import state_of
from chronoflow.signals import Signal, SignalType
from tests.inspect.bounded import finishes

S = SignalType


def start(seq: int, pid: int, parent: Any = None, template: str = "T") -> Signal:
    return Signal(seq, pid, S.START, {"template": template, "args": [], "parent": parent})


def kill(seq: int, pid: int) -> Signal:
    return Signal(seq, pid, S.KILL, {"reason": "killed", "from": None})


def check_every_answer_ends(signals: list[Signal]) -> Timeline:
    """Index ``signals`` and ask every question that walks the tree; all must end."""
    timeline = finishes(lambda: Timeline(MemorySource(signals), background=False, interval=2))
    last = len(timeline) - 1
    for seq in range(-1, last + 1):
        world = finishes(lambda seq=seq: timeline.state_at(seq))
        tree = finishes(lambda world=world: list(world.tree()))
        assert sorted(proc.pid for _, proc in tree) == sorted(world.pids)
    for seq in range(last + 1):
        finishes(lambda seq=seq: timeline.links(seq))
    finishes(lambda: timeline.standstill())
    return timeline


def test_a_process_that_is_its_own_parent_and_is_killed_does_not_exist() -> None:
    # The 147-byte file of the report: pid 1 starts as its own child, then is killed.
    timeline = check_every_answer_ends([start(0, 1, parent=1), kill(1, 1)])
    assert timeline.index.malformed == 1
    assert timeline.warnings == (
        "seq 0: malformed START signal skipped "
        "(ImpossibleTree: process 1 names itself as its parent)",
    )
    world = timeline.state_at(1)
    assert 1 not in world
    assert list(world.tree()) == []
    assert timeline.summary(1) == "killed: killed"  # the signal is still shown


@pytest.mark.format_rule("children")
def test_a_parent_that_has_not_started_makes_the_start_malformed() -> None:
    # Pid 1 names pid 2, which starts later naming pid 1: a cycle, were both folded.
    signals = [start(0, 1, parent=2), start(1, 2, parent=1), kill(2, 1), kill(3, 2)]
    timeline = check_every_answer_ends(signals)
    assert timeline.index.malformed == 2
    assert "its parent 2 has not started" in timeline.warnings[0]
    assert len(timeline.state_at(3)) == 0


@pytest.mark.format_rule("children")
def test_a_second_start_cannot_re_parent_a_process_into_a_cycle() -> None:
    signals = [
        start(0, 1, template="Root"),
        start(1, 2, parent=1, template="Kid"),
        start(2, 1, parent=2, template="Again"),  # would make 1 and 2 each other's parent
        kill(3, 2),
        kill(4, 1),
    ]
    timeline = check_every_answer_ends(signals)
    assert timeline.index.malformed == 1
    assert "process 1 has started already" in timeline.warnings[0]
    world = timeline.state_at(4)
    assert [(depth, proc.name) for depth, proc in world.tree()] == [(0, "Root[1]"), (1, "Kid[2]")]
    assert world.process(1).parent is None
    assert world.process(1).status.label == "killed"


@pytest.mark.parametrize("parent", ["boss", [1], 1.0, True])
def test_a_parent_that_is_not_a_pid_makes_the_start_malformed(parent: Any) -> None:
    world = fold([start(0, 1), start(1, 2, parent=parent)])
    assert world.pids == (1,)


def test_apply_skips_an_impossible_start_and_leaves_the_world_as_it_was() -> None:
    before = fold([start(0, 1)])
    after = apply(before, start(1, 1, parent=1))
    assert after.pids == (1,)
    assert after.process(1).parent is None
    assert after.process(1).children == ()


def test_the_tree_walk_ends_even_on_a_state_with_a_cycle() -> None:
    # A fold never builds one; the walk must not rely on that.
    world = fold([start(0, 1), start(1, 2, parent=1), start(2, 3)])
    state = state_of(world)
    state.procs[1].parent = 2
    state.procs[2].children.append(1)
    state.procs[3].children.append(3)
    shown = finishes(lambda: list(World(state).tree_order()))
    assert sorted(pid for _, pid in shown) == [1, 2, 3]


def test_a_kill_under_a_cycle_of_killed_ancestors_ends() -> None:
    world = fold(
        [start(0, 1), start(1, 2, parent=1), start(2, 3, parent=2), kill(3, 1), kill(4, 2)]
    )
    state = state_of(world).copy()
    state.procs[1].parent = 2  # 1 and 2, both killed, are each other's parent
    after = finishes(lambda: apply(World(state), kill(5, 3)))
    assert after.process(3).status.label == "killed"
