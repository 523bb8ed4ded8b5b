"""Names a newcomer can place: no two modules whose names differ by one letter."""

from __future__ import annotations

import itertools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_letter_apart(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def test_the_checker() -> None:
    assert one_letter_apart("world", "worlds")
    assert one_letter_apart("reader", "render")
    assert not one_letter_apart("search", "world")
    assert not one_letter_apart("run", "run")


def test_no_two_modules_differ_by_one_letter() -> None:
    modules = [*ROOT.joinpath("chronoflow").rglob("*.py"), *ROOT.joinpath("tui").rglob("*.py")]
    names = sorted({path.stem for path in modules if path.stem != "__init__"})
    assert [(a, b) for a, b in itertools.combinations(names, 2) if one_letter_apart(a, b)] == []
