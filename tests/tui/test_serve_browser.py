"""``chronoflow-tui FILE --serve`` in a real browser: Debian's Chromium, headless.

The test starts the server on a free port, as a user would (``python -m tui
FILE --serve``), opens the page in Chromium driven by Selenium, reads what
the page's terminal shows (xterm.js's own buffer, through its public API),
waits for the debugger's status bar, presses ``l`` and sees the seq move
on. Then Ctrl-C (SIGINT), with the browser still connected, stops the
server and its session cleanly. Chromium and its driver
come from Debian (``tools/ensure_chromium.sh``, run by the README's test
command); without them the test fails and says how to install them.

Why the terminal is found through a setter: textual-serve's page keeps its
xterm.js ``Terminal`` in a closure; an init script notices the object that
the page's code gives a ``terminal`` property and keeps it, so the test can
read the screen's rows as text (the page draws them on a canvas, not in
the DOM).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORDING = ROOT / "recordings" / "client_server.cfl"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Generous: the machine may be busy; every wait polls and returns as soon as it can.
PATIENCE = 90.0

#: Runs before the page's scripts: keep the xterm.js terminal the page creates.
KEEP_TERMINAL = """
window.__terminals = [];
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {
      value, writable: true, configurable: true, enumerable: true,
    });
    if (value && value.buffer) { window.__terminals.push(value); }
  },
});
"""

#: The terminal's rows as text ("" until the page has made its terminal).
SCREEN_TEXT = """
const terminal = window.__terminals[0];
if (!terminal) { return ""; }
const buffer = terminal.buffer.active;
const rows = [];
for (let y = 0; y < terminal.rows; y++) {
  const line = buffer.getLine(buffer.viewportY + y);
  rows.push(line ? line.translateToString(true) : "");
}
return rows.join("\\n");
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(what: str, check: Callable[[], object], timeout: float = PATIENCE) -> object:
    """Poll ``check`` until it returns something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m tui client_server.cfl --serve --port P``, and its address."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", str(RECORDING), "--serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    address = f"http://localhost:{port}"
    try:
        line = process.stderr.readline() if process.stderr else ""
        assert line.startswith("serving client_server.cfl at "), line
        assert address in line
        yield process, address
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def chromium() -> object:
    """Headless Chromium from Debian, driven by its chromedriver."""
    for needed in (CHROMIUM, CHROMEDRIVER):
        if not needed.exists():
            pytest.fail(
                f"{needed} is missing: the browser test needs Debian's chromium and "
                "chromium-driver (sh tools/ensure_chromium.sh installs them)"
            )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the tests run as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(PATIENCE)
    return driver


def test_a_browser_shows_the_debugger_and_steps_with_a_key(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    process, address = server
    from selenium.webdriver.common.by import By

    driver = chromium()
    try:
        driver.execute_cdp_cmd(  # type: ignore[attr-defined]
            "Page.addScriptToEvaluateOnNewDocument", {"source": KEEP_TERMINAL}
        )
        driver.get(address)  # type: ignore[attr-defined]

        def screen() -> str:
            text: str = driver.execute_script(SCREEN_TEXT)  # type: ignore[attr-defined]
            return text

        wait_for("the status bar at seq 0", lambda: "seq 0 of 0–17" in screen())
        assert "client_server.cfl" in screen()
        helper = driver.find_element(  # type: ignore[attr-defined]
            By.CSS_SELECTOR, ".xterm-helper-textarea"
        )
        helper.send_keys("l")
        wait_for("the status bar at seq 1 after pressing l", lambda: "seq 1 of 0–17" in screen())
        assert "seq 0 of 0–17" not in screen()
        # Ctrl-C with the browser still connected: the server closes its
        # connection, the session quits, the server exits.
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=PATIENCE) == 0
        closed = "return document.body.classList.contains('-closed');"
        wait_for("the page to see its connection closed", lambda: driver.execute_script(closed))  # type: ignore[attr-defined]
    finally:
        driver.quit()  # type: ignore[attr-defined]
    wait_for("every session of the debugger to end", lambda: not group_alive(process.pid))


def group_alive(group: int) -> bool:
    """Whether any process of the server's process group (its sessions) still runs."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
