"""Monitors and `demonitor(ref, flush=True)`: no stale DOWN left behind.

Lesson: a monitor's DOWN message can arrive before you stop caring. The
boss monitors a worker, and the worker sends its result and ends in one
step, so by the time the boss has the result the DOWN is already in its
inbox. `demonitor(ref, flush=True)` removes the monitor and that DOWN
together (Erlang's `demonitor(Ref, [flush])`). The second time the boss
demonitors without flush, and the stale DOWN is what its next receive
gets instead of the message it was waiting for: the bug flush prevents.

What to look for in the debugger: the DOWN entering the boss's inbox
right after the worker's STOP; the DROP with reason "demonitor flush"
that takes it out (there is no DEMONITOR: the monitor had fired
already, so only the flush had work to do); in the second round, the
DOWN still in the inbox after the demonitor, and the RECEIVE that takes it.

    chronoflow run sample_workflows/monitor_flush.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import ANY, TIMEOUT, Pattern, Process, SimpleScheduler, template

RESULT = Pattern(("result", ANY, ANY))


@template
def Squarer(self: Process, boss: int, n: int) -> Generator[Any, Any, int]:
    """Send n squared to the boss and end."""
    self.send_to(boss, ("result", self.pid, n * n))
    return n * n
    yield  # a generator, though it never waits


@template
def Boss(self: Process) -> Generator[Any, Any, list[Any]]:
    """Run two workers; demonitor the first with flush, the second without."""
    seen = []
    for n, flush in ((3, True), (4, False)):
        worker = self.spawn(Squarer, self.pid, n, inherit=False)
        ref = self.monitor(worker.pid)
        got = yield self.receive(match=RESULT)
        print(f"result {got[2]}; inbox now holds {self.inbox_size} message(s)")
        self.demonitor(ref, flush=flush)
        print(f"demonitor(flush={flush}): {self.inbox_size} message(s) left")
        yield from worker.join()
        nxt = yield self.receive(timeout=0)
        print("next receive gets:", "nothing" if nxt is TIMEOUT else nxt)
        seen.append(None if nxt is TIMEOUT else nxt)
    return seen


def main(scheduler: SimpleScheduler) -> None:
    """One boss."""
    scheduler.create(Boss).start()
