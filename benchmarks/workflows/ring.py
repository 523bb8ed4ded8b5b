"""A token ring as a workflow: ``main(scheduler, processes, hops)``.

Used by the benchmarks to make recordings of a chosen size (about three
signals per hop: SEND, RECEIVE, WAIT).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template


def to_next(message: tuple[int, int]) -> int:
    """Route a ``(pid, token)`` message to its pid."""
    return message[0]


@template(route=to_next)
def RingNode(self: Process, next_pid: int, hops: int) -> Generator[Any, Any, int]:
    """Pass the token on until it has made ``hops`` hops."""
    while True:
        _, token = yield self.receive()
        if token >= hops:
            return token
        self.send((next_pid, token + 1))


def main(scheduler: SimpleScheduler, processes: str = "100", hops: str = "33000") -> None:
    """Start the ring and hand the token to the first node."""
    count, total = int(processes), int(hops)
    nodes = [scheduler.create(RingNode, (i + 1) % count, total) for i in range(count)]
    for node in nodes:
        node.start()
    nodes[0].send((0, 0))
