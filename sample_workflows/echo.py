"""Echo: two processes bounce a message back and forth through the scheduler.

Lesson: a template's ``route`` tells the scheduler where a sent message
goes (here: the message's ``to`` field). ``yield self.use(fn, *args)``
awaits an asyncio coroutine without making the process itself async; the
scheduler keeps running other processes meanwhile.

What to look for in the debugger: each SEND names the inbox it went into;
the receiver's RECEIVE takes that very message (same id); USE then RESULT
brackets the pause during which the process is *using*.

    chronoflow run sample_workflows/echo.py [ROUNDS] [DELAY_SECONDS]
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template


async def sleep(seconds: float) -> None:
    """The side effect: a pause, run on asyncio."""
    await asyncio.sleep(seconds)


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


@template(route=to_field)
def Echo(self: Process, count: int, delay: float) -> Generator[Any, Any, None]:
    """Reply to ``count`` messages, pausing ``delay`` seconds after each."""
    for i in range(count):
        message = yield self.receive()
        print(f"{self.pid}> i={i} received {message['data']} from {message['from']}")
        self.send({"from": self.pid, "to": message["from"], "data": message["data"]})
        yield self.use(sleep, delay)


def main(scheduler: SimpleScheduler, rounds: str = "5", delay: str = "0.01") -> None:
    """Start two Echo processes and spoof a first message to the first one."""
    first = scheduler.create(Echo, int(rounds), float(delay))
    second = scheduler.create(Echo, int(rounds), float(delay))
    first.start()
    second.start()
    first.send({"from": second.pid, "to": first.pid, "data": "hello"})
