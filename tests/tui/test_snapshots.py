"""Snapshots of the main screen at chosen seqs, and of the help screen.

Fixed terminal size, a recording made with a fixed clock (timestamps are
shown relative to the first signal anyway) and no blinking cursor, so the
pictures are the same on every run. Review a changed snapshot in the
report before accepting it with ``--snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chronoflow.inspect import Timeline
from tests.tui.conftest import KILL, PARENT_JOINS, SIZE
from tests.tui.panels import settle
from tui.app import ChronoflowApp

Snap = Callable[..., bool]
RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


@pytest.mark.parametrize(
    ("seq", "pid"),
    [
        (16, 1),  # the client's select passed over two replies; the third matches
        (PARENT_JOINS, 7),  # the parent joins; its children hold inherited copies
        (KILL, 9),  # the sleeper is killed when its parent crashed
        (35, 2),  # an ANSI escape in a message, shown as text
    ],
)
def test_main_screen(snap_compare: Snap, timeline: Timeline, seq: int, pid: int) -> None:
    app = ChronoflowApp(timeline, at=seq)

    async def select(pilot: Any) -> None:
        app.select_process(pid)
        await settle(app, pilot)  # the causal links

    assert snap_compare(app, terminal_size=SIZE, run_before=select)


def test_help_screen(snap_compare: Snap, timeline: Timeline) -> None:
    assert snap_compare(ChronoflowApp(timeline), terminal_size=SIZE, press=["question_mark"])


def test_go_to_prompt(snap_compare: Snap, timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=5)
    assert snap_compare(app, terminal_size=SIZE, press=["g", "4", "2"])


def _dining() -> Timeline:
    opened = Timeline.open(RECORDINGS / "dining_philosophers.cfl")
    assert opened.wait(timeout=10)
    return opened


def test_deadlock_banner_and_a_waiting_philosopher(snap_compare: Snap) -> None:
    timeline = _dining()
    app = ChronoflowApp(timeline, at=64)

    async def select(pilot: Any) -> None:
        app.select_process(1)  # Fork[1]: the request it cannot grant waits in its inbox
        await settle(app, pilot)

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=select)
    finally:
        timeline.close()


def test_pending_screen(snap_compare: Snap) -> None:
    timeline = _dining()
    app = ChronoflowApp(timeline, at=64)

    async def pending(pilot: Any) -> None:
        await settle(app, pilot)
        await pilot.press("w")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=pending)
    finally:
        timeline.close()


def test_diff_screen_at_80_by_24(snap_compare: Snap, timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=10)

    async def compare(pilot: Any) -> None:
        await settle(app, pilot)
        await pilot.press("m")
        app.go_to(50)
        await pilot.press("m", "c")
        await app.workers.wait_for_complete()
        app.clear_notifications()  # the marks' toasts
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=compare)


def test_main_screen_with_the_scrubber_and_a_named_bookmark(
    snap_compare: Snap, timeline: Timeline
) -> None:
    # The scrubber under the panels: crashes (66, 71), two bookmarks, the
    # matches of a search, the current seq; the timeline row and the status
    # bar name the bookmark at the current seq.
    app = ChronoflowApp(timeline, at=27)

    async def marked(pilot: Any) -> None:
        app.debugger.navigator.bookmarks.toggle(40)
        app.debugger.navigator.bookmarks.set_name(16, "reply 102")
        app.debugger.navigator.search_query = "type:DROP"
        app.go_to(16)
        app.select_process(1)
        await settle(app, pilot)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=marked)


def test_process_table_at_80_by_24(snap_compare: Snap, timeline: Timeline) -> None:
    # P at the parent's join: every process sorted by status, ended ones too.
    app = ChronoflowApp(timeline, at=PARENT_JOINS)
    assert snap_compare(app, terminal_size=(80, 24), press=["P", "E", "S"])
