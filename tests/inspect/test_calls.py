"""Calls in the engine, and messages to processes that ended or never existed.

Hand-built signal lists in the shapes of docs/signals.md: a call monitors
the callee (its ref), sends ``("$call", (caller, ref), request)`` and
blocks in a WAIT naming the callee (``"call"``); the reply is
``("$reply", ref, value)``. A SEND or DELIVER to an ended or unknown pid
reaches no inbox and names that pid in ``"to"``.
"""

from __future__ import annotations

from typing import Any

from chronoflow.inspect import (
    CausalLink,
    MemorySource,
    Timeline,
    WaitEdge,
    WhyKind,
    summary,
    why,
)
from chronoflow.signals import Signal, SignalType

S = SignalType
CALL_WAIT = {"mode": "select", "match": "reply | down"}


def start(seq: int, pid: int, template: str) -> Signal:
    return Signal(seq, pid, S.START, {"template": template, "args": [], "parent": None})


def call(seq: int, caller: int, callee: int, request: Any, **sent: Any) -> list[Signal]:
    """The three signals of a call: MONITOR (its ref), SEND of the request, WAIT."""
    message = ("$call", (caller, seq), request)
    return [
        Signal(seq, caller, S.MONITOR, {"ref": seq, "target": callee}),
        Signal(seq + 1, caller, S.SEND, {"msg": message, "to": callee, "into": [callee], **sent}),
        Signal(seq + 2, caller, S.WAIT, {**CALL_WAIT, "call": callee}),
    ]


def timeline_of(signals: list[Signal]) -> Timeline:
    return Timeline(MemorySource(signals), background=False, interval=3)


#: Alice (pid 1, registered) and Bob (pid 0) call each other: a deadlock.
CROSSED = [
    start(0, 0, "Bob"),
    start(1, 1, "Account"),
    Signal(2, 1, S.REGISTER, {"name": "alice"}),
    *call(3, 0, 1, ("deposit", 5)),
    Signal(6, 1, S.RECEIVE, 4),
    *call(7, 1, 0, "audit"),
]


def test_a_process_in_a_call_waits_for_a_reply_from_the_callee() -> None:
    timeline = timeline_of(CROSSED)
    world = timeline.state_at(5)
    wait = world.process(0).wait
    assert wait is not None
    assert (wait.call, wait.describe()) == (1, "call 1")
    answer = timeline.why(0, 5)
    assert answer.kind is WhyKind.CALL
    assert answer.blocked
    assert answer.short == "call alice: Account[1]"
    assert answer.sentence == "waits for a reply from alice: Account[1] since seq 5"
    assert answer.counterpart == 1
    later = timeline.why(0, 9)  # alice's own call request waits in Bob's inbox, passed over
    assert later.sentence == (
        "waits for a reply from alice: Account[1] since seq 5; 1 message in its inbox did not match"
    )
    timed = [*CROSSED[:5], Signal(5, 0, S.WAIT, {**CALL_WAIT, "call": 1, "timeout": 2.0})]
    assert why(timeline_of(timed).state_at(5), 0).short == "call alice: Account[1] ⏱2s"
    timeline.close()


def test_two_processes_calling_each_other_are_a_deadlock_cycle() -> None:
    timeline = timeline_of(CROSSED)
    standstill = timeline.standstill()
    assert standstill is not None
    assert standstill.deadlock
    assert standstill.since == 9
    assert standstill.edges == (WaitEdge(0, 1, "calls it"), WaitEdge(1, 0, "calls it"))
    assert standstill.cycle == (0, 1)
    pending = timeline.pending(9)
    assert [answer.sentence for answer in pending.blocked] == [
        "waits for a reply from alice: Account[1] since seq 5; "
        "1 message in its inbox did not match",
        "waits for a reply from Bob[0] since seq 9",
    ]
    timeline.close()


def test_a_call_to_a_process_that_ended_is_a_dead_end() -> None:
    # The callee ends, and its DOWN is lost (a salvaged copy): the caller hangs.
    signals = [*CROSSED[:6], Signal(6, 1, S.STOP, {"result": None})]
    timeline = timeline_of(signals)
    standstill = timeline.standstill()
    assert standstill is not None
    assert standstill.dead_ends == (WaitEdge(0, 1, "calls it; it ended at seq 6"),)
    assert standstill.hangs
    timeline.close()


