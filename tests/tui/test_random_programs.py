"""The debugger on programs nobody wrote by hand: random workflows, every seq.

Each drawn program is run and its signals opened in the real app; the test
visits every seq with each process selected in turn, opens the pending
screen and goes to the standstill, and checks that what the panels show
is the engine's answer (never an exception, never a blank mailbox).
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings

from chronoflow.inspect import MemorySource, Timeline
from tests.inspect.random_workflows import Program, programs
from tests.inspect.test_examination import run_with_snapshots
from tests.tui.conftest import SIZE
from tests.tui.panels import mailbox
from tui.app import ChronoflowApp
from tui.screens.pending import PendingScreen


async def _visit(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for seq in range(len(timeline)):
            app.go_to(seq)
            world = timeline.state_at(seq)
            app.select_process(list(world.pids)[seq % len(world)])
            await pilot.pause()
            shown = mailbox(app)
            pid = app.selected_pid
            assert pid is not None
            proc = world.process(pid)
            assert proc.name in shown[0]
            assert proc.status.label in shown[0]
        await pilot.press("w")
        assert isinstance(app.screen, PendingScreen)
        await pilot.press("escape")
        await pilot.press("D")
        standstill = timeline.standstill()
        if standstill is not None:
            assert app.seq == standstill.since


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs)
def test_the_debugger_shows_random_programs_at_every_seq(program: Program) -> None:
    signals, _ = run_with_snapshots(program)
    timeline = Timeline(MemorySource(signals), background=False)
    try:
        asyncio.run(_visit(timeline))
    finally:
        timeline.close()
