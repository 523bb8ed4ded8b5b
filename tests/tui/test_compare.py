"""Comparing two moments: m marks A and B, c opens the Diff screen, enter jumps to a row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chronoflow.inspect import Timeline
from tests.tui.conftest import SIZE
from tests.tui.panels import settle, status
from tui.app import ChronoflowApp
from tui.marks import Marks
from tui.screens.compare import DiffScreen

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


async def compared(app: ChronoflowApp, pilot: Any) -> DiffScreen:
    """Press c and wait for the diff's worker; the Diff screen."""
    await pilot.press("c")
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DiffScreen)
    return screen


def texts(screen: DiffScreen) -> list[str]:
    return [text.plain for text, _ in screen.rows]


async def test_m_marks_a_then_b_and_c_lists_what_changed_by_process(
    timeline: Timeline,
) -> None:
    app = ChronoflowApp(timeline, at=10)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        assert status(app).endswith("A 10")
        app.go_to(50)
        await pilot.press("m")
        assert status(app).endswith("A 10 · B 50")
        screen = await compared(app, pilot)
        assert (screen.a, screen.b) == (10, 50)
        shown = texts(screen)
        assert shown[0] == "Server[0]  7 changes"
        assert shown[1] == "  11  taken out  #5 {'from': 1, 'id': 100, 'to': 0} received"
        assert "  17  status     ready to run → waiting for a message" in shown
        assert "Parent[3]  4 changes" in shown
        assert "  40  started    started as Parent" in shown
        assert (
            "  46  arrived    #41 'first' inherited from its parent's inbox at spawn (seq 45)"
            in (shown)
        )
        # Enter on a row goes to its seq (a jump: back returns) and closes the screen.
        started = shown.index("  40  started    started as Parent")
        assert screen.rows[started][1] == 40
        await pilot.press(*["down"] * (started - 1), "enter")
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)
        assert app.seq == 40
        await pilot.press("ctrl+o")
        assert app.seq == 50


async def test_c_with_only_a_compares_a_with_the_current_seq(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=50)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("c")  # no mark yet: nothing to compare
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)
        await pilot.press("m")
        app.go_to(10)
        screen = await compared(app, pilot)
        assert (screen.a, screen.b) == (50, 10)
        hint = str(screen.query_one("#diff-hint").render())
        assert "B is before A: rows read from seq 10 on" in hint
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DiffScreen)
        assert app.seq == 10


async def test_a_diff_with_more_rows_than_listed_counts_the_rest() -> None:
    timeline = Timeline.open(RECORDINGS / "bounded_mailbox.cfl")
    assert timeline.wait(timeout=10)
    app = ChronoflowApp(timeline, at=0)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("m")
            app.go_to(len(timeline) - 1)
            screen = await compared(app, pilot)
            note = "  … 14 more messages sent (10 of 24 listed)"
            assert note in texts(screen)
            assert screen.rows[texts(screen).index(note)][1] is None
    finally:
        timeline.close()


async def test_the_diff_screen_fits_80_by_24(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        app.go_to(50)
        screen = await compared(app, pilot)
        box = screen.query_one("#diff-box").region
        assert box.right <= 80
        assert box.bottom <= 24
        listed = screen.query_one("#diff-list").region
        assert listed.height >= 15


def test_marks_cycle_and_unmark() -> None:
    marks = Marks()
    assert marks.pair(7) is None
    assert marks.label() is None
    assert marks.mark(3).startswith("A = seq 3")
    assert marks.pair(7) == (3, 7)
    assert marks.mark(3) == "mark A at seq 3 taken away"
    assert marks.label() is None
    marks.mark(3)
    assert marks.mark(9).startswith("B = seq 9")
    assert (marks.pair(7), marks.label()) == ((3, 9), "A 3 · B 9")
    marks.mark(12)  # a third mark starts again
    assert (marks.a, marks.b) == (12, None)
