"""The CLI on a salvaged-style copy: seqs missing in the middle and a signal
type newer than this program."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow.cli import app
from chronoflow.recording import RecordingWriter
from chronoflow.signals import Signal, SignalType

runner = CliRunner()


@pytest.fixture
def gapped(tmp_path: Path) -> Path:
    path = tmp_path / "gapped.cfl"
    start = {"template": "T", "module": "m", "qualname": "T", "args": [], "parent": None}
    writer = RecordingWriter(path, {})
    writer.write_signals(
        [
            Signal(0, 0, SignalType.START, start, 1.0),
            Signal(1, 0, SignalType.WAIT, None, 1.0),
            Signal(2, 0, 42, {"x": 1}, 1.0),  # type: ignore[arg-type]
        ]
    )
    writer.write_signals([Signal(9, 0, SignalType.STOP, {"result": 1}, 1.5)])
    writer.close()
    return path


def test_check_and_info_name_the_gap_and_the_newer_type_without_calling_it_damaged(
    gapped: Path,
) -> None:
    check = runner.invoke(app, ["check", str(gapped)])
    assert check.exit_code == 0
    assert "seqs 3–8 missing" in check.output
    assert "newer signal types present: 42 (1)" in check.output
    assert "damaged" not in check.output
    info = runner.invoke(app, ["info", str(gapped)])
    assert info.exit_code == 0
    assert "seqs 3–8 missing" in info.output


def test_state_inside_a_gap_shows_the_world_before_it(gapped: Path) -> None:
    result = runner.invoke(app, ["state", str(gapped), "--at", "5"])
    assert result.exit_code == 0
    assert "waits for any message since seq 1" in result.stdout
    assert result.stdout.splitlines()[-1] == "seq 5: no signal (seqs 3–8 missing)"
    after = runner.invoke(app, ["state", str(gapped), "--at", "9"])
    assert "stopped at seq 9" in after.stdout


@pytest.mark.parametrize("name", ["42", "TYPE#42", "type#42"])
def test_dump_chooses_a_newer_type_by_number(gapped: Path, name: str) -> None:
    result = runner.invoke(app, ["dump", str(gapped), "--type", name])
    assert result.exit_code == 0
    assert [line.split()[:3] for line in result.stdout.splitlines()] == [["2", "0", "TYPE#42"]]


def test_find_names_the_newer_type(gapped: Path) -> None:
    result = runner.invoke(app, ["find", str(gapped), "type:42"])
    assert result.exit_code == 0
    assert "TYPE#42" in result.stdout
    assert runner.invoke(app, ["dump", str(gapped), "--type", "NOPE"]).exit_code != 0
