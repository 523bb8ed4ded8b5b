"""Ping-pong: the smallest conversation between two processes.

Lesson: two processes that only know each other's pid. Each message names
its sender, so the receiver knows where to answer. Nothing is shared: the
count travels inside the messages.

What to look for in the debugger: the SEND of each ping, the DELIVER into
the other inbox (implied by the SEND's "into"), and the RECEIVE that takes
it; follow one message from SEND to RECEIVE with enter in the detail pane.

    chronoflow run sample_workflows/ping_pong.py [ROUNDS]
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


@template(route=to_field)
def Pinger(self: Process, ponger: int, rounds: int) -> Generator[Any, Any, int]:
    """Send a ping, wait for the pong, ``rounds`` times."""
    for n in range(1, rounds + 1):
        self.send({"to": ponger, "from": self.pid, "ping": n})
        reply = yield self.receive()
        print(f"ping {n} -> pong {reply['pong']}")
    self.send({"to": ponger, "from": self.pid, "stop": True})
    return rounds


@template(route=to_field)
def Ponger(self: Process) -> Generator[Any, Any, int]:
    """Answer every ping with a pong until told to stop."""
    answered = 0
    while True:
        message = yield self.receive()
        if message.get("stop"):
            return answered
        answered += 1
        self.send({"to": message["from"], "pong": message["ping"]})


def main(scheduler: SimpleScheduler, rounds: str = "3") -> None:
    """A ponger and a pinger that knows its pid."""
    ponger = scheduler.create(Ponger)
    ponger.start()
    scheduler.create(Pinger, ponger.pid, int(rounds)).start()
