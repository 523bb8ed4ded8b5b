"""A bank transfer saga: undo the steps that succeeded when a later one fails.

Lesson: a transfer is two steps on two accounts (withdraw, then deposit),
and there is no transaction spanning both processes. A saga runs the steps
in order and, when one fails, runs the compensation of every step that
already succeeded: here, a failed deposit into a closed account is undone
by refunding the withdrawal.

What to look for in the debugger: the saga's requests and the accounts'
replies; the deposit's error reply; the refund that follows; at the end,
the source account holds its original balance again.

    chronoflow run sample_workflows/bank_transfer.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


@template(route=to_field)
def Account(self: Process, owner: str, balance: int, open_: bool) -> Generator[Any, Any, None]:
    """Hold a balance; answer withdraw and deposit requests."""
    while True:
        request = yield self.receive()
        amount = request["amount"]
        if not open_:
            reply = {"ok": False, "error": f"{owner}'s account is closed"}
        elif request["op"] == "withdraw" and amount > balance:
            reply = {"ok": False, "error": f"{owner} has only {balance}"}
        else:
            balance += amount if request["op"] == "deposit" else -amount
            reply = {"ok": True, "balance": balance}
        self.send({"to": request["from"], "id": request["id"], **reply})


def reply_to(request_id: int) -> Any:
    """A select predicate for the reply to ``request_id``."""

    def reply(message: dict[str, Any]) -> bool:
        return bool(message.get("id") == request_id)

    reply.__qualname__ = f"reply_to({request_id})"
    return reply


@template(route=to_field)
def TransferSaga(self: Process, source: int, target: int, amount: int) -> Generator[Any, Any, str]:
    """Withdraw from ``source``, deposit into ``target``; refund if the deposit fails."""
    steps = [
        ("withdraw", source, ("deposit", source)),
        ("deposit", target, ("withdraw", target)),
    ]
    done: list[tuple[str, int]] = []
    for number, (op, account, compensation) in enumerate(steps, start=1):
        self.send({"to": account, "from": self.pid, "id": number, "op": op, "amount": amount})
        reply = yield self.receive(match=reply_to(number))
        if not reply["ok"]:
            print(f"step {op} failed: {reply['error']}; compensating")
            for undo_number, (undo_op, undo_account) in enumerate(reversed(done), start=100):
                request = {"to": undo_account, "from": self.pid, "id": undo_number}
                self.send({**request, "op": undo_op, "amount": amount})
                undone = yield self.receive(match=reply_to(undo_number))
                print(f"compensated with {undo_op}: balance {undone['balance']}")
            return "rolled back"
        print(f"step {op} done: balance {reply['balance']}")
        done.append(compensation)
    return "committed"


def main(scheduler: SimpleScheduler, target_open: str = "no") -> None:
    """Move 30 from Alice (100) to Bob, whose account is closed unless told otherwise."""
    alice = scheduler.create(Account, "Alice", 100, True)
    bob = scheduler.create(Account, "Bob", 0, target_open == "yes")
    alice.start()
    bob.start()
    saga = scheduler.create(TransferSaga, alice.pid, bob.pid, 30)
    saga.start()
