"""Supervisors, held to the cases of OTP's supervisor_SUITE."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, ProcessStatus, template
from chronoflow.runtime import SimpleScheduler, VirtualClock
from chronoflow.runtime.supervisor import ChildSpec, Supervisor

from .conftest import Tape


@template
def Worker(self: Process, name: str) -> Generator[Any, Any, str]:
    """Obey commands: crash, return normally, or exit with a reason."""
    while True:
        command = yield self.receive()
        if command == "crash":
            raise RuntimeError(f"{name} crashed")
        if command == "normal":
            return name
        if isinstance(command, tuple) and command[0] == "exit":
            self.exit(self.pid, command[1])


@template
def Stubborn(self: Process) -> Generator[Any, Any, None]:
    """Trap exits and never stop on shutdown."""
    self.trap_exits()
    while True:
        yield self.receive()


@template
def Rigid(self: Process, needed: str) -> Generator[Any, Any, None]:
    yield self.receive()


class Harness:
    """A supervisor on a virtual clock, with helpers to poke its children."""

    def __init__(
        self, strategy: str, specs: list[ChildSpec], intensity: int = 1, period: float = 5.0
    ) -> None:
        self.tape = Tape()
        self.scheduler = SimpleScheduler(clock=VirtualClock(), observers=[self.tape])
        self.sup = self.scheduler.create(Supervisor, strategy, specs, intensity, period)
        self.sup.start()

    async def settle(self) -> None:
        await self.scheduler.run()

    def pids(self) -> list[int]:
        """The supervisor's live children, in start order."""
        return [c.pid for c in self.sup.children if c.alive]

    def names(self) -> list[str]:
        return [c.args[0] for c in self.sup.children if c.alive]

    def by_name(self) -> dict[str, int]:
        """Live children by their spec's name."""
        return {c.args[0]: c.pid for c in self.sup.children if c.alive}

    async def poke(self, pid: int, command: Any) -> None:
        await self.scheduler.processes[pid].push(command)
        await self.settle()

    def restarts(self) -> list[dict[str, Any]]:
        return [d for _, k, d in self.tape.brief() if k == "RESTART"]

    def ended(self) -> list[tuple[int, str]]:
        return [(p, k) for p, k, _ in self.tape.brief() if k in ("STOP", "CRASH", "KILL")]


def specs(*names: str, restart: str = "permanent", shutdown: Any = 5.0) -> list[ChildSpec]:
    return [
        ChildSpec(name, Worker, (name,), restart=restart, shutdown=shutdown)  # type: ignore[arg-type]
        for name in names
    ]


@pytest.mark.parametrize(
    ("restart", "command", "restarted"),
    [
        ("permanent", "normal", True),
        ("permanent", ("exit", "shutdown"), True),
        ("permanent", "crash", True),
        ("permanent", ("exit", "kill"), True),
        ("transient", "normal", False),
        ("transient", ("exit", "shutdown"), False),
        ("transient", "crash", True),
        ("transient", ("exit", "kill"), True),
        ("temporary", "normal", False),
        ("temporary", "crash", False),
        ("temporary", ("exit", "kill"), False),
    ],
)
async def test_restart_type_by_exit_reason(restart: str, command: Any, restarted: bool) -> None:
    h = Harness("one_for_one", specs("a", restart=restart), intensity=5)
    await h.settle()
    [first] = h.pids()
    if command == ("exit", "kill"):
        h.sup.exit(first, "kill")
        await h.settle()
    else:
        await h.poke(first, command)
    assert h.scheduler.processes[first].alive is False
    if restarted:
        [second] = h.pids()
        assert second != first
        assert h.restarts()[0]["old"] == first
        assert h.restarts()[0]["new"] == second
    else:
        assert h.pids() == []
        assert h.restarts() == []
    assert h.sup.status is ProcessStatus.WAITING


async def test_one_for_one_restarts_only_the_failed_child() -> None:
    h = Harness("one_for_one", specs("a", "b", "c"))
    await h.settle()
    a, b, c = h.pids()
    await h.poke(b, "crash")
    now = h.by_name()
    assert (now["a"], now["c"]) == (a, c)
    assert now["b"] not in (a, b, c)


