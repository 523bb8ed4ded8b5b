"""Receive, select, filter: which message is taken, what stays, what is dropped."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, ProcessStatus, template
from chronoflow.errors import SelectionError
from chronoflow.runtime import SimpleScheduler

from .conftest import Tape


def is_even(n: int) -> bool:
    return n % 2 == 0


@template
def Selector(self: Process) -> Generator[Any, Any, list[int]]:
    self.select(is_even)
    first = yield self.receive()
    second = yield self.receive(match=is_even)
    rest = yield self.receive()
    return [first, second, rest]


async def test_select_keeps_non_matching_messages_in_order(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    proc = scheduler.create(Selector)
    proc.start()
    await scheduler.update()
    for n in (1, 3, 4, 5, 6):
        await proc.push(n)
    assert proc.result == [4, 6, 1]
    assert proc.messages == [3, 5]
    brief = tape.brief()
    assert brief[:3] == [
        (0, "START", brief[0][2]),
        (0, "WAIT", {"mode": "select", "match": "is_even"}),
        (0, "DELIVER", {"msg": 1, "into": [0]}),
    ]
    # A blocked select examines each message as it arrives: one that does not
    # match stays without waking the process; one that matches makes it ready,
    # and the signal that brought it says so ("matched"); the receive takes it.
    assert tape.types() == [
        "START", "WAIT", "DELIVER", "DELIVER", "DELIVER", "RECEIVE", "WAIT",
        "DELIVER", "DELIVER", "RECEIVE", "RECEIVE", "STOP",
    ]  # fmt: skip
    receives = [data for _, kind, data in brief if kind == "RECEIVE"]
    delivers = {data["msg"]: seq for seq, (_, kind, data) in enumerate(brief) if kind == "DELIVER"}
    assert receives == [delivers[4], delivers[6], delivers[1]]
    matched = [data["msg"] for _, kind, data in brief if kind == "DELIVER" and "matched" in data]
    assert matched == [4, 6]
    assert brief[delivers[4]][2] == {"msg": 4, "into": [0], "matched": [0]}


@template
def Filterer(self: Process) -> Generator[Any, Any, int]:
    self.filter(is_even)
    return (yield self.receive())


async def test_filter_drops_non_matching_messages_with_drop_signals(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    proc = scheduler.create(Filterer)
    proc.start()
    await scheduler.update()
    for n in (1, 3, 8):
        await proc.push(n)
    assert proc.result == 8
    assert proc.messages == []
    assert [b for b in tape.brief() if b[1] in ("DROP", "RECEIVE", "WAIT")] == [
        (0, "WAIT", {"mode": "filter", "match": "is_even"}),
        (0, "DROP", {"id": 2, "msg": 1}),
        (0, "DROP", {"id": 4, "msg": 3}),
        (0, "RECEIVE", 6),
    ]


async def test_filter_drops_what_already_waits_in_the_inbox(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    @template
    def Late(self: Process) -> Generator[Any, Any, int]:
        self.select(lambda m: m == "go")
        yield self.receive()
        self.filter(is_even)
        return (yield self.receive())

    proc = scheduler.create(Late)
    proc.start()
    for message in (1, 3, 2, "go"):
        await proc.push(message)
    assert proc.result == 2
    assert [d["msg"] for _, k, d in tape.brief() if k == "DROP"] == [1, 3]


async def test_select_and_filter_cannot_be_combined(scheduler: SimpleScheduler) -> None:
    @template
    def Confused(self: Process) -> Generator[Any, Any, str]:
        self.filter(is_even)
        try:
            self.select(is_even)
        except SelectionError as error:
            return str(error)
        yield self.receive()
        return "no error"

    proc = scheduler.create(Confused)
    proc.start()
    await scheduler.run()
    assert proc.status is ProcessStatus.STOPPED
    assert "select() while a filter() is set" in proc.result


@template
def Picky(self: Process) -> Generator[Any, Any, str]:
    try:
        yield self.receive(match=lambda m: m["key"] == 1)
    except KeyError:
        return "caught"
    return "not raised"


@pytest.mark.parametrize("blocked", [False, True])
async def test_a_failing_predicate_is_raised_inside_the_process(
    scheduler: SimpleScheduler, tape: Tape, blocked: bool
) -> None:
    proc = scheduler.create(Picky)
    proc.start()
    if blocked:
        await scheduler.update()  # it blocks: the message is examined as it arrives
    await proc.push({"other": 1})
    assert proc.result == "caught"
    deliver = next(s for s in tape.signals if s.type.name == "DELIVER")
    if blocked:
        # The pattern raised on arrival: the process is woken to raise it.
        assert deliver.data == {"msg": {"other": 1}, "into": [0], "raised": [[0, "KeyError"]]}
    else:
        assert deliver.data == {"msg": {"other": 1}, "into": [0]}


@pytest.mark.parametrize("limit_on", ["template", "scheduler"])
async def test_full_inbox_refuses_with_backoff(limit_on: str, tape: Tape) -> None:
    @template(inbox_limit=2 if limit_on == "template" else None)
    def Busy(self: Process) -> Generator[Any, Any, None]:
        self.select(lambda m: m == "never")
        yield self.receive()

    scheduler = SimpleScheduler(
        observers=[tape], inbox_limit=2 if limit_on == "scheduler" else 1000
    )
    proc = scheduler.create(Busy)
    proc.start()
    for n in range(4):
        await proc.push(n)
    assert proc.messages == [0, 1]
    assert [b for b in tape.brief() if b[1] in ("DELIVER", "BACKOFF")][-2:] == [
        (0, "DELIVER", {"msg": 3, "into": []}),
        (0, "BACKOFF", {"id": 6, "size": 2, "limit": 2}),
    ]
    refusals = [d for _, k, d in tape.brief() if k == "BACKOFF"]
    assert refusals == [{"id": 4, "size": 2, "limit": 2}, {"id": 6, "size": 2, "limit": 2}]


def test_default_inbox_limit_is_a_thousand() -> None:
    from chronoflow.runtime import DEFAULT_INBOX_LIMIT

    assert DEFAULT_INBOX_LIMIT == 1000
    assert SimpleScheduler().inbox_limit == 1000
