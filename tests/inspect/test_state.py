"""The fold's records: named fields, frozen and thawed whole, copied on write by a fork."""

from __future__ import annotations

from chronoflow.inspect import apply, fold
from chronoflow.inspect.checkpoint import Checkpoint, freeze, thaw
from chronoflow.inspect.diff import diff_worlds
from chronoflow.inspect.fold import state_of
from chronoflow.inspect.state import FoldState, ProcessRecord, fields_of, records_of
from chronoflow.signals import Signal, SignalType

S = SignalType


def start(seq: int, pid: int, parent: int | None = None) -> Signal:
    return Signal(seq, pid, S.START, {"template": f"T{pid}", "args": [], "parent": parent})


def send(seq: int, pid: int, to: int) -> Signal:
    return Signal(seq, pid, S.SEND, {"msg": ("hi", seq), "to": to, "into": [to]})


def a_record_with_every_field_its_own_value() -> ProcessRecord:
    record = ProcessRecord(1, "T", "m", "q", (), None, {}, 0, True, 0)
    for name in ProcessRecord.__slots__:
        setattr(record, name, f"value of {name}")
    return record


def test_fields_come_in_slot_order_and_give_the_records_back() -> None:
    record = a_record_with_every_field_its_own_value()
    fields = fields_of([record, record])
    assert fields == [f"value of {name}" for name in ProcessRecord.__slots__] * 2
    back, again = records_of(fields)
    assert again == back
    assert back == record
    assert all(getattr(back, name) == getattr(record, name) for name in ProcessRecord.__slots__)


def test_a_record_copy_owns_its_containers_and_shares_its_messages() -> None:
    world = fold([start(0, 1), start(1, 2), send(2, 1, 2)])
    record = state_of(world).procs[2]
    clone = record.copy()
    assert clone == record
    assert clone is not record
    assert clone.inbox is not record.inbox
    assert clone.children is not record.children
    assert clone.inbox[2] is record.inbox[2]  # the message itself is shared


def test_a_state_survives_freezing_as_plain_containers() -> None:
    world = fold([start(0, 1), start(1, 2, parent=1), send(2, 1, 2), send(3, 2, 1)])
    state = state_of(world)
    assert thaw(freeze(state), state.seq, state.examines) == state
    assert Checkpoint(state).restore() == state


def test_a_fork_copies_only_the_records_the_fold_gets_and_leaves_the_original_alone() -> None:
    before = fold([start(0, 1), start(1, 2), start(2, 3)])
    after = apply(before, send(3, 1, 2))
    old, new = state_of(before).procs, state_of(after).procs
    assert type(new) is dict  # settled: reading the world copies nothing
    assert new[3] is old[3]  # untouched: the very same record
    assert new[2] is not old[2]
    assert 3 in new[2].inbox
    assert old[2].inbox == {}  # the original world is as it was
    assert before == fold([start(0, 1), start(1, 2), start(2, 3)])


def test_a_process_started_in_a_fork_is_its_own_and_a_diff_names_only_what_changed() -> None:
    before = fold([start(0, 1)])
    after = apply(before, start(1, 2, parent=1))
    assert state_of(after).procs[1].children == [2]
    assert state_of(before).procs[1].children == []
    assert after.pids == (1, 2)
    assert [change.pid for change in diff_worlds(before, after).changes] == [1, 2]
    assert diff_worlds(after, apply(after, Signal(2, 1, S.WAIT, None))).pids == (1,)


def test_a_settled_state_is_a_plain_dict_and_settling_twice_changes_nothing() -> None:
    state = FoldState().fork()
    state.settle()
    procs = state.procs
    state.settle()
    assert type(procs) is dict
    assert state.procs is procs
