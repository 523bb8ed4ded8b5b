"""SIGTERM and Ctrl-C stop ``chronoflow record`` with a complete, readable recording."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chronoflow.recording import open_recording

TICKER = """\
from chronoflow import template

SCHEDULER_OPTIONS = {options}


@template
def Ticker(self):
    while True:
        yield self.sleep(0.01)


def main(scheduler):
    scheduler.create(Ticker).start()
"""


def start(tmp_path: Path, command: str, clock: str) -> tuple[subprocess.Popen[str], Path]:
    """Start ``chronoflow COMMAND`` on a workflow that never ends; wait until it
    has written signals (a real clock sleeps 10 ms a tick, a virtual one none)."""
    options = {"clock": "virtual"} if clock == "virtual" else {}
    workflow = tmp_path / "ticker.py"
    workflow.write_text(TICKER.format(options=options))
    out = tmp_path / "ticker.cfl"
    args = [sys.executable, "-m", "chronoflow", command, str(workflow)]
    if command == "record":
        args += ["-o", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if command == "run":
            time.sleep(1.0)
            break
        if out.exists() and out.stat().st_size > 4096:  # chunks written: mid-run
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    return proc, out


@pytest.mark.parametrize("clock", ["real", "virtual"])
@pytest.mark.parametrize(
    ("stop", "code", "said"),
    [(signal.SIGTERM, 143, "terminated by SIGTERM"), (signal.SIGINT, 130, "interrupted")],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_stopped_record_leaves_a_complete_file(
    tmp_path: Path, clock: str, stop: signal.Signals, code: int, said: str
) -> None:
    proc, out = start(tmp_path, "record", clock)
    proc.send_signal(stop)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    lines = stderr.splitlines()
    assert lines[0] == said
    assert lines[1].startswith("recorded ")
    assert "Traceback" not in stderr
    with open_recording(out) as reader:
        assert reader.complete
        assert reader.warnings == []
        count = sum(1 for _ in reader.signals())
    assert count > 0
    assert lines[1].startswith(f"recorded {count:,} signals to {out} (")
    check = subprocess.run(
        [sys.executable, "-m", "chronoflow", "check", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_stopped_run_says_so(tmp_path: Path) -> None:
    proc, _ = start(tmp_path, "run", "real")
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert stderr.splitlines() == ["terminated by SIGTERM"]
