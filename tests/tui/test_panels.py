"""What each panel shows at chosen seqs of the classroom recording."""

from __future__ import annotations

from tests.tui.conftest import KILL, LAST, PARENT_JOINS, SIZE
from tests.tui.panels import detail, mailbox, rows, settle, status, timeline_rows, tree
from tui.app import ChronoflowApp
from tui.widgets.process_tree import ProcessTree


async def test_opens_at_the_first_signal(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE):
        assert app.seq == 0
        assert tree(app) == {"Server[0]": "running ✉ 0  « new"}
        assert status(app).startswith(f"tui-classroom.cfl  seq 0 of 0–{LAST}  +0.000s")
        assert "seq 0  START" in detail(app)
        assert timeline_rows(app)[0].startswith("▶  0   0 Server       START")


async def test_a_select_passes_over_replies_and_is_ready_when_one_matches(
    app: ChronoflowApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(14)
        app.select_process(1)
        await pilot.pause()
        # Reply 101 arrives: the blocked select examines it and passes it over.
        assert tree(app)["Client[1]"] == "waiting ✉ 2 · select reply_to(102)  « +1 msg"
        shown = mailbox(app)
        assert shown[0] == "○ Client[1]  waiting for a message"
        assert " ".join(line.strip() for line in shown[1:4]) == (
            "waits for a message matching reply_to(102) since seq 8; 2 messages in its inbox "
            "did not match"
        )
        assert "     #14 from Server[0] @14  « new  did not match reply_to(102)" in shown
        # Reply 102 arrives and matches: the client is ready, not waiting.
        app.go_to(16)
        await pilot.pause()
        assert tree(app)["Client[1]"] == "ready ✉ 3 · #16 matches  « waiting→ready, +1 msg"
        shown = mailbox(app)
        assert shown[0] == "▷ Client[1]  ready to run"
        assert " ".join(line.strip() for line in shown[1:3]) == (
            "is ready: message #16 matches reply_to(102); the receive takes it when it runs"
        )
        assert shown[3] == "runs Client since seq 1"
        assert " ".join(line.strip() for line in shown[4:6]) == (
            "inbox: 3 messages — 2 did not match reply_to(102); #16 matches, taken at seq 18"
        )
        assert shown[6:] == [
            "  1. {'id': 100, 'to': 1, 'result': 1}",
            "     #12 from Server[0] @12  did not match reply_to(102)",
            "  2. {'id': 101, 'to': 1, 'result': 2}",
            "     #14 from Server[0] @14  did not match reply_to(102)",
            "  3. {'id': 102, 'to': 1, 'result': 3}",
            "     #16 from Server[0] @16  « new  matches reply_to(102), taken at seq 18",
        ]


async def test_a_receive_shows_the_message_it_took(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(18)
        app.select_process(1)
        await settle(app, pilot)
        assert tree(app)["Client[1]"] == "running ✉ 2  « ready→running, −1 msg"
        shown = mailbox(app)
        assert shown[-2:] == [
            "   - {'id': 102, 'to': 1, 'result': 3}",
            "     #16 from Server[0] @16  « received",
        ]
        assert "message #16: {'id': 102, 'to': 1, 'result': 3}" in detail(app)
        assert "sent by Server[0]" in detail(app)


async def test_inherited_messages_and_a_joining_parent(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(PARENT_JOINS)
        app.select_process(7)
        await pilot.pause()
        shown = tree(app)
        assert shown["Parent[3]"] == "joining ✉ 1 · join Child[7]  « running→joining"
        assert shown["Child[7]"] == "running ✉ 2"
        assert mailbox(app)[3:] == [
            "  1. 'first'",
            "     #41 from outside @45 inherited  not yet examined",
            "  2. 'second'",
            "     #43 from outside @45 inherited  not yet examined",
        ]


async def test_every_status_at_the_end(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        assert app.seq == LAST
        assert {name: row.split(" ")[0] for name, row in tree(app).items()} == {
            "Server[0]": "waiting",
            "Client[1]": "stopped",
            "Monitor[2]": "stopped",
            "Lookup[4]": "stopped",
            "Parent[3]": "stopped",
            "Child[7]": "stopped",
            "Child[8]": "stopped",
            "Supervisor[5]": "crashed",
            "Sleeper[9]": "killed",
            "Faulty[6]": "crashed",
        }


async def test_using_and_killed_show_what_they_wait_for_or_why(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.go_to(10)
        app.select_process(4)
        await pilot.pause()
        assert tree(app)["Lookup[4]"] == "using ✉ 0 · use lookup  « running→using"
        assert mailbox(app)[1] == "awaits use lookup since seq 10"
        app.go_to(KILL)
        app.select_process(9)
        await pilot.pause()
        assert tree(app)["Sleeper[9]"] == "killed ✉ 0  « waiting→killed parent 5 ended"
        assert mailbox(app)[1] == f"was killed at seq {KILL}: parent 5 ended"


async def test_the_tree_draws_parents_and_children(app: ChronoflowApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        lines = [line.split("]")[0] + "]" for line in rows(app.query_one(ProcessTree))]
        assert lines[4:7] == ["  ✓ Parent[3]", "  ├─ ✓ Child[7]", "  └─ ✓ Child[8]"]
        assert lines[7:9] == ["  ✗ Supervisor[5]", "  └─ † Sleeper[9]"]
