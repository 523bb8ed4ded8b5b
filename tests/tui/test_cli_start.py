"""How chronoflow-tui starts: the collector tuned, the index started after the first screen."""

from __future__ import annotations

import gc

import pytest
from typer.testing import CliRunner

from chronoflow.inspect import Timeline
from chronoflow.inspect.collector import COLLECTOR_THRESHOLDS
from tests.tui.conftest import CLASSROOM
from tui.app import ChronoflowApp
from tui.cli import cli


def test_the_command_tunes_the_collector_and_defers_indexing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[tuple[int, int, int], int, bool]] = []

    def run(app: ChronoflowApp) -> None:
        timeline: Timeline = app.timeline
        seen.append((gc.get_threshold(), gc.get_freeze_count(), timeline.indexing_started))

    monkeypatch.setattr(ChronoflowApp, "run", run)
    gc.unfreeze()
    result = CliRunner().invoke(cli, [str(CLASSROOM)])
    assert result.exit_code == 0, result.output
    [(thresholds, frozen, indexing)] = seen
    assert thresholds == COLLECTOR_THRESHOLDS
    assert frozen > 0  # what start-up imported is out of the collector's walks
    assert not indexing  # the app starts it after its first screen