def test_a_call_is_ready_when_its_reply_or_the_callees_down_arrives() -> None:
    reply = ("$reply", 3, "ok")
    answered = [
        *CROSSED[:7],
        Signal(7, 1, S.SEND, {"msg": reply, "to": 0, "into": [0], "matched": [0]}),
    ]
    timeline = timeline_of(answered)
    ready = timeline.why(0, 7)
    assert (ready.kind, ready.short, ready.counterpart) == (WhyKind.READY, "reply #7", 1)
    assert ready.sentence == (
        "is ready: message #7, the reply from alice: Account[1], arrived; "
        "the call takes it when it runs"
    )
    assert timeline.summary(7) == "send reply 'ok' (ref @3) → 0 into [0], matched by [0]"
    down = ("DOWN", 3, 1, "normal")
    ended = [
        *CROSSED[:6],
        Signal(6, 1, S.STOP, {"result": None}),
        Signal(
            7, 0, S.DOWN, {"ref": 3, "target": 1, "reason": "normal", "msg": down, "matched": [0]}
        ),
    ]
    timeline = timeline_of(ended)
    ready = timeline.why(0, 7)
    # Its end freed the name: the world at seq 7 knows it as Account[1] only.
    assert ready.short == "Account[1] ended"
    assert ready.sentence == (
        "is ready: Account[1], which it calls, ended (down message #7); "
        "the call takes it when it runs"
    )


def test_call_requests_and_replies_read_as_such() -> None:
    assert summary(CROSSED[4]) == "send call ('deposit', 5) (ref @3) → 1 into [1]"
    assert summary(CROSSED[-1]) == "wait call 0 (select reply | down)"
    timed = Signal(0, 1, S.WAIT, {**CALL_WAIT, "call": 0, "timeout": 5})
    assert summary(timed) == "wait call 0 (select reply | down) timeout 5s"
    assert summary(Signal(0, 1, S.SEND, {"msg": ["$call", [1, 2], "x"], "to": 0, "into": [0]})) == (
        "send call 'x' (ref @2) → 0 into [0]"
    )
    # A tuple that only starts like a call is an ordinary message.
    odd = Signal(0, 1, S.SEND, {"msg": ("$call", 1, 2), "to": 0, "into": [0]})
    assert summary(odd) == "send ('$call', 1, 2) → 0 into [0]"


#: Messages to a process that ended (it was registered as w) and to a pid nobody had.
NOWHERE = [
    start(0, 0, "Client"),
    start(1, 1, "Worker"),
    Signal(2, 1, S.REGISTER, {"name": "w"}),
    Signal(3, 1, S.STOP, {"result": None}),
    Signal(4, 0, S.SEND, {"msg": "ping", "to": 1, "into": []}),
    Signal(5, 0, S.SEND, {"msg": "ping", "to": 9, "into": []}),
    Signal(6, 1, S.DELIVER, {"msg": "x", "to": 1, "into": []}),
    Signal(7, 9, S.DELIVER, {"msg": "y", "to": 9, "into": []}),
    Signal(8, 0, S.SEND, {"msg": "void", "to": None, "into": []}),
]


def test_a_message_to_a_process_that_ended_says_so() -> None:
    timeline = timeline_of(NOWHERE)
    assert timeline.summary(4) == "send 'ping' to w: Worker[1], which ended at seq 3"
    assert timeline.summary(5) == "send 'ping' to pid 9, which never existed"
    assert timeline.summary(6) == "deliver 'x' to w: Worker[1], which ended at seq 3"
    assert timeline.summary(7) == "deliver 'y' to pid 9, which never existed"
    assert timeline.summary(8) == "send 'void' → outbox"
    assert summary(NOWHERE[4]) == "send 'ping' → 1 (not delivered)"  # the signal alone
    assert timeline.links(4) == (
        CausalLink("reached no inbox: to w: Worker[1], which ended at seq 3 (in the outbox)", 3),
    )
    assert timeline.links(5) == (
        CausalLink("reached no inbox: to pid 9, which never existed (in the outbox)", 5),
    )
    assert timeline.links(6) == (
        CausalLink("reached no inbox: to w: Worker[1], which ended at seq 3", 3),
    )
    assert timeline.links(7) == (CausalLink("reached no inbox: to pid 9, which never existed", 7),)
    assert timeline.links(8) == (CausalLink("reached no inbox (no process): in the outbox", 8),)
    assert [entry.to for entry in timeline.pending(8).outbox] == [1, 9, None]
    timeline.close()


def test_a_send_into_a_full_inbox_of_a_live_process_reads_as_before() -> None:
    signals = [
        start(0, 0, "Client"),
        start(1, 1, "Worker"),
        Signal(2, 0, S.SEND, {"msg": "ping", "to": 1, "into": []}),
        Signal(3, 1, S.BACKOFF, {"id": 2, "size": 3, "limit": 3}),
    ]
    timeline = timeline_of(signals)
    assert timeline.summary(2) == "send 'ping' → 1 (not delivered)"
    assert timeline.links(2) == (CausalLink("refused by (inbox full) Worker[1]", 3),)
    timeline.close()
