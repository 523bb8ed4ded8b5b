"""Signals of a type newer than this program are shown as such and fold nothing.

A recording of a newer minor format version may hold type numbers this
engine does not know. The reader hands them over as plain ints (not
``SignalType`` members); the engine names them ``TYPE#n``, finds them by
number, links them to nothing and leaves the world as it was.
"""

from __future__ import annotations

import pytest

from chronoflow.inspect import (
    MemorySource,
    NotAMessageError,
    Query,
    QueryError,
    Timeline,
    fold,
    summary,
    type_name,
)
from chronoflow.signals import Signal, SignalType

S = SignalType
NEWER = 42


def newer(seq: int, pid: int, data: object = None) -> Signal:
    # Why the ignore: Signal.type is annotated SignalType, but a reader hands
    # over a plain int for a type newer than this program.
    return Signal(seq, pid, NEWER, data)  # type: ignore[arg-type]


SIGNALS = [
    Signal(0, 0, S.START, {"template": "T", "args": [], "parent": None}),
    newer(1, 0, {"what": "a newer event"}),
    Signal(2, 0, S.WAIT, None),
    newer(3, 0),
    Signal(4, 0, S.DELIVER, {"msg": "hi", "into": [0]}),
    newer(5, 0, [1, 2]),
]


def timeline(interval: int = 2) -> Timeline:
    return Timeline(MemorySource(SIGNALS), background=False, interval=interval)


def test_a_newer_type_is_named_by_its_number() -> None:
    assert type_name(NEWER) == "TYPE#42"
    assert type_name(S.SEND) == "SEND"
    assert summary(SIGNALS[1]) == "signal of unknown type 42: {'what': 'a newer event'}"
    assert summary(SIGNALS[3]) == "signal of unknown type 42: None"


@pytest.mark.format_rule("newer-types")
def test_a_newer_type_folds_nothing() -> None:
    found = timeline()
    assert found.warnings == ()
    assert found.index.malformed == 0
    assert found.newer_types == (NEWER,)
    without = fold(s for s in SIGNALS if s.type != NEWER)
    assert found.state_at(5).process(0) == without.process(0)
    assert found.changed_at(3).changes == ()
    assert found.state_at(5).process(0).status.label == "ready to run"


@pytest.mark.parametrize("text", ["type:42", "type:TYPE#42", "type:type#42,WAIT", "-type:42"])
def test_a_newer_type_is_found_by_its_number(text: str) -> None:
    query = Query.parse(text)
    expected = [s.seq for s in SIGNALS if query.matches(s)]
    assert expected
    for interval in (1, 100):
        found = timeline(interval)
        assert list(found.find_all(text)) == expected
        assert list(found.find_all(text, backward=True)) == expected[::-1]
    # Before indexing reaches them, signals are decoded and matched one by one.
    unindexed = Timeline(MemorySource(SIGNALS), start=False)
    assert list(unindexed.signals(0, 6, match=text)) == [SIGNALS[seq] for seq in expected]
    unindexed.close()


def test_a_type_that_cannot_be_in_a_recording_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="unknown signal type"):
        Query.parse("type:256")
    with pytest.raises(QueryError, match="unknown signal type"):
        Query.parse("type:TYPE#x")


def test_a_newer_type_has_no_causal_links_and_makes_no_message() -> None:
    found = timeline()
    assert found.links(1) == ()
    assert found.links(5) == ()
    with pytest.raises(NotAMessageError, match="TYPE#42"):
        found.trace(1)
    assert found.next_of_process(1) == 2
    assert found.standstill() is None
