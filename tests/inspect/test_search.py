"""Search: the query language, and index-backed search agreeing with a plain scan."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow.inspect import MemorySource, Query, QueryError, Timeline
from chronoflow.inspect import search as search_module
from chronoflow.signals import Signal, SignalType
from tests.inspect.conftest import record, record_sample, timeline_of
from tests.inspect.random_workflows import Program, programs

pytestmark = pytest.mark.usefixtures("quiet")


def sig(seq: int, kind: SignalType, data: object = None, pid: int = 3) -> Signal:
    return Signal(seq, pid, kind, data)


def test_terms_match_type_pid_id_seq_and_text() -> None:
    send = sig(12, SignalType.SEND, {"msg": "Hello There", "to": 4, "into": [4]})
    receive = sig(20, SignalType.RECEIVE, 12, pid=4)
    drop = sig(21, SignalType.DROP, {"id": 12, "msg": "Hello There"}, pid=5)
    assert Query.parse("type:SEND").matches(send)
    assert Query.parse("type:send,receive").matches(receive)
    assert Query.parse("type:5").matches(send)
    assert not Query.parse("type:RECEIVE").matches(send)
    assert Query.parse("pid:3,9").matches(send)
    assert not Query.parse("pid:4").matches(send)
    assert all(Query.parse("id:12").matches(s) for s in (send, receive, drop))
    assert not Query.parse("id:13").matches(receive)
    assert Query.parse("seq:10..12").matches(send)
    assert Query.parse("seq:12").matches(send)
    assert Query.parse("seq:..12").matches(send)
    assert not Query.parse("seq:13..").matches(send)
    assert Query.parse('"hello there"').matches(send)
    assert Query.parse("HELLO").matches(drop)
    assert not Query.parse('"hello  there"').matches(send)
    assert Query.parse('type:SEND pid:3 "hello"').matches(send)
    assert not Query.parse('type:SEND pid:3 "bye"').matches(send)
    assert Query.parse("-type:WAIT").matches(send)
    assert not Query.parse("-pid:3").matches(send)
    assert Query.parse("").matches(send)
    assert Query.parse("msg:x").terms[0].field == "text"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("type:SENDS", "unknown signal type 'SENDS'"),
        ("pid:x", "pid: needs a whole number"),
        ("pid:", "has no value"),
        ('"open', "cannot read query"),
        ("seq:a..b", "seq: needs a whole number"),
    ],
)
def test_bad_queries_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        Query.parse(text)


def test_queries_come_from_text_types_and_predicates() -> None:
    send = sig(0, SignalType.SEND, {"msg": 1, "to": None, "into": []})
    assert Query.of(SignalType.SEND).matches(send)
    assert Query.of(lambda s: s.seq == 0).matches(send)
    assert str(Query.of("pid:3")) == "pid:3"
    with pytest.raises(QueryError):
        Query.of(42)  # type: ignore[arg-type]


def test_find_forward_backward_and_neighbours() -> None:
    timeline = timeline_of(record_sample("parent_children"))
    assert timeline.find("type:DELIVER") == 1
    assert timeline.find("type:DELIVER", 2) == 16
    assert timeline.find("type:DELIVER", 22, backward=True) == 16
    assert timeline.find("type:DELIVER", 16, backward=True) == 16
    assert timeline.find("type:TRANSITION") is None
    assert list(timeline.find_all("type:JOIN", backward=True)) == [32, 31, 30]
    assert timeline.next_match(16, "type:DELIVER") == 23
    assert timeline.previous_match(16, "type:DELIVER") == 1
    assert timeline.previous_match(0, "type:START") is None
    assert timeline.next_of_process(17) == 18
    assert timeline.previous_of_process(17) == 11
    assert timeline.next_for(0, 9) == 16
    assert timeline.previous_for(0, 9) == 8
    assert timeline.next_for(0, 33) is None
    assert timeline.previous_for(2, 5) is None
    assert list(timeline.find_all('"child2"')) == [5, 27, 31, 33]
    assert list(timeline.find_all("id:16")) == [16, 17, 19, 21]
    assert list(timeline.find_all("pid:1 -type:WAIT type:receive,stop")) == [10, 17, 24, 25]


def _brute(signals: list[Signal], query: Query, start: int, backward: bool) -> list[int]:
    if backward:
        return [s.seq for s in reversed(signals) if s.seq <= start and query.matches(s)]
    return [s.seq for s in signals if s.seq >= start and query.matches(s)]


terms = st.one_of(
    st.builds(lambda k: f"type:{k.name}", st.sampled_from(list(SignalType)[:15])),
    st.builds(lambda p: f"pid:{p}", st.integers(0, 6)),
    st.builds(lambda a, b: f"pid:{a},{b}", st.integers(0, 6), st.integers(0, 6)),
    st.builds(lambda m: f"id:{m}", st.integers(0, 40)),
    st.builds(lambda a, b: f"seq:{a}..{b}", st.integers(0, 20), st.integers(0, 60)),
    st.sampled_from(['"a"', '"token"', "3", '"planned"']),
)
queries = st.lists(
    st.tuples(st.booleans(), terms).map(lambda t: ("-" if t[0] and ":" in t[1] else "") + t[1]),
    max_size=3,
).map(" ".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    program=programs,
    text=queries,
    block=st.integers(1, 16),
    backward=st.booleans(),
    start=st.integers(0, 60),
)
def test_index_backed_search_agrees_with_a_plain_scan(
    program: Program, text: str, block: int, backward: bool, start: int
) -> None:
    signals = list(record(program).signals())
    query = Query.parse(text)
    timeline = Timeline(MemorySource(signals), background=False, interval=3)
    saved = search_module.BLOCK
    search_module.BLOCK = block
    try:
        found = list(timeline.find_all(query, start, backward=backward))
    finally:
        search_module.BLOCK = saved
    assert found == _brute(signals, query, start, backward)


def test_pids_wider_than_two_bytes_widen_the_column_and_stay_searchable() -> None:
    start = {"args": [], "parent": None}
    signals = [
        Signal(0, 7, SignalType.START, {"template": "A", **start}),
        Signal(1, 70_000, SignalType.START, {"template": "B", **start}),
        Signal(2, 7, SignalType.WAIT, None),
        Signal(3, -4, SignalType.WAIT, None),
        Signal(4, 70_000, SignalType.WAIT, None),
    ]
    timeline = Timeline(MemorySource(signals), background=False)
    assert timeline.index.pids.width == 4
    assert list(timeline.find_all("pid:70000")) == [1, 4]
    assert list(timeline.find_all("pid:7")) == [0, 2]
    assert list(timeline.find_all("pid:-4")) == [3]  # not in the column: found by decoding
    assert timeline.next_of_process(1) == 4
    assert timeline.previous_of_process(3) is None
