"""The engine's registered names equal the live runtime's registry, at every seq.

Random programs register names (themselves, another pid, or from
outside), unregister them, end while they hold one, send to names and
pids and call each other. An observer snapshots the running scheduler as
each signal is handed out: which name each process holds, and whom each
name of the pool stands for. The engine, from the signals alone, must say
the same at that seq; and a call's WAIT must name the process the caller
really waits for.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings

from chronoflow.inspect import MemorySource, Timeline, WhyKind
from chronoflow.runtime import ProcessStatus, Receive, SimpleScheduler, VirtualClock
from chronoflow.runtime.calls import CallReply
from chronoflow.signals import Signal
from tests.inspect.random_workflows import NAMES, Program, programs

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: At one seq: each process's name, each pool name's holder, and each caller's callee.
Snapshot = tuple[dict[int, str | None], dict[str, int], dict[int, int]]


def run_with_names(program: Program) -> tuple[list[Signal], list[Snapshot]]:
    """Run ``program``, snapshotting the runtime's names as each signal is handed out."""
    signals: list[Signal] = []
    snapshots: list[Snapshot] = []
    scheduler = SimpleScheduler(clock=VirtualClock(), inbox_limit=None)

    def observe(signal: Signal) -> None:
        signals.append(signal)
        procs = {
            pid: proc
            for pid, proc in scheduler.processes.items()
            if proc.status is not ProcessStatus.CREATED
        }
        held = {pid: proc.registered_name for pid, proc in procs.items()}
        holders = {}
        for name in NAMES:
            pid = scheduler.whereis(name)
            if pid is not None:
                holders[name] = pid
        calls = {
            pid: proc._effect.match.callee
            for pid, proc in procs.items()
            if proc.status is ProcessStatus.WAITING
            and isinstance(proc._effect, Receive)
            and isinstance(proc._effect.match, CallReply)
        }
        snapshots.append((held, holders, calls))

    scheduler.add_observer(observe)

    async def main() -> None:
        await program(scheduler)
        await scheduler.run()

    asyncio.run(main())
    return signals, snapshots


@SETTINGS
@given(program=programs)
def test_names_and_calls_at_every_seq_are_the_runtimes(program: Program) -> None:
    signals, snapshots = run_with_names(program)
    timeline = Timeline(MemorySource(signals), background=False, interval=5)
    assert not [w for w in timeline.warnings if "malformed" in w]
    for signal, (held, holders, calls) in zip(signals, snapshots, strict=True):
        world = timeline.state_at(signal.seq)
        seen = {proc.pid: proc.registered_name for proc in world}
        # A process is CREATED still as its own START is handed out.
        assert set(held) <= set(seen), f"seq {signal.seq}"
        assert seen == {pid: held.get(pid) for pid in seen}, f"seq {signal.seq}"
        assert dict(world.names) == holders, f"seq {signal.seq}"
        for name, pid in holders.items():
            assert world.whereis(name) == pid
            assert world.process(pid).name.startswith(f"{name}: ")
        waits = {
            proc.pid: proc.wait.call
            for proc in world.waiting()
            if proc.wait is not None and proc.wait.call is not None
        }
        assert waits == calls, f"seq {signal.seq}"
        for pid, callee in calls.items():
            answer = timeline.why(pid, signal.seq)
            assert answer.kind is WhyKind.CALL
            assert answer.counterpart == callee
            assert answer.sentence.startswith(f"waits for a reply from {world.label_of(callee)}")
    timeline.close()
