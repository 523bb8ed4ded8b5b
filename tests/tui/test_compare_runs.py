"""Compare mode (``chronoflow-tui A.cfl --compare B.cfl``): two runs side by side.

The original client/server recording (A) and a fork of it that drops
message #8 (B): they diverge at seq 14. Pilot tests press the keys and
read what the panes paint; snapshots at 120x40 and 80x24.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronoflow import SimpleScheduler
from chronoflow.inspect import Timeline
from chronoflow.recording import Recorder
from chronoflow.replay.fork import make_fork
from chronoflow.replay.fork_changes import DropMessage
from chronoflow.replay.workflow import load_workflow, run_workflow
from tui.cli import cli
from tui.compare_app import CompareRunsApp
from tui.screens.compare_runs import CompareRunsScreen
from tui.widgets.run_pane import RunPane

ROOT = Path(__file__).resolve().parents[2]
Snap = Callable[..., bool]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """client_server.cfl and its fork at seq 11 that drops message #8."""
    folder = tmp_path_factory.mktemp("runs")
    original = Path(shutil.copy(ROOT / "recordings" / "client_server.cfl", folder / "a.cfl"))
    fork = folder / "b.cfl"
    make_fork(original, ROOT / "sample_workflows" / "client_server.py", 11, DropMessage(8), fork)
    return original, fork


@pytest.fixture
def timelines(runs: tuple[Path, Path]) -> Iterator[tuple[Timeline, Timeline]]:
    a, b = Timeline.open(runs[0]), Timeline.open(runs[1])
    assert a.wait(timeout=10)
    assert b.wait(timeout=10)
    yield a, b
    a.close()
    b.close()


def painted(widget: Any) -> str:
    """What ``widget`` paints now, line by line."""
    height = widget.size.height
    return "\n".join("".join(s.text for s in widget.render_line(y)) for y in range(height))


async def _compared(pilot: Any) -> CompareRunsScreen:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareRunsScreen)
    return screen


async def test_the_divergence_is_named_and_d_jumps_to_it(
    timelines: tuple[Timeline, Timeline],
) -> None:
    app = CompareRunsApp(*timelines)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compared(pilot)
        assert screen.diverged == 14
        top = painted(screen.query_one("#compare-top"))
        assert "≠ the runs diverge at seq 14 (step 6 of Client[1]): A has RECEIVE 12" in top
        assert (screen.seq_a, screen.seq_b) == (0, 0)
        await pilot.press("d")
        assert (screen.seq_a, screen.seq_b) == (14, 14)
        a_pane = painted(screen.query_one("#pane-a", RunPane))
        b_pane = painted(screen.query_one("#pane-b", RunPane))
        assert "▶≠   14   1 receive #12" in a_pane
        assert "▶≠   14   1 drop #8" in b_pane
        assert "Client[1]  running  inbox #8 #10" in a_pane
        bottom = painted(screen.query_one("#compare-bottom"))
        assert "processes that differ: 1 of 2" in bottom
        assert "status: stopped vs waiting" in bottom


async def test_both_panes_step_together_by_seq(timelines: tuple[Timeline, Timeline]) -> None:
    app = CompareRunsApp(*timelines, at=12)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compared(pilot)
        assert (screen.seq_a, screen.seq_b) == (12, 12)
        await pilot.press("right", "right", "l")
        assert (screen.seq_a, screen.seq_b) == (15, 15)
        await pilot.press("left", "h")
        assert (screen.seq_a, screen.seq_b) == (13, 13)
        await pilot.press("end")
        assert (screen.seq_a, screen.seq_b) == (17, 17)
        await pilot.press("right")  # the last seq of the longer run
        assert screen.seq_a == 17
        await pilot.press("home")
        assert (screen.seq_a, screen.seq_b) == (0, 0)


async def test_by_step_each_pane_follows_the_selected_process(
    timelines: tuple[Timeline, Timeline],
) -> None:
    app = CompareRunsApp(*timelines)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compared(pilot)
        assert screen.pid == 1  # the process that diverged is selected
        await pilot.press("s")
        assert screen.by_step
        assert (screen.seq_a, screen.seq_b) == (1, 1)  # its first signal
        await pilot.press("right", "right")  # its sends at seq 3 and 4
        assert (screen.seq_a, screen.seq_b) == (4, 4)
        await pilot.press("d")  # its first differing step
        assert (screen.seq_a, screen.seq_b) == (14, 14)
        top = painted(screen.query_one("#compare-top"))
        assert top.strip().startswith("A seq 14 · B seq 14 · aligned by step of process 1")
        await pilot.press("j")  # the server: the same in both runs
        assert screen.pid == 0
        assert (screen.seq_a, screen.seq_b) == (0, 0)
        await pilot.press("d")
        assert (screen.seq_a, screen.seq_b) == (0, 0)
        await pilot.press("s")
        assert not screen.by_step


async def test_identical_runs_say_so(runs: tuple[Path, Path]) -> None:
    a, b = Timeline.open(runs[0]), Timeline.open(runs[0])
    try:
        app = CompareRunsApp(a, b)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _compared(pilot)
            assert screen.diverged is None
            top = painted(screen.query_one("#compare-top"))
            assert "no divergence: the runs agree on all 18 signals" in top
            await pilot.press("d")
            assert (screen.seq_a, screen.seq_b) == (0, 0)
    finally:
        a.close()
        b.close()


def test_the_command_line_refuses_what_compare_cannot_do(
    runs: tuple[Path, Path], tmp_path: Path
) -> None:
    a, _ = runs
    missing = CliRunner().invoke(cli, [str(a), "--compare", str(tmp_path / "nope.cfl")])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == f"error: {tmp_path / 'nope.cfl'}: no such file"
    with_follow = CliRunner().invoke(cli, [str(a), "--compare", str(a), "--follow"])
    assert with_follow.exit_code == 2
    assert "--compare goes with --at only" in with_follow.output


def test_the_command_line_opens_compare_mode(
    runs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str, int]] = []

    def run(app: CompareRunsApp) -> None:
        screen = app.get_default_screen()
        seen.append((app.a.path.name, app.b.path.name, screen.seq_a))

    monkeypatch.setattr(CompareRunsApp, "run", run)
    result = CliRunner().invoke(cli, [str(runs[0]), "--compare", str(runs[1]), "--at", "5"])
    assert result.exit_code == 0, result.output
    assert seen == [("a.cfl", "b.cfl", 5)]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_snapshot_at_the_divergence(
    snap_compare: Snap, timelines: tuple[Timeline, Timeline], size: tuple[int, int]
) -> None:
    app = CompareRunsApp(*timelines)

    async def at_divergence(pilot: Any) -> None:
        await _compared(pilot)
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=at_divergence)


async def test_many_processes_leave_room_for_the_signals(tmp_path: Path) -> None:
    """A ring of 30 processes: the panes list the processes around the selected
    one, count the rest, and still show the current signal."""
    ring = tmp_path / "ring.cfl"
    workflow = load_workflow(ROOT / "sample_workflows" / "process_ring.py")
    async with SimpleScheduler(record=Recorder(ring, workflow="process_ring.py")) as scheduler:
        await run_workflow(workflow, scheduler, ["30", "1"])
    a, b = Timeline.open(ring), Timeline.open(ring)
    try:
        app = CompareRunsApp(a, b, at=60)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await _compared(pilot)
            pane = painted(screen.query_one("#pane-a", RunPane))
            assert "more processes" in pane
            assert "▶    60" in pane
            shown = [line for line in pane.splitlines() if "Node[" in line]
            assert len(shown) < 10
    finally:
        a.close()
        b.close()
