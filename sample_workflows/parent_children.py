"""Parent and children: spawn, inherited messages, and join.

Lesson: a child receives every message its parent receives from the moment
it is spawned (plus a copy of what already waits in the parent's inbox),
and a child cannot outlive its parent: the parent joins each child with
``result = yield from child.join()`` before it returns.

The parent spawns three children, then three messages are pushed to it.
The parent takes the first; each child takes its own copy of all three.
The other two stay in the parent's inbox while it joins: a message is
copied to every inbox, and taking it out of one leaves the others alone.

What to look for in the debugger: each DELIVER lists four inboxes (the
parent and its three children); the parent is *joining* while the children
still run, and it ends only after the last child stops.

    chronoflow run sample_workflows/parent_children.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template


@template
def Child(self: Process, name: str) -> Generator[Any, Any, str]:
    """Print three messages, then end with a summary."""
    for _ in range(3):
        print("child", name, (yield self.receive()))
    return f"{name} done"


@template
def Parent(self: Process) -> Generator[Any, Any, list[str]]:
    """Spawn three children, take one message, join the children in reverse."""
    child1 = self.spawn(Child, "child1")
    child2 = self.spawn(Child, "child2")
    child3 = self.spawn(Child, "child3")
    print("parent", (yield self.receive()))
    results = yield from self.join_all(child3, child2, child1)
    print("parent joined", results)
    return results


async def main(scheduler: SimpleScheduler) -> None:
    """Start the parent and push msg1..msg3 to it."""
    parent = scheduler.create(Parent)
    parent.start()
    for message in ("msg1", "msg2", "msg3"):
        await parent.push(message)
