"""Every key of the debugger, pressed on the classroom recording."""

from __future__ import annotations

import pytest

from chronoflow.signals import SignalType
from tests.tui.conftest import DELIVER_SECOND, LAST, SIZE, TOTAL
from tests.tui.panels import detail, mailbox, settle, status, timeline_rows, tree
from tui.app import ChronoflowApp
from tui.screens.filter import FilterScreen
from tui.screens.help import HelpScreen
from tui.screens.prompt import PromptScreen
from tui.widgets.mailbox import MailboxPane
from tui.widgets.process_tree import ProcessTree
from tui.widgets.signal_detail import SignalDetail
from tui.widgets.signal_list import SignalList


@pytest.mark.parametrize(("forward", "back"), [("right", "left"), ("l", "h")])
async def test_step_forward_and_back(app: ChronoflowApp, forward: str, back: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(forward, forward)
        assert app.seq == 2
        assert "Monitor[2]" in tree(app)
        assert f"seq 2 of 0–{LAST}" in status(app)
        await pilot.press(back)
        assert app.seq == 1
        assert "Monitor[2]" not in tree(app)
        await pilot.press(back, back)
        assert app.seq == 0  # stays at the first signal


async def test_home_and_end(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        assert app.seq == LAST
        assert tree(app)["Faulty[6]"].startswith("crashed")
        await pilot.press("right")
        assert app.seq == LAST  # stays at the last signal
        await pilot.press("home")
        assert app.seq == 0


async def test_go_to_a_typed_seq(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("9", "9", "enter")
        assert isinstance(app.screen, PromptScreen), "seq 99 is beyond the end"
        assert "beyond the end" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press("backspace", "backspace", "3", "1", "enter")
        assert not isinstance(app.screen, PromptScreen)
        assert app.seq == 31
        await pilot.press("g", "5", "escape")
        assert app.seq == 31


async def test_next_and_previous_signal_of_the_selected_process(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(1)
        await pilot.press("n")
        assert app.seq == 1
        await pilot.press("n", "n", "n", "n")
        assert app.seq == 8  # START, three SENDs, WAIT select
        assert mailbox(app)[1].startswith("waits for a message matching reply_to(102)")
        await pilot.press("right_square_bracket")
        assert app.seq == 18  # its first RECEIVE, of reply 102
        await pilot.press("p")
        assert app.seq == 8
        await pilot.press("left_square_bracket")
        assert app.seq == 7


async def test_select_the_current_signals_process(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(2)
        await pilot.press("s")
        assert app.selected_pid == 2
        assert mailbox(app)[0].startswith("▶ Monitor[2]")


async def test_enter_follows_the_causal_link(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(16)  # Server sends reply 102
        await settle(app, pilot)
        assert "received by Client[1]  seq 18" in detail(app)
        await pilot.press("enter")
        assert app.seq == 18
        await settle(app, pilot)
        assert "sent by Server[0]  seq 16" in detail(app)
        await pilot.press("enter")
        assert app.seq == 16


async def test_choose_among_several_links(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(DELIVER_SECOND)  # 'second': inherited by both children, received by each
        await settle(app, pilot)
        links = app.query_one(SignalDetail).links
        assert len(links) >= 2
        await pilot.press("tab")
        assert app.focused is app.query_one(SignalDetail)
        await pilot.press("down", "enter")
        assert app.seq == links[1].seq


async def test_search_forward_then_next_and_previous_match(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"type:nonsense", "enter")
        assert isinstance(app.screen, PromptScreen), "a bad query keeps the prompt open"
        app.screen.query_one("#prompt-input").value = "type:DROP"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.seq == 25
        assert "search: type:DROP" in status(app)
        await pilot.press("full_stop")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.seq == 27
        await pilot.press("comma")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.seq == 25


async def test_search_by_text(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *'"second"', "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.seq == DELIVER_SECOND


async def test_only_the_selected_process(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(2)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "filter: pid:2" in status(app)
        shown = timeline_rows(app)
        assert all(row.split()[1 if row.startswith(" ") else 2] == "2" for row in shown)
        await pilot.press("right")
        assert app.seq == 2
        await pilot.press("right")
        assert app.seq == 9
        await pilot.press("o")
        assert len(timeline_rows(app)) == TOTAL


async def test_hide_types_in_the_filter_screen(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        assert isinstance(app.screen, FilterScreen)
        types = app.screen.query_one("#filter-types")
        for kind in (SignalType.START, SignalType.WAIT):
            types.deselect(int(kind))  # type: ignore[attr-defined]
        await pilot.click("#filter-apply")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "filter: -type:START,WAIT" in status(app)
        shown = timeline_rows(app)
        assert not [row for row in shown if " START " in row or " WAIT " in row]
        await pilot.press("home")
        assert app.seq == 5  # the first SEND: starts and waits are hidden
        await pilot.press("f")
        await pilot.click("#filter-clear")
        assert len(timeline_rows(app)) == TOTAL


async def test_play_pause_and_speed(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus", "plus")
        assert app.debugger.playback.speed == 20
        await pilot.press("minus", "minus", "minus")
        assert app.debugger.playback.speed == 2
        await pilot.press("space")
        assert app.debugger.playback.playing
        assert "▶ playing 2/s" in status(app)
        await pilot.pause(0.8)
        await pilot.press("space")
        stopped = app.seq
        assert 0 < stopped < LAST
        assert "playing" not in status(app)
        await pilot.pause(0.6)
        assert app.seq == stopped


async def test_playing_stops_at_the_end(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(LAST - 3)
        await pilot.press(*["plus"] * 5, "space")
        await pilot.pause(0.4)
        assert app.seq == LAST
        assert not app.debugger.playback.playing


async def test_bookmarks(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("apostrophe")  # none yet: nothing happens
        assert app.seq == 0
        app.go_to(10)
        await pilot.press("b")
        app.go_to(40)
        await pilot.press("b")
        assert "★ 2" in status(app)
        await pilot.press("home", "apostrophe")
        assert app.seq == 10
        await pilot.press("apostrophe")
        assert app.seq == 40
        await pilot.press("apostrophe")
        assert app.seq == 10  # wraps around
        await pilot.press("B")
        assert app.seq == 40
        await pilot.press("b")  # unmark 40
        assert "★ 1" in status(app)


async def test_tab_moves_focus_between_panels(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        assert app.focused is app.query_one(SignalList)
        order = []
        for _ in range(4):
            await pilot.press("tab")
            order.append(type(app.focused))
        assert set(order) == {ProcessTree, MailboxPane, SignalList, SignalDetail}
        await pilot.press("shift+tab")
        assert type(app.focused) is order[-2]


async def test_arrow_keys_inside_the_panels(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down")
        assert app.seq == 2  # the timeline has focus: down is the next row
        await pilot.press("up")
        assert app.seq == 1
        app.query_one(ProcessTree).focus()
        await pilot.press("down")
        assert app.selected_pid == 1
        await pilot.press("up", "up")
        assert app.selected_pid == 0


async def test_help_lists_every_key(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_quit(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        assert not app.is_running


async def test_page_down_and_up_in_the_timeline(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        page = app.query_one(SignalList).page
        await pilot.press("pagedown")
        assert app.seq == page - 1
        await pilot.press("pageup")
        assert app.seq == 0
