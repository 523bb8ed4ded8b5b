"""Transitions: a countdown written as tail recursion.

Lesson: a process can end its generator by returning
``Transition(Template, *args)``. The process keeps its pid and its inbox,
a TRANSITION signal is recorded, and the new generator takes over, so a
long-lived process can "roll up" its state into the arguments of the next
step instead of growing one huge loop. (Only the last TRANSITION and what
follows it are needed to replay such a process.)

What to look for in the debugger: one TRANSITION per tick, the template
name changing from Countdown to Liftoff at the end, and ticks that arrived
early waiting in the inbox across transitions.

    chronoflow run sample_workflows/transitions.py [FROM]
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, Transition, template


@template
def Liftoff(self: Process, ticks: int) -> Generator[Any, Any, str]:
    """The final state: wait for the go message."""
    go = yield self.receive()
    print("liftoff after", ticks, "ticks:", go)
    return "liftoff"


@template
def Countdown(self: Process, remaining: int) -> Generator[Any, Any, Transition]:
    """One state per number: take a tick, then become the next state."""
    tick = yield self.receive()
    print("countdown", remaining, tick)
    if remaining == 1:
        return Transition(Liftoff, tick)
    return Transition(Countdown, remaining - 1)


async def main(scheduler: SimpleScheduler, start: str = "3") -> None:
    """Count down from START with one tick per step, then push 'go'."""
    rocket = scheduler.create(Countdown, int(start))
    rocket.start()
    for tick in range(1, int(start) + 1):
        await rocket.push(tick)
    await rocket.push("go")
