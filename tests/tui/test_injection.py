"""Data from a recording is shown literally: no markup, no terminal escapes.

The classroom recording carries ``[bold]x[/]``, ``[@click=app.quit]q[/]``, a
lone ``[/]``, ``\\x1b[31mred\\x1b[0m`` and an error message mixing both.
"""

from __future__ import annotations

from tests.tui.conftest import LAST, SIZE
from tests.tui.panels import mailbox, screen_lines, status
from tui.app import ChronoflowApp
from tui.literal import literal, pretty_text, value_text
from tui.widgets.mailbox import MailboxPane
from tui.widgets.signal_detail import SignalDetail
from tui.widgets.signal_list import SignalList

INJECTIONS = ["[bold]x[/]", "[@click=app.quit]q[/]", "[/]", "\x1b[31mred\x1b[0m"]


def painted(app: ChronoflowApp) -> str:
    """Everything the three data panels paint now, as the terminal would receive it."""
    lines = []
    for widget in (SignalList, SignalDetail, MailboxPane):
        lines.extend(screen_lines(app.query_one(widget)))
    return "\n".join(lines)


def test_literal_makes_control_characters_visible() -> None:
    assert literal("a\x1b[31mb\x07\n\u202e").plain == "a\\x1b[31mb\\x07\\n\\u202e"
    assert literal("line\n\tnext", multiline=True).plain == "line\n    next"
    assert value_text("[bold]x[/]").plain == "'[bold]x[/]'"
    assert pretty_text({"k": "\x1b[2J"}).plain == "{'k': '\\x1b[2J'}"


async def test_markup_and_escapes_in_messages_show_as_text(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(2)
        for seq, shown in [
            (26, "'[bold]x[/]'"),
            (28, "'[@click=app.quit]q[/]'"),
            (33, "'[/]'"),
            (35, "'\\x1b[31mred\\x1b[0m'"),
        ]:
            app.go_to(seq)
            await pilot.pause()
            screen = painted(app)
            assert shown in screen, seq
            assert "\x1b" not in screen
            assert any(shown in row for row in mailbox(app)), seq
        await pilot.click("#detail", offset=(5, 4))  # clicking the data runs nothing
        assert app.is_running


async def test_a_crash_message_with_markup_and_escapes(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        app.select_process(6)
        await pilot.pause()
        assert " ".join(line.strip() for line in mailbox(app)[1:3]) == (
            "crashed at seq 71: ValueError: [bold]boom[/] '[red]not red[/red]' \\x1b[31m"
        )
        screen = painted(app)
        assert "[bold]boom[/]" in screen
        assert "\x1b" not in screen


async def test_a_search_for_markup_is_shown_as_typed(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *'"[/]"', "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.seq == 26  # '[bold]x[/]' contains it
        assert 'search: "[/]"' in status(app)
        await pilot.press("end", "full_stop")  # no later match: a notification, no crash
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.seq == LAST
        assert app.is_running


def test_every_injection_string_is_in_the_fixture() -> None:
    from chronoflow.inspect import Timeline
    from tests.tui.conftest import CLASSROOM

    with Timeline.open(CLASSROOM) as timeline:
        timeline.wait()
        texts = {repr(signal.data) for signal in timeline.signals()}
    for injection in INJECTIONS:
        assert any(repr(injection) in text for text in texts), injection
