"""Ctrl-C, SIGTERM and SIGHUP end a command by unwinding, never in the middle of a write.

Python's default for SIGTERM is to die on the spot, which leaves a recording
without its footer (a torn file that only salvage reads in full); its
default for Ctrl-C raises KeyboardInterrupt wherever the program is, which
can cut a chunk write in half. Inside :func:`terminable`, SIGINT raises
KeyboardInterrupt and SIGTERM and SIGHUP (the terminal went away) raise
:class:`Terminated`, in the main thread, except inside :func:`uninterrupted`
(a file write), where the exception waits until the block ends. ``with``
blocks and ``finally`` clauses then run, the recorder writes its footer,
and the command exits 130 or 143 (128 + the signal) like a process the
signal had killed.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


class Terminated(BaseException):
    """A termination signal arrived (a BaseException, like KeyboardInterrupt,
    so that neither a process's crash handling nor ``except Exception`` in a
    workflow swallows it)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"terminated by {self.name}")


#: Nesting depth of :func:`uninterrupted` blocks, and the stop they hold back.
_critical = 0
_held: BaseException | None = None


def _handled() -> list[signal.Signals]:
    wanted = ("SIGINT", "SIGTERM", "SIGHUP")  # SIGHUP does not exist on Windows
    return [getattr(signal, name) for name in wanted if hasattr(signal, name)]


def _stop(signum: int, _frame: FrameType | None) -> None:
    global _held
    # Why ignore the next ones: a second signal while the recording closes
    # would interrupt the very cleanup the first one asked for.
    for number in _handled():
        signal.signal(number, signal.SIG_IGN)
    stop = KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)
    if _critical:
        _held = stop
        return
    raise stop


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Within, a stop waits until the block ends (see the module docstring)."""
    global _critical, _held
    _critical += 1
    try:
        yield
    finally:
        _critical -= 1
        if not _critical and _held is not None:
            stop, _held = _held, None
            raise stop


@contextlib.contextmanager
def terminable() -> Iterator[None]:
    """Within, the signals stop the command as the module docstring says.

    A signal whose handler is not Python's default (``nohup`` ignores SIGHUP,
    a shell ignores SIGINT in a background job) is left alone, and so is
    everything outside the main thread, where Python cannot set handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    defaults = (signal.SIG_DFL, signal.default_int_handler)
    previous = {}
    for number in _handled():
        if signal.getsignal(number) in defaults:
            previous[number] = signal.signal(number, _stop)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
