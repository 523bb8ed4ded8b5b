"""Supervised worker pool: a worker crashes and its supervisor restarts it.

Lesson: "let it crash". Workers do not defend against bad jobs; a
supervisor (OTP's model) watches them through links and restarts the one
that died, so the pool keeps working. The strategy decides who else is
restarted: one_for_one (only the crashed worker), one_for_all (every
worker), rest_for_one (the crashed worker and those started after it).

Each worker announces itself to the dispatcher, which hands it the next
job. Job "poison" makes a worker crash.

What to look for in the debugger: the CRASH of a worker, the EXIT signal
the supervisor traps (it becomes a message in the supervisor's inbox), the
RESTART decision naming the old and the new pid, and the new worker asking
for work again. Try each strategy and compare which pids change: with
one_for_all, w1 and w2 are stopped in the middle of their jobs, and those
jobs are lost; restarting everything has a price.

    chronoflow run sample_workflows/supervised_pool.py [STRATEGY]
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template
from chronoflow.runtime.supervisor import ChildSpec, Supervisor

SCHEDULER_OPTIONS = {"clock": "virtual"}

JOBS = ["resize a.png", "resize b.png", "poison", "resize c.png", "resize d.png"]


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


@template(route=to_field)
def Worker(self: Process, name: str, dispatcher: int) -> Generator[Any, Any, None]:
    """Ask for a job, do it, repeat; a poisoned job crashes the worker."""
    while True:
        self.send({"to": dispatcher, "ready": self.pid, "name": name})
        job = yield self.receive()
        if job["job"] == "poison":
            raise ValueError(f"{name} cannot handle {job['job']!r}")
        yield self.sleep(1.0)  # the work takes one second of scheduler time
        print(f"{name} (pid {self.pid}) did {job['job']}")


@template(route=to_field)
def Dispatcher(self: Process, jobs: list[str]) -> Generator[Any, Any, int]:
    """Hand out each job to the next worker that asks."""
    for job in jobs:
        ready = yield self.receive()
        self.send({"to": ready["ready"], "job": job})
    return len(jobs)


def main(scheduler: SimpleScheduler, strategy: str = "one_for_one") -> None:
    """A dispatcher, and a supervisor with three workers."""
    dispatcher = scheduler.create(Dispatcher, JOBS)
    dispatcher.start()
    specs = [ChildSpec(name, Worker, (name, dispatcher.pid)) for name in ("w1", "w2", "w3")]
    scheduler.create(Supervisor, strategy, specs, 3, 60.0).start()
