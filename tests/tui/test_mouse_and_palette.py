"""Mouse clicks and the command palette drive the same actions as the keys."""

from __future__ import annotations

from textual import events

from tests.tui.conftest import LAST, SIZE
from tests.tui.panels import mailbox, settle
from tui.app import ChronoflowApp
from tui.widgets.signal_list import SignalList


async def test_click_a_process_to_select_it(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(16)
        await pilot.pause()
        await pilot.click("#tree", offset=(8, 2))  # border, then row 1: Client[1]
        assert app.selected_pid == 1
        assert mailbox(app)[0].startswith("▷ Client[1]")  # ready: reply 102 matches


async def test_click_a_timeline_row_to_go_there(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#signals", offset=(20, 6))  # border, then row 5
        assert app.seq == 5


async def test_click_a_causal_link_to_follow_it(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(16)
        await settle(app, pilot)
        detail = app.query_one("#detail")
        link_row = len(detail._lines) - 1  # type: ignore[attr-defined]
        await pilot.click("#detail", offset=(6, 1 + link_row))
        assert app.seq == 18


async def test_the_wheel_scrolls_the_timeline_without_moving(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        signals = app.query_one(SignalList)
        for _ in range(3):
            signals.post_message(
                events.MouseScrollDown(signals, 20, 5, 0, 1, 0, False, False, False)
            )
        await pilot.pause()
        assert signals.top > 0
        assert app.seq == 0


async def test_the_palette_runs_actions(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Last")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.seq == LAST


async def test_the_palette_goes_to_a_seq_and_selects_processes(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", "4", "2")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.seq == 42
        await pilot.press("ctrl+p", *"Select process Parent")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected_pid == 3
