"""chronoflow-tui in a real terminal: tmux runs it, presses keys, reads the screen."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.conftest import CLASSROOM, LAST, TOTAL

EXECUTABLE = Path(sys.executable).parent / "chronoflow-tui"


class Terminal:
    """One tmux server of our own (its own socket), 120 x 40 unless told, running one
    command."""

    def __init__(self, command: str, size: tuple[int, int] = (120, 40)) -> None:
        self.socket = f"chronoflow-tui-test-{os.getpid()}-{size[0]}"
        width, height = (str(n) for n in size)
        self._tmux("new-session", "-d", "-s", "main", "-x", width, "-y", height, command)

    def _tmux(self, *args: str) -> str:
        # Why a cleaned environment: COLUMNS and LINES (set by the test run's
        # own terminal handling) would make Rich ignore the real pane size.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
        )
        return done.stdout

    def screen(self) -> str:
        """The visible text of the pane."""
        return self._tmux("capture-pane", "-p", "-t", "main")

    def press(self, *keys: str) -> None:
        """Send tmux key names (``Right``, ``Enter``, ``q``...)."""
        self._tmux("send-keys", "-t", "main", *keys)

    def wait_for(self, text: str, timeout: float = 10.0) -> str:
        """Poll the screen until ``text`` shows; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the screen was:\n{screen}")

    def close(self) -> None:
        """Stop our tmux server (and whatever still runs in it)."""
        self._tmux("kill-server")


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    assert shutil.which("tmux"), "tmux is needed for the smoke test"
    assert EXECUTABLE.exists(), "install the project: pip install -e '.[test]'"
    command = f"{shlex.quote(str(EXECUTABLE))} {shlex.quote(str(CLASSROOM))} --at 5"
    opened = Terminal(f"{command}; echo EXITED $?; sleep 60")
    yield opened
    opened.close()


def test_chronoflow_tui_in_a_real_terminal(terminal: Terminal) -> None:
    screen = terminal.wait_for(f"seq 5 of 0–{TOTAL - 1}")
    assert "Processes" in screen
    assert "Timeline" in screen
    assert "Client[1]" in screen
    terminal.press("Right")
    terminal.wait_for(f"seq 6 of 0–{TOTAL - 1}")
    terminal.press("g")
    terminal.wait_for("Go to seq")
    terminal.press("1", "6", "Enter")
    terminal.wait_for(f"seq 16 of 0–{TOTAL - 1}")
    # The links are looked for once the seq has stayed put (a worker, 30 ms on).
    terminal.wait_for("received by Client[1]")
    terminal.press("Enter")
    terminal.wait_for(f"seq 18 of 0–{TOTAL - 1}")
    terminal.press("C-o")  # back through the jump history: to where g went
    terminal.wait_for(f"seq 16 of 0–{TOTAL - 1}")
    terminal.press("g", "3", "0", "Enter")  # typed in one burst
    terminal.wait_for(f"seq 30 of 0–{TOTAL - 1}")
    terminal.press("P")
    screen = terminal.wait_for("Processes at seq 30")
    assert "Client" in screen
    terminal.press("Escape")
    # Why wait: an escape followed at once by a key is what a terminal sends
    # for alt+key, here and in any terminal program.
    terminal.wait_for("Mailbox")
    terminal.press("m", "Right", "Right", "c")  # compare seq 30 with seq 32
    screen = terminal.wait_for("Diff: seq 30 (A) → seq 32 (B)")
    assert "status     ready to run → waiting for a message" in screen
    terminal.press("Escape")
    terminal.wait_for("Mailbox")
    terminal.press("?")
    terminal.wait_for("Move through time")
    terminal.press("Escape")
    terminal.press("End")
    screen = terminal.wait_for(f"seq {LAST} of 0–{LAST}")
    assert "crashed" in screen
    assert "[bold]boom[/]" in screen  # the crash message, as text
    terminal.press("q")
    screen = terminal.wait_for("EXITED 0")
    assert "Traceback" not in screen


def test_a_deadlock_in_a_real_terminal_at_80_by_24() -> None:
    assert shutil.which("tmux"), "tmux is needed for the smoke test"
    recording = Path(__file__).resolve().parents[2] / "recordings" / "dining_philosophers.cfl"
    command = f"{shlex.quote(str(EXECUTABLE))} {shlex.quote(str(recording))}"
    terminal = Terminal(f"{command}; echo EXITED $?; sleep 60", size=(80, 24))
    try:
        screen = terminal.wait_for("deadlock: 10 processes blocked forever since seq 64")
        assert "seq 0 of 0–64" in screen
        terminal.press("D")
        screen = terminal.wait_for("seq 64 of 0–64")
        assert "put_back_by(5)" in screen  # what Fork[0], selected, waits for
        terminal.press("w")
        screen = terminal.wait_for("wait-for cycle")
        assert "Fork[0] → Philosopher[5]" in screen
        terminal.press("q")  # closes the screen (as escape and w do)
        terminal.wait_for("Mailbox")
        terminal.press("q")
        screen = terminal.wait_for("EXITED 0")
        assert "Traceback" not in screen
    finally:
        terminal.close()
