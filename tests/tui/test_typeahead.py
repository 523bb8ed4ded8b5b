"""Keys typed in one burst after ``g`` or ``/`` reach the prompt they open.

Textual hands every queued key to the screen before it runs the action of
a bound key, so a burst (a fast typist, a terminal pasting) used to lose
the keys typed after ``g``: the prompt opened empty and ``enter`` followed
a causal link instead. Posting the keys without waiting reproduces that.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.pilot import Pilot

from chronoflow.inspect import Timeline
from tests.tui.conftest import SIZE
from tui.app import ChronoflowApp
from tui.screens.debugger import DebuggerScreen
from tui.screens.prompt import PromptScreen

NAMES = {"/": "slash", ":": "colon", " ": "space", "\n": "enter", "\b": "backspace"}


async def burst(pilot: Pilot[object], text: str) -> None:
    """Post every key of ``text`` at once, then let the app work."""
    for char in text:
        pilot.app.post_message(events.Key(NAMES.get(char, char), "\r" if char == "\n" else char))
    for _ in range(6):
        await pilot.pause()


def debugger(app: ChronoflowApp) -> DebuggerScreen:
    return next(s for s in app.screen_stack if isinstance(s, DebuggerScreen))


@pytest.mark.parametrize(
    ("typed", "seq"), [("g42\n", 42), ("g1\b7\n", 7), ("g12\b\n", 1), ("g5\ng60\n", 60)]
)
async def test_a_burst_after_g_goes_where_it_says(app: ChronoflowApp, typed: str, seq: int) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, typed)
        assert not isinstance(app.screen, PromptScreen)
        assert debugger(app).seq == seq


async def test_a_burst_without_enter_leaves_the_prompt_open_with_the_text(
    app: ChronoflowApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "g31")
        assert isinstance(app.screen, PromptScreen)
        field = app.screen.query_one("#prompt-input")
        assert field.value == "31"  # type: ignore[attr-defined]
        await pilot.press("enter")
        assert debugger(app).seq == 31


async def test_a_search_typed_in_a_burst_after_a_go_to_runs_after_it(
    app: ChronoflowApp, timeline: Timeline
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst(pilot, "g5\n/type:STOP\n")
        screen = debugger(app)
        assert screen.navigator.search_query == "type:STOP"
        stops = [s.seq for s in timeline.signals(0, len(timeline)) if s.type.name == "STOP"]
        assert screen.seq == min(s for s in stops if s > 5)


@pytest.mark.parametrize("text", ["6,0", "60", "6_0", " 60 "])
async def test_go_to_takes_a_seq_written_as_the_status_bar_writes_it(
    app: ChronoflowApp, text: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = [{",": "comma", "_": "underscore", " ": "space"}.get(c, c) for c in text]
        await pilot.press("g", *keys, "enter")
        assert debugger(app).seq == 60


def test_parse_seq_reads_digit_groups_and_nothing_else() -> None:
    from tui.navigator import parse_seq

    assert parse_seq("300,000") == parse_seq("300_000") == parse_seq("300 000") == 300000
    assert [parse_seq(t) for t in ("", "-5", "1e3", "x", "٣")] == [None] * 5


def test_the_status_bar_and_the_command_line_name_a_seq_alike(
    timeline: Timeline,
) -> None:
    from typer.testing import CliRunner

    from chronoflow.cli import app as cli
    from tests.tui.conftest import CLASSROOM
    from tui.widgets.status_bar import Position, StatusBar

    bar = StatusBar()
    bar.show(Position(name="x", seq=13, total=len(timeline), when="", progress=timeline.progress))
    shown = bar.text.plain
    result = CliRunner().invoke(cli, ["state", str(CLASSROOM), "--at", "13"])
    first = result.output.splitlines()[0]
    assert first == "world at seq 13 of 0–71"
    assert "seq 13 of 0–71" in shown
