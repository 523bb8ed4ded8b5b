"""Full inboxes: backoff, drop-newest, drop-oldest and fail, each recorded."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, template
from chronoflow.errors import InboxFullError
from chronoflow.runtime import SimpleScheduler

from .conftest import Tape


def to_zero(message: Any) -> int:
    return 0


@template
def Hoarder(self: Process) -> Generator[Any, Any, None]:
    """Never takes anything: its inbox only fills."""
    yield self.receive(match=lambda m: False)


def _producer(count: int) -> Any:
    @template(route=to_zero)
    def Producer(self: Process) -> Generator[Any, Any, list[Any]]:
        outcomes: list[Any] = []
        for n in range(count):
            try:
                outcomes.append(self.send(n))
            except InboxFullError as error:
                outcomes.append(str(error))
        return outcomes
        yield

    return Producer


async def _run(policy: str, tape: Tape) -> tuple[Process, Process]:
    scheduler = SimpleScheduler(observers=[tape], inbox_limit=2, overflow=policy)
    hoarder = scheduler.create(Hoarder)
    hoarder.start()
    producer = scheduler.create(_producer(4))
    producer.start()
    await scheduler.run()
    return hoarder, producer


async def test_backoff_refuses_and_tells_the_sender(tape: Tape) -> None:
    hoarder, producer = await _run("backoff", tape)
    assert hoarder.messages == [0, 1]
    assert producer.result == [True, True, False, False]
    backoffs = [(p, d) for p, k, d in tape.brief() if k == "BACKOFF"]
    # seq 0, 1: STARTs; 2: the hoarder's WAIT; 3, 4: SENDs taken; 5, 7: refused.
    assert backoffs == [
        (0, {"id": 5, "size": 2, "limit": 2}),
        (0, {"id": 7, "size": 2, "limit": 2}),
    ]


async def test_drop_newest_drops_the_arriving_message(tape: Tape) -> None:
    hoarder, producer = await _run("drop-newest", tape)
    assert hoarder.messages == [0, 1]
    assert producer.result == [True, True, False, False]
    drops = [d for _, k, d in tape.brief() if k == "DROP"]
    assert drops == [
        {"id": 5, "msg": 2, "reason": "inbox full"},
        {"id": 7, "msg": 3, "reason": "inbox full"},
    ]


async def test_drop_oldest_makes_room(tape: Tape) -> None:
    hoarder, producer = await _run("drop-oldest", tape)
    assert hoarder.messages == [2, 3]
    assert producer.result == [True, True, True, True]
    drops = [d for _, k, d in tape.brief() if k == "DROP"]
    assert drops == [
        {"id": 3, "msg": 0, "reason": "inbox full"},
        {"id": 4, "msg": 1, "reason": "inbox full"},
    ]


async def test_fail_raises_in_the_sender(tape: Tape) -> None:
    hoarder, producer = await _run("fail", tape)
    assert hoarder.messages == [0, 1]
    message = "the inbox of process 0 is full (2 messages) and its overflow policy is 'fail'"
    assert producer.result == [True, True, message, message]


async def test_a_template_overrides_the_scheduler_policy(tape: Tape) -> None:
    @template(inbox_limit=1, overflow="drop-oldest")
    def Latest(self: Process) -> Generator[Any, Any, None]:
        yield self.receive(match=lambda m: False)

    scheduler = SimpleScheduler(observers=[tape], overflow="fail")
    latest = scheduler.create(Latest)
    latest.start()
    for n in range(3):
        await latest.push(n)
    assert latest.messages == [2]


def test_unknown_policies_are_refused() -> None:
    with pytest.raises(ValueError, match="overflow must be"):
        template(overflow="sometimes")(Hoarder.fn)
    from chronoflow.errors import MisuseError

    with pytest.raises(MisuseError, match="overflow must be one of"):
        SimpleScheduler(overflow="sometimes")
