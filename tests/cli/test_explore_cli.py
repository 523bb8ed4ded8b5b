"""``chronoflow explore``: a table a row a line, one-line errors, a guarded output folder,
progress on a terminal only."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import chronoflow.cli.explore as explore_cli
from chronoflow.cli import app
from chronoflow.recording import open_recording

ROOT = Path(__file__).resolve().parents[2]
LOST_UPDATE = str(ROOT / "sample_workflows" / "lost_update.py")
PHILOSOPHERS = str(ROOT / "sample_workflows" / "dining_philosophers.py")
runner = CliRunner()


def explore(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real console script, its stdout a pipe, run in ``tmp_path``."""
    return subprocess.run(
        [sys.executable, "-m", "chronoflow", "explore", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )


def test_the_table_pipes_a_row_a_line_and_names_the_lost_update(tmp_path: Path) -> None:
    done = explore(tmp_path, LOST_UPDATE, "--runs", "60")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == [
        "#",
        "outcome",
        "runs",
        "seed",
        "recording",
        "final",
        "state",
        "output",
    ]
    rows = lines[1:]
    assert "\x1b" not in done.stdout  # no colour into a pipe
    assert rows[0].split()[:6] == ["1", "finished:", "4", "ended", rows[0].split()[4], "fifo"]
    lost = [row for row in rows if "Counter[0] stopped → 1;" in row]
    assert len(lost) == 1
    assert "counter ends at 1" in lost[0]
    assert sum(int(row.split()[4]) for row in rows) == 61
    recording = next(word for word in lost[0].split() if word.endswith(".cfl"))
    assert (tmp_path / recording).is_file()
    assert recording.startswith("lost_update-explore/")
    summary = done.stderr.splitlines()
    assert summary[0].startswith("explored 61 runs in ")
    assert f"chronoflow replay {recording} -w " in summary[1]


def test_a_kept_recording_replays_from_the_command_line(tmp_path: Path) -> None:
    done = explore(tmp_path, LOST_UPDATE, "--runs", "30", "-o", "found")
    assert done.returncode == 0, done.stderr
    for recording in sorted((tmp_path / "found").glob("*.cfl")):
        replayed = subprocess.run(
            [sys.executable, "-m", "chronoflow", "replay", str(recording), "-w", LOST_UPDATE],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        assert "recorded signals matched" in replayed.stdout


def test_the_seed_column_reproduces_the_row(tmp_path: Path) -> None:
    first = runner.invoke(app, ["explore", LOST_UPDATE, "-o", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    row = next(line for line in first.stdout.splitlines() if "Counter[0] stopped → 1;" in line)
    seed = row.split()[5]
    again = runner.invoke(
        app, ["explore", LOST_UPDATE, "--schedule", seed, "-o", str(tmp_path / "b")]
    )
    assert again.exit_code == 0, again.output
    rows = again.stdout.splitlines()[1:]
    assert len(rows) == 2
    assert rows[1].split()[5] == seed
    paths = sorted((tmp_path / "a").glob("*.cfl")), sorted((tmp_path / "b").glob("*.cfl"))
    kept = next(p for p in paths[0] if p.name in row)
    with open_recording(kept) as one, open_recording(paths[1][1]) as other:
        assert [s[:4] for s in one.signals()] == [s[:4] for s in other.signals()]


def test_systematic_mode_says_whether_it_covered_the_bound(tmp_path: Path) -> None:
    done = runner.invoke(
        app, ["explore", LOST_UPDATE, "--systematic", "--bound", "1", "-o", str(tmp_path / "s")]
    )
    assert done.exit_code == 0, done.output
    assert "(every schedule within the bound)" in done.stderr
    assert any("Counter[0] stopped → 1;" in line for line in done.stdout.splitlines())
    cut = runner.invoke(
        app,
        ["explore", LOST_UPDATE, "--systematic", "--runs", "2", "-o", str(tmp_path / "t")],
    )
    assert "explored 3 runs (budget spent)" in cut.stderr


def test_strict_fails_when_an_outcome_differs_or_fails(tmp_path: Path) -> None:
    racy = runner.invoke(app, ["explore", LOST_UPDATE, "--strict", "-o", str(tmp_path / "a")])
    assert racy.exit_code == 1
    calm = runner.invoke(
        app,
        [
            "explore",
            PHILOSOPHERS,
            "ordered",
            "--runs",
            "20",
            "--ignore-output",
            "--strict",
            "-o",
            str(tmp_path / "b"),
        ],
    )
    assert calm.exit_code == 0, calm.output
    assert len(calm.stdout.splitlines()) == 2
    stuck = runner.invoke(
        app, ["explore", PHILOSOPHERS, "--runs", "3", "--strict", "-o", str(tmp_path / "c")]
    )
    assert stuck.exit_code == 1
    assert "deadlock: 10 processes blocked" in stuck.stdout


def test_the_output_folder_is_not_written_into_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.cfl").write_bytes(b"mine")
    refused = runner.invoke(app, ["explore", LOST_UPDATE, "--runs", "3", "-o", str(folder)])
    assert refused.exit_code == 1
    assert (
        refused.stderr.strip()
        == f"error: -o {folder} already holds files; add --force to write into it"
    )
    assert [p.name for p in folder.iterdir()] == ["keep.cfl"]
    forced = runner.invoke(
        app, ["explore", LOST_UPDATE, "--runs", "3", "-o", str(folder), "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert (folder / "lost_update-1-finished.cfl").is_file()
    assert (folder / "keep.cfl").read_bytes() == b"mine"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["explore", "missing.py"], 2, "does not exist"),
        (["explore", LOST_UPDATE, "--schedule", "3:x"], 2, "choice:option"),
        (["explore", LOST_UPDATE, "--schedule", "3", "--systematic"], 2, "--systematic"),
        (["explore", LOST_UPDATE, "--runs", "-1"], 2, "-1"),
        (["explore", LOST_UPDATE, "extra"], 1, "does not take these arguments"),
        (["explore", LOST_UPDATE, "-o", "no/such/folder"], 1, "does not exist"),
    ],
)
def test_bad_input_is_one_line(args: list[str], code: int, message: str, tmp_path: Path) -> None:
    done = explore(tmp_path, *args[1:])
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error:")
    assert message in lines[0]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "lost_update-explore").exists()


def test_a_workflow_without_main_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "nomain.py").write_text("x = 1\n")
    done = explore(tmp_path, "nomain.py")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: nomain.py has no entry point")
    assert not (tmp_path / "nomain-explore").exists()


def test_a_file_for_the_output_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    done = explore(tmp_path, LOST_UPDATE, "-o", "taken")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: -o taken is a file; name a folder for the recordings"


def test_progress_shows_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(explore_cli, "err_console", terminal)
    done = runner.invoke(app, ["explore", LOST_UPDATE, "--runs", "5", "-o", str(tmp_path / "a")])
    assert done.exit_code == 0, done.output
    assert "exploring" in screen.getvalue()
    assert "6/6" in screen.getvalue()
    assert "exploring" not in done.stdout
    piped = explore(tmp_path, LOST_UPDATE, "--runs", "5", "-o", "b")
    assert "exploring" not in piped.stderr


def test_a_run_that_never_ends_is_cut_and_replays_up_to_its_cut(tmp_path: Path) -> None:
    (tmp_path / "forever.py").write_text(
        "from chronoflow import template\n"
        "@template\n"
        "def Loop(self):\n"
        "    while True:\n"
        "        self.send_to(self.pid, 'again')\n"
        "        yield self.receive()\n"
        "def main(scheduler):\n"
        "    scheduler.create(Loop).start()\n"
    )
    done = explore(tmp_path, "forever.py", "--runs", "3", "--max-signals", "300")
    assert done.returncode == 0, done.stderr
    assert "stopped after 300 signals (it never went idle)" in done.stdout
    hint = done.stderr.splitlines()[-1]
    command = hint[hint.index("chronoflow replay") :].split()
    assert command == [
        "chronoflow", "replay", "forever-explore/forever-1-error.cfl",
        "-w", "forever.py", "--to", "299",
    ]  # fmt: skip
    replayed = subprocess.run(
        [sys.executable, "-m", "chronoflow", *command[1:]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "every signal matched up to seq 299" in replayed.stdout


def test_help_explains_the_command() -> None:
    done = runner.invoke(app, ["explore", "--help"])
    assert done.exit_code == 0
    for option in ("--runs", "--seed", "--systematic", "--bound", "--schedule", "--force"):
        assert option in done.stdout
