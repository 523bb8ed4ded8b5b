"""Lost update: a read-then-write race that only some schedules show.

Lesson: a counter process answers "get" with its value and "set" by
storing a new one. Two clients each add one by reading the value, then
writing it back plus one. Each message is handled atomically, but the pair
is not: if both clients read before either writes, both write 1 and one
update is lost. Nothing crashes; the final count is simply wrong.

In the scheduler's own FIFO order the run looks fine: bob first checks in
at the gate, and by the time he reads, alice has written, so the counter
ends at 2. ``chronoflow explore`` runs the same program under other
orders of the ready processes and finds ones where bob's read reaches the
counter before alice's write: both read 0 and the counter ends at 1.
The fix is to make the counter do the whole increment (an "add" message),
so no one holds a value that another may change.

What to look for in the debugger: in the recording of the FIFO run, when
the counter is about to take its second message, its inbox holds alice's
"set" ahead of bob's "get"; in the recording ``explore`` keeps for the
lost update, bob's "get" is ahead of alice's "set".

    chronoflow run sample_workflows/lost_update.py
    chronoflow explore sample_workflows/lost_update.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template

#: The gets and sets of the two clients.
REQUESTS = 4


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


@template(route=to_field)
def Counter(self: Process, requests: int) -> Generator[Any, Any, int]:
    """Answer ``requests`` gets and sets, one message at a time; return the value."""
    value = 0
    for _ in range(requests):
        request = yield self.receive()
        if request["op"] == "get":
            self.send({"to": request["from"], "value": value})
        else:
            value = request["value"]
            self.send({"to": request["from"], "stored": value})
    print(f"counter ends at {value}")
    return value


@template(route=to_field)
def Gate(self: Process) -> Generator[Any, Any, str]:
    """Let one client in: answer its check-in."""
    request = yield self.receive()
    self.send({"to": request["from"], "welcome": True})
    return "checked in"


@template(route=to_field)
def Client(self: Process, name: str, counter: int, gate: int) -> Generator[Any, Any, int]:
    """Add one to the counter by reading it, then writing it back plus one
    (after checking in at the gate, if ``gate`` is a pid)."""
    if gate >= 0:
        self.send({"to": gate, "op": "check in", "from": self.pid})
        yield self.receive()
    self.send({"to": counter, "op": "get", "from": self.pid})
    reply = yield self.receive()
    self.send({"to": counter, "op": "set", "value": reply["value"] + 1, "from": self.pid})
    stored = yield self.receive()
    return int(stored["stored"])


def main(scheduler: SimpleScheduler) -> None:
    """A counter, a gate, and two clients that each add one."""
    counter = scheduler.create(Counter, REQUESTS)
    gate = scheduler.create(Gate)
    alice = scheduler.create(Client, "alice", counter.pid, -1)
    bob = scheduler.create(Client, "bob", counter.pid, gate.pid)
    for proc in (counter, gate, alice, bob):
        proc.start()
