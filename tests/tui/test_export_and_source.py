"""Exporting the current range, the Source panel of live frames, supervision marks."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from chronoflow.inspect import LiveSession, Timeline
from tui.app import ChronoflowApp
from tui.cli import cli
from tui.widgets.source_pane import SourcePane

from .conftest import SIZE
from .panels import rows, tree

ROOT = Path(__file__).resolve().parents[2]
CLIENT_SERVER = ROOT / "recordings" / "client_server.cfl"
WORKFLOW = ROOT / "sample_workflows" / "client_server.py"


def _opened(path: Path) -> Timeline:
    timeline = Timeline.open(path)
    assert timeline.wait(timeout=10)
    return timeline


async def test_x_exports_from_the_last_bookmark_to_here(tmp_path: Path) -> None:
    timeline = _opened(CLIENT_SERVER)
    app = ChronoflowApp(timeline)
    target = tmp_path / "range.mmd"
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.go_to(3)
            await pilot.press("b")
            app.go_to(8)
            await pilot.pause()
            assert app.debugger.navigator.export_range(app.seq).describe() == "seqs 3 to 8"
            await pilot.press("x")
            await pilot.press(*str(target))
            await pilot.press("enter")
            for _ in range(50):
                await pilot.pause(0.05)
                if target.exists() and target.read_text().count("->>") == 4:
                    break
        lines = target.read_text().splitlines()
        assert lines[0] == "sequenceDiagram"
        # seqs 3..8: the three requests (3, 4, 5) and the first reply (8).
        assert [line.split(": ")[1].split(" ")[0] for line in lines if "->>" in line] == [
            "#35;3",
            "#35;4",
            "#35;5",
            "#35;8",
        ]
    finally:
        timeline.close()


async def test_a_bad_export_name_is_refused_in_the_prompt(tmp_path: Path) -> None:
    timeline = _opened(CLIENT_SERVER)
    app = ChronoflowApp(timeline)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.go_to(5)
            await pilot.press("x")
            await pilot.press(*str(tmp_path / "diagram.png"), "enter")
            await pilot.pause()
            assert app.screen.__class__.__name__ == "PromptScreen"  # still asking
            assert not (tmp_path / "diagram.png").exists()
    finally:
        timeline.close()


async def _export_to(app: ChronoflowApp, pilot: object, target: Path) -> None:
    await pilot.press("x")  # type: ignore[attr-defined]
    await pilot.press(*str(target), "enter")  # type: ignore[attr-defined]


async def test_x_asks_before_replacing_a_file_and_says_what_it_wrote(tmp_path: Path) -> None:
    timeline = _opened(CLIENT_SERVER)
    app = ChronoflowApp(timeline)
    target = tmp_path / "range.jsonl"
    target.write_text("keep me\n")
    notes: list[str] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.debugger.notify = lambda text, **_: notes.append(str(text))  # type: ignore[method-assign]
            app.go_to(8)
            await pilot.pause()
            await _export_to(app, pilot, target)
            await pilot.pause()
            assert app.screen.__class__.__name__ == "ConfirmScreen"
            await pilot.press("n")  # keep the file
            await pilot.pause(0.2)
            assert target.read_text() == "keep me\n"
            await _export_to(app, pilot, target)
            await pilot.press("y")
            for _ in range(50):
                await pilot.pause(0.05)
                if notes:
                    break
            assert len(target.read_text().splitlines()) == 9  # seqs 0..8, a line each
            assert notes == [f"exported 9 signals (seqs 0 to 8) to {target}: JSON lines"]
            notes.clear()
            trace = tmp_path / "range.json"
            await _export_to(app, pilot, trace)  # a new file: no question
            for _ in range(50):
                await pilot.pause(0.05)
                if notes:
                    break
            assert notes == [f"exported 9 signals (seqs 0 to 8) to {trace}: a Chrome trace"]
    finally:
        timeline.close()


async def test_the_source_panel_shows_the_suspended_line_and_locals() -> None:
    timeline = _opened(CLIENT_SERVER)
    app = ChronoflowApp(timeline, live=LiveSession(CLIENT_SERVER, WORKFLOW, timeline))
    try:
        async with app.run_test(size=(140, 50)) as pilot:
            app.go_to(6)  # the client's WAIT: it blocks in its select
            app.select_process(1)
            pane = app.query_one(SourcePane)
            for _ in range(100):
                await pilot.pause(0.05)
                if pane.frame is not None and pane.frame.pid == 1:
                    break
            text = rows(pane)
            assert text[0] == "Client[1] waiting, select reply_to(102)"
            assert text[1].endswith("client_server.py:" + str(pane.frame.line))
            marked = [line for line in text if line.startswith("▶")]
            assert len(marked) == 1
            assert marked[0].strip().endswith("reply = yield self.receive()")
            assert "  request_id = 102" in text
            assert "  replies = []" in text
            # Reply 102 arrives and matches: ready, as the engine says, not waiting.
            app.go_to(12)
            for _ in range(100):
                await pilot.pause(0.05)
                if pane.frame is not None and "ready" in rows(pane)[0]:
                    break
            assert rows(pane)[0] == (
                "Client[1] ready, select reply_to(102): message #12 matches, it takes it next"
            )
            assert app.world is not None
            assert app.world.process(1).status.value == "ready"
    finally:
        timeline.close()


async def _frame_of(pilot: object, pane: SourcePane, pid: int) -> None:
    for _ in range(100):
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if pane.frame is not None and pane.frame.pid == pid:
            return


async def test_the_source_panel_scrolls_by_key_and_keeps_its_place_when_stepping() -> None:
    timeline = _opened(CLIENT_SERVER)
    app = ChronoflowApp(timeline, live=LiveSession(CLIENT_SERVER, WORKFLOW, timeline))
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            app.go_to(6)
            app.select_process(1)
            pane = app.query_one(SourcePane)
            await _frame_of(pilot, pane, 1)
            pane.focus()
            centred = pane.top
            await pilot.press("down", "down", "down")
            assert pane.top == centred + 3
            app.go_to(7)  # a step: the same process, so the place is kept
            await pilot.pause(0.5)
            await _frame_of(pilot, pane, 1)
            assert pane.top == centred + 3
            await pilot.press("up")
            assert pane.top == centred + 2
    finally:
        timeline.close()


async def test_a_long_message_in_the_source_panel_is_shown_whole() -> None:
    timeline = _opened(CLIENT_SERVER)
    app = ChronoflowApp(timeline, live=LiveSession(CLIENT_SERVER, WORKFLOW, timeline))
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            pane = app.query_one(SourcePane)
            await pilot.pause()
            long = "replay diverged at seq 12: " + " ".join(f"word{i}" for i in range(80))
            pane.show_message(long)
            await pilot.pause()
            shown = " ".join(line.strip() for line in rows(pane))
            assert shown == long
            assert len(rows(pane)) > 1
            assert all(len(line) < pane.size.width for line in rows(pane))
    finally:
        timeline.close()


async def test_the_tree_shows_restarts_trapping_links_and_timers() -> None:
    timeline = _opened(ROOT / "recordings" / "supervised_pool.cfl")
    app = ChronoflowApp(timeline)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            app.go_to(47)
            await pilot.pause()
            shown = tree(app)
            assert shown["Supervisor[1]"] == "waiting ✉ 0 · receive ↻1 ⚑trap ⛓2,3,5"
            assert shown["Worker[2]"] == "sleeping ✉ 0 · sleep ⏱1s ⛓1"
            assert shown["Worker[4]"] == "crashed ✉ 0 ValueError: w3 cannot handle 'poison'"
    finally:
        timeline.close()


def test_workflow_errors_are_one_line() -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, [str(CLIENT_SERVER), "--workflow", "no/such.py"])
    assert missing.exit_code == 1
    assert missing.output.strip() == "error: no/such.py: no such workflow file"
    wrong = runner.invoke(
        cli, [str(CLIENT_SERVER), "--workflow", str(ROOT / "sample_workflows" / "echo.py")]
    )
    assert wrong.exit_code == 1
    assert len(wrong.output.strip().splitlines()) == 1
    assert "runs template 'Server' (seq 0), which" in wrong.output


def test_live_session_is_usable_from_a_thread() -> None:
    session = LiveSession(CLIENT_SERVER, WORKFLOW)

    async def in_thread() -> int:
        frames = await asyncio.to_thread(session.goto, 6)
        return frames.reached

    assert asyncio.run(in_thread()) >= 6