async def test_one_for_all_restarts_everyone_stopping_in_reverse_order() -> None:
    h = Harness("one_for_all", specs("a", "b", "c"))
    await h.settle()
    a, b, c = h.pids()
    await h.poke(a, "crash")
    # b and c are stopped, c first; then all start again in order.
    kills = [pid for pid, kind in h.ended() if kind == "KILL"]
    assert kills == [c, b]
    new = h.pids()
    assert set(new).isdisjoint({a, b, c})
    assert new == sorted(new)
    assert h.names() == ["a", "b", "c"]
    assert [r["child"] for r in h.restarts()] == ["a", "b", "c"]


async def test_rest_for_one_restarts_the_failed_child_and_those_after_it() -> None:
    h = Harness("rest_for_one", specs("a", "b", "c"))
    await h.settle()
    a, b, c = h.pids()
    await h.poke(b, "crash")
    new = h.pids()
    assert new[0] == a
    assert b not in new
    assert c not in new
    assert [r["child"] for r in h.restarts()] == ["b", "c"]
    assert [pid for pid, kind in h.ended() if kind == "KILL"] == [c]


@pytest.mark.parametrize("strategy", ["one_for_one", "one_for_all", "rest_for_one"])
async def test_too_many_restarts_shut_the_supervisor_down(strategy: str) -> None:
    h = Harness(strategy, specs("a", "b", "c"), intensity=1, period=5.0)
    await h.settle()
    await h.poke(h.by_name()["a"], "crash")  # one restart is allowed
    survivors = h.by_name()
    await h.poke(survivors["b"], "crash")  # the second within 5 s is not
    assert (h.sup.status, h.sup.reason) == (ProcessStatus.KILLED, "shutdown")
    assert h.pids() == []
    stopped = [pid for pid, kind in h.ended() if kind == "KILL" and pid != h.sup.pid]
    # The others are stopped in reverse start order (a restarted child keeps its place).
    assert stopped[-2:] == [survivors["c"], survivors["a"]]


async def test_restarts_spaced_wider_than_the_period_never_escalate() -> None:
    h = Harness("one_for_one", specs("a"), intensity=1, period=5.0)
    await h.settle()
    for _ in range(5):
        await h.poke(h.pids()[0], "crash")
        clock = h.scheduler.clock
        assert isinstance(clock, VirtualClock)
        clock.advance_to(clock() + 6.0)  # more than the period between failures
    assert h.sup.alive
    assert len(h.restarts()) == 5
    assert {r["restarts"] for r in h.restarts()} == {1}


async def test_a_temporary_bystander_is_not_restarted_nor_counted() -> None:
    child_specs = [*specs("temp", restart="temporary"), *specs("perm")]
    h = Harness("one_for_all", child_specs, intensity=1)
    await h.settle()
    temp, perm = h.pids()
    await h.poke(temp, "crash")  # temporary: not restarted, not counted
    assert h.pids() == [perm]
    await h.poke(perm, "crash")  # the first counted restart: allowed
    assert h.sup.alive
    assert h.names() == ["perm"]


@template
def Doomed(self: Process, name: str) -> Generator[Any, Any, None]:
    raise RuntimeError(f"{name} cannot start")
    yield


@pytest.mark.parametrize(
    ("strategy", "restarted_each_time"),
    [("one_for_all", ["a", "doomed"]), ("rest_for_one", ["doomed"])],
)
async def test_another_child_that_fails_its_restart_escalates(
    strategy: str, restarted_each_time: list[str]
) -> None:
    """OTP's *_other_child_fails_restart: a child that fails again at once."""
    child_specs = [*specs("a"), ChildSpec("doomed", Doomed, ("doomed",))]
    h = Harness(strategy, child_specs, intensity=3)
    await h.settle()
    assert (h.sup.status, h.sup.reason) == (ProcessStatus.KILLED, "shutdown")
    # Three restarts, then the fourth failure within the period exceeds the intensity.
    assert [(r["child"], r["restarts"]) for r in h.restarts()] == [
        (child, count) for count in (1, 2, 3) for child in restarted_each_time
    ]
    kinds = [k for p, k, _ in h.tape.brief() if p == h.sup.pid and k in ("RESTART", "KILL")]
    assert kinds == ["RESTART"] * 3 * len(restarted_each_time) + ["KILL"]


