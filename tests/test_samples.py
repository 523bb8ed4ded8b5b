"""Every sample workflow runs and does what its lesson (and the original README) says."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chronoflow import ProcessStatus
from chronoflow.replay.workflow import load_workflow, run_workflow, scheduler_options
from chronoflow.runtime import SimpleScheduler

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workflows"


def run_sample(name: str, *args: str) -> SimpleScheduler:
    module = load_workflow(SAMPLES / f"{name}.py")
    scheduler = SimpleScheduler(**scheduler_options(module))
    asyncio.run(run_workflow(module, scheduler, args))
    return scheduler


def test_echo_prints_the_ten_lines_of_the_original_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scheduler = run_sample("echo", "5", "0.001")
    assert capsys.readouterr().out.splitlines() == [
        "0> i=0 received hello from 1",
        "1> i=0 received hello from 0",
        "0> i=1 received hello from 1",
        "1> i=1 received hello from 0",
        "0> i=2 received hello from 1",
        "1> i=2 received hello from 0",
        "0> i=3 received hello from 1",
        "1> i=3 received hello from 0",
        "0> i=4 received hello from 1",
        "1> i=4 received hello from 0",
    ]
    assert all(p.status is ProcessStatus.STOPPED for p in scheduler.processes.values())


def test_client_takes_replies_102_101_100_in_that_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scheduler = run_sample("client_server")
    lines = capsys.readouterr().out.splitlines()
    assert [eval(line)["id"] for line in lines] == [102, 101, 100]
    client = scheduler.processes[1]
    assert client.result == ["error", 2, 1]
    server = scheduler.processes[0]
    assert server.status is ProcessStatus.WAITING


def test_greeter_greets_each_name(capsys: pytest.CaptureFixture[str]) -> None:
    run_sample("greeter", "Ada", "Grace")
    assert capsys.readouterr().out.splitlines() == [
        "received Ada",
        "received Grace",
        "greeting #0: Hello Ada!",
        "greeting #1: Hello Grace!",
    ]


def test_filtering_keeps_only_alarms(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("filtering")
    assert capsys.readouterr().out.splitlines() == ["alarm: 95", "alarm: 99", "alarm: 97"]
    assert scheduler.processes[0].result == [95, 99, 97]


def test_children_each_get_every_message_and_are_joined(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scheduler = run_sample("parent_children")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "parent msg1"
    for name in ("child1", "child2", "child3"):
        assert [line for line in out if line.startswith(f"child {name} ")] == [
            f"child {name} msg1",
            f"child {name} msg2",
            f"child {name} msg3",
        ]
    assert out[-1] == "parent joined ['child3 done', 'child2 done', 'child1 done']"
    parent = scheduler.processes[0]
    assert parent.messages == ["msg2", "msg3"]


def test_countdown_transitions_to_liftoff(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("transitions", "3")
    assert capsys.readouterr().out.splitlines() == [
        "countdown 3 1",
        "countdown 2 2",
        "countdown 1 3",
        "liftoff after 3 ticks: go",
    ]
    rocket = scheduler.processes[0]
    assert rocket.template.name == "Liftoff"
    assert rocket.transitions == 3
    assert rocket.result == "liftoff"


def test_every_sample_has_a_lesson_and_an_entry_point() -> None:
    samples = sorted(p for p in SAMPLES.glob("*.py") if p.name != "__init__.py")
    assert len(samples) >= 6
    for path in samples:
        module = load_workflow(path)
        assert module.__doc__, path
        assert len(module.__doc__.strip().splitlines()) >= 5, path
        assert "chronoflow run sample_workflows/" in module.__doc__, path


ALL_JOBS = ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("strategy", "restarted", "finished"),
    [
        ("one_for_one", {"w3"}, ALL_JOBS),
        # one_for_all stops w1 and w2 in the middle of jobs a and b: those are lost.
        ("one_for_all", {"w1", "w2", "w3"}, ["c", "d"]),
        ("rest_for_one", {"w3"}, ALL_JOBS),
    ],
)
def test_the_supervised_pool_survives_a_poisoned_job(
    strategy: str, restarted: set[str], finished: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    scheduler = run_sample("supervised_pool", strategy)
    done = capsys.readouterr().out.splitlines()
    assert sorted(line.split(" did resize ")[1] for line in done) == [
        f"{job}.png" for job in finished
    ]
    supervisor = scheduler.processes[1]
    assert supervisor.alive
    crashed = [p for p in scheduler.processes.values() if p.status is ProcessStatus.CRASHED]
    assert [p.args[0] for p in crashed] == ["w3"]
    workers = [p for p in supervisor.children if p.template.name == "Worker"]
    replaced = {p.args[0] for p in workers if not p.alive}
    assert replaced == restarted
    assert sorted(p.args[0] for p in workers if p.alive) == ["w1", "w2", "w3"]


def test_the_client_gives_up_waiting_and_the_lookup_is_retried(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scheduler = run_sample("timeout_retry")
    assert capsys.readouterr().out.splitlines() == [
        "attempt 1: no answer within 1.0 s",
        "attempt 2: no answer within 2.0 s",
        "attempt 3: no answer within 4.0 s",
        "lookup: answer=42",
    ]
    client = scheduler.processes[1]
    assert client.result == "answer=42"
    assert client.messages  # the late replies wait, unread, in its inbox
    assert scheduler.clock() == 7.0


def test_the_bounded_mailbox_pushes_back(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("bounded_mailbox", "8")
    out = capsys.readouterr().out.splitlines()
    assert "consumed [0, 1, 2, 3, 4, 5, 6, 7]" in out
    assert "sampled [2, 3, 4, 5, 6, 7]" in out
    producer = scheduler.processes[2]
    assert producer.result == 8


def test_ping_pong(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("ping_pong", "3")
    assert capsys.readouterr().out.splitlines() == [
        "ping 1 -> pong 1",
        "ping 2 -> pong 2",
        "ping 3 -> pong 3",
    ]
    assert [p.result for p in scheduler.processes.values()] == [3, 3]


def test_urgent_messages_are_served_first(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("priority_receive")
    assert capsys.readouterr().out.splitlines()[0] == "handled outage (high)"
    assert scheduler.processes[0].result == ["outage", "report", "backup", "cleanup", "invoice"]


def test_the_ring_passes_the_token_and_stops(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("process_ring", "4", "3")
    assert capsys.readouterr().out.splitlines() == [
        "node 3 got the token last, after it passed 3 times"
    ]
    assert [p.result for p in scheduler.processes.values()] == [3, 3, 3, 3]
    assert all(p.status is ProcessStatus.STOPPED for p in scheduler.processes.values())


def test_parallel_map_joins_in_input_order(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("parallel_map", "a", "bbb", "cc")
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == ["bbb done", "cc done", "a done"]  # finishing order
    assert scheduler.processes[0].result == [1, 3, 2]  # input order


def test_the_philosophers_deadlock_unless_forks_are_ordered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    stuck = run_sample("dining_philosophers", "deadlock")
    assert capsys.readouterr().out == ""
    philosophers = [p for p in stuck.processes.values() if p.template.name == "Philosopher"]
    assert len(philosophers) == 5
    assert all(p.status is ProcessStatus.WAITING for p in philosophers)
    # Each holds its left fork and waits for its right one.
    waits = sorted(p._effect.match.__qualname__ for p in philosophers)
    assert waits == [f"granted({n})" for n in range(5)]
    fed = run_sample("dining_philosophers", "ordered", "2")
    meals = capsys.readouterr().out.splitlines()
    assert len(meals) == 10
    assert all(p.result == 2 for p in fed.processes.values() if p.template.name == "Philosopher")


def test_the_saga_compensates_a_failed_deposit(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("bank_transfer")
    assert capsys.readouterr().out.splitlines() == [
        "step withdraw done: balance 70",
        "step deposit failed: Bob's account is closed; compensating",
        "compensated with deposit: balance 100",
    ]
    assert scheduler.processes[2].result == "rolled back"
    committed = run_sample("bank_transfer", "yes")
    assert committed.processes[2].result == "committed"


def test_the_named_bank_calls_by_name_across_a_restart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scheduler = run_sample("named_bank")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "accounts: alice=Account[2], bob=Account[3]"
    assert out[1:3] == ["alice deposits 50: 150", "bob withdraws 30: 50"]
    assert out[3].startswith("refused: call to 'alice' (pid 2) failed: the callee ended")
    # The supervisor restarted alice under the same name, with a new pid.
    assert out[4] == "accounts: alice=Account[4], bob=Account[3]"
    assert out[5] == "alice's balance after the restart: 100"
    assert scheduler.processes[1].result == 100
    assert scheduler.whereis("alice") is None  # the bank stopped: every name is free


def test_the_fridge_serves_clauses_and_leaves_what_none_matches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    scheduler = run_sample("fridge")
    assert capsys.readouterr().out.splitlines() == [
        "store milk: ok",
        "take milk: ('ok', 'milk')",
        "take bacon: not_found",
        "defrost: call to 'fridge' (pid 0) got no reply within 2 s",
        "fridge: hums",
        "take juice: call to 'fridge' (pid 0) failed: the callee ended with reason 'normal'",
    ]
    fridge = scheduler.processes[0]
    assert fridge.result == ["juice"]
    # The defrost request (and the last call) were never taken.
    assert [m[2] for m in fridge.messages] == [("defrost",), ("take", "juice")]


def test_demonitor_with_flush_leaves_no_stale_down(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = run_sample("monitor_flush")
    assert capsys.readouterr().out.splitlines() == [
        "result 9; inbox now holds 1 message(s)",
        "demonitor(flush=True): 0 message(s) left",
        "next receive gets: nothing",
        "result 16; inbox now holds 1 message(s)",
        "demonitor(flush=False): 1 message(s) left",
        "next receive gets: ('DOWN', 15, 2, 'normal')",
    ]
    assert scheduler.processes[0].result == [None, ("DOWN", 15, 2, "normal")]


def test_the_lost_update_hides_in_fifo_order(capsys: pytest.CaptureFixture[str]) -> None:
    # In FIFO order bob reads after alice wrote: no update is lost (explore finds
    # the orders that lose one: tests/explore/test_exploration.py).
    scheduler = run_sample("lost_update")
    assert capsys.readouterr().out.splitlines() == ["counter ends at 2"]
    assert [p.result for p in scheduler.processes.values()] == [2, "checked in", 1, 2]
