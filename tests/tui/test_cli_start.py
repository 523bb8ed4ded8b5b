"""How chronoflow-tui starts: the collector tuned, the index started after the first screen."""

from __future__ import annotations

import gc

import pytest
from typer.testing import CliRunner

from chronoflow.inspect import Timeline, tune_collector
from tests.tui.conftest import CLASSROOM
from tui.app import ChronoflowApp
from tui.cli import cli


def test_the_command_tunes_the_collector_and_defers_indexing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    python_defaults = (700, 10, 10)
    gc.set_threshold(*python_defaults)
    tune_collector()  # what the command is expected to do
    tuned = gc.get_threshold()
    gc.set_threshold(*python_defaults)
    assert tuned != python_defaults
    seen: list[tuple[tuple[int, int, int], int, bool]] = []

    def run(app: ChronoflowApp) -> None:
        timeline: Timeline = app.timeline
        seen.append((gc.get_threshold(), gc.get_freeze_count(), timeline.indexing_started))

    monkeypatch.setattr(ChronoflowApp, "run", run)
    gc.unfreeze()
    result = CliRunner().invoke(cli, [str(CLASSROOM)])
    assert result.exit_code == 0, result.output
    [(thresholds, frozen, indexing)] = seen
    assert thresholds == tuned
    assert frozen > 0  # what start-up imported is out of the collector's walks
    assert not indexing  # the app starts it after its first screen
