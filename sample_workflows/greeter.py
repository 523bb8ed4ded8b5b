"""Greeter: the first example of the original README.

Lesson: a process is a generator. ``name = yield self.receive()`` waits for
a message; ``self.send(...)`` sends one. The Greeter has no ``route``, so
its greetings go to the scheduler's outbox, which ``main`` prints.

What to look for in the debugger: the START, then a WAIT (the greeter is
blocked in receive), each DELIVER of a pushed name, the RECEIVE that takes
it out of the inbox, and the SEND of the greeting.

    chronoflow run sample_workflows/greeter.py Alice Bob
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template


@template
def Greeter(self: Process, count: int) -> Generator[Any, Any, None]:
    """Greet the first ``count`` names it receives."""
    for i in range(count):
        name = yield self.receive()
        print("received", name)
        self.send(f"greeting #{i}: Hello {name}!")


async def main(scheduler: SimpleScheduler, *names: str) -> None:
    """Push each name (default: Alice, Bob, Carol) and print the greetings."""
    names = names or ("Alice", "Bob", "Carol")
    greeter = scheduler.create(Greeter, len(names))
    greeter.start()
    for name in names:
        await greeter.push(name)
    for signal in scheduler.outbox:
        print(signal.data["msg"])
