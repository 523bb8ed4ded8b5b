"""Bad input ends with one clear line and exit code 1; damage opens with a banner."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow.cli import app as chronoflow_app
from chronoflow.inspect import Timeline
from tests.tui.conftest import CLASSROOM, LAST, SIZE
from tui.app import ChronoflowApp
from tui.cli import cli, run
from tui.widgets.warning_banner import WarningBanner

runner = CliRunner()


def fails_with_one_line(args: list[str], *expected: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    for text in expected:
        assert text in lines[0]


def test_a_missing_file(tmp_path: Path) -> None:
    fails_with_one_line([str(tmp_path / "nope.cfl")], "no such file")


def test_a_directory(tmp_path: Path) -> None:
    fails_with_one_line([str(tmp_path)], "is a directory")


def test_a_file_that_is_not_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "notes.cfl"
    path.write_text("[bold]hello[/] this is not a recording\n")
    fails_with_one_line([str(path)], "not a Chronoflow recording")


def test_a_recording_from_a_future_format_version(tmp_path: Path) -> None:
    data = bytearray(CLASSROOM.read_bytes())
    data[8:10] = struct.pack("<H", 99)
    path = tmp_path / "future.cfl"
    path.write_bytes(bytes(data))
    fails_with_one_line([str(path)], "99")


def test_a_file_cut_inside_its_header(tmp_path: Path) -> None:
    path = tmp_path / "cut.cfl"
    path.write_bytes(CLASSROOM.read_bytes()[:10])
    fails_with_one_line([str(path)], "header")


def test_at_beyond_the_end() -> None:
    fails_with_one_line(
        [str(CLASSROOM), "--at", "500"],
        f"error: seq 500 is out of range: the recording has seqs 0–{LAST}",
    )


def test_a_negative_at_is_the_same_line_as_chronoflow_state() -> None:
    fails_with_one_line(
        [str(CLASSROOM), "--at", "-5"],
        f"error: seq -5 is out of range: the recording has seqs 0–{LAST}",
    )
    state = CliRunner().invoke(chronoflow_app, ["state", str(CLASSROOM), "--at", "-5"])
    assert state.exit_code == 1
    assert state.stderr.strip() == f"error: seq -5 is out of range: the recording has seqs 0–{LAST}"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            [str(CLASSROOM), "--at", "abc"],
            "error: Invalid value for '--at': 'abc' is not a valid int. "
            "(see 'chronoflow-tui --help')",
        ),
        (
            [str(CLASSROOM), "--nonsense"],
            "error: No such option: --nonsense (see 'chronoflow-tui --help')",
        ),
        ([], "error: Missing argument 'RECORDING'. (see 'chronoflow-tui --help')"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    args: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(args)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [line]


def test_a_seq_that_is_not_a_number_is_worded_as_chronoflow_state_words_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        run([str(CLASSROOM), "--at", "abc"])
    tui_line = capsys.readouterr().err.strip()
    state = subprocess.run(
        [sys.executable, "-m", "chronoflow", "state", str(CLASSROOM), "--at", "abc"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert state.returncode == 2
    assert tui_line.endswith(" (see 'chronoflow-tui --help')")
    assert state.stderr.split(" (see ")[0] == tui_line.split(" (see ")[0]


def test_the_usage_line_names_the_recording(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(["--help"])
    assert stopped.value.code == 0
    usage = next(line for line in capsys.readouterr().out.splitlines() if "Usage:" in line)
    assert usage.strip() == "Usage: chronoflow-tui [OPTIONS] RECORDING"


def test_help_and_version() -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for option in ("--at", "--follow", "--version"):
        assert option in result.output
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("chronoflow-tui ")


@pytest.mark.parametrize("damage", ["torn", "corrupt"])
async def test_a_damaged_recording_opens_with_a_warning_banner(tmp_path: Path, damage: str) -> None:
    data = CLASSROOM.read_bytes()
    if damage == "torn":
        data = data[: len(data) * 2 // 3]
    else:
        data = data[:1500] + b"\0" * 50 + data[1550:]
    path = tmp_path / f"{damage}.cfl"
    path.write_bytes(data)
    with Timeline.open(path) as timeline:
        timeline.wait()
        app = ChronoflowApp(timeline)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("end")
            banner = app.query_one(WarningBanner)
            assert banner.display
            shown = str(banner.render())
            assert shown.startswith("⚠ ")
            assert "dropped" in shown
            # A torn file ends early; a corrupt span is skipped and the rest read.
            assert 0 < app.seq < LAST if damage == "torn" else 0 < app.seq <= LAST
