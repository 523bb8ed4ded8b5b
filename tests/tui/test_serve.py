"""``chronoflow-tui --serve``: the command each browser session runs, and the errors.

The browser itself is in ``test_serve_browser.py``.
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.tui.test_serve_browser import RECORDING, ROOT, free_port, wait_for
from tui import serve as serving
from tui.cli import cli
from tui.serve import Session, url


def test_the_session_command_runs_the_same_debugger_with_the_same_options(
    tmp_path: Path,
) -> None:
    odd = tmp_path / 'it\'s a "recording" $HOME; rm -rf x.cfl'
    workflow = tmp_path / "my workflow.py"
    session = Session(odd, at=3, follow=True, workflow=workflow, predict=True)
    argv = shlex.split(session.command())  # as the shell textual-serve uses splits it
    assert argv == [
        sys.executable,
        "-m",
        "tui",
        str(odd),
        "--at",
        "3",
        "--follow",
        "--workflow",
        str(workflow),
        "--predict",
    ]


def test_relative_paths_are_made_absolute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    argv = shlex.split(Session(Path("recordings/echo.cfl")).command())
    assert argv[3] == str(ROOT / "recordings" / "echo.cfl")
    assert argv[4:] == []


def test_the_served_command_opens_the_recording(tmp_path: Path) -> None:
    """What a browser session runs is a command that works: here with --help
    appended, so it exits at once having parsed the same options."""
    session = Session(RECORDING, at=2, predict=True)
    result = subprocess.run(
        session.command() + " --help",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,  # another folder: the paths are absolute
    )
    assert result.returncode == 0, result.stderr
    assert "--predict" in result.stdout


def test_without_textual_serve_one_line_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails
    result = CliRunner().invoke(cli, [str(RECORDING), "--serve"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        "error: --serve needs textual-serve, which is not installed: "
        "pip install 'chronoflow[serve]'"
    ]


def test_a_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, [str(RECORDING), "--serve", "--host", "127.0.0.1", "--port", str(port)]
        )
    assert result.exit_code == 1
    assert result.output == (
        f"error: cannot listen on 127.0.0.1:{port}: the port is in use (--port chooses another)\n"
    )
    assert len(result.output.strip().splitlines()) == 1


def test_a_bad_recording_is_refused_before_serving(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [str(tmp_path / "missing.cfl"), "--serve"])
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_port_and_host_go_with_serve() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", str(RECORDING), "--port", "9000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--host and --port go with --serve" in result.stderr


def test_port_out_of_range_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", str(RECORDING), "--serve", "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "70000" in result.stderr


def test_url_names_this_machine_for_every_address() -> None:
    assert url("localhost", 8000) == "http://localhost:8000"
    assert url("::1", 8000) == "http://[::1]:8000"
    every = url("0.0.0.0", 8123)
    assert every.endswith(":8123")
    assert "0.0.0.0" not in every


def test_the_page_points_its_websocket_at_the_address_the_browser_used() -> None:
    """A student who typed the class network's address gets a page whose
    websocket goes to that address, not to the one the server started with."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", str(RECORDING), "--serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        assert process.stderr.readline().startswith("serving client_server.cfl at ")

        def page() -> str:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/", headers={"Host": f"192.0.2.7:{port}"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                text: str = response.read().decode()
                return text

        html = str(wait_for("the page", page))
        assert f'data-session-websocket-url="ws://192.0.2.7:{port}/ws"' in html
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert serving.DEFAULT_HOST == "localhost"


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text()
    [line] = [x for x in readme.splitlines() if x.startswith("python3 -m venv .venv && ")][1:]
    return line


def test_ci_runs_exactly_the_readme_test_command_which_installs_chromium() -> None:
    command = readme_test_command()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert ci[-1] == command
    steps = command.split(" && ")
    assert steps.index("sh tools/ensure_chromium.sh") < steps.index(".venv/bin/pytest")


def fake_apt(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An ``apt-get`` that only writes down how it was called."""
    calls = tmp_path / "apt-calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    apt = bin_dir / "apt-get"
    apt.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    apt.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    return env, calls


def test_ensure_chromium_does_nothing_when_chromium_is_there(tmp_path: Path) -> None:
    env, calls = fake_apt(tmp_path)
    for name in ("chromium", "chromedriver"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    env |= {"CHROMIUM": str(tmp_path / "chromium"), "CHROMEDRIVER": str(tmp_path / "chromedriver")}
    script = ROOT / "tools" / "ensure_chromium.sh"
    result = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not calls.exists()


def test_ensure_chromium_installs_debians_packages_when_missing(tmp_path: Path) -> None:
    env, calls = fake_apt(tmp_path)
    env |= {"CHROMIUM": str(tmp_path / "none"), "CHROMEDRIVER": str(tmp_path / "none")}
    script = ROOT / "tools" / "ensure_chromium.sh"
    result = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True)
    if result.returncode != 0:  # not root and no sudo: it says so
        assert "needs root" in result.stderr
        return
    assert calls.read_text().splitlines() == [
        "update -qq",
        "install -y -qq --no-install-recommends chromium chromium-driver",
    ]


def test_the_debugger_starts_without_importing_what_it_may_never_use() -> None:
    """textual-serve (and aiohttp) are imported for --serve only, predict mode
    when it opens, the runtime for --workflow, a fork or a comparison of two
    runs: the first paint pays for none of them."""
    lazy = (
        "textual_serve",
        "aiohttp",
        "tui.predict",
        "tui.screens.predict",
        "tui.screens.fork",
        "chronoflow.runtime",
        "chronoflow.replay",
        "chronoflow.inspect.two_runs",
    )
    probe = f"import sys, tui.cli, tui.app; print(sorted(m for m in {lazy} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
