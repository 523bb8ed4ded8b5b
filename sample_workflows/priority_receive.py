"""Selective receive with priorities: urgent messages jump the queue.

Lesson: a mailbox is not just first-in, first-out. With a select and a
zero timeout ("is there an urgent message right now?") and then a plain
receive, a process serves urgent messages first, whatever arrived before
them. Erlang programs write exactly this with ``receive ... after 0``.

What to look for in the debugger: the worker's inbox holding normal jobs
while an urgent one arrives; the select WAIT with timeout 0 that finds it
at once, or the TIMEOUT when there is none; normal jobs taken only after.

    chronoflow run sample_workflows/priority_receive.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template
from chronoflow.runtime import TIMEOUT

SCHEDULER_OPTIONS = {"clock": "virtual"}


def is_urgent(message: dict[str, Any]) -> bool:
    """An urgent message has priority 'high'."""
    return bool(message.get("priority") == "high")


@template
def Worker(self: Process, jobs: int) -> Generator[Any, Any, list[str]]:
    """Handle ``jobs`` jobs, urgent ones first."""
    done = []
    for _ in range(jobs):
        job = yield self.receive(match=is_urgent, timeout=0)
        if job is TIMEOUT:
            job = yield self.receive()
        print("handled", job["name"], f"({job.get('priority', 'normal')})")
        done.append(job["name"])
        yield self.sleep(1.0)
    return done


async def main(scheduler: SimpleScheduler) -> None:
    """Three normal jobs queue up, then an urgent one arrives."""
    worker = scheduler.create(Worker, 5)
    worker.start()
    for name in ("report", "backup", "cleanup"):
        await worker.push({"name": name})
    await worker.push({"name": "outage", "priority": "high"})
    await worker.push({"name": "invoice"})
