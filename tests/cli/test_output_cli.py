"""What the commands print: a record a line to pipes, colour only on a terminal,
control characters escaped, and recordings with nothing in them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow.cli import app
from chronoflow.recording import RecordingWriter
from chronoflow.signals import Signal, SignalType

runner = CliRunner()
NARROW = {"COLUMNS": "40"}  # wrapping, if any, would show at once

LONG = "a message far longer than any terminal is wide " * 3

#: Strings a hostile recording may hold: a screen clear, an unterminated OSC
#: window title, a C1 CSI, a right-to-left override, a newline.
CLEAR, TITLE, CSI, RLO = "\x1b[2J", "\x1b]0;pwned", "\x9b31m", "\u202e"
RAW = (CLEAR, "\x1b", "\x9b", RLO)


def write(path: Path, signals: list[Signal], metadata: dict[str, object] | None = None) -> Path:
    writer = RecordingWriter(path, metadata or {"workflow": "test"})
    if signals:
        writer.write_signals(signals)
    writer.close()
    return path


@pytest.fixture
def chatty(tmp_path: Path) -> Path:
    """Process 0 waits with a long message in its inbox; process 1 sent it."""
    start = {"args": [], "parent": None}
    return write(
        tmp_path / "chatty.cfl",
        [
            Signal(0, 0, SignalType.START, {"template": "Listener", **start}, 1.0),
            Signal(1, 1, SignalType.START, {"template": "Talker", **start}, 1.0),
            Signal(2, 0, SignalType.WAIT, {"mode": 0}, 1.0),
            Signal(3, 1, SignalType.SEND, {"msg": LONG, "to": 0, "into": [0]}, 1.0),
            Signal(4, 1, SignalType.STOP, {"result": LONG}, 1.0),
        ],
    )


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    templates = [{"name": f"Evil{CLEAR}", "module": f"m{RLO}", "qualname": "Evil"}]
    start = {"template": f"Evil{TITLE}", "args": [CSI], "parent": None}
    crash = {"error": "ValueError", "message": f"boom{CLEAR}{TITLE}\nline 2", "traceback": "tb"}
    return write(
        tmp_path / "hostile.cfl",
        [
            Signal(0, 0, SignalType.START, start, 1.0),
            Signal(1, 0, SignalType.SEND, {"msg": f"{RLO}txt", "to": None, "into": []}, 1.0),
            Signal(2, 0, SignalType.CRASH, crash, 1.0),
        ],
        {"workflow": f"x{CLEAR}y{TITLE}", "templates": templates, "note": f"{CSI}{RLO}"},
    )


def test_find_prints_one_unwrapped_line_per_match(chatty: Path) -> None:
    result = runner.invoke(app, ["find", str(chatty), f'"{LONG[:30]}"'], env=NARROW)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["3", "4"]
    assert all(len(line) > 60 for line in lines)  # wider than COLUMNS, not wrapped


def test_dump_to_a_pipe_is_one_line_per_signal(chatty: Path) -> None:
    result = runner.invoke(app, ["dump", str(chatty)], env=NARROW)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    sent = {"msg": LONG, "to": 0, "into": [0]}
    assert lines[3] == f"       3     1 SEND       1.000000 {sent!r}"
    assert not any(char in result.stdout for char in "┃│┏")  # no table when piped


def test_state_to_a_pipe_is_one_line_per_fact(chatty: Path) -> None:
    result = runner.invoke(app, ["state", str(chatty), "--at", "3"], env=NARROW)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "world at seq 3 of 0–4",
        "├── Listener[0]() is ready: message #3 arrived; its receive takes it when it runs",
        "│   └── inbox: 1 message(s)",
        f"│       └── #3 '{LONG[:40]}...'  from process 1, arrived at 3  matches  (new)",
        "└── Talker[1]() is running",
        f"seq 3: send '{LONG[:40]}...' → 0 into [0]",
    ]
    pending = runner.invoke(app, ["state", str(chatty), "--pending"], env=NARROW)
    assert pending.exit_code == 0, pending.output
    unreceived = [line for line in pending.stdout.splitlines() if "from Talker" in line]
    assert unreceived == [f"  Listener[0]: #3 '{LONG[:40]}...'  from Talker[1], arrived at 3"]


def read_terminal(args: list[str], **env: str) -> str:
    """Run chronoflow with stdout on a pseudo-terminal; what the terminal got."""
    master, slave = os.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(TERM="xterm-256color", **env)
    with subprocess.Popen(
        [sys.executable, "-m", "chronoflow", *args],
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env=environment,
    ) as proc:
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


COLOURS = re.compile(r"\x1b\[(?:[0-9]+;)*(?:3[0-7]|9[0-7]|38)[;m]")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_colour_only_on_a_terminal_and_never_with_no_color(chatty: Path) -> None:
    shown = read_terminal(["state", str(chatty), "--at", "3"])
    assert COLOURS.search(shown), shown
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert f"#3 '{LONG[:40]}...'  from process 1, arrived at 3  matches" in text  # unwrapped
    plain = read_terminal(["state", str(chatty), "--at", "3"], NO_COLOR="1")
    assert not COLOURS.search(plain), plain
    piped = runner.invoke(app, ["state", str(chatty), "--at", "3"])
    assert "\x1b" not in piped.stdout


@pytest.mark.parametrize(
    "command",
    [["info"], ["state"], ["state", "--pending"], ["find", "pid:0"], ["dump"]],
    ids=" ".join,
)
def test_control_characters_from_a_recording_are_escaped(hostile: Path, command: str) -> None:
    result = runner.invoke(app, [command[0], str(hostile), *command[1:]], env=NARROW)
    assert result.exit_code == 0, result.output
    for raw in RAW:
        assert raw not in result.stdout
    assert "\\x1b" in result.stdout


def test_escapes_are_shown_where_the_characters_were(hostile: Path) -> None:
    info = runner.invoke(app, ["info", str(hostile)]).stdout
    assert "x\\x1b[2Jy\\x1b]0;pwned" in info
    assert "Evil\\x1b[2J" in info
    assert "m\\u202e" in info
    assert "\\x9b31m\\u202e" in info
    state = runner.invoke(app, ["state", str(hostile)]).stdout
    assert "ValueError: boom\\x1b[2J\\x1b]0;pwned\\nline 2" in state
    assert len(state.splitlines()) == 3  # the newline in the message split nothing


def test_an_error_line_escapes_what_the_user_typed(hostile: Path) -> None:
    result = runner.invoke(app, ["find", str(hostile), f"type:{CLEAR}"])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\\x1b[2J" in result.stderr
    literal = runner.invoke(app, ["find", str(hostile), "type::smile:[bold]"])
    assert literal.exit_code == 1
    assert "':smile:[bold]'" in literal.stderr  # no emoji, no markup


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    return write(tmp_path / "empty.cfl", [])


def test_a_recording_without_signals(empty: Path, tmp_path: Path) -> None:
    found = runner.invoke(app, ["find", str(empty), "type:SEND"])
    assert found.exit_code == 1
    assert found.stderr.splitlines() == ["no signal matches 'type:SEND'"]
    info = runner.invoke(app, ["info", str(empty)])
    assert info.exit_code == 0, info.output
    assert "seqs: none (no readable signals)" in info.stdout.splitlines()
    assert "None" not in info.stdout.split("processes:")[1]
    for args in (["state"], ["state", "--pending"]):
        state = runner.invoke(app, [args[0], str(empty), *args[1:]])
        assert state.exit_code == 1
        assert state.stderr.splitlines() == [
            f"error: {empty} has no readable signals: there is no world to show"
        ]
    out = tmp_path / "empty.mmd"
    export = runner.invoke(app, ["export", str(empty), "-o", str(out)])
    assert export.exit_code == 0
    assert export.stderr.splitlines() == [
        f"warning: {empty} has no readable signals: the export shows nothing"
    ]
    assert out.read_text() == "sequenceDiagram\n"
    dump = runner.invoke(app, ["dump", str(empty)])
    assert dump.stdout == ""
    assert dump.stderr.splitlines() == [f"warning: {empty} has no readable signals"]
