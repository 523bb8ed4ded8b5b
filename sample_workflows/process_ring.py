"""The process ring: a token passed around N processes, M times.

Lesson: the classic exercise from "Programming Erlang". Each process knows
only its successor's pid; the token carries how many hops are left. It is
also the benchmark of every actor runtime: each hop is one SEND, one
RECEIVE and one WAIT.

What to look for in the debugger: the same three signals repeating around
the ring; press n / p on one process to jump from one of its hops to the
next. At the end a "stop" goes once around and every node ends.

    chronoflow run sample_workflows/process_ring.py [PROCESSES] [ROUNDS]
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template


def to_next(message: tuple[Any, ...]) -> int:
    """Route ``(pid, hops left)`` or ``(pid, "stop", initiator)`` to its pid."""
    return message[0]


@template(route=to_next)
def Node(self: Process, successor: int) -> Generator[Any, Any, int]:
    """Pass the token on until no hops are left, then pass a stop around."""
    seen = 0
    while True:
        message = yield self.receive()
        if message[1] == "stop":
            if message[2] != successor:
                self.send((successor, "stop", message[2]))
            return seen
        seen += 1
        left = message[1]
        if left == 0:
            print(f"node {self.pid} got the token last, after it passed {seen} times")
            self.send((successor, "stop", self.pid))
            return seen
        self.send((successor, left - 1))


def main(scheduler: SimpleScheduler, processes: str = "5", rounds: str = "2") -> None:
    """Build the ring and inject the token at node 0."""
    count, laps = int(processes), int(rounds)
    nodes = [scheduler.create(Node, (i + 1) % count) for i in range(count)]
    for node in nodes:
        node.start()
    nodes[0].send((0, count * laps - 1))
