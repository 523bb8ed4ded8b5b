"""At 80x24 the timeline keeps the summary; times mean something on any clock."""

from __future__ import annotations

from pathlib import Path

from chronoflow.inspect import Timeline
from tests.tui.panels import screen_lines, status
from tui.app import ChronoflowApp
from tui.widgets.signal_list import SignalList, template_width

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "recordings" / "named_bank.cfl"
FRIDGE = ROOT / "recordings" / "fridge.cfl"


def _opened(path: Path) -> Timeline:
    timeline = Timeline.open(path)
    assert timeline.wait(timeout=10)
    return timeline


def test_the_template_column_gives_way_to_the_summary() -> None:
    assert template_width(80) == 12
    assert template_width(40) == 7
    assert template_width(36) == 0  # under 4 columns: none at all
    assert template_width(10) == 0


async def test_at_80x24_a_row_keeps_most_of_its_summary() -> None:
    timeline = _opened(BANK)
    try:
        app = ChronoflowApp(timeline, at=45)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            lines = screen_lines(app.query_one(SignalList))
            row = next(line for line in lines if line.lstrip("▶ ").startswith("40 "))
            # The summary keeps 24 columns and more (it had 12 beside a
            # 12-column template); the pid still names the process.
            assert "send call ('withdraw', 5" in row
    finally:
        timeline.close()


async def test_a_virtual_clock_shows_its_readings_and_only_when_time_moved() -> None:
    timeline = _opened(FRIDGE)
    try:
        app = ChronoflowApp(timeline, at=36)
        async with app.run_test(size=(200, 40)) as pilot:
            await pilot.pause()
            lines = screen_lines(app.query_one(SignalList))
            by_seq = {
                line.split()[0 if not line.startswith("▶") else 1]: line
                for line in lines
                if line.strip("│ ").strip()
            }
            assert "t=60.000s" in by_seq["34"]  # the fridge's idle timeout fired
            assert "t=" not in by_seq["35"]  # no time passed since seq 34
            assert "t=92.000s" in status(app)  # seq 36: the cook's sleep ended
    finally:
        timeline.close()
