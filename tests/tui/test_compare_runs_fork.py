"""Forking from the debugger (``F`` with ``--workflow``): the change is chosen on
screen, the fork is made, and it opens beside the run in compare mode."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from chronoflow.inspect import LiveSession, Timeline
from tui.app import ChronoflowApp
from tui.screens.compare_runs import CompareRunsScreen
from tui.screens.debugger import DebuggerScreen
from tui.screens.fork import ForkScreen

ROOT = Path(__file__).resolve().parents[2]
tempfile_mkdtemp = tempfile.mkdtemp
WORKFLOW = ROOT / "sample_workflows" / "client_server.py"


@pytest.fixture
def recording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The forks go to a new temporary folder: here, one under tmp_path.
    monkeypatch.setattr(
        tempfile, "mkdtemp", lambda prefix="": str(Path(tempfile_mkdtemp(dir=tmp_path)))
    )
    return Path(shutil.copy(ROOT / "recordings" / "client_server.cfl", tmp_path / "cs.cfl"))


@pytest.fixture
def timeline(recording: Path) -> Iterator[Timeline]:
    opened = Timeline.open(recording)
    assert opened.wait(timeout=10)
    yield opened
    opened.close()


async def _choose(pilot: Any, label_start: str) -> ForkScreen:
    await pilot.press("F")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ForkScreen)
    index = next(i for i, text in enumerate(screen.offered) if text.startswith(label_start))
    choices = screen.query_one(OptionList)
    choices.highlighted = index
    await pilot.press("enter")
    await pilot.pause()
    return screen


async def _forked(pilot: Any) -> CompareRunsScreen:
    for _ in range(100):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(pilot.app.screen, CompareRunsScreen):
            break
    screen = pilot.app.screen
    assert isinstance(screen, CompareRunsScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_what_can_change_is_offered_the_selected_process_first(
    recording: Path, timeline: Timeline
) -> None:
    live = LiveSession(recording, WORKFLOW, timeline)
    app = ChronoflowApp(timeline, at=11, live=live)
    async with app.run_test(size=(120, 40)) as pilot:
        app.select_process(1)
        await pilot.press("F")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ForkScreen)
        assert screen.offered == [
            "drop #8 {'id': 100, 'from': 0, 'to': 1, 'result': 1} in Client[1]'s inbox",
            "replace #8 {'id': 100, 'from': 0, 'to': 1, 'result': 1} in Client[1]'s inbox…",
            "drop #10 {'id': 101, 'from': 0, 'to': 1, 'result': 2} in Client[1]'s inbox",
            "replace #10 {'id': 101, 'from': 0, 'to': 1, 'result': 2} in Client[1]'s inbox…",
            "move #10 to the front of Client[1]'s inbox",
        ]
        await pilot.press("escape")
        assert isinstance(app.screen, DebuggerScreen)


async def test_drop_a_message_and_the_fork_opens_in_compare_mode(
    recording: Path, timeline: Timeline
) -> None:
    live = LiveSession(recording, WORKFLOW, timeline)
    app = ChronoflowApp(timeline, at=11, live=live)
    async with app.run_test(size=(120, 40)) as pilot:
        fork_screen = await _choose(pilot, "drop #8")
        compare = await _forked(pilot)
        assert fork_screen.written is not None
        assert fork_screen.written.exists()
        assert fork_screen.written.parent.parent == recording.parent
        assert compare.b.path == fork_screen.written
        assert compare.diverged == 14
        assert (compare.seq_a, compare.seq_b) == (11, 11)
        await pilot.press("d")
        assert (compare.seq_a, compare.seq_b) == (14, 14)
        await pilot.press("q")  # back to the debugger, where the fork was made
        await pilot.pause()
        assert isinstance(app.screen, DebuggerScreen)
        assert app.seq == 11


async def test_replace_a_message_with_a_typed_value(recording: Path, timeline: Timeline) -> None:
    live = LiveSession(recording, WORKFLOW, timeline)
    app = ChronoflowApp(timeline, at=11, live=live)
    async with app.run_test(size=(120, 40)) as pilot:
        await _choose(pilot, "replace #10")
        prompt_input = app.screen.query_one(Input)
        prompt_input.value = '{"id": 101, "from": 0, "to": 1, "result": 99}'
        await pilot.press("enter")
        compare = await _forked(pilot)
        last = len(compare.b) - 1
        assert compare.b.state_at(last).process(1).result == ["error", 99, 1]


async def test_without_a_workflow_f_says_what_it_needs(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=11)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, DebuggerScreen)
        assert any("--workflow" in str(note.message) for note in app._notifications)


async def test_a_fork_that_cannot_be_made_says_why(
    recording: Path, timeline: Timeline, tmp_path: Path
) -> None:
    changed = tmp_path / "client_server.py"
    changed.write_text(WORKFLOW.read_text().replace('"command": "STOP"', '"command": "HALT"'))
    live = LiveSession(recording, changed, timeline)
    app = ChronoflowApp(timeline, at=11, live=live)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _choose(pilot, "drop #8")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        error = screen.query_one("#fork-error", Static).render()
        assert str(error).startswith("cannot fork: ")
        assert "replay diverged at seq 5" in str(error)
