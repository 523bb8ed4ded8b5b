"""Named accounts under a supervisor: call them by name, let one crash, call again.

Lesson: a registered name is an address that outlives a pid. The
supervisor registers each account under its child id (`ChildSpec(...,
register=True)`), so the teller never learns a pid: it calls "alice" and
"bob" (`yield from self.call(name, request)`, Erlang's gen_server:call).
An overdraft crashes alice's account ("let it crash"): the teller's call
fails with CallError, the supervisor restarts the account under the same
name, and the next call by name reaches the new process. The restarted
account starts again from its initial balance: what a process held in
its variables dies with it. `which_children` asks the supervisor which
pid each child has now.

What to look for in the debugger: the tree showing `alice: Account[2]`
then `alice: Account[4]` after the restart; the REGISTER signals made by
the supervisor; the teller's WAIT naming the account it calls; the DOWN
that ends the failed call; the RESTART decision.

    chronoflow run sample_workflows/named_bank.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import (
    CallError,
    ChildSpec,
    Process,
    SimpleScheduler,
    Supervisor,
    template,
    which_children,
)

SCHEDULER_OPTIONS = {"clock": "virtual"}


@template
def Account(self: Process, balance: int) -> Generator[Any, Any, None]:
    """Answer deposit, withdraw and balance calls; an overdraft crashes it."""
    while True:
        request = yield self.receive()
        match request:
            case ("$call", from_, ("deposit", amount)):
                balance += amount
                self.reply(from_, balance)
            case ("$call", from_, ("withdraw", amount)):
                if amount > balance:
                    raise ValueError(f"overdraft: {amount} asked, {balance} held")
                balance -= amount
                self.reply(from_, balance)
            case ("$call", from_, "balance"):
                self.reply(from_, balance)


def listing(children: list[tuple[str, int | None, str]]) -> str:
    """``alice=Account[2], bob=Account[3]``."""
    return ", ".join(f"{child}={template}[{pid}]" for child, pid, template in children)


@template
def Teller(self: Process) -> Generator[Any, Any, int]:
    """Serve a few customers by account name."""
    print("accounts:", listing((yield from which_children(self, "bank"))))
    print("alice deposits 50:", (yield from self.call("alice", ("deposit", 50))))
    print("bob withdraws 30:", (yield from self.call("bob", ("withdraw", 30))))
    try:
        yield from self.call("alice", ("withdraw", 500))
    except CallError as error:
        print("refused:", error)
    print("accounts:", listing((yield from which_children(self, "bank"))))
    balance: int = yield from self.call("alice", "balance")
    print("alice's balance after the restart:", balance)
    self.send_to("bank", ("stop",))
    return balance


def main(scheduler: SimpleScheduler) -> None:
    """A supervisor named "bank" with two named accounts, and a teller."""
    specs = [
        ChildSpec("alice", Account, (100,), register=True),
        ChildSpec("bob", Account, (80,), register=True),
    ]
    bank = scheduler.create(Supervisor, "one_for_one", specs, 3, 60.0)
    bank.start()
    scheduler.register("bank", bank.pid)
    scheduler.create(Teller).start()
