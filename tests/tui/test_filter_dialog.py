"""The filter dialog fits 80x24, enter applies it, and its boxes differ by a mark."""

from __future__ import annotations

import pytest

from chronoflow.inspect import SignalType, Timeline
from tui.app import ChronoflowApp
from tui.screens.debugger import DebuggerScreen
from tui.screens.filter import FilterScreen, TypeChecklist


def _debugger(app: ChronoflowApp) -> DebuggerScreen:
    return next(s for s in app.screen_stack if isinstance(s, DebuggerScreen))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_whole_dialog_fits_the_terminal(
    timeline: Timeline, size: tuple[int, int]
) -> None:
    app = ChronoflowApp(timeline)
    async with app.run_test(size=size) as pilot:
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FilterScreen)
        for widget_id in ("#filter-types", "#filter-pid", "#filter-apply", "#filter-cancel"):
            region = screen.query_one(widget_id).region
            assert region.height > 0, widget_id
            assert region.bottom <= size[1], widget_id
            assert region.right <= size[0], widget_id


async def test_enter_in_the_list_applies_and_boxes_show_a_mark(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        checklist = app.screen.query_one(TypeChecklist)
        checklist.focus()
        await pilot.pause()
        first = "".join(s.text for s in checklist.render_line(0))
        assert "✓" in first
        assert "START" in first
        await pilot.press("space")  # hide START (the highlighted first type)
        await pilot.pause()
        first = "".join(s.text for s in checklist.render_line(0))
        assert "✓" not in first
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, FilterScreen)
        assert SignalType.START in _debugger(app).navigator.view_filter.hidden
