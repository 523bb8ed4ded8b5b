"""Registered names and calls in the debugger.

A bank registers its account as ``alice``; a client calls ``alice`` twice,
then sends to the account after it has ended; two callers register as
``ping`` and ``pong`` and call each other: a deadlock. Recorded from the
real runtime (virtual time), then opened in the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from chronoflow import Process, SimpleScheduler, template
from chronoflow.inspect import MemorySource, SignalType, Timeline
from tests.inspect.conftest import record
from tests.tui.conftest import SIZE
from tests.tui.panels import detail, mailbox, settle, timeline_rows, tree
from tui.app import ChronoflowApp
from tui.screens.filter import FilterScreen
from tui.screens.pending import PendingScreen
from tui.widgets.signal_list import SignalList


@template
def Account(self: Process, balance: int) -> Generator[Any, Any, Any]:
    while True:
        _, caller, request = yield self.receive()
        balance += request[1]
        self.reply(caller, balance)
        if balance >= 10:
            return balance


@template
def Bank(self: Process) -> Generator[Any, Any, Any]:
    account = self.spawn(Account, 0, inherit=False)
    self.register("alice", account.pid)
    return (yield from account.join())


@template
def Client(self: Process) -> Generator[Any, Any, Any]:
    account = self.whereis("alice")
    first = yield from self.call("alice", ("deposit", 5), timeout=None)
    second = yield from self.call("alice", ("deposit", 5), timeout=None)
    assert account is not None
    self.send_to(account, "too late")  # alice has ended by now
    return first + second


@template
def Caller(self: Process, name: str, other: str) -> Generator[Any, Any, Any]:
    self.register(name)
    yield self.sleep(1.0)
    return (yield from self.call(other, "after you", timeout=None))


def _main(scheduler: SimpleScheduler) -> None:
    scheduler.create(Bank).start()
    scheduler.create(Client).start()
    scheduler.create(Caller, "ping", "pong").start()
    scheduler.create(Caller, "pong", "ping").start()


#: Seqs of the recording (checked by the first test).
REGISTER_ALICE = 6
FIRST_CALL_WAITS = 10
ALICE_STOPS = 25
TOO_LATE = 29
LAST = 40


@pytest.fixture
def bank() -> Iterator[Timeline]:
    opened = Timeline(record(_main), background=False)
    yield opened
    opened.close()


def test_the_recording_is_as_the_tests_expect(bank: Timeline) -> None:
    assert bank.signal(REGISTER_ALICE).type is SignalType.REGISTER
    assert bank.signal(FIRST_CALL_WAITS).data == {
        "mode": "select",
        "match": "reply | down",
        "call": 4,
    }
    assert bank.signal(ALICE_STOPS).type is SignalType.STOP
    assert bank.signal(TOO_LATE).type is SignalType.SEND
    assert len(bank) == LAST + 1


async def test_the_tree_and_the_timeline_show_names(bank: Timeline) -> None:
    app = ChronoflowApp(bank, at=REGISTER_ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = tree(app)
        assert shown["alice: Account[4]"] == "running ✉ 0  « registered_name"
        assert "Bank[0]" in shown
        row = timeline_rows(app)[REGISTER_ALICE]
        assert " REGISTER " in row
        assert row.endswith("register alice (by Bank[0])")
        assert "'name': 'alice'" in detail(app)
        app.go_to(ALICE_STOPS)
        await pilot.pause()
        assert tree(app)["Account[4]"].startswith("stopped ✉ 0")  # its end freed the name


async def test_a_call_is_explained_as_waiting_for_the_callee(bank: Timeline) -> None:
    app = ChronoflowApp(bank, at=FIRST_CALL_WAITS)
    async with app.run_test(size=SIZE) as pilot:
        app.select_process(1)
        await settle(app, pilot)
        assert tree(app)["Client[1]"] == "waiting ✉ 0 · call alice: Account[4]  « running→waiting"
        assert " ".join(line.strip() for line in mailbox(app)[1:3]).startswith(
            "waits for a reply from alice: Account[4] since seq 10"
        )
        assert timeline_rows(app)[FIRST_CALL_WAITS].endswith("wait call 4 (select reply | down)")
        assert timeline_rows(app)[9].endswith("send call ('deposit', 5) (ref @8) → 4 into [4]")


async def test_a_message_to_an_ended_process_says_which_and_when(bank: Timeline) -> None:
    app = ChronoflowApp(bank, at=TOO_LATE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        expected = f"to alice: Account[4], which ended at seq {ALICE_STOPS}"
        assert timeline_rows(app)[TOO_LATE].endswith(f"send 'too late' {expected}")
        assert f"→ reached no inbox: {expected} (in the outbox)  seq {ALICE_STOPS}" in detail(app)


async def test_two_callers_calling_each_other_are_a_deadlock(bank: Timeline) -> None:
    app = ChronoflowApp(bank, at=LAST)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = tree(app)
        assert shown["ping: Caller[2]"] == "waiting ✉ 1 · call pong: Caller[3]"
        assert shown["pong: Caller[3]"].startswith("waiting ✉ 1 · call ping: Caller[2]")
        await pilot.press("w")
        screen = app.screen
        assert isinstance(screen, PendingScreen)
        texts = [text.plain for text, _ in screen.rows]
        assert texts[0] == f"deadlock: 2 processes blocked forever since seq {LAST}"
        assert texts[1] == "wait-for cycle: ping: Caller[2] → pong: Caller[3] → ping: Caller[2]"
        assert "  ping: Caller[2] waits for pong: Caller[3] (calls it)" in texts
        assert (
            "  pong: Caller[3] waits for a reply from ping: Caller[2] since seq 40; "
            "1 message in its inbox did not match"
        ) in texts
        outbox = [text for text in texts if text.startswith("  #29 ")]
        assert outbox == [
            f"  #29 'too late'  from Client[1], routed to alice: Account[4], which ended "
            f"at seq {ALICE_STOPS}"
        ]


async def test_the_filter_screen_lists_the_name_signals(bank: Timeline) -> None:
    app = ChronoflowApp(bank)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        assert isinstance(app.screen, FilterScreen)
        types = app.screen.query_one("#filter-types")
        options = types._options[-2:]  # type: ignore[attr-defined]
        assert [str(option.prompt) for option in options] == ["REGISTER", "UNREGISTER"]
        styles = [[str(span.style) for span in option.prompt.spans] for option in options]
        assert styles == [["bright_magenta"]] * 2  # their own colour, as in the timeline
        types.deselect(int(SignalType.REGISTER))  # type: ignore[attr-defined]
        await pilot.click("#filter-apply")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not [row for row in timeline_rows(app) if " REGISTER " in row]


async def test_a_row_painted_before_the_index_knew_the_end_says_it_once_it_does(
    bank: Timeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    timeline = Timeline(MemorySource(list(bank.signals())), start=False)
    start = timeline.start_indexing
    monkeypatch.setattr(timeline, "start_indexing", lambda: None)  # hold the indexer back
    try:
        app = ChronoflowApp(timeline, at=TOO_LATE)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            signals = app.query_one(SignalList)
            assert timeline.progress.indexed == 0
            assert signals.render_row(TOO_LATE, 200).plain.endswith("→ 4 (not delivered)")
            start()
            for _ in range(250):
                row = signals.render_row(TOO_LATE, 200).plain
                if row.endswith(f"which ended at seq {ALICE_STOPS}"):
                    break
                await asyncio.sleep(0.02)
            assert row.endswith(
                f"send 'too late' to alice: Account[4], which ended at seq {ALICE_STOPS}"
            )
    finally:
        timeline.close()
