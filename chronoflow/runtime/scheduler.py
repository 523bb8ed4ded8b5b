"""The SimpleScheduler: many processes, unique pids, and routing between them.

As in the original, ``scheduler.create(T, *args)`` makes a process,
``proc.start()`` starts it and ``await scheduler.update()`` runs one round;
``await scheduler.run()`` repeats rounds until nothing can happen.
Messages a process sends go where its template's ``route`` says; a message
that reaches no inbox stays in ``scheduler.outbox``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from chronoflow.runtime.bus import DEFAULT_INBOX_LIMIT, Observer
from chronoflow.runtime.kernel import Kernel
from chronoflow.runtime.watchdog import Watchdog


class SimpleScheduler(Kernel):
    """A kernel that routes messages between the processes it creates."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        inbox_limit: int | None = DEFAULT_INBOX_LIMIT,
        overflow: str = "backoff",
        observers: Iterable[Observer] = (),
        watchdog: float | None = None,
    ) -> None:
        """``inbox_limit`` and ``overflow`` apply to templates without their own
        (limit None: unbounded; overflow: see OVERFLOW_POLICIES).

        ``clock`` only timestamps signals and times timers (a
        :class:`~chronoflow.runtime.VirtualClock` makes timers instant); it
        never decides the order in which processes run. ``watchdog`` (seconds)
        reports any step that runs longer without yielding (a warning line and
        a STUCK signal).
        """
        super().__init__(
            clock=clock,
            inbox_limit=inbox_limit,
            overflow=overflow,
            observers=observers,
            standalone=False,
        )
        if watchdog is not None:
            self.watchdog = Watchdog(watchdog)

    async def run(self) -> None:
        """Run rounds until every process is blocked or ended and no ``use`` is pending."""
        while not await self.update():
            pass
        self.flush_observers()
