"""Erlang parity: ``send_to``, per-process inbox options, multi-clause receive, refs
and ``demonitor(flush=True)``: what each does and what it records."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import ANY, TIMEOUT, Matched, Pattern, Process, template
from chronoflow.errors import InboxFullError, MisuseError
from chronoflow.runtime import SimpleScheduler, VirtualClock

from .conftest import Tape

# -- send_to ---------------------------------------------------------------------------


@template
def Echo(self: Process) -> Generator[Any, Any, Any]:
    sender, text = yield self.receive()
    self.send_to(sender, ("echo", text))
    return text


@template
def Asker(self: Process) -> Generator[Any, Any, Any]:
    echo = self.spawn(Echo, inherit=False)
    self.send_to(echo.pid, (self.pid, "hi"))
    reply = yield self.receive()
    return reply


async def test_send_to_reaches_the_pid_without_a_route(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    asker = scheduler.create(Asker).start()
    await scheduler.run()
    assert asker.result == ("echo", "hi")
    sends = [(pid, data) for pid, kind, data in tape.brief() if kind == "SEND"]
    assert sends == [
        (0, {"msg": (0, "hi"), "to": 1, "into": [1]}),
        (1, {"msg": ("echo", "hi"), "to": 0, "into": [0]}),
    ]


@template
def ToNobody(self: Process, pid: int) -> Generator[Any, Any, Any]:
    took = self.send_to(pid, "lost")
    yield self.sleep(0)
    return took


async def test_send_to_an_unknown_pid_is_silent_and_recorded(tape: Tape) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    proc = scheduler.create(ToNobody, 99).start()
    await scheduler.run()
    assert proc.result is False
    sends = [(pid, data) for pid, kind, data in tape.brief() if kind == "SEND"]
    assert sends == [(0, {"msg": "lost", "to": 99, "into": []})]
    assert [s.data["to"] for s in scheduler.outbox] == [99]


async def test_send_to_an_ended_pid_is_silent_and_recorded(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    echo = scheduler.create(Echo).start()
    await echo.push((5, "x"))
    assert not echo.alive
    proc = scheduler.create(ToNobody, echo.pid).start()
    await scheduler.run()
    assert proc.result is False
    assert tape.brief()[-4][1:] == ("SEND", {"msg": "lost", "to": echo.pid, "into": []})


async def test_the_scheduler_sends_to_a_pid_from_outside(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    echo = scheduler.create(Echo).start()
    await scheduler.update()
    assert scheduler.send_to(echo.pid, (7, "out")) is True
    assert scheduler.send_to(42, "nobody") is False
    await scheduler.run()
    assert echo.result == "out"
    delivers = [(pid, data) for pid, kind, data in tape.brief() if kind == "DELIVER"]
    assert delivers == [
        (0, {"msg": (7, "out"), "into": [0]}),
        (42, {"msg": "nobody", "to": 42, "into": []}),
    ]
    assert delivers[0][1]["into"] == [0]


@template
def Waiter(self: Process) -> Generator[Any, Any, Any]:
    return (yield self.receive())


def test_a_standalone_process_sends_to_a_pid_from_outside() -> None:
    proc = Waiter.create(0).start()
    assert [s.type.name for s in proc.pull()] == ["START", "WAIT"]
    assert proc.send_to(5, "x") is False
    assert proc.pull()[-1].data == {"msg": "x", "to": 5, "into": []}


# -- per-process inbox limit and overflow ------------------------------------------------


@template
def Sink(self: Process) -> Generator[Any, Any, Any]:
    yield self.sleep(10)
    return self.messages


@template
def Filler(self: Process, limit: int, overflow: str) -> Generator[Any, Any, Any]:
    sink = self.spawn(Sink, inherit=False, inbox_limit=limit, overflow=overflow)
    took = [self.send_to(sink.pid, n) for n in range(4)]
    return took, (yield from sink.join())


async def test_a_spawned_process_has_its_own_inbox_limit(tape: Tape) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    proc = scheduler.create(Filler, 2, "drop-oldest").start()
    await scheduler.run()
    assert proc.result == ([True, True, True, True], [2, 3])
    assert [d["reason"] for _, k, d in tape.brief() if k == "DROP"] == ["inbox full"] * 2


async def test_a_created_process_has_its_own_inbox_limit_and_policy(tape: Tape) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    sink = scheduler.create(Sink, inbox_limit=1, overflow="fail").start()
    other = scheduler.create(Sink).start()
    scheduler.run_ready()
    assert (sink.inbox_limit, sink.overflow) == (1, "fail")
    assert (other.inbox_limit, other.overflow) == (1000, "backoff")
    scheduler.send_to(sink.pid, "a")
    with pytest.raises(InboxFullError):
        scheduler.send_to(sink.pid, "b")
    assert sink.messages == ["a"]


def test_bad_inbox_options_are_refused(scheduler: SimpleScheduler) -> None:
    with pytest.raises(MisuseError, match="inbox_limit"):
        scheduler.create(Sink, inbox_limit=-1)
    with pytest.raises(MisuseError, match="overflow"):
        scheduler.create(Sink, overflow="explode")
    assert scheduler.processes == {}


# -- multi-clause receive -----------------------------------------------------------------


def is_stop(message: Any) -> bool:
    return message == "stop"


@template
def Server(self: Process) -> Generator[Any, Any, Any]:
    seen: list[Any] = []
    while True:
        timeout = None if "timeout" in seen else 5  # times out once, then waits on
        got = yield self.receive_clauses(
            Pattern(("ping", ANY)), is_stop, count=lambda m: isinstance(m, int), timeout=timeout
        )
        if got is TIMEOUT:
            seen.append("timeout")
            continue
        seen.append(got)
        if got.clause == "is_stop":
            return seen


async def test_multi_clause_receive_takes_the_first_matching_message_in_order(
    tape: Tape,
) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    proc = scheduler.create(Server).start()
    scheduler.run_ready()
    await proc.push("junk")
    await proc.push(("ping", 1))
    await proc.push(3)
    await scheduler.run()
    await proc.push("stop")
    await scheduler.run()
    assert proc.result == [
        Matched("('ping', _)", ("ping", 1)),
        Matched("count", 3),
        "timeout",
        Matched("is_stop", "stop"),
    ]
    assert proc.messages == ["junk"]
    waits = [d for _, k, d in tape.brief() if k == "WAIT"]
    assert waits[0] == {"mode": "select", "match": "('ping', _) | is_stop | count", "timeout": 5}


@template
def Queued(self: Process) -> Generator[Any, Any, Any]:
    yield self.sleep(1)
    first = yield self.receive_clauses(high=Pattern({"prio": "high"}), any=Pattern(ANY))
    second = yield self.receive_clauses(high=Pattern({"prio": "high"}), any=Pattern(ANY))
    return [first, second]


async def test_clauses_are_tried_per_message_in_inbox_order() -> None:
    scheduler = SimpleScheduler(clock=VirtualClock())
    proc = scheduler.create(Queued).start()
    await scheduler.update()
    scheduler.send_to(proc.pid, {"prio": "low"})
    scheduler.send_to(proc.pid, {"prio": "high", "n": 1})
    await scheduler.run()
    # Erlang semantics: the first message any clause accepts, not the first clause.
    assert proc.result == [
        Matched("any", {"prio": "low"}),
        Matched("high", {"prio": "high", "n": 1}),
    ]


def explode(message: Any) -> bool:
    raise ValueError("bad pattern")


@template
def Raiser(self: Process) -> Generator[Any, Any, Any]:
    try:
        yield self.receive_clauses(explode)
    except ValueError as error:
        return str(error)


async def test_a_clause_that_raises_raises_in_the_process(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    proc = scheduler.create(Raiser).start()
    await scheduler.update()
    await proc.push("m")
    assert proc.result == "bad pattern"
    delivers = [d for _, k, d in tape.brief() if k == "DELIVER"]
    assert delivers == [{"msg": "m", "into": [0], "raised": [[0, "ValueError"]]}]


@template
def Unnamed(self: Process) -> Generator[Any, Any, Any]:
    try:
        yield self.receive_clauses(lambda m: True)
    except MisuseError as error:
        return str(error)


async def test_a_lambda_clause_needs_a_name(scheduler: SimpleScheduler) -> None:
    proc = scheduler.create(Unnamed).start()
    await scheduler.run()
    assert "needs a readable name" in proc.result


def test_patterns_match_shapes() -> None:
    assert Pattern(("a", int, ANY))(["a", 1, None])
    assert not Pattern(("a", int))(("a", "1"))
    assert Pattern({"k": ANY})({"k": 1, "x": 2})
    assert not Pattern({"k": ANY})({"x": 2})
    assert Pattern(("a", int, ANY)).match_name == "('a', int, _)"
    assert Pattern(ANY, name="anything").match_name == "anything"


# -- refs and demonitor(flush=True) --------------------------------------------------------


@template
def Quick(self: Process) -> Generator[Any, Any, Any]:
    return "done"
    yield


@template
def Watcher(self: Process, flush: bool) -> Generator[Any, Any, Any]:
    refs = [self.make_ref(), self.make_ref()]
    child = self.spawn(Quick, inherit=False)
    ref = self.monitor(child.pid)
    yield self.sleep(1)  # the child ends; its DOWN arrives
    before = list(self.messages)
    self.demonitor(ref, flush=flush)
    return refs, before, list(self.messages)


async def test_make_ref_gives_unique_refs(tape: Tape) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    proc = scheduler.create(Watcher, False).start()
    await scheduler.run()
    refs, before, after = proc.result
    assert refs == ["#Ref<0.1>", "#Ref<0.2>"]
    assert len(before) == 1
    assert before == after


async def test_demonitor_flush_drops_a_down_that_already_arrived(tape: Tape) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    proc = scheduler.create(Watcher, True).start()
    await scheduler.run()
    _, before, after = proc.result
    assert before[0][0] == "DOWN"
    assert after == []
    down = next(s for s in tape.signals if s.type.name == "DOWN")
    drop = next(s for s in tape.signals if s.type.name == "DROP")
    assert drop.data == {"id": down.seq, "msg": before[0], "reason": "demonitor flush"}
    assert drop.pid == proc.pid


@template
def NotInside(self: Process) -> Generator[Any, Any, Any]:
    yield self.receive()


def test_make_ref_only_inside_a_process(scheduler: SimpleScheduler) -> None:
    proc = scheduler.create(NotInside)
    with pytest.raises(Exception, match="inside"):
        proc.make_ref()
