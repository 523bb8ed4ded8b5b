"""Columns: finding every seq holding a value, forward and backward, in chunks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chronoflow.inspect import columns
from chronoflow.inspect.columns import Column

VALUES = [0, 1, 2, 255, 256, 257, 65536, 65537, 1 << 24, (1 << 32) - 2]


@given(
    values=st.lists(st.sampled_from(VALUES), max_size=60),
    wanted=st.sampled_from(VALUES),
    bounds=st.tuples(st.integers(0, 70), st.integers(0, 70)),
    chunk=st.integers(1, 9),
)
def test_positions_are_exactly_the_seqs_holding_the_value(
    values: list[int], wanted: int, bounds: tuple[int, int], chunk: int
) -> None:
    start, stop = sorted(bounds)
    column = Column("I", 0xFFFFFFFF)
    column.data.extend(values)
    expected = [i for i, v in enumerate(values) if start <= i < stop and v == wanted]
    saved = columns.CHUNK
    columns.CHUNK = chunk
    try:
        assert list(column.positions(wanted, start, stop)) == expected
        assert list(column.positions(wanted, start, stop, backward=True)) == expected[::-1]
    finally:
        columns.CHUNK = saved


def test_values_that_do_not_fit_are_never_found() -> None:
    column = Column("B", 255)
    column.data.extend([1, 255, 2])
    assert list(column.positions(255, 0, 3)) == []
    assert list(column.positions(-1, 0, 3)) == []
    assert column.fits(254)
    assert not column.fits(255)
    with pytest.raises(IndexError):
        column[3]
