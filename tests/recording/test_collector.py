"""collector_paused(): the collector rests for a span and runs by Python's rule after it."""

from __future__ import annotations

import gc
import weakref

from chronoflow.recording.collector import collector_paused


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_collector_rests_inside_and_runs_again_after() -> None:
    gc.set_threshold(50, 10, 10)
    gc.collect()
    with collector_paused():
        assert not gc.isenabled()
        garbage = weakref.ref(_Cycle())
        keep = [[] for _ in range(200)]  # over the threshold: Python would have collected
        assert garbage() is not None  # nothing ran while paused
    assert gc.isenabled()
    assert garbage() is None  # collected by the first allocation after
    assert len(keep) == 200


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            garbage = weakref.ref(_Cycle())
            keep = [[] for _ in range(2000)]
        assert not gc.isenabled()
        assert garbage() is not None
        assert len(keep) == 2000
    finally:
        gc.enable()
        gc.collect()


def test_below_the_threshold_nothing_is_collected_early() -> None:
    gc.set_threshold(100_000, 10, 10)
    gc.collect()
    with collector_paused():
        garbage = weakref.ref(_Cycle())
    assert gc.isenabled()
    assert garbage() is not None  # as Python itself would leave it
    gc.collect()
    assert garbage() is None
