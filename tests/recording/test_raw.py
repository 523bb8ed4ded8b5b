"""The raw form's API: what an array stands for, told without knowing the encoding."""

from __future__ import annotations

from chronoflow.recording.raw import from_raw, raw_array, to_raw, unpack_raw
from chronoflow.recording.values import ValueEncoder


def test_an_array_says_whether_it_was_a_list_or_a_tuple() -> None:
    for value, kind in (([1, (2, 3)], list), ((1, [2, 3]), tuple), ((), tuple), ([], list)):
        raw = unpack_raw(ValueEncoder().pack(value))
        assert raw == to_raw(value)
        found, items = raw_array(raw)
        assert found is kind
        assert [from_raw(item) for item in items] == list(value)


def test_maps_and_scalars_are_their_own_shape() -> None:
    raw = to_raw({"a": 1, "b": "two", "c": None, "d": 1.5, "e": b"x", "f": True})
    assert raw == {"a": 1, "b": "two", "c": None, "d": 1.5, "e": b"x", "f": True}
