"""``chronoflow diff A.cfl B.cfl``: two recordings of one workflow compared.

The first divergence in replay's words, the processes that differ, JSON,
and ``cmp``'s exit codes: 0 the runs agree, 1 they differ, 2 an error.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow import SimpleScheduler
from chronoflow.cli import app
from chronoflow.inspect import Timeline, compare_runs
from chronoflow.recording import Recorder
from chronoflow.replay.workflow import load_workflow, run_workflow

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
runner = CliRunner()
WIDE = {"COLUMNS": "200", "NO_COLOR": "1"}

#: A workflow whose run depends on the world: what ``read_weather`` returns
#: (an environment variable, as a flaky service's answer would).
WEATHER = """
import os
from chronoflow import template

async def read_weather():
    return os.environ.get("WEATHER", "sun")

@template
def Forecaster(self, listener):
    weather = yield self.use(read_weather)
    if weather == "sun":
        self.send_to(listener, "picnic")
    else:
        self.send_to(listener, "umbrella")
        self.send_to(listener, "stay in")
    return weather

@template
def Listener(self):
    heard = yield self.receive()
    return heard

def main(scheduler):
    listener = scheduler.create(Listener)
    listener.start()
    scheduler.create(Forecaster, listener.pid).start()
"""


def _record(workflow: Path, out: Path, weather: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WEATHER", weather)
    recorder = Recorder(out, workflow=str(workflow))

    async def go() -> None:
        async with SimpleScheduler(record=recorder) as scheduler:
            await run_workflow(load_workflow(workflow), scheduler, [])

    asyncio.run(go())
    return out


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """Two sunny runs and a rainy one of the weather workflow."""
    workflow = tmp_path / "weather.py"
    workflow.write_text(WEATHER)
    sunny = _record(workflow, tmp_path / "sunny.cfl", "sun", monkeypatch)
    again = _record(workflow, tmp_path / "again.cfl", "sun", monkeypatch)
    rainy = _record(workflow, tmp_path / "rainy.cfl", "rain", monkeypatch)
    return sunny, again, rainy


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_two_runs_that_agree_exit_0_with_no_divergence(runs: tuple[Path, Path, Path]) -> None:
    sunny, again, _ = runs
    result = runner.invoke(app, ["diff", str(sunny), str(again)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert _lines(result.stdout)[-1] == "no divergence: the runs agree on all 9 signals"


def test_two_runs_that_differ_exit_1_with_the_first_divergence_in_replays_words(
    runs: tuple[Path, Path, Path],
) -> None:
    sunny, _, rainy = runs
    result = runner.invoke(app, ["diff", str(sunny), str(rainy)], env=WIDE)
    assert result.exit_code == 1, result.output
    out = _lines(result.stdout)
    assert out[0] == f"A: {sunny} (9 signals)"
    assert out[1] == f"B: {rainy} (10 signals)"
    # seq 4 is the RESULT of the use at seq 3 (the Forecaster is pid 1).
    assert out[2] == (
        "diverged: the runs diverge at seq 4 (step 3 of Forecaster[1]): "
        "A has RESULT {'use': 3, 'value': 'sun'}, B has RESULT {'use': 3, 'value': 'rain'}"
    )
    assert out[3] == "processes that differ: 2 of 2"
    assert out[4] == (
        "      0 Listener[0]: signals: 4 vs 4, first differs at its step 4 (A seq 8, B seq 9); "
        "result: 'picnic' vs 'umbrella'"
    )
    assert out[5] == (
        "      1 Forecaster[1]: signals: 5 vs 6, first differs at its step 3 (A seq 4, B seq 4); "
        "result: 'sun' vs 'rain'"
    )


def test_json_says_the_same(runs: tuple[Path, Path, Path]) -> None:
    sunny, _, rainy = runs
    result = runner.invoke(app, ["diff", str(sunny), str(rainy), "-f", "json"], env=WIDE)
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found["same"] is False
    assert found["signals"] == {"a": 9, "b": 10}
    first = found["divergence"]
    assert (first["seq"], first["pid"], first["step"], first["template"]) == (
        4,
        1,
        3,
        "Forecaster[1]",
    )
    assert first["a"]["type"] == first["b"]["type"] == "RESULT"
    by_pid = {p["pid"]: p for p in found["processes"]}
    assert by_pid[0]["result"] == {"a": "'picnic'", "b": "'umbrella'"}
    assert by_pid[1]["first_step"] == 3
    same = runner.invoke(app, ["diff", str(sunny), str(sunny), "-f", "json"], env=WIDE)
    assert same.exit_code == 0
    assert json.loads(same.stdout)["divergence"] is None


def test_limit_caps_the_processes_listed(runs: tuple[Path, Path, Path]) -> None:
    sunny, _, rainy = runs
    result = runner.invoke(app, ["diff", str(sunny), str(rainy), "--limit", "1"], env=WIDE)
    assert result.exit_code == 1
    out = _lines(result.stdout)
    assert out[4].startswith("      0 Listener[0]")
    assert out[5] == "  … 1 more (--limit lists more)"


def test_a_run_that_stops_early_has_nothing_where_the_other_goes_on(tmp_path: Path) -> None:
    """A recording cut short (a crash, a kill) compared with the whole run."""
    whole = RECORDINGS / "client_server.cfl"
    with Timeline.open(whole) as timeline:
        timeline.wait()
        comparison = compare_runs(timeline, timeline)
        assert comparison.same
        assert comparison.differing == ()
    short = tmp_path / "short.cfl"
    with Timeline.open(whole) as timeline:
        timeline.wait()
        recorder = Recorder(short, workflow="sample_workflows/client_server.py")
        with recorder:
            for signal in timeline.signals(0, 15):
                recorder(signal)
    result = runner.invoke(app, ["diff", str(whole), str(short)], env=WIDE)
    assert result.exit_code == 1, result.output
    assert _lines(result.stdout)[2] == (
        "diverged: the runs diverge at seq 15 (step 7 of Client[1]): A has RECEIVE 10, "
        "B has nothing (the recording ended)"
    )
    assert _lines(result.stdout)[4] == (
        "      1 Client[1]: signals: 9 vs 6, first differs at its step 7 (A seq 15); "
        "status: stopped vs running; result: ['error', 2, 1] vs -"
    )


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (["--from", "3"], "error: --from and --to name two moments of one recording"),
        (["--to", "3"], "error: --from and --to name two moments of one recording"),
        ([str(RECORDINGS / "echo.cfl")], "error: diff compares two recordings, not 3"),
    ],
)
def test_usage_errors_exit_2_in_one_line(
    runs: tuple[Path, Path, Path], extra: list[str], error: str
) -> None:
    sunny, again, _ = runs
    result = runner.invoke(app, ["diff", str(sunny), str(again), *extra], env=WIDE)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(error)
    assert len(result.stderr.splitlines()) == 1


def test_a_file_that_is_not_a_recording_exits_2(tmp_path: Path) -> None:
    junk = tmp_path / "junk.cfl"
    junk.write_bytes(b"this is not a recording at all" * 10)
    good = Path(shutil.copy(RECORDINGS / "echo.cfl", tmp_path / "echo.cfl"))
    result = runner.invoke(app, ["diff", str(good), str(junk)], env=WIDE)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1
    missing = runner.invoke(app, ["diff", str(good), str(tmp_path / "nope.cfl")], env=WIDE)
    assert missing.exit_code == 2


def test_another_schedule_names_bs_process_too(tmp_path: Path) -> None:
    """B ran another process first (as another schedule does): the line names it."""
    with Timeline.open(RECORDINGS / "client_server.cfl") as timeline:
        timeline.wait()
        signals = list(timeline.signals(0, len(timeline)))
    swapped = tmp_path / "swapped.cfl"
    with Recorder(swapped, workflow="sample_workflows/client_server.py") as recorder:
        for seq, signal in enumerate([signals[1], signals[0], *signals[2:]]):
            recorder(signal._replace(seq=seq))
    result = runner.invoke(
        app, ["diff", str(RECORDINGS / "client_server.cfl"), str(swapped), "-f", "json"], env=WIDE
    )
    assert result.exit_code == 1, result.output
    first = json.loads(result.stdout)["divergence"]
    assert (first["seq"], first["template"], first["other"]) == (0, "Server[0]", "Client[1]")
    assert first["text"].startswith(
        "the runs diverge at seq 0 (step 1 of Server[0]): A has START {'template': 'Server'"
    )
    assert ", B has Client[1]'s START {'template': 'Client'" in first["text"]
    # Aligned by their own steps, both processes did the same: only seqs moved.
    assert json.loads(result.stdout)["processes"] == []
