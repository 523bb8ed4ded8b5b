"""Watches: W chooses what to watch, } and { jump to where it changes."""

from __future__ import annotations

from typing import Any

from chronoflow.inspect import Aspect, MessageEvent, MessageWatch, ProcessWatch, Timeline
from tests.tui.conftest import LAST, SIZE
from tests.tui.panels import settle, status
from tui.app import ChronoflowApp
from tui.screens.watch_chooser import WatchChooser


async def choose(pilot: Any, app: ChronoflowApp, label: str) -> None:
    """Open the chooser and pick the row whose label is ``label``."""
    await pilot.press("W")
    assert isinstance(app.screen, WatchChooser)
    labels = [watched.label for watched in app.screen._offered]
    for _ in range(labels.index(label)):
        await pilot.press("down")
    await pilot.press("enter")
    assert not isinstance(app.screen, WatchChooser)


async def test_w_offers_the_selected_process_and_the_current_message(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=16)  # the server sends reply 102 (message #16)
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(1)
        await pilot.press("W")
        assert isinstance(app.screen, WatchChooser)
        assert [watched.label for watched in app.screen._offered] == [
            "status of Client[1]",
            "inbox of Client[1]",
            "message #16 delivered",
            "message #16 received",
            "message #16 dropped",
            "message #16",
        ]
        await pilot.press("escape")
        assert "watch:" not in status(app)


async def test_braces_jump_to_the_next_and_previous_status_change(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=16)
    watch = ProcessWatch(1, Aspect.STATUS)
    after = timeline.next_change(watch, 16)
    assert after is not None
    before = timeline.previous_change(watch, after)
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(1)
        await choose(pilot, app, "status of Client[1]")
        assert "watch: status of Client[1]" in status(app)
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert app.seq == after == 18  # it takes reply 102 and runs
        await pilot.press("left_curly_bracket")
        await settle(app, pilot)
        assert app.seq == before == 16  # reply 102 made it ready
        await pilot.press("left_curly_bracket")
        await settle(app, pilot)
        assert app.seq == timeline.previous_change(watch, 16)
        await pilot.press("ctrl+o")  # a watch jump is a jump: back goes back
        assert app.seq == 16


async def test_the_inbox_and_a_message_can_be_watched(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=16)
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(1)
        await choose(pilot, app, "inbox of Client[1]")
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert app.seq == timeline.next_change(ProcessWatch(1, Aspect.INBOX), 16)
        app.go_to(16)
        await pilot.pause()
        await choose(pilot, app, "message #16 received")
        assert "watch: message #16 received" in status(app)
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        received = MessageWatch(16, frozenset({MessageEvent.RECEIVED}))
        assert app.seq == timeline.next_change(received, 16) == 18


async def test_a_brace_with_nothing_watched_opens_the_chooser(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=16)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right_curly_bracket")
        assert isinstance(app.screen, WatchChooser)
        await pilot.press("escape")
        assert app.seq == 16


async def test_no_change_left_says_so_and_stays(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=LAST)
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(1)  # the client stopped long before
        await choose(pilot, app, "status of Client[1]")
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert app.seq == LAST
        notes = [str(note.message) for note in app._notifications]
        assert any("status of Client[1] does not change after seq" in note for note in notes)
