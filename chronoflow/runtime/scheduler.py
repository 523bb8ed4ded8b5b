"""The SimpleScheduler: the kernel as users meet it, under the original's name.

As in the original, ``scheduler.create(T, *args)`` makes a process,
``proc.start()`` starts it and ``await scheduler.update()`` runs one round;
``await scheduler.run()`` repeats rounds until nothing can happen.
Messages a process sends go where its template's ``route`` says; a message
that reaches no inbox stays in ``scheduler.outbox``.

Recording is an observer it is given: ``SimpleScheduler(record="out.cfl")``
(a path, opened by the recorder that :mod:`chronoflow.recording` lends the
runtime) or ``record=Recorder(...)``; ``close()``, or leaving
``with``/``async with``, finishes the file. Every setting is the kernel's
(:class:`~chronoflow.runtime.kernel.Kernel`).
"""

from __future__ import annotations

from chronoflow.runtime.kernel import Kernel


class SimpleScheduler(Kernel):
    """A kernel for programs: create processes, run rounds, observe or record them.

    ``SimpleScheduler(clock=time.time, inbox_limit=1000, overflow="backoff",
    observers=(), watchdog=None, record=None)``: see :class:`Kernel`.
    """

    async def run(self) -> None:
        """Run rounds until every process is blocked or ended and no ``use`` is pending."""
        while not await self.update():
            pass
        self.flush_observers()
