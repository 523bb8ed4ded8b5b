"""The jump history: every jump is recorded; back and forward go through it like a browser's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets._footer import FooterKey

from chronoflow.inspect import Timeline
from tests.tui.conftest import LAST, SIZE
from tests.tui.panels import settle
from tui.app import ChronoflowApp
from tui.jumps import LIMIT, JumpHistory
from tui.screens.help import keys_table
from tui.screens.pending import PendingScreen

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"
BACK = ("ctrl+o", "backspace", "alt+left")
FORWARD = ("alt+right", "ctrl+y")

# -- the history itself -------------------------------------------------------------


def test_back_and_forward_walk_the_jumps() -> None:
    jumps = JumpHistory()
    assert jumps.back(0) is None
    jumps.record(0, 10)
    jumps.record(10, 20)
    assert jumps.back(20) == 10
    assert jumps.back(10) == 0
    assert jumps.back(0) is None
    assert jumps.forward(0) == 10
    assert jumps.forward(10) == 20
    assert jumps.forward(20) is None


def test_a_jump_after_going_back_drops_the_forward_part() -> None:
    jumps = JumpHistory()
    jumps.record(0, 10)
    jumps.record(10, 20)
    assert jumps.back(20) == 10
    jumps.record(10, 30)
    assert jumps.entries == (0, 10, 30)
    assert jumps.forward(30) is None
    assert jumps.back(30) == 10


def test_steps_after_a_jump_are_where_forward_returns() -> None:
    jumps = JumpHistory()
    jumps.record(0, 10)
    assert jumps.back(13) == 0  # stepped from 10 to 13, then back
    assert jumps.forward(0) == 13
    jumps.record(15, 40)  # stepped on to 15, then jumped
    assert jumps.entries == (0, 15, 40)


def test_an_entry_where_the_person_already_is_is_skipped() -> None:
    jumps = JumpHistory()
    jumps.record(0, 10)
    jumps.record(10, 20)
    assert jumps.back(10) == 0  # stepped from 20 back to 10: back goes on to 0
    assert jumps.forward(0) == 10
    jumps.record(10, 10)  # no move, no entry
    assert jumps.entries == (0, 10)


def test_the_history_keeps_the_last_entries() -> None:
    jumps = JumpHistory()
    for seq in range(LIMIT * 2):
        jumps.record(seq, seq + 1)
    assert len(jumps) == LIMIT
    assert jumps.entries[-1] == LIMIT * 2
    assert jumps.position == LIMIT - 1


# -- the keys -------------------------------------------------------------------------


@pytest.mark.parametrize(("back", "forward"), list(zip(BACK, [*FORWARD, "alt+right"], strict=True)))
async def test_back_and_forward_keys(app: ChronoflowApp, back: str, forward: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", "3", "1", "enter")
        await pilot.pause()
        assert app.seq == 31
        await pilot.press("end")
        assert app.seq == LAST
        await pilot.press(back)
        assert app.seq == 31
        await pilot.press(back)
        assert app.seq == 0
        await pilot.press(back)
        assert app.seq == 0  # nothing before the first jump
        await pilot.press(forward)
        assert app.seq == 31
        await pilot.press(forward)
        assert app.seq == LAST
        await pilot.press(forward)
        assert app.seq == LAST


async def test_steps_are_not_jumps(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(1)
        await pilot.press("right", "right", "n", "down", "pagedown", "left")
        stepped = app.seq
        assert stepped > 0
        await pilot.press("ctrl+o")
        assert app.seq == stepped  # no jump was made
        await pilot.press("home")
        await pilot.press("ctrl+o")
        assert app.seq == stepped


async def test_a_new_jump_after_going_back_drops_the_forward_part(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        for digit in ("1", "2"):
            await pilot.press("g", digit, "0", "enter")
            await pilot.pause()
        await pilot.press("ctrl+o")
        assert app.seq == 10
        await pilot.press("g", "3", "0", "enter")
        await pilot.pause()
        await pilot.press("alt+right")
        assert app.seq == 30  # 20 was dropped
        await pilot.press("ctrl+o", "ctrl+o")
        assert app.seq == 0


async def _searched(app: ChronoflowApp, pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize(
    ("start", "keys", "reached"),
    [
        (16, ("enter",), 18),  # a causal link
        (0, ("slash", *"type:DROP", "enter"), 25),  # a search hit
        (25, ("full_stop",), 27),  # the next match
        (0, ("g", "4", "2", "enter"), 42),
        (0, ("end",), LAST),
        (LAST, ("home",), 0),
        (0, ("5",), 36),  # the scrubber's keys: 50% of 72 seqs
    ],
)
async def test_every_jump_is_recorded(
    app: ChronoflowApp, start: int, keys: tuple[str, ...], reached: int
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(start)
        if keys == ("full_stop",):
            app.debugger.navigator.search_query = "type:DROP"
        await settle(app, pilot)
        await _searched(app, pilot, *keys)
        assert app.seq == reached
        await pilot.press("ctrl+o")
        assert app.seq == start
        await pilot.press("alt+right")
        assert app.seq == reached


async def test_bookmark_cycling_is_a_jump(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(40)
        await pilot.press("b")
        app.go_to(5)
        await pilot.press("apostrophe")
        assert app.seq == 40
        await pilot.press("backspace")
        assert app.seq == 5


async def test_a_row_of_the_waits_screen_is_a_jump() -> None:
    timeline = Timeline.open(RECORDINGS / "dining_philosophers.cfl")
    assert timeline.wait(timeout=10)
    app = ChronoflowApp(timeline)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("D")
            assert app.seq == 64  # the standstill: a jump
            await pilot.press("ctrl+o")
            assert app.seq == 0
            app.go_to(50)
            await pilot.press("w")
            assert isinstance(app.screen, PendingScreen)
            app.screen.dismiss(27)  # a row's seq: where a wait began
            await pilot.pause()
            assert app.seq == 27
            await pilot.press("ctrl+o")
            assert app.seq == 50
    finally:
        timeline.close()


async def test_the_history_is_capped(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE):
        for seq in range(LIMIT + 30):
            app.debugger.jump_to(seq % 2 * 10 + seq % 7)
        assert len(app.debugger.navigator.jumps) <= LIMIT


async def test_the_footer_and_the_help_show_the_keys(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = [key.description for key in app.query(FooterKey)]
        assert "Jump back" in shown
    console = Console(width=140, record=True)
    console.print(keys_table())
    help_text = console.export_text()
    assert "ctrl+o / backspace / alt+←" in help_text
    assert "alt+→ / ctrl+y" in help_text
    assert "0 … 9" in help_text


async def test_the_palette_s_go_to_seq_is_a_jump(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(3)
        await pilot.press("ctrl+p", "4", "2")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.seq == 42
        await pilot.press("ctrl+o")
        assert app.seq == 3
