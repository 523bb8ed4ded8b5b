"""``chronoflow state`` and ``find``: trees, matches, literal strings, one-line errors."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronoflow import Process, template
from chronoflow.cli import app
from chronoflow.recording import Recorder, RecordingWriter, open_recording
from chronoflow.recording.collector import COLLECTOR_THRESHOLDS
from chronoflow.replay.workflow import load_workflow, run_workflow
from chronoflow.runtime import SimpleScheduler

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
WIDE = {"COLUMNS": "200", "NO_COLOR": "1"}


def record_sample(name: str, path: Path) -> Path:
    recorder = Recorder(path)
    scheduler = SimpleScheduler(clock=lambda: 1.0, observers=[recorder])
    asyncio.run(run_workflow(load_workflow(ROOT / f"sample_workflows/{name}.py"), scheduler))
    recorder.close()
    return path


@pytest.fixture
def client_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    return record_sample("client_server", tmp_path / "cs.cfl")


@pytest.fixture
def family(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    return record_sample("parent_children", tmp_path / "family.cfl")


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_state_prints_the_tree_with_statuses_and_inboxes(client_server: Path) -> None:
    result = runner.invoke(app, ["state", str(client_server), "--at", "10"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        "world at seq 10 of 0–17",
        "├── Server[0]() is running",
        "│   └── inbox: 1 message(s)",
        "│       └── #5 {'command': 'STOP', 'from': 1, 'id': 102, 'to': 0}"
        "  from process 1, arrived at 5  not yet examined",
        "└── Client[1](0) waits for a message matching reply_to(102) since seq 6;"
        " 2 messages in its inbox did not match",
        "    └── inbox: 2 message(s)",
        "        ├── #8 {'from': 0, 'id': 100, 'result': 1, 'to': 1}  from process 0,"
        " arrived at 8  did not match reply_to(102)",
        "        └── #10 {'from': 0, 'id': 101, 'result': 2, 'to': 1}"
        "  from process 0, arrived at 10  did not match reply_to(102)  (new)",
        "seq 10: send {'from': 0, 'id': 101, 'result': 2, 'to': 1} → 1 into [1]",
    ]
    matched = runner.invoke(app, ["state", str(client_server), "--at", "12"], env=WIDE)
    assert (
        "└── Client[1](0) is ready: message #12 matches reply_to(102); "
        "the receive takes it when it runs" in lines(matched.stdout)
    )
    assert "matches reply_to(102), taken at seq 14  (new)" in matched.stdout


def test_state_pending_lists_what_the_world_waits_on() -> None:
    path = ROOT / "recordings" / "dining_philosophers.cfl"
    result = runner.invoke(app, ["state", str(path), "--pending"], env=WIDE)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert out[:3] == [
        "pending at seq 64 of 0–64",
        "deadlock: 10 processes blocked forever since seq 64",
        "  wait-for cycle: Fork[0] → Philosopher[5] → Fork[1] → Philosopher[6] → Fork[2]"
        " → Philosopher[7] → Fork[3] → Philosopher[8] → Fork[4] → Philosopher[9] → Fork[0]",
    ]
    assert "  Fork[1] waits for Philosopher[6] (sent to it, then waited)" in out
    assert "blocked (10)" in out
    assert "  Philosopher[5] waits for a message matching granted(1) since seq 56" in out
    assert "messages not yet received (5)" in out
    assert "timers: none" in out
    assert "outbox (reached no inbox): none" in out
    earlier = runner.invoke(app, ["state", str(path), "--pending", "--at", "45"], env=WIDE)
    assert "deadlock" not in earlier.stdout
    assert "timers (3)" in earlier.stdout
    assert "  Philosopher[7]: sleep 1 s armed at seq 45, due at +1.000s" in lines(earlier.stdout)
    assert "ready (2)" in earlier.stdout
    done = runner.invoke(app, ["state", str(ROOT / "recordings" / "echo.cfl"), "--pending"])
    assert lines(done.stdout)[1] == "every process has ended (2)"
    timed = ROOT / "recordings" / "timeout_retry.cfl"
    waits = runner.invoke(app, ["state", str(timed), "--pending", "--at", "10"], env=WIDE)
    assert "  Client[1]: receive timeout 2 s armed at seq 9, due at +3.000s" in lines(waits.stdout)


def test_state_nests_children_and_defaults_to_the_last_seq(family: Path) -> None:
    result = runner.invoke(app, ["state", str(family), "--at", "7"], env=WIDE)
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert out[1] == "└── Parent[0]() is running"
    assert "    ├── Child[1]('child1') is running" in out
    assert (
        "    │       └── #1 'msg1'  from outside, arrived at 2 (inherited)  not yet examined" in out
    )
    last = runner.invoke(app, ["state", str(family)], env=WIDE)
    assert last.exit_code == 0
    assert lines(last.stdout)[0] == "world at seq 33 of 0–33"
    assert (
        "└── Parent[0]() stopped at seq 33 = ['child3 done', 'child2 done', 'child1 done']"
        in lines(last.stdout)
    )
    empty = runner.invoke(app, ["state", str(family), "--at", "-1"], env=WIDE)
    assert lines(empty.stdout) == ["world at seq -1 of 0–33", "└── no processes yet"]


@template
def Shouter(self: Process) -> Generator[Any, Any, None]:
    yield self.receive()
    raise ValueError("[bold red]not markup[/]")


def test_strings_from_the_recording_are_printed_literally(tmp_path: Path) -> None:
    async def main() -> None:
        recorder = Recorder(tmp_path / "markup.cfl")
        scheduler = SimpleScheduler(clock=lambda: 1.0, observers=[recorder])
        proc = scheduler.create(Shouter)
        proc.start()
        await proc.push("[link=x]click[/link]")
        await scheduler.run()
        recorder.close()

    asyncio.run(main())
    path = tmp_path / "markup.cfl"
    result = runner.invoke(app, ["state", str(path), "--at", "1"], env=WIDE)
    assert "#1 '[link=x]click[/link]'  from outside" in result.stdout
    crashed = runner.invoke(app, ["state", str(path)], env=WIDE)
    assert "crashed at seq 3: ValueError: [bold red]not markup[/]" in crashed.stdout


def test_find_prints_matching_seqs_forward_and_backward(family: Path) -> None:
    result = runner.invoke(app, ["find", str(family), "type:deliver"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        "       1     0 DELIVER    deliver 'msg1' into [0]",
        "      16     0 DELIVER    deliver 'msg2' into [0, 1, 2, 3]",
        "      23     0 DELIVER    deliver 'msg3' into [0, 1, 2, 3]",
    ]
    seqs = runner.invoke(app, ["find", str(family), "pid:1 type:receive", "-q"])
    assert seqs.stdout.split() == ["10", "17", "24"]
    back = runner.invoke(
        app,
        ["find", str(family), "type:RECEIVE", "--from", "20", "--backward", "--limit", "2", "-q"],
    )
    assert back.stdout.split() == ["19", "17"]
    text = runner.invoke(app, ["find", str(family), '"child3 done"', "-q"])
    assert text.stdout.split() == ["29", "30", "33"]
    none = runner.invoke(app, ["find", str(family), "type:CRASH"])
    assert none.exit_code == 1  # like grep: nothing matched
    assert none.stdout == ""
    assert none.stderr.strip().splitlines() == ["no signal matches 'type:CRASH'"]


def test_find_help_documents_the_query_form() -> None:
    result = runner.invoke(app, ["find", "--help"], env=WIDE)
    assert result.exit_code == 0
    for term in ("type:SEND", "pid:3", "id:12", "seq:100..200", '"some text"', "-type:WAIT"):
        assert term in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["state", "{file}", "--at", "99"], "error: seq 99 is out of range"),
        (["state", "{file}", "--at", "-5"], "error: seq -5 is out of range"),
        (["find", "{file}", "type:NOPE"], "error: unknown signal type 'NOPE'"),
        (["find", "{file}", "pid:x"], "error: pid: needs a whole number"),
    ],
)
def test_errors_are_one_red_line_and_exit_1(
    client_server: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, [a.replace("{file}", str(client_server)) for a in args])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_recording_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "junk.cfl"
    path.write_bytes(b"definitely not a recording" * 4)
    result = runner.invoke(app, ["state", str(path)])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: ")


def test_a_torn_recording_shows_its_prefix_with_a_warning(family: Path, tmp_path: Path) -> None:
    with open_recording(family) as reader:
        signals = list(reader.signals())
    torn = tmp_path / "torn.cfl"
    writer = RecordingWriter(torn, {"workflow": "torn"})
    for start in range(0, len(signals), 10):
        writer.write_signals(signals[start : start + 10])
    writer.abandon()
    data = torn.read_bytes()
    torn.write_bytes(data[:-5])
    result = runner.invoke(app, ["state", str(torn)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert lines(result.stdout)[0] == "world at seq 29 of 0–29"
    assert result.stderr.startswith("warning: ")


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("state", []),
        ("find", ["type:SEND"]),
        ("dump", []),
        ("info", []),
        ("check", []),
        ("export", ["--format", "jsonl"]),
    ],
)
def test_commands_that_read_recordings_tune_the_collector_but_run_does_not(
    command: str, extra: list[str], client_server: Path
) -> None:
    gc.set_threshold(700, 10, 10)
    result = runner.invoke(app, [command, str(client_server), *extra], env=WIDE)
    assert result.exit_code == 0, result.output
    assert gc.get_threshold() == COLLECTOR_THRESHOLDS
    gc.set_threshold(700, 10, 10)
    result = runner.invoke(app, ["run", str(ROOT / "sample_workflows/greeter.py")], env=WIDE)
    assert result.exit_code == 0, result.output
    assert gc.get_threshold() == (700, 10, 10)
