"""A fork replayed against itself: ``chronoflow replay FORK.cfl --workflow W.py``.

A fork (:mod:`chronoflow.replay.fork`) is a normal recording, and a
changed ``use`` outcome is a recorded input like any other, so a plain
:class:`~chronoflow.replay.reexecution.Reexecution` replays it. A changed
inbox is not something the workflow's code did: :class:`ForkReexecution`
replays up to the fork point as the original, makes the change its
metadata names again (its DROP and DELIVER signals checked like any
other), then checks every signal the fork's live run recorded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from chronoflow.errors import NondeterminismError
from chronoflow.recording import open_recording
from chronoflow.replay.fork import FORK_KEY, ForkPoint
from chronoflow.replay.fork_changes import (
    ForkError,
    UseError,
    UseResult,
    apply_inbox_change,
    from_metadata,
)
from chronoflow.replay.reexecution import Reexecution, ReplayReport
from chronoflow.runtime import Observer
from chronoflow.runtime.replay import ReplayPaused


def fork_info(recording: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The ``fork`` entry of a recording's metadata, or None for a recording that
    is not a fork."""
    with open_recording(recording) as reader:
        info = reader.metadata.get(FORK_KEY)
    return dict(info) if isinstance(info, Mapping) else None


class ForkReexecution(Reexecution):
    """A fork replayed against itself: the original up to the fork point, the
    change made again (its signals checked), then the fork's own signals."""

    def __init__(self, recording: str | Path, workflow: str | Path) -> None:
        super().__init__(recording, workflow)
        info = self.metadata.get(FORK_KEY)
        if not isinstance(info, Mapping):
            raise ForkError(f"{recording} is not a fork (its metadata has no {FORK_KEY!r})")
        at, change = info.get("at"), info.get("change")
        if type(at) is not int or not isinstance(change, Mapping):
            raise ForkError(
                f"{recording}: its metadata's {FORK_KEY!r} entry needs an int 'at' and a "
                "'change' map; it cannot be replayed as a fork"
            )
        self.at = at
        self.change = from_metadata(change)

    async def run(
        self, stop_at: int | None = None, observers: Iterable[Observer] = ()
    ) -> ReplayReport:
        if isinstance(self.change, UseResult | UseError) or (
            stop_at is not None and stop_at <= self.at
        ):
            # A changed use is a recorded input like any other; before the fork
            # point a fork is its original.
            return await super().run(stop_at, observers)
        scheduler, replay = await ForkPoint(self, self.at, {}).to_fork_point(observers, None)
        self.scheduler, self.replay = scheduler, replay
        replay.resume(stop_at)
        try:
            apply_inbox_change(scheduler, self.change, scheduler.seq - 1)
            await scheduler.run()
        except ReplayPaused:
            pass
        except NondeterminismError as error:
            raise error.located(
                str(self.path),
                f"open the recording at that seq: chronoflow-tui {self.path} --at {error.seq}",
            ) from None
        return self.report()


def reexecution_of(recording: str | Path, workflow: str | Path) -> Reexecution:
    """The re-execution ``chronoflow replay`` runs: a :class:`ForkReexecution` for a
    fork that changed an inbox, else a plain :class:`Reexecution`."""
    info = fork_info(recording)
    if info is not None:
        change = info.get("change")
        if isinstance(change, Mapping) and change.get("kind") in ("drop", "replace", "reorder"):
            return ForkReexecution(recording, workflow)
    return Reexecution(recording, workflow)
