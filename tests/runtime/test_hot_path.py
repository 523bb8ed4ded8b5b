"""The hop's direct path: what it leaves out when nobody observes must never show.

The run loop takes a plain receive that finds its message inline
(``RunLoop.run_ready``), ``send`` delivers straight into an inbox when the
target's ``direct`` flag allows, RUNNING is derived rather than stored,
per-process seqs are counted only while observed, and an unobserved WAIT is
numbered together with the next RECEIVE. These tests check that an observer
sees the same signals whenever it starts looking, that the statuses and
effects a process shows are right, and count the work of a hop.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Generator
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow import Process, ProcessStatus, Signal, SignalType, template
from chronoflow.errors import ProcessStoppedError
from chronoflow.runtime import SimpleScheduler, VirtualClock, runloop
from chronoflow.runtime.effects import RECEIVE_ANY
from chronoflow.runtime.runloop import STEP_BUDGET
from tests.inspect.random_workflows import Program, programs

from .conftest import Tape

S = SignalType


class LateObserver(SimpleScheduler):
    """A scheduler that starts observing after its ``rounds``-th round."""

    def __init__(self, rounds: int) -> None:
        super().__init__(clock=VirtualClock())
        self.rounds = rounds
        self.tape = Tape()
        #: The kernel's seq when the tape started looking.
        self.looked_at: int | None = None

    async def update(self) -> bool:
        idle = await super().update()
        self.rounds -= 1
        if self.rounds == 0:
            self.looked_at = self.seq
            self.add_observer(self.tape)
        return idle


async def _run(program: Program, scheduler: SimpleScheduler) -> None:
    await program(scheduler)
    await scheduler.run()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(program=programs, rounds=st.integers(1, 4))
def test_an_observer_sees_the_same_signals_whenever_it_starts(
    program: Program, rounds: int
) -> None:
    watched = Tape()
    whole = SimpleScheduler(clock=VirtualClock(), observers=[watched])
    asyncio.run(_run(program, whole))
    late = LateObserver(rounds)
    asyncio.run(_run(program, late))
    assert late.seq == whole.seq
    start = whole.seq if late.looked_at is None else late.looked_at
    assert late.tape.signals == watched.signals[start:]
    assert [(p.pid, p.status, p.inbox_size) for p in late.processes.values()] == [
        (p.pid, p.status, p.inbox_size) for p in whole.processes.values()
    ]


def _route(message: tuple[int, Any]) -> int:
    return message[0]


@template(route=_route)
def Forward(self: Process, next_pid: int, hops: int) -> Generator[Any, Any, None]:
    """A ring node: pass the token on until it has made ``hops`` hops."""
    while True:
        _, token = yield self.receive()
        if token >= hops:
            return
        self.send((next_pid, token + 1))


@template(route=_route)
def Relay(self: Process, next_pid: int, hops: int) -> Generator[Any, Any, None]:
    """A ring node that keeps the token once it has made ``hops`` hops."""
    while True:
        _, token = yield self.receive()
        if token < hops:
            self.send((next_pid, token + 1))


def _ring(scheduler: SimpleScheduler, size: int, hops: int, node: Any = Forward) -> list[Process]:
    nodes = [scheduler.create(node, (i + 1) % size, hops) for i in range(size)]
    for node in nodes:
        node.start()
    scheduler.run_ready()
    return nodes


def test_a_hop_makes_no_call_into_the_kernel_beyond_send_and_receive() -> None:
    scheduler = SimpleScheduler(inbox_limit=None)
    nodes = _ring(scheduler, 10, 300, Relay)
    calls: Counter[str] = Counter()

    def count(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            calls[frame.f_code.co_name] += 1
        elif event == "c_call" and type(getattr(arg, "__self__", None)).__module__.startswith(
            "chronoflow."
        ):
            # The compiled kernel's methods are C functions: counted where called.
            calls[arg.__name__] += 1

    sys.setprofile(count)
    try:
        nodes[0].send((0, 0))
        scheduler.run_ready()
    finally:
        sys.setprofile(None)
    # One resume of a node per hop, each making one receive, send and route
    # (the last node keeps the token), and nothing else: no step(), no emit
    # or publish, no RunQueue.ready.
    # run_ready: the kernel's, then the loop's (compiled, the loop's is a C call
    # inside the kernel's, which no profiler sees).
    compiled = not str(runloop.__file__).endswith(".py")
    assert calls.pop("run_ready") == (1 if compiled else 2)
    assert calls == Counter({"Relay": 301, "receive": 301, "send": 301, "_route": 301})
    # STARTs and first WAITs, the SENDs (one from outside), and per hop
    # RECEIVE and WAIT: numbered as if observed.
    assert scheduler.seq == 10 * 2 + 301 + 301 * 2


def test_unobserved_the_seqs_go_on_as_if_observed() -> None:
    quiet = SimpleScheduler(inbox_limit=None)
    quiet_nodes = _ring(quiet, 5, 40)
    quiet_nodes[0].send((0, 0))
    quiet.run_ready()
    tape = Tape()
    watched = SimpleScheduler(inbox_limit=None, observers=[tape])
    nodes = _ring(watched, 5, 40)
    nodes[0].send((0, 0))
    watched.run_ready()
    assert quiet.seq == watched.seq == len(tape.signals)
    assert [n.status for n in quiet_nodes] == [n.status for n in nodes]
    # Per-process seqs are counted while observed only.
    assert [n.seq for n in quiet_nodes] == [0] * 5
    assert [n.seq for n in nodes] == [len(tape.types(n.pid)) for n in nodes]


@template()
def Looker(self: Process, seen: list[Any]) -> Generator[Any, Any, None]:
    """Note, for each message, what it sees of itself while it runs."""
    while True:
        message = yield self.receive()
        seen.append((message, self.status, self.effect, self.kernel.current is self))


def test_a_process_is_running_while_it_runs_and_waiting_after() -> None:
    seen: list[Any] = []
    scheduler = SimpleScheduler()
    proc = scheduler.create(Looker, seen)
    proc.start()
    asyncio.run(proc.push("a"))
    asyncio.run(proc.push("b"))
    assert seen == [
        ("a", ProcessStatus.RUNNING, None, True),
        ("b", ProcessStatus.RUNNING, None, True),
    ]
    assert proc.status is ProcessStatus.WAITING
    assert proc.effect is RECEIVE_ANY
    assert scheduler.current is None


@template()
def Taker(self: Process) -> Generator[Any, Any, None]:
    """Take messages for ever."""
    while True:
        yield self.receive()


def test_a_turn_takes_at_most_step_budget_messages(tape: Tape) -> None:
    scheduler = SimpleScheduler(observers=[tape])
    busy, other = scheduler.create(Taker), scheduler.create(Taker)
    busy.start()
    other.start()
    scheduler.run_ready()
    for n in range(STEP_BUDGET + 36):
        scheduler.send_to(busy.pid, n)
    scheduler.send_to(other.pid, "x")
    tape.signals.clear()
    scheduler.run_ready()
    receivers = [s.pid for s in tape.signals if s.type == S.RECEIVE]
    expected = [busy.pid] * STEP_BUDGET + [other.pid] + [busy.pid] * 36
    assert receivers == expected
    assert tape.types(busy.pid)[-1] == "WAIT"
    assert [s.seq for s in tape.signals] == list(range(tape.signals[0].seq, scheduler.seq))


@template()
def Crasher(self: Process) -> Generator[Any, Any, None]:
    """Fail on the first message."""
    message = yield self.receive()
    raise ValueError(f"bad {message}")


def test_a_crash_after_a_plain_receive_shows_only_the_process_frames(tape: Tape) -> None:
    scheduler = SimpleScheduler(observers=[tape])
    proc = scheduler.create(Crasher)
    proc.start()
    asyncio.run(proc.push("m"))
    crash = next(s for s in tape.signals if s.type == S.CRASH)
    assert crash.data["message"] == "bad m"
    assert "runloop.py" not in crash.data["traceback"]
    assert "in Crasher" in crash.data["traceback"]


@template()
def Patient(self: Process, got: list[Any]) -> Generator[Any, Any, None]:
    """A receive with a timeout, then plain receives."""
    got.append((yield self.receive(timeout=5)))
    while True:
        got.append((yield self.receive()))


def test_a_timer_left_behind_never_fires_on_a_plain_receive(tape: Tape) -> None:
    got: list[Any] = []
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    proc = scheduler.create(Patient, got)
    proc.start()

    async def main() -> None:
        scheduler.run_ready()  # (a round would let the virtual clock run out the timer)
        scheduler.send_to(proc.pid, "early")
        await scheduler.run()
        scheduler.send_to(proc.pid, "late")
        await scheduler.run()

    asyncio.run(main())
    assert got == ["early", "late"]
    assert "TIMEOUT" not in tape.types()
    assert proc.status is ProcessStatus.WAITING


@template()
def Parent(self: Process, inherit: bool) -> Generator[Any, Any, None]:
    """Spawn a taker child, then take messages."""
    self.spawn(Taker, inherit=inherit)
    while True:
        yield self.receive()


def test_direct_delivery_is_off_exactly_where_a_send_needs_the_mailroom(tape: Tape) -> None:
    scheduler = SimpleScheduler(observers=[tape])
    sharing, alone = scheduler.create(Parent, True), scheduler.create(Parent, False)
    sender = scheduler.create(Relay, 0, 0)
    for proc in (sharing, alone, sender):
        assert proc.direct
        proc.start()
    scheduler.run_ready()
    assert not sharing.direct  # its inheriting child gets its messages too
    assert alone.direct
    sender.send((sharing.pid, "m"))
    sender.send((alone.pid, "n"))
    sends = [s.data for s in tape.signals if s.type == S.SEND]
    assert sends == [
        {
            "msg": (sharing.pid, "m"),
            "to": sharing.pid,
            "into": [sharing.pid, sharing.children[0].pid],
        },
        {"msg": (alone.pid, "n"), "to": alone.pid, "into": [alone.pid]},
    ]
    scheduler.kill(alone, "done")
    ended = scheduler.processes[alone.pid]
    assert not ended.direct
    assert not sender.send((alone.pid, "late"))
    assert tape.signals[-1].data["into"] == []
    seq = scheduler.seq
    with pytest.raises(ProcessStoppedError, match="has killed; it cannot send"):
        ended.send((sender.pid, "from the grave"))
    assert scheduler.seq == seq  # refused before it was numbered


def test_a_signal_observed_from_the_start_numbers_each_process_step(tape: Tape) -> None:
    scheduler = SimpleScheduler(observers=[tape], inbox_limit=None)
    nodes = _ring(scheduler, 3, 10)
    nodes[0].send((0, 0))
    scheduler.run_ready()
    for node in nodes:
        assert node.seq == sum(1 for s in tape.signals if s.pid == node.pid)
    assert tape.signals == sorted(tape.signals, key=lambda s: s.seq)
    assert all(isinstance(s, Signal) for s in tape.signals)
