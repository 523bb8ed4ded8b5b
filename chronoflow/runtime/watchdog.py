"""The watchdog: a process step that runs too long without yielding is reported.

Processes are cooperative: a step that never yields (a busy loop, a
blocking call outside ``use``) stops every other process. With
``SimpleScheduler(watchdog=seconds)``, a background thread notices a step
that has run longer than that, prints one warning line naming the process
and the file:line it is executing, and once the step ends the kernel
records a STUCK signal with how long it took and where it was stuck. The
thread only reads; it never interrupts the process.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from chronoflow.runtime.process import Process


def _where_running(proc: Process) -> str:
    """``file:line`` a running generator is executing (innermost own frame)."""
    frame = proc.frame
    return "?" if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"


class Watchdog:
    """Watches the kernel's current step from a daemon thread."""

    def __init__(self, limit: float, stream: TextIO | None = None) -> None:
        self.limit = limit
        self.stream = stream
        self._lock = threading.Lock()
        self._proc: Process | None = None
        self._started = 0.0
        self._where: str | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def step_started(self, proc: Process) -> None:
        """Called by the run loop before it resumes ``proc``."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="chronoflow-watchdog")
            self._thread.daemon = True
            self._thread.start()
        with self._lock:
            self._proc = proc
            self._started = time.monotonic()
            self._where = None

    def step_ended(self) -> tuple[float, str] | None:
        """Called after the step; (seconds, where) if it ran over the limit."""
        with self._lock:
            elapsed = time.monotonic() - self._started
            proc, where = self._proc, self._where
            self._proc = None
        if proc is None or elapsed <= self.limit:
            return None
        return elapsed, where or _where_running(proc)

    def close(self) -> None:
        """Stop the thread."""
        self._stop.set()

    def _watch(self) -> None:
        interval = max(self.limit / 4, 0.005)
        while not self._stop.wait(interval):
            with self._lock:
                proc = self._proc
                if proc is None or self._where is not None:
                    continue
                elapsed = time.monotonic() - self._started
                if elapsed <= self.limit:
                    continue
                self._where = _where_running(proc)
                where = self._where
            stream = self.stream or sys.stderr
            print(
                f"chronoflow: warning: process {proc.pid} ({proc.template.name}) has run "
                f"{elapsed:.1f} s without yielding, at {where}",
                file=stream,
                flush=True,
            )
