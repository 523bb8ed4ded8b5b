"""Python's cycle collector: set for a process that reads recordings,
paused for a span that makes only short-lived containers, and rested while
a recorder holds signals.

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
:class:`CollectorRest` is the recorder's: it raises the young generation's
threshold while the recorder buffers signals and puts the user's settings
back when the buffer is written out (see its docstring).
"""

from __future__ import annotations

import gc
import threading
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


#: The young generation's threshold while a recorder holds signals (Python's is 700).
RECORDING_THRESHOLD = 20_000

#: Why reentrant: a recorder dropped unclosed wakes its rest from a
#: finalizer, which a collection runs wherever it starts, also inside this
#: lock (rest and wake allocate tuples). The nested wake finds the counts
#: consistent: rest allocates only while no rest is counted (so the nested
#: wake has nothing to give up), and wake counts itself out before it allocates.
_rest_lock = threading.RLock()
#: How many CollectorRests are resting the collector now.
_resting = 0
#: The thresholds found when the first of them started resting it.
_saved: tuple[int, int, int] = (0, 0, 0)
#: The thresholds they set: what :meth:`CollectorRest.wake` expects to find.
_rested: tuple[int, int, int] = (0, 0, 0)


class CollectorRest:
    """One recorder's share in resting the collector: :meth:`rest` while it
    holds signals, :meth:`wake` once it has written them all out.

    Why: a recorder's buffer keeps a chunk of signal tuples alive until it
    is written. In the ring a full chunk (1,024 signals) adds about 900 to
    the young generation's count, over Python's threshold of 700: the
    collector ran about twice per chunk, walked the buffered tuples, found
    nothing to free and moved them to the older generations, which it then
    walked too (1,082 young, 98 middle and 9 full collections per 200 k
    recorded hops, against 10, 1 and 0 unrecorded). Raised to
    :data:`RECORDING_THRESHOLD`, a chunk fits with room to spare and a
    recorded ring collects as often as an unrecorded one (figures in
    ``docs/performance.md``, "Recording").
    The collector stays enabled with Python's own rule: a program that makes
    reference cycles while it is recorded has them collected at the latest
    every :data:`RECORDING_THRESHOLD` container allocations instead of every
    700, and in practice at each chunk written (the recorder wakes the
    collector then, and the next allocation finds the young generation over
    the user's threshold): its cyclic garbage stays bounded.

    The rule for the user's settings: the first rest in the process saves
    ``gc.get_threshold()`` and raises the young threshold (never lowers it:
    a threshold above ours, or 0 for "never", is left as it is); the last
    wake puts the saved thresholds back, unless the program has set its own
    since, which then stands. Rests are counted, so recorders that overlap,
    nest or finish in any order share one saved setting; each
    CollectorRest counts once however often it rests. ``gc.enable`` and
    ``gc.disable`` are never touched.
    """

    __slots__ = ("__weakref__", "resting")

    def __init__(self) -> None:
        #: True between :meth:`rest` and :meth:`wake`.
        self.resting = False

    def rest(self) -> None:
        """Raise the young generation's threshold, unless already resting."""
        global _resting, _saved, _rested
        with _rest_lock:
            if self.resting:
                return
            self.resting = True
            if _resting == 0:
                _saved = gc.get_threshold()
                young, middle, old = _saved
                if young != 0:
                    young = max(young, RECORDING_THRESHOLD)
                _rested = (young, middle, old)
                if _rested != _saved:
                    gc.set_threshold(*_rested)
            _resting += 1

    def wake(self) -> None:
        """Give up this share; the last one puts the saved thresholds back."""
        global _resting
        with _rest_lock:
            if not self.resting:
                return
            self.resting = False
            _resting -= 1
            if _resting == 0 and gc.get_threshold() == _rested and _rested != _saved:
                gc.set_threshold(*_saved)
