"""Any value a recording holds is shown and searched at a bounded cost.

A value nested thousands of levels deep must not raise RecursionError, and
megabytes of empty arrays must not become gigabytes of text: summaries,
excerpts, layouts and text searches stop after a few kilobytes (``...``
past twenty levels), and build no more than that.
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Callable
from types import FrameType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chronoflow.inspect import MemorySource, Query, Timeline, excerpt, excerpt_lines, summary
from chronoflow.inspect.excerpt import MAX_DEPTH, TEXT_LIMIT, TRACEBACK_LIMIT, pieces, text_of
from chronoflow.inspect.query import contains_text
from chronoflow.inspect.summary import short
from chronoflow.recording.values import Opaque
from chronoflow.signals import Signal, SignalType
from tests.inspect.bounded import finishes

S = SignalType


def nested(levels: int, bottom: Any = "needle") -> list[Any]:
    """A list nested ``levels`` deep around ``bottom``, built without recursion."""
    value: list[Any] = [bottom]
    for _ in range(levels - 1):
        value = [value]
    return value


#: What eight megabytes of empty arrays decode to.
EMPTIES = [[] for _ in range(1_000_000)]


def costs(work: Callable[[], object]) -> tuple[int, int]:
    """``(function calls, peak bytes allocated)`` of ``work()``.

    Why calls rather than seconds: a count does not depend on the machine
    or its load, and work that walked every element of a million-element
    value would make at least a million of them.
    """
    calls = 0

    def count(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call" or event == "c_call":
            calls += 1

    tracemalloc.start()
    sys.setprofile(count)
    try:
        work()
    finally:
        sys.setprofile(None)
    try:
        return calls, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_deep_value_is_cut_at_twenty_levels() -> None:
    deep = nested(5000)
    shown = excerpt(deep)
    assert shown == "[" * MAX_DEPTH + "[...]" + "]" * MAX_DEPTH
    assert short(deep) == "[[[[...]]]]"
    lines = excerpt_lines(deep, 40)
    assert lines.count("\n") < 50
    assert "[...]" in lines


def test_a_million_empty_arrays_make_a_few_kilobytes_of_text() -> None:
    for show in (
        lambda: excerpt(EMPTIES),
        lambda: excerpt_lines(EMPTIES, 80),
        lambda: short(EMPTIES),
        lambda: summary(Signal(0, 1, S.SEND, {"msg": EMPTIES, "to": 2, "into": [2]})),
        lambda: text_of({"reason": EMPTIES}),
    ):
        calls, peak = costs(show)
        assert calls < 50_000  # about 11,000 at most
        assert peak < 200_000
        assert len(str(show())) <= TEXT_LIMIT
    assert excerpt(EMPTIES, 20) == "[[], [], [], [], ..."
    assert excerpt_lines(EMPTIES, 80).endswith("    [],\n    ... 999,494 more\n]")


def test_long_strings_bytes_and_huge_integers_are_cut() -> None:
    assert excerpt("x" * 10_000_000, 12) == "'xxxxxxxx..."
    assert short(b"\x00" * 1000).startswith("b'\\x00\\x00")
    assert len(short(b"\x00" * 1000)) <= 80
    assert excerpt(10**5000) == "<int of 16610 bits>"
    opaque = excerpt(Opaque("Foo", "<Foo " + "y" * 9000 + ">"), 30)
    assert opaque.startswith("Opaque('Foo', '<Foo yyy")
    assert len(opaque) == 30
    assert text_of("line\n" * 10_000, 20) == "line\nline\nline\nli..."


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text()
        | st.binary(),
        lambda inner: (
            st.lists(inner)
            | st.lists(inner).map(tuple)
            | st.dictionaries(st.text() | st.integers(), inner)
            | st.frozensets(st.integers())
        ),
        max_leaves=30,
    )
)
def test_unbounded_pieces_are_the_repr_and_an_excerpt_is_its_prefix(value: Any) -> None:
    whole = repr(value)
    assert "".join(pieces(value, depth=None)) == whole
    shown = excerpt(value, 40, depth=None)
    assert len(shown) <= 40
    if shown != whole:
        assert shown.endswith("...")
        assert whole.startswith(shown[:-3])


def test_text_search_finds_text_at_the_bottom_of_a_deep_value() -> None:
    deep = nested(5000, "The Needle")
    assert contains_text(deep, "the needle")
    assert contains_text(deep, "[[['the needle']]]")
    assert not contains_text(deep, "haystack")


def test_text_search_through_a_huge_value_builds_no_huge_text() -> None:
    value = [*EMPTIES, "ping"]
    calls, peak = costs(lambda: contains_text(value, "[], 'ping'"))
    assert contains_text(value, "[], 'ping'")
    assert not contains_text(value, "pong")
    assert calls < 200_000  # about 52,000: it reads the text in windows
    assert peak < 2_000_000


def test_a_timeline_of_hostile_values_answers_every_question() -> None:
    # Why a tenth of EMPTIES: a world turns every value it shows back from the
    # fold's raw form, at a cost that grows with the value (not with its text).
    deep, wide = nested(5000, "deep needle"), [*EMPTIES[:100_000], "wide needle"]
    crash = {"error": "E" * 5000, "message": "m" * 100_000, "traceback": "t\n" * 100_000}
    signals = [
        Signal(0, 0, S.START, {"template": nested(3000), "args": [deep], "parent": None}),
        Signal(1, 1, S.START, {"template": "Client", "args": [wide], "parent": None}),
        Signal(2, 1, S.SEND, {"msg": deep, "to": 0, "into": [0]}),
        Signal(3, 1, S.SEND, {"msg": wide, "to": 0, "into": [0]}),
        Signal(4, 0, S.CRASH, crash),
        Signal(5, 1, S.KILL, {"reason": "r" * 100_000, "from": 0}),
    ]
    timeline = finishes(lambda: Timeline(MemorySource(signals), background=False, interval=2))
    assert finishes(lambda: list(timeline.find_all('"deep needle"'))) == [0, 2]
    assert finishes(lambda: list(timeline.find_all('"wide needle"'))) == [1, 3]
    for seq in range(len(timeline)):
        assert len(finishes(lambda seq=seq: timeline.summary(seq))) < 300
        finishes(lambda seq=seq: timeline.links(seq))
        finishes(lambda seq=seq: timeline.pending(seq))
    world = timeline.state_at(5)
    server, client = world.process(0), world.process(1)
    assert len(server.template) <= 200
    assert server.name.endswith("[0]")
    assert server.crash is not None
    assert len(server.crash.error) <= 200
    assert len(server.crash.message) <= TEXT_LIMIT
    assert len(server.crash.traceback) <= TRACEBACK_LIMIT
    assert client.kill_reason is not None
    assert len(client.kill_reason) <= TEXT_LIMIT
    assert len(timeline.name_of(0)) < 220
    assert len(timeline.why(0, 5).sentence) < 2 * TEXT_LIMIT
    assert Query.parse('"needle"').matches(signals[2])
