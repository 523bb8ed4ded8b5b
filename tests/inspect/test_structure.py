"""The engine's shape: a Timeline holds its parts, and module names a newcomer can tell apart."""

from __future__ import annotations

import itertools
from pathlib import Path

from chronoflow.inspect import MemorySource, Timeline
from chronoflow.inspect.index import Index
from chronoflow.inspect.index_thread import IndexThread
from chronoflow.inspect.search import Search
from chronoflow.inspect.source import SourceReader
from chronoflow.inspect.world_cache import WorldCache
from chronoflow.signals import Signal, SignalType

PACKAGE = Path(__file__).resolve().parent.parent.parent / "chronoflow"

#: What the front ends (the TUI, the CLI) and scripts call on a Timeline.
PUBLIC = {
    "add_listener",
    "census",
    "changed_at",
    "close",
    "complete",
    "describe",
    "diff",
    "find",
    "find_all",
    "gap_at",
    "gaps",
    "indexing_started",
    "interval",
    "links",
    "mailbox",
    "metadata",
    "name_of",
    "newer_types",
    "next_for",
    "next_change",
    "next_match",
    "next_of_process",
    "open",
    "origin",
    "overview",
    "path",
    "pending",
    "previous_change",
    "previous_for",
    "previous_match",
    "previous_of_process",
    "progress",
    "ready",
    "remove_listener",
    "signal",
    "signals",
    "standstill",
    "start_indexing",
    "state_at",
    "summary",
    "template_at",
    "trace",
    "wait",
    "warnings",
    "why",
}


def test_a_timeline_holds_its_parts_and_inherits_from_none() -> None:
    assert Timeline.__mro__ == (Timeline, object)
    signals = [Signal(0, 1, SignalType.START, {"template": "T", "args": [], "parent": None})]
    with Timeline(MemorySource(signals), background=False) as timeline:
        assert isinstance(timeline.index, Index)
        assert isinstance(timeline.indexer, IndexThread)
        assert isinstance(timeline.reader, SourceReader)
        assert isinstance(timeline.worlds, WorldCache)
        assert isinstance(timeline.search, Search)
        assert timeline.state_at(0).pids == (1,)


def test_a_timeline_keeps_every_public_method_front_ends_use() -> None:
    assert {name for name in dir(Timeline) if not name.startswith("_")} == PUBLIC


def _near(a: str, b: str) -> bool:
    """One letter apart, or one name the other with an ending (``world``/``worlds``,
    ``search``/``searching``)."""
    if any(b == a + end or a == b + end for end in ("s", "es", "ing", "er", "ed")):
        return True
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and any(
        long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


def test_no_two_modules_side_by_side_have_names_a_letter_or_an_ending_apart() -> None:
    found = []
    for folder in [PACKAGE, *(p for p in PACKAGE.rglob("*") if p.is_dir())]:
        names = {p.stem for p in folder.glob("*.py")} | {
            p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()
        }
        found += [
            f"{folder.relative_to(PACKAGE.parent)}: {a} / {b}"
            for a, b in itertools.combinations(sorted(names), 2)
            if _near(a, b)
        ]
    assert found == []
