"""The process table (P): its rows and columns, sorting, filtering, ended ones, enter."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from chronoflow.inspect import Timeline
from tests.tui.conftest import PARENT_JOINS, SIZE
from tests.tui.panels import mailbox, rows
from tui.app import ChronoflowApp
from tui.screens.processes import ProcessTableScreen
from tui.widgets.process_table import ProcessTable, TableHeader

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


def table(app: ChronoflowApp) -> ProcessTable:
    assert isinstance(app.screen, ProcessTableScreen)
    return app.screen.query_one(ProcessTable)


def pids(app: ChronoflowApp) -> list[int]:
    return [row.pid for row in table(app).shown]


def header(app: ChronoflowApp) -> str:
    return table(app).header(100).plain


async def test_p_lists_the_live_processes_with_what_they_do(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=16)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        assert pids(app) == [0, 1, 2, 4]
        shown = {line.split()[0]: line for line in rows(table(app))}
        assert shown["1"].split()[1:6] == ["Client", "▷", "ready", "3", "5"]
        assert shown["1"].endswith("#16 matches")  # the wait, as the tree says it
        assert "Lookup ◆ using 0 2 use lookup" in " ".join(shown["4"].split())
        assert "name" not in header(app).split()  # the recording names no process
        assert app.screen.query_one("#processes-box").border_title.startswith(
            "Processes at seq 16 — 4 alive, 0 ended"
        )
        await pilot.press("escape")
        assert not isinstance(app.screen, ProcessTableScreen)


async def test_a_recording_with_names_has_a_name_column() -> None:
    with Timeline.open(RECORDINGS / "named_bank.cfl") as timeline:
        timeline.wait()
        app = ChronoflowApp(timeline, at=40)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("P")
            assert header(app).split()[:3] == ["pid▲", "name", "template"]
            named = {row.pid: row.registered_name for row in table(app).shown}
            assert named == {0: "bank", 1: None, 2: "alice", 3: "bob"}
            assert rows(table(app))[2].split()[:3] == ["2", "alice", "Account"]


async def test_each_shifted_letter_sorts_by_its_column_and_again_reverses(
    timeline: Timeline,
) -> None:
    app = ChronoflowApp(timeline, at=PARENT_JOINS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P", "E")  # the ended ones too
        assert pids(app) == [0, 1, 2, 3, 4, 7, 8]
        await pilot.press("G")  # signals so far: 1 1 4 9 9 9 18
        assert [row.signals for row in table(app).shown] == [1, 1, 4, 9, 9, 9, 18]
        assert "signals▲" in header(app)
        await pilot.press("G")
        assert [row.signals for row in table(app).shown] == [18, 9, 9, 9, 4, 1, 1]
        assert "signals▼" in header(app)
        await pilot.press("S")  # running, waiting, joining, stopped...
        assert [row.status.value for row in table(app).shown][:3] == [
            "running",
            "running",
            "waiting",
        ]
        await pilot.press("T")
        assert table(app).shown[0].template == "Child"
        await pilot.press("I")
        assert [row.inbox for row in table(app).shown][-2:] == [2, 2]
        await pilot.press("W")
        assert table(app).sort_by == "wait"
        await pilot.press("P", "P")
        assert pids(app) == [8, 7, 4, 3, 2, 1, 0]


async def test_a_click_on_a_title_sorts_by_that_column(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=PARENT_JOINS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        title = app.screen.query_one(TableHeader)
        at = title.render().plain.index("inbox")
        await pilot.click(TableHeader, offset=(at + 1, 0))
        assert table(app).sort_by == "inbox"
        assert [row.inbox for row in table(app).shown] == [0, 1, 2, 2]


async def test_typing_filters_the_rows_and_e_shows_ended_ones(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=PARENT_JOINS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        assert pids(app) == [0, 3, 7, 8]  # the live ones
        await pilot.press(*"runn")  # the status, as shown
        assert pids(app) == [7, 8]
        await pilot.press("escape")  # back to the rows, the filter kept
        assert isinstance(app.screen, ProcessTableScreen)
        assert pids(app) == [7, 8]
        await pilot.press("E")
        assert pids(app) == [7, 8]
        await pilot.press("backspace")  # the rows pass other keys to the filter
        await pilot.press("/", "ctrl+a", "ctrl+k")  # the filter emptied
        assert pids(app) == [0, 1, 2, 3, 4, 7, 8]
        await pilot.press(*"join")  # what a process waits for is matched too
        assert pids(app) == [3]


async def test_a_capital_that_sorts_nothing_is_typed_into_the_filter(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=PARENT_JOINS)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        await pilot.press("C", "h")
        assert app.screen.query_one(Input).value == "Ch"
        assert pids(app) == [3, 7, 8]  # Parent[3] waits in "join Child[7]"
        assert table(app).sort_by == "pid"


async def test_enter_selects_the_process_in_the_tree(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=PARENT_JOINS)
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(0)
        await pilot.press("P")
        assert table(app).highlighted is not None
        assert table(app).highlighted.pid == 0  # the selected process is highlighted
        await pilot.press("down", "down", "enter")
        assert not isinstance(app.screen, ProcessTableScreen)
        assert app.selected_pid == 7
        assert app.seq == PARENT_JOINS
        assert "Child[7]" in mailbox(app)[0]
        await pilot.press("P", "p", "a", "r", "enter")  # enter in the filter field
        assert app.selected_pid == 3
