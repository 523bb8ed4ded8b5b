"""Live frames: the real generators of a recording, brought to any seq.

With the workflow source the user names, a :class:`LiveSession` re-executes
the recording (checked signal by signal, recorded ``use`` results fed back;
see :mod:`chronoflow.replay.reexecution`) and pauses at the seq asked for. For
every live process it then reports where its generator is suspended (file
and line, with the source lines around it), the effect it waits on and its
local variables as safe, shortened reprs.

Going forward continues the paused run when it can; going backward re-runs
from the beginning (generators cannot run backwards). A process's running
step is atomic: when seq N falls inside a step (e.g. between two sends), the
process is shown where that step ends, and :attr:`LiveFrames.reached` says
which seq the run actually reached.

Nothing named in the recording is imported; the source file is read only
to show lines of the workflow the user named.
"""

from __future__ import annotations

import asyncio
import linecache
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from chronoflow.replay.fork_reexecution import reexecution_of
from chronoflow.replay.reexecution import Outcome
from chronoflow.runtime import Join, Process, ProcessStatus, Receive, Use

#: How many source lines to show on each side of the suspended line.
CONTEXT_LINES = 6

_REPR = reprlib.Repr()
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 8
_REPR.maxlevel = 3


def safe_repr(value: Any) -> str:
    """A short repr that never raises (objects with broken ``__repr__`` included)."""
    try:
        return _REPR.repr(value)
    except Exception as error:  # a user's __repr__ may fail in any way
        return f"<repr failed: {type(error).__name__}>"


@dataclass(frozen=True)
class Frame:
    """Where one live process's generator is, at the seq the session reached."""

    pid: int
    template: str
    status: str
    waiting_on: str
    file: str
    line: int
    #: ``(first line number, lines)`` of the source around :attr:`line`.
    source: tuple[int, tuple[str, ...]]
    #: ``(name, short repr)`` of each local variable, in definition order.
    locals: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LiveFrames:
    """Every live process's frame at one seq."""

    seq: int
    reached: int
    frames: Mapping[int, Frame]
    #: Where the run started: "from the start" or "from the TRANSITION at seq N".
    origin: str = "from the start"


def _waiting_on(proc: Process) -> str:
    effect = proc.effect
    if proc.status is ProcessStatus.USING:
        return "use (a recorded result will be fed back)"
    ready = proc.status is ProcessStatus.READY
    if isinstance(effect, Receive):
        if effect.match is None:
            return "receive: a message arrived, it takes it next" if ready else "receive"
        name = getattr(effect.match, "__qualname__", None) or safe_repr(effect.match)
        text = f"{effect.mode.value} {name}"
        if ready and proc.matched_id is not None:
            return f"{text}: message #{proc.matched_id} matches, it takes it next"
        return f"{text}: it looks at its inbox again next" if ready else text
    if isinstance(effect, Join):
        child = effect.child.pid
        return f"join {child}: the child has ended" if ready else f"join {child}"
    if isinstance(effect, Use):
        return "use"
    return "runnable" if proc.status in (ProcessStatus.READY, ProcessStatus.RUNNING) else "-"


def _status(proc: Process) -> str:
    """The status as the engine names it: *ready* only for a blocked receive or
    join that found what it waits for; queued to resume otherwise is *running*."""
    if proc.status is ProcessStatus.READY:
        return "ready" if isinstance(proc.effect, Receive | Join) else "running"
    return proc.status.name.lower()


def frame_of(proc: Process) -> Frame | None:
    """``proc``'s frame, or None when it has no suspended generator (ended)."""
    frame = proc.frame
    if frame is None:
        return None
    filename = frame.f_code.co_filename
    line = frame.f_lineno
    first = max(1, line - CONTEXT_LINES)
    lines = tuple(
        linecache.getline(filename, n).rstrip("\n") for n in range(first, line + CONTEXT_LINES + 1)
    )
    while lines and not lines[-1]:
        lines = lines[:-1]
    local_vars = tuple((name, safe_repr(value)) for name, value in frame.f_locals.items())
    return Frame(
        pid=proc.pid,
        template=proc.template.name,
        status=_status(proc),
        waiting_on=_waiting_on(proc),
        file=filename,
        line=line,
        source=(first, lines),
        locals=local_vars,
    )


class Worlds(Protocol):
    """What live frames ask of the engine: the world at a seq (an
    :class:`chronoflow.inspect.Timeline` is one). Why a protocol: replay sits
    below the engine and never imports it; the debugger hands over the
    Timeline it already has."""

    def state_at(self, seq: int) -> Any:
        """The world after seq ``seq``."""


class LiveSession:
    """A recording and its workflow, re-executed on demand to any seq.

    ``worlds`` is the recording's indexed Timeline (the one the debugger
    shows): with it, one process can be brought to a seq alone, from its
    last TRANSITION; without it, every goto runs the workflow from the start.
    """

    def __init__(
        self, recording: str | Path, workflow: str | Path, worlds: Worlds | None = None
    ) -> None:
        # A fork that changed an inbox makes its change again (fork_reexecution.py).
        self.runner = reexecution_of(recording, workflow)
        self._reached: int | None = None
        self.worlds = worlds
        #: How the last :meth:`goto` got there: "from the start" or "from the
        #: TRANSITION at seq N" (see :meth:`goto`).
        self.started_from = ""

    def __len__(self) -> int:
        return len(self.runner.recorded)

    def close(self) -> None:
        """Nothing to release: the Timeline belongs to whoever handed it over."""

    def goto(self, seq: int, pid: int | None = None) -> LiveFrames:
        """Bring the generators to ``seq`` and report every live process's frame.

        With ``pid``, only that process's frame is wanted, and it is brought
        to ``seq`` from the nearest start point: its last TRANSITION at or
        before ``seq`` when it has one (running that process alone, fed the
        messages, results and timer firings the recording holds for it), else
        the beginning of the whole workflow.
        """
        if seq < 0:
            raise ValueError(f"seq must be 0 or more, got {seq}")
        if pid is not None:
            alone = solo_frames(self, pid, seq)
            if alone is not None:
                return alone
        self.started_from = "from the start"
        asyncio.run(self._run_to(seq))
        scheduler = self.runner.scheduler
        assert scheduler is not None
        reached = scheduler.seq - 1
        self._reached = reached
        frames = {
            pid: found
            for pid, proc in sorted(scheduler.processes.items())
            if proc.alive and (found := frame_of(proc)) is not None
        }
        return LiveFrames(seq=seq, reached=reached, frames=frames)

    async def _run_to(self, seq: int) -> None:
        # Why always from the start: a paused run cannot be continued reliably
        # when the workflow's main() was cut short at the pause (its remaining
        # pushes are lost), and generators cannot step backwards.
        report = await self.runner.run(stop_at=seq)
        if report.outcome is Outcome.LEFT_OVER and seq < len(self.runner.recorded):
            raise ValueError(f"the workflow never reached seq {seq}")


def solo_frames(session: LiveSession, pid: int, seq: int) -> LiveFrames | None:
    """``pid`` alone, from its last TRANSITION at or before ``seq``; None if it cannot.

    It cannot when the process made no TRANSITION before ``seq``, or when
    between that TRANSITION and ``seq`` it spawned children or its full inbox
    refused or dropped messages (decisions that need the other processes).
    """
    from chronoflow.replay.solo import run_alone

    if session.worlds is None:
        return None
    return run_alone(session, session.worlds, pid, seq)
