"""Named bookmarks: N names the bookmark at the current seq; the timeline and status bar show it."""

from __future__ import annotations

from typing import Any

from tests.tui.conftest import SIZE
from tests.tui.panels import status, timeline_rows
from tui.app import ChronoflowApp
from tui.bookmarks import NAME_LIMIT, Bookmarks, check_bookmark_name
from tui.screens.prompt import PromptScreen


def row_of(app: ChronoflowApp, seq: int) -> str:
    return timeline_rows(app)[seq]


async def name(app: ChronoflowApp, pilot: Any, text: str) -> None:
    await pilot.press("N")
    await pilot.pause()
    assert isinstance(app.screen, PromptScreen)
    app.screen.query_one("#prompt-input").value = text  # type: ignore[attr-defined]
    await pilot.press("enter")
    await pilot.pause()


async def test_n_bookmarks_and_names_the_current_seq(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(16)
        await pilot.pause()
        assert not row_of(app, 16)[1:].startswith("★")
        await name(app, pilot, "reply 102")
        assert not isinstance(app.screen, PromptScreen)
        assert 16 in app.debugger.navigator.bookmarks
        assert row_of(app, 16).startswith("▶★16 ")
        assert "[reply 102] send" in row_of(app, 16)
        assert "★ 1" in status(app)
        assert "bookmark: reply 102" in status(app)
        await pilot.press("right")
        assert "bookmark:" not in status(app)  # only at its seq
        assert row_of(app, 16).startswith(" ★16 ")


async def test_a_name_typed_at_once_reaches_the_prompt(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(5)
        await pilot.press("N", *"start", "enter")
        await pilot.pause()
        assert app.debugger.navigator.bookmarks.name(5) == "start"
        assert app.seq == 5  # no letter reached the main screen as a key


async def test_names_survive_cycling_and_go_with_the_bookmark(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(10)
        await pilot.press("b")  # an unnamed bookmark
        app.go_to(40)
        await name(app, pilot, "second")
        await pilot.press("home", "apostrophe")
        assert app.seq == 10
        assert "bookmark:" not in status(app)
        await pilot.press("apostrophe")
        assert app.seq == 40
        assert "bookmark: second" in status(app)
        await pilot.press("B")
        assert app.seq == 10
        await name(app, pilot, "first")
        assert "bookmark: first" in status(app)
        assert "★ 2" in status(app)
        await pilot.press("b")  # removes the bookmark and its name
        assert "bookmark:" not in status(app)
        assert "[first]" not in row_of(app, 10)
        await pilot.press("b")
        assert "bookmark:" not in status(app)  # bookmarked again, unnamed


async def test_an_empty_name_keeps_the_bookmark_and_escape_changes_nothing(
    app: ChronoflowApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(7)
        await name(app, pilot, "seven")
        await pilot.press("N", "escape")
        await pilot.pause()
        assert app.debugger.navigator.bookmarks.name(7) == "seven"
        await name(app, pilot, "")
        assert 7 in app.debugger.navigator.bookmarks
        assert app.debugger.navigator.bookmarks.name(7) is None
        assert "bookmark:" not in status(app)


async def test_a_long_name_is_refused_in_the_prompt(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await name(app, pilot, "x" * (NAME_LIMIT + 1))
        assert isinstance(app.screen, PromptScreen)
        assert "at most" in str(app.screen.query_one("#prompt-error").render())


def test_bookmark_names() -> None:
    bookmarks = Bookmarks()
    bookmarks.set_name(5, "five")
    assert list(bookmarks) == [5]
    assert bookmarks.name(5) == "five"
    bookmarks.set_name(5, "")
    assert 5 in bookmarks
    assert bookmarks.name(5) is None
    bookmarks.set_name(5, "again")
    assert not bookmarks.toggle(5)
    assert bookmarks.name(5) is None
    assert check_bookmark_name("tab\there") is not None
    assert check_bookmark_name("") is None
