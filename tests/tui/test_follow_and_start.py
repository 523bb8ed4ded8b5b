"""--at, --follow and a recording that is still being indexed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from chronoflow.inspect import MemorySource, Timeline
from chronoflow.signals import Signal
from tests.tui.conftest import CLASSROOM, PARENT_JOINS, SIZE, TOTAL
from tests.tui.panels import detail, rows, screen_lines, settle, status, tree
from tui.app import ChronoflowApp
from tui.widgets import signal_list
from tui.widgets.signal_list import SignalList


def classroom_signals() -> list[Signal]:
    with Timeline.open(CLASSROOM) as timeline:
        timeline.wait()
        return list(timeline.signals())


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached")


async def test_opens_at_the_seq_asked_for(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=PARENT_JOINS)
    async with app.run_test(size=SIZE):
        assert app.seq == PARENT_JOINS
        assert app.selected_pid == 3
        assert tree(app)["Parent[3]"].startswith("joining")


async def test_follow_keeps_up_with_a_growing_recording() -> None:
    signals = classroom_signals()
    source = MemorySource(signals[:10], complete=False)
    timeline = Timeline(source, follow=True)
    try:
        app = ChronoflowApp(timeline, follow=True)
        async with app.run_test(size=SIZE) as pilot:
            await until(lambda: app.debugger.progress.indexed == 10)
            await until(lambda: app.seq == 9)  # following starts at the end
            source.extend(signals[10:40])
            await until(lambda: app.seq == 39)
            assert "seq 39 of 0–39" in status(app)
            # The view may move on while the new signals are still being
            # indexed; the bar says "following" once the index has caught up.
            await until(lambda: "following" in status(app))
            await pilot.press("home")  # stepped away from the end: the view stays
            source.extend(signals[40:])
            await until(lambda: len(timeline) == TOTAL)
            await pilot.pause(0.3)
            assert app.seq == 0
            assert not app.query_one("#banner").display  # following is not damage
    finally:
        timeline.close()


async def test_a_seq_not_indexed_yet_shows_once_it_is() -> None:
    signals = classroom_signals()
    source = MemorySource(signals[:20], complete=False)
    timeline = Timeline(source, follow=True)
    try:
        app = ChronoflowApp(timeline, at=50, follow=True)
        async with app.run_test(size=SIZE) as pilot:
            await until(lambda: app.debugger.progress.indexed == 20)
            await pilot.pause()
            assert app.seq == 19  # the furthest there is, for now
            source.extend(signals[20:])
            await until(lambda: app.seq == 50)
            assert tree(app)["Child[7]"].startswith("running")
    finally:
        timeline.close()


async def test_an_empty_recording() -> None:
    timeline = Timeline(MemorySource([]), background=False)
    app = ChronoflowApp(timeline)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "end", "n", "enter", "slash", "escape", "b", "space")
        assert app.seq == -1
        assert "no signals" in status(app)
        assert tree(app) == {}


async def test_the_first_screen_is_drawn_before_indexing_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timeline = Timeline.open(CLASSROOM, start=False)
    at_start: list[tuple[int, dict[str, str], str]] = []
    start = timeline.start_indexing

    def recording_start() -> None:
        at_start.append((timeline.progress.indexed, tree(app), status(app)))
        start()

    monkeypatch.setattr(timeline, "start_indexing", recording_start)
    try:
        app = ChronoflowApp(timeline)
        async with app.run_test(size=SIZE):
            await until(lambda: timeline.progress.done)
            await until(lambda: "indexing" not in status(app))
    finally:
        timeline.close()
    indexed, shown_tree, shown_status = at_start[0]
    assert indexed == 0
    assert shown_tree == {"Server[0]": "running ✉ 0  « new"}  # drawn without the index
    assert "seq 0 of 0–" in shown_status


async def test_the_first_screen_names_every_process_before_any_indexing() -> None:
    timeline = Timeline.open(CLASSROOM, start=False)
    try:
        app = ChronoflowApp(timeline)
        async with app.run_test(size=SIZE):
            # Painted before the index knew anything: the START rows named them.
            first = rows(app.query_one(SignalList))[:5]
            assert [row.split()[2] for row in first[1:4]] == ["Client", "Monitor", "Lookup"]
            await until(lambda: timeline.progress.done)
    finally:
        timeline.close()


async def test_rows_painted_before_their_process_was_known_are_named_once_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if the START rows were out of view: the list learns no names from them.
    monkeypatch.setattr(signal_list, "SignalType", SimpleNamespace(START=-1))
    timeline = Timeline.open(CLASSROOM, start=False)
    try:
        app = ChronoflowApp(timeline)
        async with app.run_test(size=SIZE):
            signals = app.query_one(SignalList)

            def third_column_of_seq_5() -> str:  # seq 5 is a SEND by Client[1]
                line = next(ln for ln in screen_lines(signals) if ln.split()[:2] == ["5", "1"])
                return line.split()[2]

            assert third_column_of_seq_5() == "SEND"  # no template: painted unnamed
            await until(lambda: timeline.progress.done)
            await until(lambda: third_column_of_seq_5() == "Client")
        assert not signals._unnamed
    finally:
        timeline.close()


async def test_links_looked_for_before_indexing_ended_are_looked_for_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timeline = Timeline.open(CLASSROOM, start=False)
    start = timeline.start_indexing
    monkeypatch.setattr(timeline, "start_indexing", lambda: None)  # hold the indexer back
    try:
        app = ChronoflowApp(timeline, at=5)  # Client sends 100; Server receives it at 11
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert timeline.progress.indexed == 0
            assert "received by" not in detail(app)  # the receive is not indexed yet
            start()
            await until(lambda: timeline.progress.done)
            await until(lambda: "received by Server[0]" in detail(app))
    finally:
        timeline.close()


async def test_following_stops_once_the_recorder_has_closed_the_file() -> None:
    signals = classroom_signals()
    source = MemorySource(signals[:10], complete=False)
    timeline = Timeline(source, follow=True)
    try:
        app = ChronoflowApp(timeline, follow=True)
        async with app.run_test(size=SIZE):
            await until(lambda: "following" in status(app))
            source.extend(signals[10:])
            source.finish()  # as a recorder's clean close
            await until(lambda: not timeline.progress.following)
            await until(lambda: "following" not in status(app))
            assert len(timeline) == TOTAL
    finally:
        timeline.close()


def test_follow_waits_for_a_recording_that_does_not_exist_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil
    import threading

    from tui.cli import open_timeline

    path = tmp_path / "later.cfl"
    timer = threading.Timer(0.6, lambda: shutil.copyfile(CLASSROOM, path))
    timer.start()
    started = time.monotonic()
    timeline = open_timeline(path, at=None, follow=True)
    try:
        assert time.monotonic() - started >= 0.5
        assert timeline.wait(timeout=10)
        assert len(timeline) == TOTAL
        assert not timeline.progress.following  # it was complete when it came
    finally:
        timeline.close()
        timer.join()
    assert capsys.readouterr().err == f"waiting for {path} to be written (Ctrl-C to stop)\n"


def test_without_follow_a_missing_recording_is_an_error_at_once(tmp_path: Path) -> None:
    import typer

    from tui.cli import open_timeline

    with pytest.raises(typer.Exit):
        open_timeline(tmp_path / "none.cfl", at=None, follow=False)
