"""The kernel's public input API: how replays and the debugger drive a process alone."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, ProcessStatus, Signal, SignalType, template
from chronoflow.errors import AlreadyStartedError
from chronoflow.runtime import Kernel, SimpleScheduler
from chronoflow.runtime.replay import ProcessReplay

from .conftest import Tape

S = SignalType


@template
def Listener(self: Process) -> Generator[Any, Any, list[Any]]:
    """Trap exits, keep three messages, then wait for ever."""
    self.trap_exits()
    kept = []
    for _ in range(3):
        kept.append((yield self.receive()))
    yield self.receive()
    return kept


@template
def Napper(self: Process) -> Generator[Any, Any, str]:
    """Sleep for an hour; say so when woken."""
    yield self.sleep(3600)
    return "rested"


async def _double(value: int) -> int:
    return 2 * value


@template
def Doubler(self: Process, value: int) -> Generator[Any, Any, int]:
    """One use call."""
    return (yield self.use(_double, value))


def kernel_with(tape: Tape) -> Kernel:
    return Kernel(clock=lambda: 0.0, observers=[tape])


def test_inputs_arrive_as_the_recording_says(tape: Tape) -> None:
    kernel = kernel_with(tape)
    proc = kernel.create(Listener)
    kernel.start(proc)
    kernel.run_ready()
    assert kernel.deliver(100, "hello", proc) == [proc.pid]  # no signal of its own
    kernel.exit_arrives(proc, 7, "shutdown")  # trapped: an EXIT message
    kernel.down_arrives(proc, 3, 9, "normal")  # a DOWN message
    kernel.run_ready()
    assert proc.messages == []
    kernel.kill(proc, "enough", 7)
    assert proc.status is ProcessStatus.KILLED
    assert tape.types() == [
        "START",
        "TRAP",
        "WAIT",
        "EXIT",
        "DOWN",
        "RECEIVE",
        "RECEIVE",
        "RECEIVE",
        "WAIT",
        "KILL",
    ]
    receives = [s.data for s in tape.signals if s.type == S.RECEIVE]
    exit_seq, down_seq = (s.seq for s in tape.signals if s.type in (S.EXIT, S.DOWN))
    assert receives == [100, exit_seq, down_seq]
    assert tape.signals[-1].data == {"reason": "enough", "from": 7}


def test_an_exit_signal_ends_a_process_that_does_not_trap(tape: Tape) -> None:
    kernel = kernel_with(tape)
    proc = kernel.create(Napper)
    kernel.start(proc)
    kernel.run_ready()
    kernel.exit_arrives(proc, 4, "boom")
    assert proc.status is ProcessStatus.KILLED
    assert proc.reason == "boom"
    assert kernel.armed_timer(proc) is None


def test_a_timer_fires_when_told(tape: Tape) -> None:
    kernel = kernel_with(tape)
    proc = kernel.create(Napper)
    kernel.start(proc)
    kernel.run_ready()
    wait = kernel.armed_timer(proc)
    assert wait == tape.signals[-1].seq
    assert tape.signals[-1].type == S.WAIT
    kernel.fire_timer(proc, wait)
    kernel.run_ready()
    assert proc.result == "rested"
    assert tape.types()[-2:] == ["TIMEOUT", "STOP"]


async def test_a_recorded_use_completes_when_told() -> None:
    recorded = Tape()
    scheduler = SimpleScheduler(observers=[recorded])
    scheduler.create(Doubler, 21).start()
    await scheduler.run()
    assert [s.type for s in recorded.signals] == [S.START, S.USE, S.RESULT, S.STOP]

    kernel = Kernel()
    proc = kernel.create(Doubler, 21)
    replay = ProcessReplay(proc, read=lambda pid: list(recorded.signals))
    replay.attach(kernel)
    kernel.start(proc)
    kernel.run_ready()
    assert proc.status is ProcessStatus.USING
    (use,) = kernel.recorded_uses()
    kernel.complete_use(use)
    kernel.run_ready()
    assert proc.result == 42
    assert kernel.recorded_uses() == []
    assert replay.checked == 4


def test_restore_gives_an_unstarted_process_its_recorded_state(tape: Tape) -> None:
    kernel = kernel_with(tape)
    proc = kernel.create(Listener)
    kernel.restore(proc, [(5, "a"), (6, "b")], trap_exit=True)
    assert proc.trap_exit
    kernel.start(proc)
    kernel.run_ready()
    assert [s.data for s in tape.signals if s.type == S.RECEIVE] == [5, 6]
    with pytest.raises(AlreadyStartedError):
        kernel.restore(proc, [], trap_exit=False)


def test_emit_records_a_signal_as_it_is(tape: Tape) -> None:
    kernel = kernel_with(tape)
    proc = kernel.create(Napper)
    assert kernel.emit(proc, S.RESTART, {"child": "w"}) == 0
    assert tape.signals == [Signal(0, proc.pid, S.RESTART, {"child": "w"}, 0.0)]
    assert proc.seq == 1


def test_record_accepts_any_recording() -> None:
    class Kept:
        """A recording that keeps what it is handed (the Recording protocol)."""

        def __init__(self) -> None:
            self.signals: list[Signal] = []
            self.closed = 0

        def attach(self, kernel: Kernel) -> None:
            kernel.add_observer(self.signals.append)

        def close(self) -> None:
            self.closed += 1

        def __enter__(self) -> Kept:
            return self

        def __exit__(self, *exc_info: object) -> None:
            self.close()

    kept = Kept()
    with SimpleScheduler(record=kept) as scheduler:
        scheduler.create(Napper).start()
        scheduler.run_ready()
    assert [s.type for s in kept.signals] == [S.START, S.WAIT]
    assert kept.closed == 1
    assert scheduler.recorder is kept