async def test_children_start_in_order_and_stop_in_reverse() -> None:
    h = Harness("one_for_one", specs("a", "b", "c", "d"))
    await h.settle()
    started = [d["args"][0] for p, k, d in h.tape.brief() if k == "START" and p != h.sup.pid]
    assert started == ["a", "b", "c", "d"]
    pids = h.pids()
    await h.sup.push(("stop",))
    await h.settle()
    assert [pid for pid, kind in h.ended() if kind == "KILL"] == pids[::-1]
    assert h.sup.status is ProcessStatus.STOPPED


async def test_a_child_that_ignores_shutdown_is_killed_after_its_timeout() -> None:
    h = Harness("one_for_one", [ChildSpec("stubborn", Stubborn, shutdown=2.0)])
    await h.settle()
    [pid] = h.pids()
    await h.sup.push(("stop",))
    await h.settle()
    stubborn = h.scheduler.processes[pid]
    assert (stubborn.status, stubborn.reason) == (ProcessStatus.KILLED, "killed")
    assert h.scheduler.clock() == 2.0  # it was given its two seconds
    trapped = [d for p, k, d in h.tape.brief() if k == "EXIT" and p == pid]
    assert trapped[0]["reason"] == "shutdown"


async def test_brutal_kill_does_not_wait() -> None:
    h = Harness("one_for_one", [ChildSpec("stubborn", Stubborn, shutdown="brutal_kill")])
    await h.settle()
    await h.sup.push(("stop",))
    await h.settle()
    assert h.scheduler.clock() == 0.0
    assert h.sup.status is ProcessStatus.STOPPED


async def test_a_supervisor_in_a_restart_loop_can_still_be_stopped() -> None:
    broken = ChildSpec("broken", Rigid, ())  # the template needs an argument: cannot start
    h = Harness("one_for_one", [broken], intensity=1000)
    for _ in range(3):
        await h.scheduler.update()  # each round tries the restart again, and fails
    assert h.sup.alive
    assert len(h.restarts()) == 3
    await h.sup.push(("stop",))
    await h.settle()
    assert h.sup.status is ProcessStatus.STOPPED


@pytest.mark.parametrize("strategy", ["one_for_one", "one_for_all", "rest_for_one"])
async def test_nested_supervisors_escalate_to_their_parent(strategy: str) -> None:
    inner = ChildSpec("inner", Supervisor, (strategy, specs("w"), 0, 5.0))
    h = Harness(strategy, [inner], intensity=2)
    await h.settle()
    [inner_pid] = h.pids()
    inner_proc = h.scheduler.processes[inner_pid]
    [worker] = [c.pid for c in inner_proc.children if c.alive]
    await h.poke(worker, "crash")  # the inner supervisor allows no restart
    assert (inner_proc.status, inner_proc.reason) == (ProcessStatus.KILLED, "shutdown")
    [new_inner] = h.pids()
    assert new_inner != inner_pid
    assert h.restarts()[-1]["child"] == "inner"
    assert h.sup.alive


async def test_simple_one_for_one_starts_children_on_demand() -> None:
    h = Harness("simple_one_for_one", specs("w"), intensity=5)
    await h.settle()
    assert h.pids() == []
    for _ in range(3):
        await h.sup.push(("start_child", ()))
    await h.settle()
    first, second, third = h.pids()
    await h.poke(second, "crash")
    now = h.pids()
    assert now[0] == first
    assert now[1] == third
    assert len(now) == 3
    assert h.restarts()[0]["child"] == "w-2"


def test_specs_are_checked() -> None:
    with pytest.raises(ValueError, match="restart must be"):
        ChildSpec("x", Worker, restart="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shutdown must be"):
        ChildSpec("x", Worker, shutdown="later")  # type: ignore[arg-type]
