"""First paint from the command: ``chronoflow-tui FILE`` until its first screen.

Starts the real command in a pseudo-terminal of 120 x 40, reads what it
writes, and stops the clock when the first frame holding the status bar's
``seq N of 0–LAST`` has arrived (every panel is drawn in that same frame).
This is what a person waits for: the interpreter's start, the imports,
opening the recording and the first frame.

Two baselines run in the same process, the same way, because the machines
are shared and absolute times drift:

- ``python -c pass``: the interpreter's start alone;
- a minimal Textual app (one line of text): the floor for any Textual app.

    python benchmarks/first_paint.py [FILE ...] [--repeat 15]

Without FILE, it measures ``recordings/echo.cfl`` and the engine
benchmark's 1 M- and 10 M-signal recordings (``benchmarks/engine.py``
generates them into ``--dir`` if they are missing). Budget (DESIGN.md):
first paint under 0.5 s for any file size.
"""

from __future__ import annotations

import argparse
import fcntl
import importlib.util
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
ROWS, COLUMNS = 40, 120
#: The status bar's position text, once escape sequences are removed.
STATUS = re.compile("seq \\d[\\d,]* of \\d[\\d,]*–\\d[\\d,]*".encode())
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
MINIMAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("seq 0 of 0–1")

    Minimal().run()
    """
)


def time_to_screen(
    argv: list[str], marker: re.Pattern[bytes] | None, timeout: float = 20.0
) -> float:
    """Seconds from starting ``argv`` in a pseudo-terminal until ``marker`` is shown.

    With no ``marker``: until the program has ended.
    """
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the program
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    written = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:  # the program ended
                if marker is None:
                    return time.perf_counter() - started
                break
            written += chunk
            # Why the whole output: a frame arrives in several reads.
            if marker is not None and marker.search(ESCAPES.sub(b"", written)):
                return time.perf_counter() - started
        raise SystemExit(f"{' '.join(argv)}: no first screen within {timeout:.0f} s")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def _median_ms(argv: list[str], marker: re.Pattern[bytes] | None, repeat: int) -> float:
    return statistics.median(time_to_screen(argv, marker) for _ in range(repeat)) * 1000


def _engine_recording(directory: Path, size: int) -> Path:
    path = directory / f"engine-{size}.cfl"
    if not path.exists():
        spec = importlib.util.spec_from_file_location("engine_benchmark", HERE / "engine.py")
        assert spec is not None
        assert spec.loader is not None
        module: Any = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        directory.mkdir(parents=True, exist_ok=True)
        module.generate(path, size)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE")
    parser.add_argument("--repeat", type=int, default=15, help="runs per figure (median)")
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "chronoflow-bench"
    )
    args = parser.parse_args()
    files = args.files or [
        ROOT / "recordings" / "echo.cfl",
        _engine_recording(args.dir, 1_000_000),
        _engine_recording(args.dir, 10_000_000),
    ]
    python = sys.executable
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        script.write(MINIMAL_APP)
    try:
        bare = _median_ms([python, "-c", "pass"], None, args.repeat)
        minimal = _median_ms([python, script.name], STATUS, args.repeat)
    finally:
        os.unlink(script.name)
    print(f"median of {args.repeat} runs, {COLUMNS} x {ROWS} pseudo-terminal")
    print(f"  python -c pass              {bare:6.0f} ms")
    print(f"  minimal Textual app         {minimal:6.0f} ms")
    command = str(BIN / "chronoflow-tui")
    for path in files:
        ours = _median_ms([command, str(path)], STATUS, args.repeat)
        size = path.stat().st_size / 1e6
        verdict = "yes" if ours < 500 else "**no**"
        print(
            f"  chronoflow-tui {path.name:<22} {ours:6.0f} ms  ({size:,.1f} MB; "
            f"{ours / minimal:.2f}x the minimal app; under 500 ms: {verdict})",
            flush=True,
        )


if __name__ == "__main__":
    main()
