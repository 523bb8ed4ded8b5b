"""``chronoflow --version`` and ``chronoflow run``: output, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from chronoflow import __version__
from chronoflow.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith(f"chronoflow {__version__} (Python ")


def test_run_prints_what_the_workflow_prints() -> None:
    result = runner.invoke(app, ["run", str(ROOT / "sample_workflows/echo.py"), "2", "0"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "0> i=0 received hello from 1",
        "1> i=0 received hello from 0",
        "0> i=1 received hello from 1",
        "1> i=1 received hello from 0",
    ]


def test_run_passes_arguments_as_strings() -> None:
    result = runner.invoke(app, ["run", str(ROOT / "sample_workflows/greeter.py"), "Zed"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["received Zed", "greeting #0: Hello Zed!"]


def _one_line_error(args: list[str]) -> str:
    """Run the real console script; errors are one line on stderr, exit 1."""
    done = subprocess.run(
        [sys.executable, "-m", "chronoflow", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    return done.stderr


def test_a_file_without_main_is_one_clear_line(tmp_path: Path) -> None:
    workflow = tmp_path / "empty.py"
    workflow.write_text("x = 1\n")
    stderr = _one_line_error(["run", str(workflow)])
    assert stderr.strip().splitlines() == [
        f"error: {workflow} has no entry point: define 'def main(scheduler, *args)' (or "
        "'async def') that creates and starts its processes"
    ]


def test_wrong_arguments_and_syntax_errors_are_one_line(tmp_path: Path) -> None:
    stderr = _one_line_error(["run", str(ROOT / "sample_workflows/client_server.py"), "extra"])
    assert len(stderr.strip().splitlines()) == 1
    assert "main() does not take these arguments ['extra']" in stderr
    broken = tmp_path / "broken.py"
    broken.write_text("def main(scheduler):\n    return (\n")
    stderr = _one_line_error(["run", str(broken)])
    assert stderr.strip().splitlines() == [f"error: {broken}:2: syntax error: '(' was never closed"]


def test_a_missing_file_is_refused() -> None:
    stderr = _one_line_error(["run", "no/such/file.py"])
    assert "does not exist" in stderr
