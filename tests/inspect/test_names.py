"""Registered names: REGISTER and UNREGISTER in the world, labels, lines and links.

Hand-built signal lists (docs/signals.md, types 27 and 28): a process has
at most one name and a name at most one process; REGISTER gives it,
UNREGISTER takes it back, an end frees it with no signal and a TRANSITION
keeps it. A history that breaks these rules is malformed and skipped.
"""

from __future__ import annotations

from typing import Any

import pytest

from chronoflow.inspect import (
    CausalLink,
    MemorySource,
    Timeline,
    World,
    apply,
    fold,
    summary,
)
from chronoflow.signals import Signal, SignalType

S = SignalType


def start(seq: int, pid: int, template: str, parent: int | None = None) -> Signal:
    return Signal(seq, pid, S.START, {"template": template, "args": [], "parent": parent})


def register(seq: int, pid: int, name: Any, **more: Any) -> Signal:
    return Signal(seq, pid, S.REGISTER, {"name": name, **more})


def unregister(seq: int, pid: int, name: Any, **more: Any) -> Signal:
    return Signal(seq, pid, S.UNREGISTER, {"name": name, **more})


#: A supervisor names its child; a client names itself, then breaks the rules.
SIGNALS = [
    start(0, 0, "Supervisor"),
    Signal(1, 0, S.SPAWN, {"child": 1, "template": "Account"}),
    start(2, 1, "Account", parent=0),
    register(3, 1, "alice", by=0),
    start(4, 2, "Client"),
    register(5, 2, "bob"),
    Signal(6, 1, S.TRANSITION, {"template": "Closing", "args": []}),
    register(7, 2, "alice"),  # malformed: alice is process 1's
    unregister(8, 2, "bob", by=None),
    register(9, 2, 5),  # malformed: a name is a str
    Signal(10, 1, S.STOP, {"result": None}),  # frees alice
    register(11, 2, "alice"),
    unregister(12, 2, "zed"),  # malformed: not its name
    register(13, 2, "carol"),  # malformed: it is alice already
    register(14, 7, "ghost"),  # a pid that never started: nothing
]

#: The names after each seq, by the rules.
EXPECTED: list[dict[str, int]] = [
    {},
    {},
    {},
    {"alice": 1},
    {"alice": 1},
    {"alice": 1, "bob": 2},
    {"alice": 1, "bob": 2},
    {"alice": 1, "bob": 2},
    {"alice": 1},
    {"alice": 1},
    {},
    {"alice": 2},
    {"alice": 2},
    {"alice": 2},
    {"alice": 2},
]


@pytest.mark.parametrize("interval", [1, 2, 3, 100])
def test_names_follow_register_unregister_and_ends_at_every_seq(interval: int) -> None:
    timeline = Timeline(MemorySource(SIGNALS), background=False, interval=interval)
    world = World.empty()
    for signal, expected in zip(SIGNALS, EXPECTED, strict=True):
        world = apply(world, signal)
        seen = timeline.state_at(signal.seq)
        assert seen == world, f"seq {signal.seq}"
        assert dict(seen.names) == expected, f"seq {signal.seq}"
        for pid in seen.pids:
            held = [name for name, holder in expected.items() if holder == pid]
            assert seen.process(pid).registered_name == (held[0] if held else None)
            assert seen.whereis(held[0]) == pid if held else True
    # Going backwards is a seek through checkpoints like any other.
    for seq in range(len(SIGNALS) - 1, -1, -1):
        assert dict(timeline.state_at(seq).names) == EXPECTED[seq]
    assert fold(SIGNALS) == world
    timeline.close()


def test_rule_breaking_names_are_malformed_and_warned_about() -> None:
    timeline = Timeline(MemorySource(SIGNALS), background=False)
    malformed = [w for w in timeline.warnings if "malformed" in w]
    assert [w.split(":")[0] for w in malformed] == ["seq 7", "seq 9", "seq 12", "seq 13"]
    assert "the name 'alice' is held by process 1" in malformed[0]
    assert "a name is a str, not int" in malformed[1]
    assert "process 2 does not hold the name 'zed'" in malformed[2]
    assert "process 2 is registered as 'alice' already" in malformed[3]
    timeline.close()


