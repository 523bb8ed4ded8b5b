"""Python's cycle collector, set for a process that reads recordings, and
paused for a span that makes only short-lived containers.

A front end over the engine (the debugger, ``chronoflow state`` and
``chronoflow find``) allocates tens of thousands of long-lived objects per
decoded chunk, checkpoint and world. With Python's default thresholds the
collector runs every 700 allocations and keeps walking them: a quarter
of a jump in the debugger (see ``docs/performance.md``; the indexer
pauses the collector itself while it folds a chunk). Almost everything the engine drops is freed by
reference counting, so collecting less often costs little memory.

:func:`tune_collector` is for a process's entry point, never for a
library: it changes the whole interpreter. Programs run by ``chronoflow
run`` keep Python's defaults. :func:`collector_paused` is what the engine
itself uses, for about a millisecond at a time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: The thresholds set by :func:`tune_collector` (Python's are 700, 10, 10).
COLLECTOR_THRESHOLDS = (20_000, 20, 10)


def tune_collector() -> None:
    """Freeze what has been imported so far, and collect young objects less often.

    What start-up imported lives as long as the process, so it is moved out
    of the collector's walks (``gc.freeze``); young objects are collected
    every 20,000 allocations instead of every 700.
    """
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector (if it runs) for the span of the ``with``.

    For a span that allocates thousands of containers which form no cycles
    and die before it ends (a chunk decoded and folded): paused, the
    collector never walks them. Allocations made meanwhile, by any thread,
    still count; after the span the first allocation that finds the young
    generation over its threshold collects, by Python's own rule (the
    indexer makes one at once, entering its next pause), so other threads'
    garbage cycles wait at most one span.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
