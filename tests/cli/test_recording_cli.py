"""``chronoflow record``, ``info``, ``dump`` and ``check``: exit codes and output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow.cli import app
from chronoflow.recording import RecordingWriter, open_recording
from chronoflow.recording.format import RECORD_HEADER
from chronoflow.signals import Signal, SignalType

ROOT = Path(__file__).resolve().parents[2]
ECHO = ROOT / "sample_workflows" / "echo.py"
runner = CliRunner()

MARKUP = "[bold red]not markup[/] \x1b[31m"


@pytest.fixture
def echo(tmp_path: Path) -> Path:
    out = tmp_path / "echo.cfl"
    result = runner.invoke(app, ["record", str(ECHO), "-o", str(out), "2", "0"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    """A recording whose strings look like Rich markup."""
    path = tmp_path / "marked.cfl"
    writer = RecordingWriter(path, {"workflow": MARKUP})
    writer.write_signals(
        [
            Signal(0, 0, SignalType.START, {"template": MARKUP, "args": [], "parent": None}, 1.0),
            Signal(1, 0, SignalType.SEND, {"msg": (MARKUP, b"\x00"), "to": None, "into": []}, 2.0),
            Signal(2, 0, SignalType.STOP, {"result": {1: 2}}, 3.0),
        ]
    )
    writer.close()
    return path


def test_record_writes_the_recording_and_says_so(echo: Path) -> None:
    reader = open_recording(echo)
    assert reader.complete
    assert reader.metadata["args"] == ["2", "0"]
    assert reader.metadata["templates"] == [
        {"name": "Echo", "module": "chronoflow_workflow_echo", "qualname": "Echo"}
    ]
    assert [s.type for s in reader.signals()][:2] == [SignalType.START, SignalType.START]


def test_record_defaults_to_the_current_folder_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workflow = tmp_path / "tiny.py"
    workflow.write_text("def main(scheduler):\n    pass\n")
    monkeypatch.chdir(tmp_path)
    shipped = tmp_path / "recordings" / "tiny.cfl"
    shipped.parent.mkdir()
    shipped.write_bytes(b"a shipped recording")
    result = runner.invoke(app, ["record", "tiny.py"])
    assert result.exit_code == 0, result.output
    size = (tmp_path / "tiny.cfl").stat().st_size
    assert result.stderr.splitlines() == [f"recorded 0 signals to tiny.cfl ({size:,} bytes)"]
    assert open_recording(tmp_path / "tiny.cfl").metadata["workflow"] == "tiny.py"
    assert shipped.read_bytes() == b"a shipped recording"  # recordings/ is left alone
    before = (tmp_path / "tiny.cfl").read_bytes()
    again = runner.invoke(app, ["record", "tiny.py"])
    assert again.exit_code == 1
    assert again.stderr.splitlines() == [
        "error: the recording tiny.cfl already exists; add --force to overwrite it"
    ]
    assert (tmp_path / "tiny.cfl").read_bytes() == before
    forced = runner.invoke(app, ["record", "tiny.py", "--force", "-o", "tiny.cfl"])
    assert forced.exit_code == 0, forced.output
    assert open_recording(tmp_path / "tiny.cfl").complete


def test_record_refuses_to_write_over_the_workflow_even_with_force(tmp_path: Path) -> None:
    workflow = tmp_path / "tiny.py"
    source = "def main(scheduler):\n    pass\n"
    workflow.write_text(source)
    result = runner.invoke(app, ["record", str(workflow), "-o", str(workflow), "--force"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: -o needs a new file, not {workflow} itself"]
    assert workflow.read_text() == source


def test_record_needs_a_workflow() -> None:
    result = runner.invoke(app, ["record"])
    assert result.exit_code == 2
    assert "Missing argument 'WORKFLOW'" in result.output


def test_record_knows_nothing_of_the_shipped_recordings(tmp_path: Path) -> None:
    # Re-recording the samples is a developer tool (tools/regenerate_recordings.py),
    # which the installed command neither offers nor mentions.
    help_text = runner.invoke(app, ["record", "--help"], terminal_width=200).output
    for word in ("--all", "--samples", "recordings/", "tools/", "regenerat"):
        assert word not in help_text
    result = runner.invoke(app, ["record", "--all", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_info_shows_metadata_counts_processes_span_and_verdict(echo: Path) -> None:
    result = runner.invoke(app, ["info", str(echo)])
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in ("format_version", "python_version", "args", "Echo", "processes: 2"):
        assert expected in out
    assert "SEND" in out
    assert "integrity: intact" in out
    total = len(list(open_recording(echo).signals()))
    assert f"total   │ {total}" in out


def test_info_of_a_crashed_recording_says_it_was_not_closed(tmp_path: Path, echo: Path) -> None:
    torn = tmp_path / "torn.cfl"
    torn.write_bytes(echo.read_bytes()[:-40])
    result = runner.invoke(app, ["info", str(torn)])
    assert result.exit_code == 0
    assert "integrity: damaged" in result.output or "not closed cleanly" in result.output


def test_dump_table_filters_by_range_pid_and_type(echo: Path) -> None:
    result = runner.invoke(
        app, ["dump", str(echo), "--from", "2", "--to", "12", "--pid", "1", "--type", "send"]
    )
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "SEND" in line]
    expected = [
        s for s in open_recording(echo).signals(2, 13) if s.pid == 1 and s.type is SignalType.SEND
    ]
    assert len(rows) == len(expected) > 0
    assert "RECEIVE" not in result.output


def test_dump_jsonl_is_one_json_object_per_signal(marked: Path) -> None:
    result = runner.invoke(app, ["dump", str(marked), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["seq"] for line in lines] == [0, 1, 2]
    assert lines[1]["data"]["msg"] == {"$tuple": [MARKUP, {"$bytes": "00"}]}
    assert lines[2]["data"] == {"result": {"$map": [[1, 2]]}}
    assert lines[0]["type"] == "START"


def test_strings_from_the_file_are_printed_literally(marked: Path) -> None:
    for command in (["dump", str(marked)], ["info", str(marked)]):
        result = runner.invoke(app, command, terminal_width=300)
        assert result.exit_code == 0, result.output
        assert "[bold red]not markup[/]" in result.output


def test_dump_rejects_an_unknown_type_and_format(echo: Path) -> None:
    bad_type = runner.invoke(app, ["dump", str(echo), "--type", "nope"])
    assert bad_type.exit_code == 1
    assert "unknown signal type 'nope'" in bad_type.output
    bad_format = runner.invoke(app, ["dump", str(echo), "--format", "xml"])
    assert bad_format.exit_code == 1


def test_check_an_intact_recording(echo: Path) -> None:
    result = runner.invoke(app, ["check", str(echo)])
    assert result.exit_code == 0
    assert "intact" in result.output


def damage(path: Path) -> int:
    reader = open_recording(path)
    offset = next(iter(reader.chunks())).offset
    data = bytearray(path.read_bytes())
    data[offset + RECORD_HEADER.size + 5] ^= 0x10
    path.write_bytes(bytes(data))
    return offset


def test_check_a_damaged_recording_names_offsets_and_salvages(tmp_path: Path) -> None:
    path = tmp_path / "many.cfl"
    writer = RecordingWriter(path, {})
    for start in range(0, 40, 10):
        writer.write_signals(
            [Signal(s, 0, SignalType.WAIT, None, 0.0) for s in range(start, start + 10)]
        )
    writer.close()
    offset = damage(path)
    repaired = tmp_path / "repaired.cfl"
    result = runner.invoke(app, ["check", str(path), "--salvage", str(repaired)])
    assert result.exit_code == 1
    assert f"at byte {offset:,}: checksum mismatch" in result.output
    assert "seqs 0..9 lost" in result.output
    assert f"wrote {repaired}: 30 signals" in result.output
    copy = open_recording(repaired)
    assert copy.complete
    assert [s.seq for s in copy.signals()] == list(range(10, 40))
    assert runner.invoke(app, ["check", str(repaired)]).exit_code == 0


def test_check_refuses_to_salvage_over_its_input(echo: Path) -> None:
    before = echo.read_bytes()
    result = runner.invoke(app, ["check", str(echo), "--salvage", str(echo), "--force"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: --salvage needs a new file, not {echo} itself"]
    assert echo.read_bytes() == before


@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_check_refuses_to_salvage_over_a_link_to_its_input(
    echo: Path, tmp_path: Path, link: str
) -> None:
    other = tmp_path / "other-name.cfl"
    if link == "hard":
        os.link(echo, other)
    else:
        other.symlink_to(echo)
    before = echo.read_bytes()
    result = runner.invoke(app, ["check", str(echo), "--salvage", str(other), "--force"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: --salvage needs a new file, not {echo} itself"]
    assert echo.read_bytes() == before
    assert open_recording(echo).complete


def test_salvage_overwrites_an_existing_file_only_with_force(echo: Path, tmp_path: Path) -> None:
    existing = tmp_path / "notes.cfl"
    existing.write_text("my notes")
    refused = runner.invoke(app, ["check", str(echo), "--salvage", str(existing)])
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"error: --salvage {existing} already exists; add --force to overwrite it"
    ]
    assert existing.read_text() == "my notes"
    forced = runner.invoke(app, ["check", str(echo), "--salvage", str(existing), "--force"])
    assert forced.exit_code == 0, forced.output
    assert f"wrote {existing}: " in forced.stdout
    assert open_recording(existing).complete


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chronoflow", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_errors_are_one_red_line_without_traceback(tmp_path: Path) -> None:
    text = tmp_path / "notes.cfl"
    text.write_text("hello\n")
    for command in ("info", "dump", "check"):
        done = cli(command, str(text))
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert done.stderr.strip().splitlines() == [
            f"error: {text}: at byte 0: not a Chronoflow recording (the .cfl signature is missing)"
        ]


def test_a_big_file_shows_a_progress_bar_on_stderr(
    echo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chronoflow.cli.recording as commands

    monkeypatch.setattr(commands, "BIG_FILE", 0)
    result = runner.invoke(app, ["check", str(echo)])
    assert result.exit_code == 0
    assert "intact" in result.output
