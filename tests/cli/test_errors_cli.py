"""Every failure is one line on stderr and a non-zero exit, never Chronoflow's traceback.

An exception in the user's own workflow is the one exception: one line,
then the traceback of the user's frames only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow.cli import app
from chronoflow.recording import RecordingWriter, open_recording
from chronoflow.signals import Signal, SignalType

ROOT = Path(__file__).resolve().parents[2]
ECHO = ROOT / "sample_workflows" / "echo.py"
RECORDING = ROOT / "recordings" / "echo.cfl"
runner = CliRunner()

RAISES = """\
def helper(value):
    raise ValueError(f"bad value {value!r}")


def main(scheduler):
    helper(42)
"""

#: Words only a CLI frame (ours, Typer's, click's, asyncio's) would show.
CLI_FRAMES = (
    "typer",
    "click",
    "asyncio",
    "chronoflow/cli",
    "chronoflow/replay/workflow.py",
    "runpy",
)


def chronoflow(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry point, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "chronoflow", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )


def test_an_exception_in_main_shows_only_the_users_frames(tmp_path: Path) -> None:
    workflow = tmp_path / "W.py"
    workflow.write_text(RAISES)
    done = chronoflow("run", str(workflow))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == "error: main() raised ValueError: bad value 42"
    assert lines[1:] == [
        "Traceback (most recent call last):",
        f'  File "{workflow}", line 6, in main',
        "    helper(42)",
        f'  File "{workflow}", line 2, in helper',
        '    raise ValueError(f"bad value {value!r}")',
        "ValueError: bad value 42",
    ]
    assert not any(word in done.stderr for word in CLI_FRAMES)


def test_recording_a_workflow_that_raises_keeps_a_complete_file(tmp_path: Path) -> None:
    workflow = tmp_path / "W.py"
    workflow.write_text(
        "from chronoflow import template\n\n\n@template\ndef Idle(self):\n"
        "    yield self.receive()\n\n\ndef main(scheduler):\n"
        "    scheduler.create(Idle).start()\n    raise KeyError('gone')\n"
    )
    done = chronoflow("record", "W.py", cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == "error: main() raised KeyError: 'gone'"
    assert lines[-1].startswith("recorded 1 signals to W.cfl (")
    assert "KeyError: 'gone'" in lines
    assert not any(word in done.stderr for word in CLI_FRAMES)
    reader = open_recording(tmp_path / "W.cfl")
    assert reader.complete
    assert [s.type for s in reader.signals()] == [SignalType.START]


def test_an_exception_while_loading_the_workflow_names_the_file(tmp_path: Path) -> None:
    workflow = tmp_path / "W.py"
    workflow.write_text("x = undefined_name\n\n\ndef main(scheduler):\n    pass\n")
    done = chronoflow("run", str(workflow))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == (
        f"error: loading {workflow} raised NameError: name 'undefined_name' is not defined"
    )
    assert lines[2:4] == [f'  File "{workflow}", line 1, in <module>', "    x = undefined_name"]
    assert not any(word in done.stderr for word in CLI_FRAMES)


def test_chronoflows_own_errors_stay_one_line(tmp_path: Path) -> None:
    workflow = tmp_path / "W.py"
    workflow.write_text("def main(scheduler):\n    pass\n")
    done = chronoflow("run", str(workflow), "unexpected")
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("error: ")
    assert "main() does not take these arguments ['unexpected']" in done.stderr


def one_line(args: list[str]) -> str:
    """Run ``args``; assert exit 1, nothing on stdout, one line on stderr; that line."""
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_output_paths_that_cannot_be_written_are_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "D"
    folder.mkdir()
    assert one_line(["record", str(ECHO), "-o", str(folder)]) == (
        f"error: -o {folder} is a folder; name the file to write"
    )
    missing = tmp_path / "nowhere" / "x.cfl"
    assert one_line(["record", str(ECHO), "-o", str(missing)]) == (
        f"error: -o {missing}: the folder {missing.parent} does not exist"
    )
    assert not missing.parent.exists()  # nothing creates folders on the way
    mermaid = tmp_path / "nowhere" / "x.mmd"
    assert one_line(["export", str(RECORDING), "-o", str(mermaid)]) == (
        f"error: -o {mermaid}: the folder {mermaid.parent} does not exist"
    )
    assert one_line(["export", str(RECORDING), "-o", str(folder)]) == (
        f"error: -o {folder} is a folder; name the file to write"
    )
    assert one_line(["check", str(RECORDING), "--salvage", str(folder)]) == (
        f"error: --salvage {folder} is a folder; name the file to write"
    )


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_file_the_system_refuses_is_one_line() -> None:
    assert one_line(["record", str(ECHO), "-o", "/proc/x.cfl"]) == (
        "error: cannot write /proc/x.cfl: No such file or directory"
    )


def test_an_unexpected_exception_is_one_line_that_says_it_is_a_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import chronoflow.cli.recording as commands

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something Chronoflow did not expect")

    monkeypatch.setattr(commands, "summarize", broken)
    assert one_line(["info", str(RECORDING)]) == (
        "error: internal error: RuntimeError: something Chronoflow did not expect "
        "(a bug in Chronoflow; CHRONOFLOW_DEBUG=1 shows its traceback)"
    )


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    path = tmp_path / "long.cfl"
    writer = RecordingWriter(path, {})
    writer.write_signals(
        [Signal(seq, 0, SignalType.SEND, {"msg": "x" * 200}, 0.0) for seq in range(5000)]
    )
    writer.close()
    with subprocess.Popen(
        [sys.executable, "-m", "chronoflow", "dump", str(path), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        stderr = proc.stderr.read()
        code = proc.wait(timeout=60)
    assert first.startswith(b'{"seq": 0,')
    assert code == 141
    assert stderr == b""


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("run", "WORKFLOW [ARGS...]"),
        ("record", "WORKFLOW [ARGS...]"),
        ("info", "RECORDING"),
        ("dump", "RECORDING"),
        ("check", "RECORDING"),
        ("state", "RECORDING"),
        ("find", "RECORDING QUERY"),
        ("replay", "RECORDING"),
        ("export", "RECORDING"),
    ],
)
def test_usage_lines_name_the_arguments_in_capitals(command: str, arguments: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    usage = next(line for line in result.stdout.splitlines() if "Usage:" in line)
    assert usage.strip() == f"Usage: chronoflow {command} [OPTIONS] {arguments}"
