"""The scheduler's chooser hook: who runs next when several processes are ready."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import Process, Signal, template
from chronoflow.errors import NondeterminismError
from chronoflow.runtime import SimpleScheduler, VirtualClock
from chronoflow.runtime.choosers import (
    ScriptedSchedule,
    SeededSchedule,
    format_decisions,
    parse_decisions,
)
from chronoflow.runtime.replay import RecordingReplay


@template
def Shout(self: Process, word: str, times: int) -> Generator[Any, Any, str]:
    """Send ``word`` to process 0 ``times`` times, sleeping between (a choice each time)."""
    for _ in range(times):
        self.send_to(0, word)
        yield self.sleep(0)
    return word


@template
def Listener(self: Process, count: int) -> Generator[Any, Any, list[str]]:
    heard = []
    for _ in range(count):
        heard.append((yield self.receive()))
    return heard


def main(scheduler: SimpleScheduler) -> None:
    scheduler.create(Listener, 6).start()
    for word in ("a", "b", "c"):
        scheduler.create(Shout, word, 2).start()


def run(chooser: Any = None) -> tuple[list[Signal], list[str]]:
    signals: list[Signal] = []
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[signals.append])
    scheduler.choose_with(chooser)
    main(scheduler)
    asyncio.run(scheduler.run())
    return signals, scheduler.processes[0].result


def test_without_a_chooser_processes_run_in_fifo_order() -> None:
    _, heard = run()
    assert heard == ["a", "b", "c", "a", "b", "c"]


def test_a_scripted_schedule_with_no_decisions_is_fifo_and_counts_the_options() -> None:
    fifo_signals, _ = run()
    script = ScriptedSchedule()
    signals, heard = run(script)
    assert heard == ["a", "b", "c", "a", "b", "c"]
    assert [s[:4] for s in signals] == [s[:4] for s in fifo_signals]
    # The first choice point: the listener and three shouters are ready.
    assert script.options[0] == 4
    assert all(n >= 2 for n in script.options)


def test_a_decision_runs_another_ready_process_first() -> None:
    script = ScriptedSchedule({0: 3})  # at the first choice, run the fourth ready: "c"
    _, heard = run(script)
    assert heard[0] == "c"


def test_the_same_seed_gives_the_same_run_and_seeds_differ() -> None:
    runs = {seed: run(SeededSchedule(seed)) for seed in range(12)}
    again = run(SeededSchedule(5))
    assert again[0] == runs[5][0]
    assert len({tuple(heard) for _, heard in runs.values()}) > 1


def test_a_seeded_schedule_counts_its_choice_points() -> None:
    schedule = SeededSchedule(3)
    run(schedule)
    assert schedule.choices >= 3


def test_a_replay_runs_ready_processes_in_the_recorded_order() -> None:
    seed = next(s for s in range(50) if run(SeededSchedule(s))[1] != run()[1])
    recorded, heard = run(SeededSchedule(seed))
    replayed: list[Signal] = []
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[replayed.append])
    checker = RecordingReplay(recorded, templates=[Listener, Shout])
    checker.attach(scheduler)
    main(scheduler)
    asyncio.run(scheduler.run())
    assert checker.checked == len(recorded)
    assert (checker.beyond, checker.leftover) == (0, 0)
    assert scheduler.processes[0].result == heard
    assert [s[:4] for s in replayed] == [s[:4] for s in recorded]


def test_without_the_recorded_order_that_replay_would_diverge() -> None:
    seed = next(s for s in range(50) if run(SeededSchedule(s))[1] != run()[1])
    recorded, _ = run(SeededSchedule(seed))
    scheduler = SimpleScheduler(clock=VirtualClock())
    RecordingReplay(recorded, templates=[Listener, Shout]).attach(scheduler)
    scheduler.choose_with(None)  # FIFO again
    main(scheduler)
    with pytest.raises(NondeterminismError):
        asyncio.run(scheduler.run())


def test_decisions_are_written_and_read_back() -> None:
    assert format_decisions({}) == "fifo"
    assert format_decisions({3: 1, 7: 2, 9: 0}) == "3:1,7:2"
    assert parse_decisions("3:1,7:2") == {3: 1, 7: 2}
    assert parse_decisions("fifo") == {}
    for bad in ("3", "a:b", "3:1,", ":1"):
        with pytest.raises(ValueError, match="choice:option"):
            parse_decisions(bad)
