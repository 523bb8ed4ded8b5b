"""``chronoflow diff``: a row a line with its seq, JSON, bounded lists, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow.cli import app

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
runner = CliRunner()
WIDE = {"COLUMNS": "200", "NO_COLOR": "1"}


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


@pytest.fixture
def client_server(tmp_path: Path) -> Path:
    return Path(shutil.copy(RECORDINGS / "client_server.cfl", tmp_path / "cs.cfl"))


def test_diff_prints_a_row_a_line_with_the_seq_it_happened_at(client_server: Path) -> None:
    result = runner.invoke(app, ["diff", str(client_server), "--from", "3", "--to", "17"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        "       7     0 removed      Server[0]: #3 {'command': 'TIME', 'from': 1, 'id': 100,"
        " 'to': 0} received",
        "       8     0 sent         Server[0]: send {'from': 0, 'id': 100, 'result': 1, 'to': 1}"
        " → 1 into [1]",
        "      10     0 sent         Server[0]: send {'from': 0, 'id': 101, 'result': 2, 'to': 1}"
        " → 1 into [1]",
        "      12     0 sent         Server[0]: send {'from': 0, 'id': 102, 'result': 'error',"
        " 'to': 1} → 1 into [1], matched by [1]",
        "      13     0 status       Server[0]: ready to run → waiting for a message",
        "       4     1 sent         Client[1]: send {'command': 'TIME', 'from': 1, 'id': 101,"
        " 'to': 0} → 0 into [0]",
        "       5     1 sent         Client[1]: send {'command': 'STOP', 'from': 1, 'id': 102,"
        " 'to': 0} → 0 into [0]",
        "      17     1 ended        Client[1]: stopped, returned ['error', 2, 1]",
    ]
    assert "from seq 3 to seq 17: 8 changes in 2 processes" in result.stderr


def test_diff_defaults_to_the_whole_recording_and_counts_what_it_does_not_list() -> None:
    path = RECORDINGS / "bounded_mailbox.cfl"
    result = runner.invoke(app, ["diff", str(path), "--limit", "2"], env=WIDE)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert out[0] == "       0     0 started      Consumer[0]: started as Consumer"
    assert (
        "       …     2 sent         Producer[2]: 22 more messages sent (2 of 24 listed);"
        " --limit lists more"
    ) in out
    assert "from seq -1 to seq 101: " in result.stderr
    assert "at most 2 rows listed per process and kind" in result.stderr


def test_diff_as_json_says_which_way_and_counts_every_group(client_server: Path) -> None:
    result = runner.invoke(
        app, ["diff", str(client_server), "--from", "17", "--to", "3", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert (found["from"], found["to"], found["backward"], found["truncated"]) == (
        17,
        3,
        True,
        False,
    )
    assert found["processes"] == {"0": "Server[0]", "1": "Client[1]"}
    assert found["rows"][0] == {
        "pid": 0,
        "seq": 7,
        "kind": "removed",
        "text": "#3 {'command': 'TIME', 'from': 1, 'id': 100, 'to': 0} received",
        "message": 3,
    }
    assert {"pid": 1, "kind": "sent", "total": 2, "listed": 2} in found["groups"]
    assert "rows read forward, from seq 3 to seq 17" in result.stderr


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--from", "3", "--to", "99"], "error: seq 99 is out of range: the recording has seqs"),
        (["--from", "-2"], "error: seq -2 is out of range: the recording has seqs"),
        (["--format", "yaml"], "error: unknown format 'yaml': use text or json"),
    ],
)
def test_bad_seqs_and_formats_are_one_line(
    client_server: Path, args: list[str], error: str
) -> None:
    result = runner.invoke(app, ["diff", str(client_server), *args], env=WIDE)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(error)
    assert len(result.stderr.splitlines()) == 1


def test_two_recordings_of_different_workflows_differ_with_a_warning(client_server: Path) -> None:
    other = RECORDINGS / "echo.cfl"
    result = runner.invoke(app, ["diff", str(client_server), str(other)], env=WIDE)
    assert result.exit_code == 1  # as cmp: the recordings differ (tests/cli/test_diff_runs_cli.py)
    assert "the runs diverge at seq 0 (step 1 of Server[0])" in result.stdout
    assert "warning: the recordings name different workflows" in result.stderr
