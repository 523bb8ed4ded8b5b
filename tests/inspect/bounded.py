"""A guard for tests of hostile recordings: the work must end, and quickly.

Without the fixes these recordings sent the engine into an endless loop;
a test that simply called it would hang the whole run instead of failing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def finishes(work: Callable[[], T], seconds: float = 10.0) -> T:
    """``work()``'s result; the test fails if it has not returned within ``seconds``.

    The work runs in a daemon thread, so one that never ends is left behind
    rather than hanging the test run; an exception it raises is raised here.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the test below
            failure.append(error)

    thread = threading.Thread(target=run, name="bounded-test-work", daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: an endless loop?"
    if failure:
        raise failure[0]
    return outcome[0]
