"""A SimpleScheduler that can record itself: ``SimpleScheduler(record="out.cfl")``.

The runtime never imports recording code, so the one-liner lives here as a
subclass of :class:`chronoflow.runtime.SimpleScheduler`; ``chronoflow``
exports this one as ``chronoflow.SimpleScheduler``. Without ``record=`` it
behaves exactly like the plain scheduler. ``close()``, or leaving
``async with``/``with``, writes the recording's footer and closes the file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from types import TracebackType

from chronoflow.recording.recorder import Recorder
from chronoflow.runtime import DEFAULT_INBOX_LIMIT, Observer
from chronoflow.runtime import SimpleScheduler as PlainScheduler


class SimpleScheduler(PlainScheduler):
    """A :class:`chronoflow.runtime.SimpleScheduler` with an optional recorder."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        inbox_limit: int | None = DEFAULT_INBOX_LIMIT,
        overflow: str = "backoff",
        observers: Iterable[Observer] = (),
        watchdog: float | None = None,
        record: str | os.PathLike[str] | Recorder | None = None,
    ) -> None:
        """``record`` is a path to record everything this scheduler runs, or a Recorder.

        The other settings are those of :class:`chronoflow.runtime.SimpleScheduler`.
        """
        super().__init__(
            clock=clock,
            inbox_limit=inbox_limit,
            overflow=overflow,
            observers=observers,
            watchdog=watchdog,
        )
        self.recorder: Recorder | None = None
        if record is not None:
            self.recorder = record if isinstance(record, Recorder) else Recorder(record)
            self.recorder.attach(self)

    def close(self) -> None:
        """Finish the recording, if any: footer, trailer, file closed (idempotent)."""
        if self.recorder is not None:
            self.recorder.close()

    def __enter__(self) -> SimpleScheduler:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.recorder is not None:
            self.recorder.__exit__(kind, error, tb)

    async def __aenter__(self) -> SimpleScheduler:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(kind, error, tb)
