"""Message values survive a recording exactly; anything else becomes a visible Opaque."""

from __future__ import annotations

import enum
import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronoflow.recording import Opaque, UnrecordableValue
from chronoflow.recording.raw import from_raw, to_raw, unpack_raw
from chronoflow.recording.values import MAX_DEPTH, ValueEncoder, unpack_value

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.binary()
)
hashables = st.recursive(scalars, lambda inner: st.tuples(inner, inner), max_leaves=6)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, max_size=5).map(tuple)
        | st.dictionaries(hashables, inner, max_size=5)
    ),
    max_leaves=25,
)


def round_trip(value: Any, *, strict: bool = False) -> Any:
    return unpack_value(ValueEncoder(strict=strict).pack(value))


def same(a: Any, b: Any) -> bool:
    """Equality that also checks every container's exact type."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


@settings(max_examples=300, deadline=None)
@given(values)
@pytest.mark.format_rule("values")
def test_plain_values_round_trip_exactly(value: Any) -> None:
    assert same(round_trip(value), value)


@pytest.mark.parametrize(
    "value",
    [
        2**64,
        -(2**63) - 1,
        10**100,
        -(10**100),
        (1, (2, (3,)), []),
        {(1, "a"): [(), {}], None: b"\x00", 1.5: True},
        "lone \ud800 surrogate",
        [[[[[]]]]],
    ],
    ids=["2^64", "below-int64", "googol", "minus-googol", "tuples", "keys", "surrogate", "deep"],
)
@pytest.mark.format_rule("values")
def test_edge_values_round_trip_exactly(value: Any) -> None:
    assert same(round_trip(value), value)


def test_nan_and_infinities_round_trip() -> None:
    back = round_trip([math.nan, math.inf, -math.inf, -0.0])
    assert math.isnan(back[0])
    assert back[1:3] == [math.inf, -math.inf]
    assert math.copysign(1.0, back[3]) == -1.0


class Colour(enum.IntEnum):
    RED = 1


class Thing:
    def __repr__(self) -> str:
        return "<Thing at 0x7f00deadbeef>"


@pytest.mark.parametrize(
    ("value", "type_name", "text"),
    [
        ({1, 2}, "set", "{1, 2}"),
        (Colour.RED, f"{__name__}.Colour", "<Colour.RED: 1>"),
        (OrderedDict(a=1), "collections.OrderedDict", repr(OrderedDict(a=1))),
        (Thing(), f"{__name__}.Thing", "<Thing at 0x?>"),
        (1.5j, "complex", "1.5j"),
    ],
    ids=["set", "intenum", "dict-subclass", "masked-address", "complex"],
)
@pytest.mark.format_rule("opaque")
def test_other_values_become_visible_opaques(value: Any, type_name: str, text: str) -> None:
    assert round_trip({"x": value}) == {"x": Opaque(type_name, text)}
    assert round_trip(Opaque(type_name, text)) == Opaque(type_name, text)


def test_a_strict_encoder_refuses_what_it_cannot_store_exactly() -> None:
    with pytest.raises(UnrecordableValue, match="set cannot be recorded exactly"):
        round_trip([1, {2}], strict=True)
    assert round_trip((1, [2]), strict=True) == (1, [2])


@pytest.mark.format_rule("depth")
def test_values_nested_beyond_the_packer_limit_are_cut_at_max_depth() -> None:
    value: Any = "leaf"
    for _ in range(5000):
        value = [value]
    back = round_trip(value)
    depth = 0
    while isinstance(back, list):
        back, depth = back[0], depth + 1
    assert depth == MAX_DEPTH
    assert isinstance(back, Opaque)
    assert back.type_name == "list"


def test_a_self_containing_list_is_recorded_not_looped_over() -> None:
    value: list[Any] = [1]
    value.append(value)
    back = round_trip(value)
    assert back[0] == 1
    assert isinstance(back[1], list)


@pytest.mark.format_rule("opaque")
def test_a_huge_repr_is_cut() -> None:
    back = round_trip({frozenset(range(10_000))})
    assert isinstance(back, Opaque)
    assert len(back.repr) == 1000
    assert back.repr.endswith("…")


def test_bytearray_and_memoryview_are_stored_as_bytes() -> None:
    # msgpack packs every bytes-like object as bin; docs/format.md says so.
    assert round_trip([bytearray(b"ab"), memoryview(b"cd")]) == [b"ab", b"cd"]


# -- the raw form a fold reads ----------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(values)
def test_the_raw_form_reads_back_as_the_value(value: Any) -> None:
    raw = unpack_raw(ValueEncoder().pack(value))
    assert same(raw, to_raw(value))  # what a recording decodes to is what memory folds
    assert same(from_raw(raw), value)
    assert same(from_raw(to_raw(value)), value)


@pytest.mark.parametrize(
    "payload",
    [
        b"\x92\x01\xc7\x00\x01",  # a tuple marker second: shown as a visible Opaque
        b"\x92\xc7\x00\x01\xc7\x00\x01",  # a tuple whose only item is a marker
        b"\x91\xc7\x09\x02\x01" + b"\x00" * 8,  # a big integer (ext 2)
        b"\xc7\x01\x07\x00",  # an ext type from a newer writer
    ],
    ids=["marker-second", "marker-in-tuple", "bigint", "newer-ext"],
)
def test_the_raw_form_reads_odd_payloads_as_the_values_decoder_does(payload: bytes) -> None:
    assert same(from_raw(unpack_raw(payload)), unpack_value(payload))


def test_the_raw_form_of_memory_values_keeps_other_objects() -> None:
    class Point(tuple[int, int]):
        pass

    point = Point((1, 2))
    raw = to_raw({"at": point, "more": [..., (...,)]})
    assert raw["at"] is point  # a tuple subclass is no recorded tuple: kept as it is
    back = from_raw(raw)
    assert back["at"] is point
    assert same(back["more"], [..., (...,)])  # a real Ellipsis is not the tuple marker


def test_an_array_map_key_reads_as_a_tuple_key() -> None:
    # No Python writer makes one; another writer's file still reads, and
    # reads the same in both forms (the values decoder alone cannot build it).
    payload = b"\x81\x92\x01\x91\x02\x03"  # {[1, [2]]: 3}
    with pytest.raises(TypeError):
        unpack_value(payload)
    assert same(from_raw(unpack_raw(payload)), {(1, (2,)): 3})
