"""The debugger on recordings that once hung it or broke it.

An impossible process tree (a process its own parent), a salvaged copy
whose seqs jump, values nested thousands of levels deep or holding a
million entries, and signal types newer than this program: each opens,
shows what it can, moves to the end and quits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chronoflow.inspect import MemorySource, Timeline
from chronoflow.recording import Recorder
from chronoflow.signals import Signal, SignalType
from tests.inspect.bounded import finishes
from tests.tui.conftest import SIZE
from tests.tui.panels import detail, mailbox, settle, status, timeline_rows, tree
from tui.app import ChronoflowApp
from tui.screens.filter import FilterScreen
from tui.screens.pending import PendingScreen
from tui.screens.prompt import PromptScreen
from tui.view_filter import ViewFilter
from tui.widgets.signal_list import SignalList
from tui.widgets.warning_banner import WarningBanner

S = SignalType


def start(seq: int, pid: int, template: Any = "T", parent: Any = None, args: Any = ()) -> Signal:
    return Signal(seq, pid, S.START, {"template": template, "args": list(args), "parent": parent})


def indexed(signals: list[Signal]) -> Timeline:
    """A timeline of ``signals``, indexed before the app starts (and within seconds)."""
    return finishes(lambda: Timeline(MemorySource(signals), background=False, interval=4))


async def test_a_process_that_is_its_own_parent_opens_and_quits() -> None:
    timeline = indexed(
        [start(0, 1, parent=1), Signal(1, 1, S.KILL, {"reason": "killed", "from": None})]
    )
    app = ChronoflowApp(timeline)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        await settle(app, pilot)
        assert app.seq == 1
        assert tree(app) == {}
        assert "malformed START" in str(app.query_one(WarningBanner).render())
        await pilot.press("q")
    assert app.return_code == 0


# -- a salvaged copy: seqs 4–14 are missing -------------------------------------


SALVAGED = [
    start(0, 0, "Server"),
    start(1, 1, "Client"),
    Signal(2, 1, S.SEND, {"msg": "ping", "to": 0, "into": [0]}),
    Signal(3, 0, S.WAIT, None),
    Signal(15, 0, S.RECEIVE, 2),
    Signal(16, 0, S.SEND, {"msg": "pong", "to": 1, "into": [1]}),
    Signal(17, 1, S.RECEIVE, 16),
    Signal(18, 1, S.STOP, {"result": "pong"}),
]


async def test_a_gap_is_one_row_and_steps_go_across_it() -> None:
    app = ChronoflowApp(indexed(SALVAGED), at=3)
    async with app.run_test(size=SIZE) as pilot:
        rows = timeline_rows(app)
        assert len(rows) == 9
        assert rows[4].strip() == "… seqs 4–14 missing …"
        assert rows[5].split()[0] == "15"
        await pilot.press("right")
        assert app.seq == 15
        assert app.query_one(SignalList).cursor_row == 5
        await pilot.press("left")
        assert app.seq == 3
        await pilot.press("end")
        assert app.seq == 18
        assert "seq 18 of 0–18" in status(app)
        banner = str(app.query_one(WarningBanner).render())
        assert banner.startswith("⚠ seqs 4–14 missing")


async def test_going_into_a_gap_lands_after_it() -> None:
    app = ChronoflowApp(indexed(SALVAGED), at=10)  # --at inside the gap
    async with app.run_test(size=SIZE) as pilot:
        assert app.seq == 15
        app.go_to(0)
        await pilot.press("g", "7", "enter")
        assert not isinstance(app.screen, PromptScreen)
        assert app.seq == 15
        await settle(app, pilot)
        assert "message #2: 'ping'" in detail(app)
        await pilot.click(SignalList, offset=(10, 5))  # the gap's row (under the border)
        assert app.seq == 15


async def test_the_world_goes_on_across_a_gap_in_the_panels() -> None:
    app = ChronoflowApp(indexed(SALVAGED), at=3)
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(0)
        await settle(app, pilot)
        assert tree(app)["Server[0]"].startswith("ready")
        await pilot.press("right")
        await settle(app, pilot)
        assert tree(app)["Server[0]"].startswith("running")
        assert "received by Server[0]" not in detail(app)  # a RECEIVE links to its SEND
        assert "sent by Client[1]" in detail(app)


async def test_a_salvaged_file_opened_as_the_command_opens_it(tmp_path: Path) -> None:
    path = tmp_path / "salvaged.cfl"
    recorder = Recorder(path, chunk_size=3)
    for signal in SALVAGED:
        recorder(signal)
    recorder.close()
    # As chronoflow-tui opens it: the first screen is drawn before indexing,
    # when only the file's count (8 signals) is known, not its gaps.
    with Timeline.open(path, start=False) as timeline:
        app = ChronoflowApp(timeline, at=2)
        async with app.run_test(size=SIZE) as pilot:
            assert timeline.wait(timeout=10)
            await pilot.pause(0.2)
            await settle(app, pilot)
            assert timeline.gaps == ((4, 14),)
            assert [row.strip() for row in timeline_rows(app)][4] == "… seqs 4–14 missing …"
            await pilot.press("end")
            assert app.seq == 18
            await pilot.press("left", "left", "left", "left")
            assert app.seq == 3


async def test_a_gap_of_a_billion_seqs_is_one_row() -> None:
    jump = 10**9
    signals = [*SALVAGED[:4], *(s._replace(seq=s.seq - 15 + jump) for s in SALVAGED[4:])]
    signals[6] = signals[6]._replace(data=jump + 1)  # the RECEIVE names the moved SEND
    signals[5] = signals[5]._replace(data={"msg": "pong", "to": 1, "into": [1]})
    app = ChronoflowApp(indexed(signals))
    async with app.run_test(size=SIZE) as pilot:
        assert len(timeline_rows(app)) == 9
        await pilot.press("end")
        assert app.seq == jump + 3
        await pilot.press("home", "right", "right", "right", "right")
        assert app.seq == jump
        await pilot.press("q")


# -- values nested deep, or holding a million entries -------------------------------


def deep_list(levels: int) -> list[Any]:
    value: list[Any] = ["bottom"]
    for _ in range(levels - 1):
        value = [value]
    return value


async def test_deep_and_huge_values_show_as_a_few_kilobytes() -> None:
    deep = deep_list(5000)
    # Why not a million: every world the app shows turns each value back from
    # the fold's raw form, at a cost that grows with the value itself (the
    # engine tests show a million empty arrays at a bounded cost).
    huge = [[] for _ in range(200_000)]
    timeline = indexed(
        [
            start(0, 0, "Server", args=[deep]),
            start(1, 1, "Client", args=[huge]),
            Signal(2, 1, S.SEND, {"msg": deep, "to": 0, "into": [0]}),
            Signal(3, 1, S.SEND, {"msg": huge, "to": 0, "into": [0]}),
            Signal(4, 0, S.USE, {"fn": "lookup", "args": [huge, deep]}),
        ]
    )
    app = ChronoflowApp(timeline)
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(0)
        for seq in range(5):
            app.go_to(seq)
            await settle(app, pilot)
            assert len(detail(app)) < 12_000
        shown = timeline_rows(app)
        assert "[[[[...]]]]" in shown[2]
        assert "[[], [], [], [], [], [], ...]" in shown[3]
        rows = mailbox(app)
        assert sum(len(row) for row in rows) < 10_000
        assert any("[[[[[[" in row and "[...]" in row for row in rows)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PendingScreen)
        await pilot.press("escape", "q")


# -- signal types newer than this program ------------------------------------------


def newer(seq: int, data: object = None) -> Signal:
    return Signal(seq, 0, 42, data)  # type: ignore[arg-type]


NEWER = [
    start(0, 0),
    newer(1, {"what": "new"}),
    Signal(2, 0, S.WAIT, None),
    newer(3),
]


async def test_a_newer_type_is_shown_by_its_number_and_can_be_hidden() -> None:
    app = ChronoflowApp(indexed(NEWER), at=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        rows = timeline_rows(app)
        assert "TYPE#42" in rows[1]
        assert "signal of unknown type 42" in rows[1]
        assert detail(app).startswith("seq 1  TYPE#42")
        assert "'what': 'new'" in detail(app)
        await pilot.press("f")
        assert isinstance(app.screen, FilterScreen)
        types = app.screen.query_one("#filter-types")
        types.deselect(42)  # type: ignore[attr-defined]
        await pilot.click("#filter-apply")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "filter: -type:TYPE#42" in status(app)
        shown = timeline_rows(app)
        assert len(shown) == 2
        assert not [row for row in shown if "TYPE#42" in row]
        app.debugger.apply_filter(ViewFilter())
        await pilot.press("end")
        assert app.seq == 3
        await pilot.press("q")
