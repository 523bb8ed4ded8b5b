"""Client/server: selective receive takes replies in the order you choose.

Lesson: ``self.select(pred)`` makes the next receive take the first message
that matches and leaves the others in the inbox, in order. The client sends
three requests (100, 101, 102) and then waits for the replies in reverse:
102 first. Replies 100 and 101 arrive first and wait in its inbox.

The server answers TIME with a logical clock (how many requests it has
served) rather than reading the wall clock: a process that reads time,
randomness or I/O directly is no longer deterministic, and its recording can
no longer be replayed. Real side effects go through ``self.use``.

What to look for in the debugger: the client's WAIT names its select; its
inbox holds replies 100 and 101 while it waits for 102.

    chronoflow run sample_workflows/client_server.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


@template(route=to_field)
def Server(self: Process) -> Generator[Any, Any, None]:
    """Answer requests forever: TIME gets the logical time, anything else 'error'."""
    served = 0
    while True:
        request = yield self.receive()
        served += 1
        result = served if request["command"] == "TIME" else "error"
        self.send({"id": request["id"], "from": self.pid, "to": request["from"], "result": result})


def reply_to(request_id: int) -> Any:
    """A select predicate for the reply to ``request_id`` (named, for the debugger)."""

    def is_reply(message: dict[str, Any]) -> bool:
        return bool(message["id"] == request_id)

    is_reply.__qualname__ = f"reply_to({request_id})"
    return is_reply


@template(route=to_field)
def Client(self: Process, server: int) -> Generator[Any, Any, list[Any]]:
    """Send three requests, then take the replies 102, 101, 100 in that order."""
    self.send({"id": 100, "from": self.pid, "to": server, "command": "TIME"})
    self.send({"id": 101, "from": self.pid, "to": server, "command": "TIME"})
    self.send({"id": 102, "from": self.pid, "to": server, "command": "STOP"})
    replies = []
    for request_id in (102, 101, 100):
        self.select(reply_to(request_id))
        reply = yield self.receive()
        print(reply)
        replies.append(reply["result"])
    return replies


def main(scheduler: SimpleScheduler) -> None:
    """Start a server and a client that talks to it."""
    server = scheduler.create(Server)
    client = scheduler.create(Client, server.pid)
    server.start()
    client.start()
