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
    """Pause the collector (if it runs) for the span of the ``with``; then
    collect young objects if Python would have by now.

    For a span that allocates thousands of containers which form no cycles
    and die before it ends (a chunk decoded and folded): paused, the
    collector never walks them. Why the catch-up: the collector runs when
    an allocation finds the young generation over its threshold; with it
    paused most of the time, other threads' allocations rarely find it
    running, and their garbage cycles would wait. This does what the next
    allocation would, for the two younger generations (the oldest is left
    to Python's own rule).
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
            counts, thresholds = gc.get_count(), gc.get_threshold()
            if counts[0] > thresholds[0]:
                gc.collect(1 if counts[1] > thresholds[1] else 0)
