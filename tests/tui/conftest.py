"""Fixtures of the TUI tests: the classroom recording, opened and fully indexed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chronoflow.inspect import Timeline
from tui.app import ChronoflowApp

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLASSROOM = FIXTURES / "tui-classroom.cfl"
#: The terminal every pilot and snapshot test runs in.
SIZE = (120, 40)
#: How many signals the classroom recording holds, and its last seq.
TOTAL = 72
LAST = TOTAL - 1
#: Seqs the tests visit: when the fixture is recorded anew, update them here.
PARENT_JOINS = 50  # Parent[3] WAIT join 7; both children hold inherited copies
DELIVER_SECOND = 43  # 'second' pushed to Parent[3], later inherited by both children
KILL = 67  # Sleeper[9] killed when its parent Supervisor[5] crashed


@pytest.fixture
def timeline() -> Iterator[Timeline]:
    """The classroom recording (72 signals), indexed before the test starts."""
    opened = Timeline.open(CLASSROOM)
    assert opened.wait(timeout=10)
    yield opened
    opened.close()


@pytest.fixture
def app(timeline: Timeline) -> ChronoflowApp:
    """The debugger on the classroom recording, at seq 0."""
    return ChronoflowApp(timeline)
