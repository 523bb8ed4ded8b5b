"""The fixture recording is deterministic, and the committed one is still its shape.

The committed ``tui-classroom.cfl`` is what the snapshots show, so it only
changes on purpose: rerun ``tests/fixtures/tui-make-recordings.py`` (and
review the snapshots) when the runtime changes what it records (seq, pid,
type or data: the timestamps come from a fixed clock anyway).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from chronoflow.inspect import Timeline
from chronoflow.signals import Signal
from tests.tui.conftest import CLASSROOM, FIXTURES


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "tui_make_recordings", FIXTURES / "tui-make-recordings.py"
    )
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def _signals(path: Path) -> list[Signal]:
    with Timeline.open(path) as timeline:
        timeline.wait()
        assert timeline.complete
        return list(timeline.signals())


def test_the_fixture_is_recorded_deterministically(tmp_path: Path) -> None:
    script = _script()
    first = _signals(script.record(tmp_path / "first.cfl"))
    second = _signals(script.record(tmp_path / "second.cfl"))
    assert first == second
    assert [signal.ts for signal in first[:3]] == [1000.0, 1000.001, 1000.002]
    committed = _signals(CLASSROOM)
    assert [s[:4] for s in committed] == [s[:4] for s in first], (
        "the runtime now records the classroom differently: rerun "
        "tests/fixtures/tui-make-recordings.py and review the TUI snapshots"
    )
