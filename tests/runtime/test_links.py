"""Links, monitors, trapping and exit signals, as in Erlang."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, ProcessStatus, template
from chronoflow.errors import NoProcessError
from chronoflow.runtime import SimpleScheduler, VirtualClock

from .conftest import Tape


@template
def Idle(self: Process) -> Generator[Any, Any, Any]:
    """Wait for one message and return it."""
    return (yield self.receive())


@template
def Crasher(self: Process) -> Generator[Any, Any, None]:
    yield self.receive()
    raise ValueError("boom")


@template
def Trapper(self: Process, count: int) -> Generator[Any, Any, list[Any]]:
    """Trap exits and collect ``count`` messages."""
    self.trap_exits()
    got = []
    for _ in range(count):
        got.append((yield self.receive()))
    return got


@template
def Linker(self: Process, pid: int) -> Generator[Any, Any, Any]:
    self.link(pid)
    return (yield self.receive())


def _started(scheduler: SimpleScheduler, template_: Any, *args: Any) -> Process:
    proc = scheduler.create(template_, *args)
    proc.start()
    return proc


@pytest.mark.parametrize(
    ("reason", "ends", "status"),
    [
        ("normal", False, ProcessStatus.WAITING),
        ("shutdown", True, ProcessStatus.KILLED),
        ("kill", True, ProcessStatus.KILLED),
        ({"error": "ValueError", "message": "x"}, True, ProcessStatus.KILLED),
    ],
)
async def test_exit_signals_to_a_process_that_does_not_trap(
    scheduler: SimpleScheduler, tape: Tape, reason: Any, ends: bool, status: ProcessStatus
) -> None:
    target = _started(scheduler, Idle)

    @template
    def Sender(self: Process) -> Generator[Any, Any, None]:
        self.exit(target.pid, reason)
        return
        yield

    await scheduler.update()
    _started(scheduler, Sender)
    await scheduler.run()
    assert target.status is status
    if ends:
        expected = "killed" if reason == "kill" else reason
        assert target.reason == expected
        assert (0, "KILL", {"reason": expected, "from": 1}) in tape.brief()
    else:
        assert (0, "EXIT", {"from": 1, "reason": "normal", "action": "ignore"}) in tape.brief()


async def test_a_trapping_process_gets_exit_messages_but_kill_is_untrappable(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    trapper = _started(scheduler, Trapper, 2)
    await scheduler.update()

    @template
    def Sender(self: Process) -> Generator[Any, Any, None]:
        self.exit(trapper.pid, "normal")
        self.exit(trapper.pid, "shutdown")
        return
        yield

    _started(scheduler, Sender)
    await scheduler.run()
    assert trapper.result == [("EXIT", 1, "normal"), ("EXIT", 1, "shutdown")]
    exits = [d for _, k, d in tape.brief() if k == "EXIT"]
    assert exits[0] == {
        "from": 1,
        "reason": "normal",
        "action": "trap",
        "msg": ("EXIT", 1, "normal"),
    }
    victim = _started(scheduler, Trapper, 5)
    await scheduler.update()

    @template
    def Killer(self: Process) -> Generator[Any, Any, None]:
        self.exit(victim.pid, "kill")
        return
        yield

    _started(scheduler, Killer)
    await scheduler.run()
    assert (victim.status, victim.reason) == (ProcessStatus.KILLED, "killed")


async def test_a_crash_travels_along_links(scheduler: SimpleScheduler, tape: Tape) -> None:
    crasher = _started(scheduler, Crasher)
    linked = _started(scheduler, Linker, crasher.pid)
    watcher = _started(scheduler, Trapper, 1)
    await scheduler.update()
    await crasher.push("go")
    assert crasher.status is ProcessStatus.CRASHED
    assert crasher.reason == {"error": "ValueError", "message": "boom"}
    assert (linked.status, linked.reason) == (ProcessStatus.KILLED, crasher.reason)
    assert (0, "LINK", {"with": 0}) not in tape.brief()
    assert (1, "LINK", {"with": 0}) in tape.brief()
    assert crasher.links == set()
    assert watcher.status is ProcessStatus.WAITING


async def test_a_chain_of_links_goes_down_link_by_link(scheduler: SimpleScheduler) -> None:
    first = _started(scheduler, Idle)
    chain = [first]
    for _ in range(300):  # longer than any recursion would allow per link
        chain.append(_started(scheduler, Linker, chain[-1].pid))
    await scheduler.update()

    @template
    def Killer(self: Process) -> Generator[Any, Any, None]:
        self.exit(first.pid, "shutdown")
        return
        yield

    _started(scheduler, Killer)
    await scheduler.run()
    assert all(p.status is ProcessStatus.KILLED for p in chain)
    assert {p.reason for p in chain} == {"shutdown"}


async def test_monitors_deliver_down_messages(scheduler: SimpleScheduler, tape: Tape) -> None:
    target = _started(scheduler, Idle)

    @template
    def Watcher(self: Process) -> Generator[Any, Any, Any]:
        ref = self.monitor(target.pid)
        gone = self.monitor(999)
        first = yield self.receive()
        second = yield self.receive()
        return ref, gone, first, second

    watcher = _started(scheduler, Watcher)
    await scheduler.update()
    await target.push("bye")
    ref, gone, first, second = watcher.result
    assert first == ("DOWN", gone, 999, "noproc")
    assert second == ("DOWN", ref, 0, "normal")
    assert [d for _, k, d in tape.brief() if k == "MONITOR"] == [
        {"ref": ref, "target": 0},
        {"ref": gone, "target": 999},
    ]
    assert target.watchers == {}


async def test_demonitor_and_unlink_stop_the_news() -> None:
    scheduler = SimpleScheduler(clock=VirtualClock())
    target = _started(scheduler, Idle)

    @template
    def Fickle(self: Process) -> Generator[Any, Any, Any]:
        self.trap_exits()
        ref = self.monitor(target.pid)
        self.link(target.pid)
        self.demonitor(ref)
        self.unlink(target.pid)
        return (yield self.receive(timeout=5))

    fickle = _started(scheduler, Fickle)
    await scheduler.update()
    assert target.links == set()
    await target.push("bye")
    await scheduler.run()
    assert repr(fickle.result) == "TIMEOUT"


async def test_linking_to_a_missing_process(scheduler: SimpleScheduler) -> None:
    @template
    def Hopeful(self: Process) -> Generator[Any, Any, str]:
        try:
            self.link(42)
        except NoProcessError as error:
            return str(error)
        return "linked"
        yield

    @template
    def Careful(self: Process) -> Generator[Any, Any, Any]:
        self.trap_exits()
        self.link(42)
        return (yield self.receive())

    hopeful = _started(scheduler, Hopeful)
    careful = _started(scheduler, Careful)
    await scheduler.run()
    assert hopeful.result.startswith("process 0 cannot link to process 42")
    assert careful.result == ("EXIT", 42, "noproc")


async def test_exit_to_itself_ends_the_process_with_that_reason(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    @template
    def Quitter(self: Process, reason: str) -> Generator[Any, Any, None]:
        self.exit(self.pid, reason)
        yield self.receive()

    done = _started(scheduler, Quitter, "normal")
    gone = _started(scheduler, Quitter, "tired")
    await scheduler.run()
    assert (done.status, done.reason) == (ProcessStatus.STOPPED, "normal")
    assert (gone.status, gone.reason) == (ProcessStatus.KILLED, "tired")
    assert (1, "KILL", {"reason": "tired", "from": 1}) in tape.brief()


async def test_spawn_link_and_children_without_inherited_messages(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    @template
    def Boss(self: Process) -> Generator[Any, Any, Any]:
        worker = self.spawn_link(Idle, inherit=False)
        order = yield self.receive()
        self.send(order)
        return order, (yield from worker.join())

    @template(route=lambda m: 1)
    def Routed(self: Process) -> Generator[Any, Any, None]:
        yield self.receive()

    boss = _started(scheduler, Boss)
    await scheduler.update()
    worker = boss.children[0]
    assert worker.links == {0}
    await boss.push("for the boss only")
    assert worker.inbox_size == 0  # not inherited
    spawn = next(d for _, k, d in tape.brief() if k == "SPAWN")
    assert spawn == {"child": 1, "template": "Idle", "inherit": False}
    assert Routed.route is not None


async def test_what_an_ending_causes_comes_in_order_depth_first(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    """CRASH, then exit signals to links (each ending followed by what *it*
    causes), then DOWNs to watchers, then the KILLs of live children."""

    @template
    def Leaf(self: Process) -> Generator[Any, Any, Any]:
        return (yield self.receive())

    @template
    def Partner(self: Process, pid: int) -> Generator[Any, Any, Any]:
        self.link(pid)
        self.spawn(Leaf)
        return (yield self.receive())

    @template
    def Watcher(self: Process, pid: int) -> Generator[Any, Any, Any]:
        self.monitor(pid)
        return (yield self.receive())

    @template
    def Root(self: Process) -> Generator[Any, Any, None]:
        self.spawn_link(Leaf)  # a child that is linked too: it dies by the link
        self.spawn(Leaf)
        yield self.receive()
        raise ValueError("boom")

    root = _started(scheduler, Root)
    await scheduler.update()
    partner = _started(scheduler, Partner, root.pid)
    watcher = _started(scheduler, Watcher, root.pid)
    await scheduler.update()
    start = len(tape.signals)
    await root.push("go")
    ending = [(s.pid, s.type.name) for s in tape.signals[start + 2 :]]
    linked_child, plain_child = root.children
    (partner_child,) = partner.children
    assert ending == [
        (root.pid, "CRASH"),
        (linked_child.pid, "KILL"),  # the first link (lowest pid)...
        (partner.pid, "KILL"),  # ...then the next one,
        (partner_child.pid, "KILL"),  # which takes its own child along first,
        (watcher.pid, "DOWN"),  # then the watchers,
        (plain_child.pid, "KILL"),  # then the children still alive;
        (watcher.pid, "RECEIVE"),  # only then does anything run.
        (watcher.pid, "STOP"),
    ]
    crash = {"error": "ValueError", "message": "boom"}
    # A linked process dies with its partner's reason, not "parent N ended".
    assert (linked_child.reason, partner.reason) == (crash, crash)
    assert plain_child.reason == f"parent {root.pid} ended"
    assert partner_child.reason == f"parent {partner.pid} ended"


async def test_an_exit_that_comes_back_ends_the_sender_at_once(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    victim = _started(scheduler, Idle)

    @template
    def Rash(self: Process) -> Generator[Any, Any, str]:
        self.link(victim.pid)
        self.exit(victim.pid, "boom")  # the victim dies, and its link brings "boom" back
        return "ran on"
        yield

    rash = _started(scheduler, Rash)
    await scheduler.run()
    assert (victim.status, victim.reason) == (ProcessStatus.KILLED, "boom")
    assert (rash.status, rash.reason) == (ProcessStatus.KILLED, "boom")
    assert rash.result is None
    assert tape.types(rash.pid) == ["START", "LINK", "KILL"]
