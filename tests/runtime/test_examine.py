"""A blocked selective receive examines each message as it arrives."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, ProcessStatus, template
from chronoflow.runtime import SimpleScheduler, VirtualClock

from .conftest import Tape


def is_even(n: int) -> bool:
    return n % 2 == 0


@template
def Even(self: Process) -> Generator[Any, Any, int]:
    return (yield self.receive(match=is_even))


async def test_a_message_that_does_not_match_leaves_the_process_blocked(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    proc = scheduler.create(Even)
    proc.start()
    await scheduler.update()
    await proc.push(3)
    # Not woken: still blocked, nothing recorded beyond the delivery.
    assert proc.status is ProcessStatus.WAITING
    assert tape.types() == ["START", "WAIT", "DELIVER"]
    assert tape.signals[2].data == {"msg": 3, "into": [0]}
    await proc.push(4)
    assert proc.result == 4
    assert tape.types() == ["START", "WAIT", "DELIVER", "DELIVER", "RECEIVE", "STOP"]
    assert tape.signals[3].data == {"msg": 4, "into": [0], "matched": [0]}
    assert tape.signals[4].data == tape.signals[3].seq


async def test_the_match_makes_the_process_ready_before_it_runs(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    receiver = scheduler.create(Even)
    receiver.start()
    await scheduler.update()
    seen: list[tuple[str, Any, ProcessStatus]] = []
    scheduler.add_observer(lambda s: seen.append((s.type.name, s.data, receiver.status)))

    @template(route=lambda m: receiver.pid)
    def Routed(self: Process) -> Generator[Any, Any, None]:
        self.send(1)
        self.send(2)
        self.send(6)
        return
        yield

    scheduler.create(Routed).start()
    await scheduler.run()
    assert [kind for kind, _, _ in seen] == [
        "START",
        "SEND",
        "SEND",
        "SEND",
        "STOP",
        "RECEIVE",
        "STOP",
    ]
    # Ready from the SEND of 2 on, although the sender is still running; 6
    # arrives behind the match and is not examined.
    assert seen[1][1:] == ({"msg": 1, "to": 0, "into": [0]}, ProcessStatus.WAITING)
    assert seen[2][1:] == ({"msg": 2, "to": 0, "into": [0], "matched": [0]}, ProcessStatus.READY)
    assert seen[3][1:] == ({"msg": 6, "to": 0, "into": [0]}, ProcessStatus.READY)
    assert receiver.result == 2
    assert receiver.messages == [1, 6]


async def test_a_filter_drops_what_does_not_match_as_it_arrives(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    @template
    def Filtering(self: Process) -> Generator[Any, Any, int]:
        self.filter(is_even)
        return (yield self.receive())

    proc = scheduler.create(Filtering)
    proc.start()
    await scheduler.update()
    await proc.push(1)
    assert proc.status is ProcessStatus.WAITING
    assert tape.brief()[2:] == [
        (0, "DELIVER", {"msg": 1, "into": [0]}),
        (0, "DROP", {"id": 2, "msg": 1}),
    ]
    await proc.push(2)
    assert proc.result == 2
    assert tape.brief()[4:] == [
        (0, "DELIVER", {"msg": 2, "into": [0], "matched": [0]}),
        (0, "RECEIVE", 4),
        (0, "STOP", {"result": 2}),
    ]


async def test_a_match_disarms_the_receive_timeout(tape: Tape) -> None:
    clock = VirtualClock()
    scheduler = SimpleScheduler(clock=clock, observers=[tape])

    @template
    def Patient(self: Process) -> Generator[Any, Any, Any]:
        first = yield self.receive(match=is_even, timeout=5)
        second = yield self.receive(match=is_even, timeout=5)
        return [first, second]

    proc = scheduler.create(Patient)
    proc.start()
    scheduler.run_ready()  # blocks; update() would let the virtual clock run out
    await proc.push(2)
    await scheduler.run()
    assert proc.result[0] == 2
    assert repr(proc.result[1]) == "TIMEOUT"
    assert tape.types() == ["START", "WAIT", "DELIVER", "RECEIVE", "WAIT", "TIMEOUT", "STOP"]
    assert clock.time == 5


async def test_an_evicted_match_is_looked_for_again(tape: Tape) -> None:
    scheduler = SimpleScheduler(observers=[tape], inbox_limit=2, overflow="drop-oldest")
    receiver = scheduler.create(Even)
    receiver.start()
    await scheduler.update()

    @template(route=lambda m: receiver.pid)
    def Flood(self: Process) -> Generator[Any, Any, None]:
        self.send(2)  # matches: the receiver is ready
        self.send(3)
        self.send(5)  # the inbox is full: 2 is evicted before the receiver runs
        return
        yield

    scheduler.create(Flood).start()
    await scheduler.run()
    brief = tape.brief()
    assert (receiver.pid, "DROP", {"id": 3, "msg": 2, "reason": "inbox full"}) in brief
    # Nothing acceptable is left: the receive blocks again, with a new WAIT.
    assert tape.types(receiver.pid) == ["START", "WAIT", "DROP", "WAIT"]
    assert receiver.status is ProcessStatus.WAITING
    assert receiver.messages == [3, 5]


async def test_copies_for_descendants_are_examined_by_each(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    @template
    def Child(self: Process) -> Generator[Any, Any, Any]:
        return (yield self.receive(match=lambda m: m == "b"))

    @template
    def Parent(self: Process) -> Generator[Any, Any, Any]:
        child = self.spawn(Child)
        got = yield self.receive(match=lambda m: m == "a")
        yield from child.join()
        return got

    parent = scheduler.create(Parent)
    parent.start()
    await scheduler.update()
    await parent.push("b")
    await parent.push("a")
    await scheduler.run()
    assert parent.result == "a"
    delivers = [s.data for s in tape.signals if s.type.name == "DELIVER"]
    # "b" reaches both and matches only the child; "a" matches only the parent.
    assert delivers == [
        {"msg": "b", "into": [0, 1], "matched": [1]},
        {"msg": "a", "into": [0], "matched": [0]},
    ]


async def test_exit_and_down_messages_are_examined_too(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    @template
    def Doomed(self: Process) -> Generator[Any, Any, Any]:
        return (yield self.receive())

    doomed = scheduler.create(Doomed)
    doomed.start()

    @template
    def Watcher(self: Process) -> Generator[Any, Any, Any]:
        self.monitor(doomed.pid)
        return (yield self.receive(match=lambda m: m[0] == "DOWN"))

    watcher = scheduler.create(Watcher)
    watcher.start()
    await scheduler.update()
    await doomed.push("stop")
    down = next(s for s in tape.signals if s.type.name == "DOWN")
    assert down.data["matched"] == [watcher.pid]
    assert watcher.result == down.data["msg"]