def test_a_transition_keeps_the_name_and_a_label_shows_it() -> None:
    world = fold(SIGNALS[:7])
    account = world.process(1)
    assert (account.template, account.registered_name) == ("Closing", "alice")
    assert account.name == "alice: Closing[1]"
    assert world.label_of(1) == "alice: Closing[1]"
    assert world.label_of(0) == "Supervisor[0]"
    assert world.label_of(9) == "process 9"
    assert fold(SIGNALS[:11]).process(1).name == "Closing[1]"  # its end freed the name


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (S.STOP, {"result": 1}),
        (S.CRASH, {"error": "E", "message": "m", "traceback": ""}),
        (S.KILL, {"reason": "killed", "from": None}),
    ],
)
def test_every_end_frees_the_name(kind: SignalType, data: dict[str, Any]) -> None:
    signals = [start(0, 0, "T"), register(1, 0, "x"), Signal(2, 0, kind, data)]
    assert dict(fold(signals[:2]).names) == {"x": 0}
    ended = fold(signals)
    assert dict(ended.names) == {}
    assert ended.process(0).registered_name is None
    assert dict(fold([*signals, start(3, 1, "U"), register(4, 1, "x")]).names) == {"x": 1}


def test_a_diff_names_the_changed_name() -> None:
    timeline = Timeline(MemorySource(SIGNALS), background=False, interval=2)
    change = timeline.changed_at(3).get(1)
    assert change is not None
    assert change.fields == ("registered_name",)
    assert timeline.changed_at(6).get(1) is not None
    assert "registered_name" not in timeline.changed_at(6).get(1).fields  # type: ignore[union-attr]
    assert timeline.diff(4, 11).get(2).fields == ("registered_name",)  # type: ignore[union-attr]
    timeline.close()


def test_labels_in_links_use_the_name_at_the_linked_seq() -> None:
    timeline = Timeline(MemorySource(SIGNALS), background=False)
    assert timeline.name_of(1, 2) == "Closing[1]"  # not yet registered
    assert timeline.name_of(1, 3) == "alice: Closing[1]"
    # Ended, it is named by the name it had when it ended.
    assert timeline.name_of(1, 12) == "alice: Closing[1]"
    assert timeline.name_of(1) == "alice: Closing[1]"
    assert timeline.name_of(2, 9) == "Client[2]"
    assert timeline.name_of(2) == "alice: Client[2]"
    assert timeline.name_of(7) == "process 7"
    timeline.close()


def test_register_lines_say_who_registered_the_name() -> None:
    assert summary(SIGNALS[3]) == "register alice (by 0)"
    assert summary(SIGNALS[5]) == "register bob"
    assert summary(SIGNALS[8]) == "unregister bob (from outside)"
    assert summary(unregister(0, 1, "alice")) == "unregister alice"
    assert summary(Signal(0, 1, S.REGISTER, "junk")) == "register None"
    timeline = Timeline(MemorySource(SIGNALS), background=False)
    assert timeline.summary(3) == "register alice (by Supervisor[0])"
    assert timeline.summary(5) == "register bob"
    assert timeline.summary(8) == "unregister bob (from outside)"
    timeline.close()


def test_a_register_links_to_what_freed_the_name_and_back() -> None:
    timeline = Timeline(MemorySource(SIGNALS), background=False)
    assert timeline.links(3) == (CausalLink("freed by its end", 10),)
    assert timeline.links(5) == (CausalLink("unregistered", 8),)
    assert timeline.links(8) == (CausalLink("registered", 5),)
    assert timeline.links(11) == ()  # still held at the end
    timeline.close()


def test_recordings_without_names_have_none() -> None:
    signals = [start(0, 0, "T"), Signal(1, 0, S.STOP, {"result": None})]
    for seq in range(2):
        world = fold(signals[: seq + 1])
        assert dict(world.names) == {}
        assert world.process(0).registered_name is None
        assert world.process(0).name == "T[0]"
