"""Use functions: named in full in USE signals, recognised by replay whatever the file's name."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, Signal, SignalType, template
from chronoflow.errors import NondeterminismError
from chronoflow.runtime import SimpleScheduler
from chronoflow.runtime.checking import key_fields
from chronoflow.runtime.naming import qualified, use_identity, workflow_module_name
from chronoflow.runtime.replay import RecordingReplay

from .conftest import Tape


@pytest.mark.parametrize(
    ("fn", "identity"),
    [
        ("chronoflow_workflow_timeout_retry.flaky_lookup", "<workflow>.flaky_lookup"),
        ("chronoflow_workflow_x.flaky_lookup", "<workflow>.flaky_lookup"),
        ("chronoflow_workflow_shop.Client.fetch", "<workflow>.Client.fetch"),
        ("chronoflow_workflow_a.make.<locals>.get", "<workflow>.make.<locals>.get"),
        ("asyncio.sleep", "asyncio.sleep"),
        ("myapp.chronoflow_workflow_x.f", "myapp.chronoflow_workflow_x.f"),
        ("flaky_lookup", "flaky_lookup"),
        ("chronoflow_workflow_", "chronoflow_workflow_"),
        (None, None),
    ],
)
def test_a_workflow_function_is_identified_without_the_file_name(fn: Any, identity: Any) -> None:
    assert use_identity(fn) == identity


def test_use_signals_keep_the_full_name_and_compare_without_the_stem() -> None:
    async def fetch() -> int:
        return 1

    fetch.__module__ = workflow_module_name("orders")
    assert qualified(fetch).startswith("chronoflow_workflow_orders.")

    def use(fn: str) -> Signal:
        return Signal(5, 1, SignalType.USE, {"fn": fn, "args": [1]}, 0.0)

    for ordered in (True, False):
        same = key_fields(use("chronoflow_workflow_orders.fetch"), ordered)
        assert same == key_fields(use("chronoflow_workflow_orders_copy.fetch"), ordered)
        assert same != key_fields(use("chronoflow_workflow_orders.fetch_all"), ordered)
        assert same != key_fields(use("orders.fetch"), ordered)


async def lookup(key: str) -> str:
    await asyncio.sleep(0)
    return key.upper()


@template
def Asker(self: Process) -> Generator[Any, Any, Any]:
    return (yield self.use(lookup, "ab"))


def run(module: str, recorded: list[Signal] | None = None) -> list[Signal]:
    """Run Asker with ``lookup`` in ``module``; replay ``recorded`` if given."""
    lookup.__module__ = module
    tape = Tape()
    scheduler = SimpleScheduler(observers=[tape])
    if recorded is not None:
        RecordingReplay(recorded, templates=[Asker]).attach(scheduler)
    scheduler.create(Asker).start()
    try:
        asyncio.run(scheduler.run())
    finally:
        lookup.__module__ = __name__
    return tape.signals


def test_a_recording_replays_with_its_workflow_under_another_file_name() -> None:
    recorded = run("chronoflow_workflow_original")
    (use,) = [s for s in recorded if s.type is SignalType.USE]
    assert use.data["fn"] == "chronoflow_workflow_original.lookup"
    again = run("chronoflow_workflow_copy", recorded)
    assert [s.type for s in again] == [s.type for s in recorded]
    assert again[-1].data == {"result": "AB"}


def test_a_use_function_from_another_module_must_keep_its_module() -> None:
    recorded = run("chronoflow_workflow_original")
    with pytest.raises(NondeterminismError) as caught:
        run("some_library", recorded)
    expected, actual = caught.value.expected, caught.value.actual
    assert isinstance(expected, Signal)
    assert isinstance(actual, Signal)
    assert expected.data["fn"] == "chronoflow_workflow_original.lookup"
    assert actual.data["fn"] == "some_library.lookup"
