"""The scrubber: the whole recording on one line; its marks, its keys and a click on it."""

from __future__ import annotations

import pytest

from chronoflow.inspect import Timeline
from tests.tui.conftest import CLASSROOM, LAST, SIZE, TOTAL
from tests.tui.panels import settle
from tui.app import ChronoflowApp
from tui.messages import IndexProgressed
from tui.widgets.scrubber import BLOCKS, CURRENT, UNKNOWN, Scrubber

WIDTH = SIZE[0]
#: The classroom recording's CRASHes (Faulty[6] and Supervisor[5]).
CRASHES = (66, 71)


def cell_of(seq: int) -> int:
    """The first cell of ``seq``'s bucket: 72 seqs in 120 cells, a bucket per seq."""
    return next(x for x in range(WIDTH) if x * TOTAL // WIDTH == seq)


def cells(app: ChronoflowApp) -> str:
    scrubber = app.query_one(Scrubber)
    return "".join(scrubber.cells(scrubber.size.width))


async def test_the_scrubber_spans_the_screen_under_the_panels(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        scrubber = app.query_one(Scrubber)
        assert scrubber.size.width == WIDTH
        assert scrubber.region.y == SIZE[1] - 3  # then the status bar and the footer
        shown = cells(app)
        assert shown[0] == CURRENT
        # A bucket per seq: a message (SEND, DELIVER) fills its cells, any other
        # signal leaves them empty (every seq holds a signal; how busy a
        # stretch was is what a cell shows).
        kinds = [signal.type.name for signal in app.debugger.timeline.signals()]
        for x, char in enumerate(shown[1:], start=1):
            kind = kinds[x * TOTAL // WIDTH]
            if char != "✗":
                assert char == (BLOCKS[-1] if kind in ("SEND", "DELIVER") else " "), (x, kind)


async def test_crashes_are_marked_where_they_happened(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = cells(app)
        assert [x for x, char in enumerate(shown) if char == "✗"] == [
            cell_of(seq) for seq in CRASHES
        ]


@pytest.mark.parametrize(("key", "seq"), [(str(tenth), tenth * TOTAL // 10) for tenth in range(10)])
async def test_a_digit_jumps_to_its_tenth_of_the_recording(
    app: ChronoflowApp, key: str, seq: int
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(LAST)
        await pilot.press(key)
        assert app.seq == seq
        assert cells(app)[cell_of(seq)] in (CURRENT, "✗")
        await pilot.press("ctrl+o")
        assert app.seq == LAST


async def test_a_click_on_a_cell_goes_to_its_seqs(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#scrubber", offset=(cell_of(40), 0))
        assert app.seq == 40
        assert cells(app)[cell_of(40)] == CURRENT
        await pilot.click("#scrubber", offset=(WIDTH - 1, 0))
        assert app.seq == LAST
        await pilot.press("ctrl+o")
        assert app.seq == 40  # the click was a jump


async def test_a_click_on_a_mark_goes_to_the_marked_seq() -> None:
    # A recording wider than the screen: a cell holds several seqs.
    timeline = Timeline.open(CLASSROOM)
    assert timeline.wait(timeout=10)
    app = ChronoflowApp(timeline)
    try:
        async with app.run_test(size=(36, 30)) as pilot:
            app.go_to(31)
            await pilot.press("b")
            app.go_to(0)
            await pilot.pause()
            overview = app.query_one(Scrubber).overview
            assert overview is not None
            assert overview.buckets == 36
            marked = overview.bucket_of(31)
            assert overview.bounds(marked)[0] < 31  # not the cell's first seq
            assert cells(app)[marked] == "★"
            await pilot.click("#scrubber", offset=(marked, 0))
            assert app.seq == 31
            await pilot.click("#scrubber", offset=(overview.bucket_of(66), 0))
            assert app.seq == 66  # the crash
    finally:
        timeline.close()


async def test_bookmarks_and_search_hits_are_marked(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(10)
        await pilot.press("b")
        assert cells(app)[cell_of(10)] == "★"  # and current
        await pilot.press("slash", *"type:DROP", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = cells(app)
        drops = (25, 27, 29, 34, 36)  # 25 is current too: highlighted, still marked
        assert [x for x, char in enumerate(shown) if char == "•"] == [cell_of(s) for s in drops]
        assert shown[cell_of(10)] == "★"


async def test_with_a_filter_the_density_is_of_the_shown_signals(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(2)  # Monitor[2]: a few signals
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = cells(app)
        monitor = {s.seq for s in app.debugger.timeline.signals() if s.pid == 2}
        for seq in range(TOTAL):
            char = shown[cell_of(seq)]
            if seq == app.seq or char == "✗":
                continue
            assert (char == BLOCKS[-1]) == (seq in monitor), seq
            assert (char == " ") == (seq not in monitor), seq


async def test_cells_not_indexed_yet_fill_in_as_indexing_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timeline = Timeline.open(CLASSROOM, start=False)
    monkeypatch.setattr(timeline, "start_indexing", lambda: None)  # held back
    app = ChronoflowApp(timeline)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert set(cells(app)[1:]) == {UNKNOWN}  # the footer states 72 seqs
            assert timeline.wait(timeout=10)  # indexes now
            app.debugger.post_message(IndexProgressed(timeline.progress))
            await settle(app, pilot)
            assert UNKNOWN not in cells(app)
            assert "✗" in cells(app)
    finally:
        timeline.close()
