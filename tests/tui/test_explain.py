"""The debugger explains: standstill banner and D, the pending screen (w), templates
at each row's seq, tracebacks and plain waits in the signal pane, the help legend."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from chronoflow.inspect import Timeline
from tests.tui.conftest import LAST, SIZE
from tests.tui.panels import detail, settle, status, timeline_rows, tree
from tui.app import ChronoflowApp
from tui.screens.help import HelpScreen
from tui.screens.help import legend as legend_table
from tui.screens.pending import PendingScreen
from tui.widgets.standstill_banner import StandstillBanner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dining() -> Iterator[Timeline]:
    opened = Timeline.open(ROOT / "recordings" / "dining_philosophers.cfl")
    assert opened.wait(timeout=10)
    yield opened
    opened.close()


def banner(app: ChronoflowApp) -> str:
    widget = app.query_one(StandstillBanner)
    return str(widget.render()) if widget.display else ""


async def test_a_deadlock_is_announced_and_d_goes_there(dining: Timeline) -> None:
    app = ChronoflowApp(dining)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.seq == 0
        assert banner(app).startswith(
            "⛔ deadlock: 10 processes blocked forever since seq 64 · cycle of 10"
        )
        assert banner(app).endswith(" · D: go there · w: the waits")
        await pilot.press("D")
        assert app.seq == 64
        assert " · here · " in banner(app)
        assert tree(app)["Philosopher[5]"] == "waiting ✉ 0 · select granted(1)"
        assert tree(app)["Fork[1]"] == "waiting ✉ 1 · select put_back_by(6)"


async def test_w_lists_what_every_process_waits_for_and_jumps(dining: Timeline) -> None:
    app = ChronoflowApp(dining, at=64)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, PendingScreen)
        texts = [text.plain for text, _ in screen.rows]
        assert texts[0] == "deadlock: 10 processes blocked forever since seq 64"
        assert texts[1] == (
            "wait-for cycle: Fork[0] → Philosopher[5] → Fork[1] → Philosopher[6] → Fork[2] → "
            "Philosopher[7] → Fork[3] → Philosopher[8] → Fork[4] → Philosopher[9] → Fork[0]"
        )
        assert "  Philosopher[5] waits for Fork[1] (sent to it, then waited)" in texts
        assert "Blocked (10)" in texts
        assert "Timers: none" in texts
        waiting = texts.index(
            "  Philosopher[5] waits for a message matching granted(1) since seq 56"
        )
        assert screen.rows[waiting][1] == 56
        # Enter on a row that names a seq closes the screen there.
        await pilot.press(*["down"] * waiting, "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PendingScreen)
        assert app.seq == 56
        await pilot.press("w", "escape")
        assert app.seq == 56


async def test_servers_left_waiting_are_named_by_the_status_bar_at_the_end(
    app: ChronoflowApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert banner(app) == ""
        assert "blocked forever" not in status(app)
        await pilot.press("D")
        assert app.seq == LAST
        assert banner(app) == ""  # no deadlock: no banner
        assert status(app).endswith(f"■ blocked forever since seq {LAST} (w: the waits)")
        await pilot.press("left")
        assert "blocked forever" not in status(app)


async def test_the_template_column_names_the_template_at_each_row() -> None:
    timeline = Timeline.open(ROOT / "recordings" / "transitions.cfl")
    timeline.wait()
    app = ChronoflowApp(timeline)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("end")
            names = {row[2:].split()[0]: row[2:].split()[2] for row in timeline_rows(app)}
            # Countdown became Liftoff at seq 11: earlier rows keep its old name.
            assert (names["10"], names["11"], names["15"]) == ("Countdown", "Liftoff", "Liftoff")
            await pilot.press("home")
            names = {row[2:].split()[0]: row[2:].split()[2] for row in timeline_rows(app)}
            assert (names["10"], names["12"]) == ("Countdown", "Liftoff")
    finally:
        timeline.close()


async def test_the_signal_pane_shows_a_traceback_as_lines_and_a_plain_wait_in_words() -> None:
    timeline = Timeline.open(ROOT / "recordings" / "supervised_pool.cfl")
    timeline.wait()
    app = ChronoflowApp(timeline, at=32)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            text = detail(app).splitlines()
            assert text[3] == "ValueError: w3 cannot handle 'poison'"
            assert "Traceback (most recent call last):" in text
            assert '  File "supervised_pool.py", line 47, in Worker' in text
            assert "\\n" not in detail(app)
            wait = timeline.find("type:WAIT -seq:0..26")
            assert wait is not None
            app.go_to(26)  # the dispatcher's plain receive
            await settle(app, pilot)
            assert "a plain receive: it waits for any message" in detail(app)
            assert "None" not in detail(app).splitlines()[3]
    finally:
        timeline.close()


async def test_the_help_explains_every_symbol(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(legend_table())
        legend = console.export_text()
        for needle in (
            "▷",
            "ready to run",
            "⏱2s",
            "↻2",
            "⚑trap",
            "⛓4,5",
            "#12",
            "@12",
            "inherited",
            "did not match",
            "matches",
            "not yet examined",
            "« new",
            "« received",
            "⛔",
            "■",
        ):
            assert needle in legend, needle
