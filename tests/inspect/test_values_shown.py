"""The engine shows the values a workflow used, whether it folded a recording or memory.

The fold keeps values in the raw form a recording's chunks decode to
(arrays as tuples, a tuple led by its marker); these tests check that every
value a world shows is back to what was sent, with the exact types.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from chronoflow import Process, template
from chronoflow.inspect import MemorySource, Timeline
from chronoflow.recording import open_recording
from chronoflow.runtime import SimpleScheduler
from tests.inspect.conftest import record, record_file
from tests.recording.test_values import same

MESSAGES = [
    (1, [2, (3,)], {"k": (4, [5]), (6, 7): None}),
    [("a", b"\x00"), 2**70, -1.5],
    (),
]
CONFIG = [{"depth": (1, [2])}, ("x",)]
RESULT = ({"done": [1, (2,)]}, [])


def _never(message: Any) -> bool:
    return False


@template()
def Holder(self: Process, config: Any) -> Generator[Any, Any, None]:
    self.select(_never)
    yield self.receive()  # waits for ever: what is pushed stays in the inbox


@template()
def Finisher(self: Process) -> Generator[Any, Any, Any]:
    return RESULT
    yield  # a generator


async def main(scheduler: SimpleScheduler) -> None:
    holder = scheduler.create(Holder, CONFIG)
    holder.start()
    scheduler.create(Finisher).start()
    for message in MESSAGES:
        await holder.push(message)


@pytest.fixture(params=["memory", "recording"])
def timeline(request: pytest.FixtureRequest, tmp_path: Path) -> Timeline:
    if request.param == "memory":
        source: MemorySource | Any = record(main)
    else:
        source = open_recording(record_file(main, tmp_path / "values.cfl", chunk_size=2))
    return Timeline(source, background=False, interval=2)


def test_a_world_shows_the_values_sent_with_their_types(timeline: Timeline) -> None:
    world = timeline.state_at(len(timeline) - 1)
    holder, finisher = (world.process(pid) for pid in world.pids)
    assert [entry.message for entry in holder.inbox] == MESSAGES
    assert all(
        same(entry.message, sent) for entry, sent in zip(holder.inbox, MESSAGES, strict=True)
    )
    assert same(holder.args, (CONFIG,))
    assert same(finisher.result, RESULT)
    timeline.close()


def test_a_world_from_a_checkpoint_shows_the_same_values(timeline: Timeline) -> None:
    last = len(timeline) - 1
    fresh = timeline.state_at(last)
    timeline.state_at(0)  # seek away, then back through a checkpoint
    again = timeline.state_at(last)
    assert again == fresh
    assert all(
        same(a.message, b.message)
        for a, b in zip(again.process(0).inbox, fresh.process(0).inbox, strict=True)
    )
    timeline.close()
