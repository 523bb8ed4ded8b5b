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


@pytest.fixture
def timeline() -> Iterator[Timeline]:
    """The classroom recording (74 signals), indexed before the test starts."""
    opened = Timeline.open(CLASSROOM)
    assert opened.wait(timeout=10)
    yield opened
    opened.close()


@pytest.fixture
def app(timeline: Timeline) -> ChronoflowApp:
    """The debugger on the classroom recording, at seq 0."""
    return ChronoflowApp(timeline)
