"""Python's cycle collector: set for a process that reads recordings, and
paused for a span that makes only short-lived containers.

One policy for the two layers that read recordings: the reader pauses the
collector while it decodes a chunk (:mod:`chronoflow.recording.records`),
the debugger's engine while it folds one (:mod:`chronoflow.inspect.index`),
and a front end tunes it once at its start.

A front end over the engine (the debugger, ``chronoflow state`` and
``chronoflow find``) allocates tens of thousands of long-lived objects per
decoded chunk, checkpoint and world. With Python's default thresholds the
collector runs every 700 allocations and keeps walking them: a quarter of
a jump in the debugger (see ``docs/performance.md``). Almost everything
the engine drops is freed by reference counting, so collecting less often
costs little memory.

:func:`tune_collector` is for a process's entry point, never for a
library: it changes the whole interpreter. Programs run by ``chronoflow
run`` keep Python's defaults. :func:`collector_paused` (or the pair
:func:`pause_collector` and :func:`resume_collector`) is what the reader
and the engine use themselves, for about a millisecond at a time.
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


def pause_collector() -> bool:
    """Pause the collector; whether it was running, for :func:`resume_collector`.

    The pair is :func:`collector_paused` without a context manager, for a
    span repeated back to back (the reader decoding chunk after chunk):
    ``paused = pause_collector()``, then ``try``/``finally:
    resume_collector(paused)``. Why: entering a context manager allocates
    (its generator), and an allocation between two spans lets the collector
    walk the chunk just decoded; paired calls allocate nothing, and reading
    a whole recording this way took 4-6 % less CPU.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    return paused


def resume_collector(paused: bool) -> None:
    """Undo :func:`pause_collector` (``paused``: what it returned)."""
    if paused:
        gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector (if it runs) for the span of the ``with``.

    For a span that allocates thousands of containers which form no cycles
    and die before it ends (a chunk decoded and folded): paused, the
    collector never walks them. Allocations made meanwhile, by any thread,
    still count; after the span the first allocation that finds the young
    generation over its threshold collects, by Python's own rule (the
    indexer makes one at once, entering its next pause), so other threads'
    garbage cycles wait at most one span. Spans nest: an inner one finds
    the collector paused and leaves it so.
    """
    paused = pause_collector()
    try:
        yield
    finally:
        resume_collector(paused)
