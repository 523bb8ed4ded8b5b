"""Python's cycle collector, set for a process that reads recordings.

A front end over the engine (the debugger, ``chronoflow state`` and
``chronoflow find``) allocates tens of thousands of long-lived objects per
decoded chunk, checkpoint and world. With Python's default thresholds the
collector runs every 700 allocations and keeps walking them: a quarter
of a jump in the debugger (see ``docs/performance.md``; the indexer
pauses the collector itself while it folds a chunk). Almost everything the engine drops is freed by
reference counting, so collecting less often costs little memory.

This is for a process's entry point, never for a library: it changes the
whole interpreter. Programs run by ``chronoflow run`` keep Python's
defaults.
"""

from __future__ import annotations

import gc

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
