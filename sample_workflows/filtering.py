"""Filtering: ``filter`` drops what it does not want, ``select`` keeps it.

Lesson: with ``self.filter(pred)`` the next receive drops every message that
does not match, each with a DROP signal carrying the dropped message; with
``self.select(pred)`` those messages would stay in the inbox. A sensor
stream of readings is filtered down to the alarms.

What to look for in the debugger: each DROP names the message it removed;
the monitor's inbox never grows, because nothing it skips is kept.

    chronoflow run sample_workflows/filtering.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template

READINGS = [12, 17, 95, 14, 99, 13, 97]
THRESHOLD = 90


def is_alarm(reading: int) -> bool:
    """A reading at or above the threshold."""
    return reading >= THRESHOLD


@template
def Monitor(self: Process, alarms: int) -> Generator[Any, Any, list[int]]:
    """Take ``alarms`` alarm readings, dropping every normal one."""
    seen = []
    for _ in range(alarms):
        self.filter(is_alarm)
        reading = yield self.receive()
        print("alarm:", reading)
        seen.append(reading)
    return seen


async def main(scheduler: SimpleScheduler) -> None:
    """Push a stream of readings into a monitor that waits for three alarms."""
    monitor = scheduler.create(Monitor, 3)
    monitor.start()
    for reading in READINGS:
        await monitor.push(reading)
