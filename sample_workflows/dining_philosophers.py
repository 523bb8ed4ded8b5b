"""Dining philosophers: a deadlock you can watch, and how to avoid it.

Lesson: five philosophers share five forks; each needs both neighbours'
forks to eat. If every philosopher takes the left fork first, they can all
hold one fork and wait forever for the other: a deadlock. Nothing crashes;
the program simply stops making progress. Taking the lower-numbered fork
first (a global order on resources) makes the cycle impossible.

Forks are processes that grant themselves to one philosopher at a time and
queue the others.

What to look for in the debugger: run "deadlock" and go to the last seq:
every philosopher is *waiting*, each on a select for the fork it does not
have, and each fork's inbox holds the request it cannot grant. Run
"ordered" and everyone eats.

    chronoflow run sample_workflows/dining_philosophers.py [deadlock|ordered]
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template

SCHEDULER_OPTIONS = {"clock": "virtual"}
SEATS = 5


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


def is_take(message: dict[str, Any]) -> bool:
    """A request to take the fork."""
    return bool(message["op"] == "take")


def put_back_by(holder: int) -> Any:
    """A select predicate for the holder putting the fork back (named, for the debugger)."""

    def put_back(message: dict[str, Any]) -> bool:
        return bool(message["op"] == "put" and message["from"] == holder)

    put_back.__qualname__ = f"put_back_by({holder})"
    return put_back


@template(route=to_field)
def Fork(self: Process, number: int) -> Generator[Any, Any, None]:
    """Be taken by one philosopher at a time."""
    while True:
        request = yield self.receive(match=is_take)
        holder = request["from"]
        self.send({"to": holder, "granted": number})
        yield self.receive(match=put_back_by(holder))


def granted(number: int) -> Any:
    """A select predicate for the grant of fork ``number`` (named, for the debugger)."""

    def grant(message: dict[str, Any]) -> bool:
        return bool(message.get("granted") == number)

    grant.__qualname__ = f"granted({number})"
    return grant


@template(route=to_field)
def Philosopher(
    self: Process, name: str, forks: list[int], first: int, second: int, meals: int
) -> Generator[Any, Any, int]:
    """Take fork ``first`` then fork ``second``, eat, put both back; ``meals`` times."""
    for meal in range(1, meals + 1):
        for fork in (first, second):
            self.send({"to": forks[fork], "op": "take", "from": self.pid})
            yield self.receive(match=granted(fork))
            yield self.sleep(1.0)  # reaching for the next fork takes a moment
        print(f"{name} eats meal {meal}")
        for fork in (first, second):
            self.send({"to": forks[fork], "op": "put", "from": self.pid})
        yield self.sleep(1.0)
    return meals


def main(scheduler: SimpleScheduler, version: str = "deadlock", meals: str = "2") -> None:
    """Seat five philosophers at five forks."""
    if version not in ("deadlock", "ordered"):
        raise ValueError("version must be 'deadlock' or 'ordered'")
    forks = [scheduler.create(Fork, n) for n in range(SEATS)]
    for fork in forks:
        fork.start()
    pids = [fork.pid for fork in forks]
    names = ["Aristotle", "Kant", "Spinoza", "Marx", "Russell"]
    for seat, name in enumerate(names):
        left, right = seat, (seat + 1) % SEATS
        first, second = (left, right) if version == "deadlock" else sorted((left, right))
        scheduler.create(Philosopher, name, pids, first, second, int(meals)).start()
