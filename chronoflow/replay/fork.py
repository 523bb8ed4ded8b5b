"""Forks: a recording re-executed up to a seq, one thing changed, then run live.

:func:`make_fork` replays a workflow against its recording exactly as
``chronoflow replay`` does (every signal checked, recorded inputs fed
back) until the world at seq ``at``, the world the debugger shows at that
seq; makes one change there (:mod:`chronoflow.replay.fork_changes`); and
then lets the workflow run on its own, live, under a signal limit and a
time limit. Everything it does is recorded, from seq 0, into a normal
recording whose metadata's ``fork`` entry names the original, the seq and
the change.

A process's running step is atomic, so when ``at`` falls inside a step
(between two sends of one process) the step finishes first and the fork
begins after it: :attr:`ForkReport.begins` is the first seq that is the
fork's own.

Live means: ``use`` calls run for real (except the one a change names),
timers fire by the workflow's clock (a virtual one, as in replay), and
messages go where the inboxes' room says. A fork replays against itself
(:mod:`chronoflow.replay.fork_reexecution`).
"""

from __future__ import annotations

import asyncio
import inspect
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from chronoflow.errors import NondeterminismError, WorkflowError
from chronoflow.recording import Recorder
from chronoflow.recording.values import ValueEncoder, unpack_value
from chronoflow.replay.fork_changes import (
    Change,
    ForkError,
    ReorderInbox,
    UseError,
    UseResult,
    apply_inbox_change,
    as_metadata,
)
from chronoflow.replay.reexecution import Reexecution
from chronoflow.replay.workflow import ENTRY_POINT, scheduler_options
from chronoflow.runtime import Observer, Process, SimpleScheduler, VirtualClock
from chronoflow.runtime.replay import RecordingReplay, ReplayPaused
from chronoflow.signals import Signal, SignalType

#: Default limits of the live run after the fork point.
DEFAULT_MAX_SIGNALS = 10_000
DEFAULT_TIMEOUT = 10.0

#: The metadata key of a fork's description.
FORK_KEY = "fork"


def _as_recorded_equal(encoder: ValueEncoder) -> Callable[[Any, Any], bool]:
    """Replay's comparison of values: a replayed value equals the recorded one
    as the recording would have stored it (as ``Reexecution`` compares)."""

    def equal(expected: Any, actual: Any) -> bool:
        return bool(expected == actual or expected == unpack_value(encoder.pack(actual)))

    return equal


class ForkReplay(RecordingReplay):
    """A recording replay that can go live at its pause, with changed ``use`` outcomes.

    Until :meth:`go_live` it is a :class:`RecordingReplay` (``uses`` aside:
    the ``use`` calls whose USE seq it names get that RESULT data instead
    of the recorded one). Live, it checks nothing and supplies nothing, and
    pauses the kernel once ``max_signals`` live signals were made or the
    deadline passed.
    """

    def __init__(
        self,
        recorded: list[Signal],
        *,
        templates: Iterable[Any],
        stop_at: int | None,
        uses: Mapping[int, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(
            recorded, templates=templates, equal=_as_recorded_equal(ValueEncoder()), stop_at=stop_at
        )
        self.uses = dict(uses or {})
        #: The USE seqs whose changed outcome was handed out.
        self.changed: set[int] = set()
        self.live = False
        self.live_from = 0
        self.max_signals: int | None = None
        self.deadline: float | None = None
        #: Why the live run was stopped early ("signal limit", "time limit"), if it was.
        self.limit_hit: str | None = None

    def go_live(self, max_signals: int | None, timeout: float | None) -> None:
        """From now on, run live (see the class docstring)."""
        assert self.kernel is not None
        self.live = True
        self.paused = False
        self.stop_at = None
        self.live_from = self.kernel.seq
        self.max_signals = max_signals
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def expected_for(self, signal: Signal) -> Signal | None:
        if not self.live:
            return super().expected_for(signal)
        if self.max_signals is not None and signal.seq - self.live_from + 1 >= self.max_signals:
            self.limit_hit = self.limit_hit or f"signal limit ({self.max_signals} signals)"
            self.paused = True
        elif self.deadline is not None and time.monotonic() > self.deadline:
            self.limit_hit = self.limit_hit or "time limit"
            self.paused = True
        return None

    def use_outcome(self, proc: Process, use: Signal) -> Any:
        changed = self.uses.get(use.seq)
        if changed is not None:
            self.changed.add(use.seq)
            return {"use": use.seq, **changed}
        return None if self.live else super().use_outcome(proc, use)

    def delivery(self, seq: int) -> tuple[list[int], list[Signal]] | None:
        return None if self.live else super().delivery(seq)

    def next_timeout(self, pending: Mapping[int, Process]) -> int | None:
        return None if self.live else super().next_timeout(pending)

    def next_result(self, pending: Mapping[int, tuple[Process, Any]]) -> int | None:
        if self.live:
            return None
        found = super().next_result(pending)
        # Why not a changed use: its outcome is not the recorded one, so the
        # recorded RESULT's place does not hold for it; it completes live.
        return None if found in self.uses else found

    def recorded_now(self, proc: Process, seq: int) -> float | None:
        return None if self.live else super().recorded_now(proc, seq)

    def next_ready(self, queue: deque[Process]) -> Process:
        """Who runs next: as recorded before the fork point, first come first
        served after it (a live run's order)."""
        return queue.popleft() if self.live else super().next_ready(queue)


async def _call_main(module: ModuleType, scheduler: SimpleScheduler, args: list[str]) -> None:
    """The workflow's ``main(scheduler, *args)``, awaited if it is async.

    Why not :func:`~chronoflow.replay.workflow.run_workflow`: a fork must
    know whether the pause cut ``main`` short (its remaining work would be
    lost) or came while the scheduler ran.
    """
    entry = getattr(module, ENTRY_POINT)
    try:
        inspect.signature(entry).bind(scheduler, *args)
    except TypeError as error:
        raise WorkflowError(
            f"{module.__file__}: {ENTRY_POINT}() does not take these arguments {args!r}: {error}"
        ) from error
    outcome = entry(scheduler, *args)
    if inspect.isawaitable(outcome):
        await outcome


def _use_outcome(change: UseResult | UseError) -> dict[str, Any]:
    if isinstance(change, UseResult):
        return {"value": change.value}
    return {"error": change.error, "message": change.message}


@dataclass(frozen=True)
class ForkReport:
    """What :func:`make_fork` did."""

    original: Path
    path: Path
    at: int
    begins: int
    change: Change
    #: What the change did, as phrases ("dropped #8 from Client[1]").
    done: tuple[str, ...]
    signals: int
    live: int
    limit_hit: str | None = None
    notes: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        """One paragraph: the fork, its change, how its live run ended."""
        begins = "" if self.begins == self.at + 1 else f" (it begins at seq {self.begins})"
        ended = (
            f"stopped by the {self.limit_hit}"
            if self.limit_hit
            else "ran until nothing more could happen"
        )
        lines = [
            f"forked {self.original} at seq {self.at}{begins}: {self.change.text}",
            *(f"  {line}" for line in self.done),
            f"wrote {self.path}: {self.signals} signals, {self.live} after the fork point; "
            f"the live run {ended}",
            *self.notes,
        ]
        return "\n".join(lines)


class ForkPoint:
    """A recording's workflow brought to the world at seq ``at`` (for a fork, or for
    replaying one against itself)."""

    def __init__(self, runner: Reexecution, at: int, uses: Mapping[int, dict[str, Any]]) -> None:
        self.runner = runner
        self.at = at
        self.uses = uses

    async def to_fork_point(
        self, observers: Iterable[Observer], record: Recorder | None
    ) -> tuple[SimpleScheduler, ForkReplay]:
        """Replay up to the world at ``at``; the paused scheduler and its replay."""
        runner = self.runner
        options = scheduler_options(runner.module)
        options["clock"] = VirtualClock()
        scheduler = SimpleScheduler(observers=observers, record=record, **options)
        replay = ForkReplay(
            runner.recorded, templates=runner.templates, stop_at=self.at, uses=self.uses
        )
        replay.attach(scheduler)
        main_done = False
        try:
            await _call_main(runner.module, scheduler, runner.args)
            main_done = True
            await scheduler.run()
        except ReplayPaused:
            pass
        except NondeterminismError as error:
            raise error.located(
                str(runner.path),
                f"check that {runner.workflow} is the workflow that made the recording "
                f"(chronoflow replay {runner.path} --workflow {runner.workflow})",
            ) from None
        if not replay.paused:
            raise ForkError(
                f"{runner.workflow} became idle at seq {scheduler.seq - 1}, before seq "
                f"{self.at}: it is not the workflow that made {runner.path}, or it does less"
            )
        if not main_done:
            raise ForkError(
                f"at seq {self.at} the workflow's main() had not finished (it went on "
                "creating processes or pushing messages), so the run cannot go on live "
                "from there; fork at a later seq"
            )
        return scheduler, replay


def _check(runner: Reexecution, at: int, change: Change) -> None:
    """Refuse, before anything runs, a fork the recording alone shows to be impossible."""
    recorded = runner.recorded
    if not 0 <= at < len(recorded):
        raise ForkError(
            f"seq {at} is out of range: {runner.path} has seqs 0 to {len(recorded) - 1}"
        )
    if isinstance(change, UseResult | UseError) and change.use <= at:
        use = change.use
        if recorded[use].type != SignalType.USE:
            raise ForkError(
                f"seq {use} is not a USE: --use-result and --use-error name a USE's seq"
            )
        result = next(
            (
                s.seq
                for s in recorded[use + 1 : at + 1]
                if s.type == SignalType.RESULT and s.data.get("use") == use
            ),
            None,
        )
        if result is not None:
            raise ForkError(
                f"the use @{use} got its result at seq {result}, before the fork point "
                f"{at}: fork at a seq before {result}"
            )
    if isinstance(change, ReorderInbox) and change.pid < 0:
        raise ForkError(f"no process {change.pid}")


def make_fork(
    recording: str | os.PathLike[str],
    workflow: str | os.PathLike[str],
    at: int,
    change: Change,
    output: str | os.PathLike[str],
    *,
    max_signals: int | None = DEFAULT_MAX_SIGNALS,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> ForkReport:
    """Fork ``recording`` at seq ``at`` with ``change``; write the fork to ``output``.

    The file appears only once the fork is made: it is written beside
    ``output`` under a temporary name and renamed at the end.
    """
    runner = Reexecution(Path(recording), Path(workflow))
    _check(runner, at, change)
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial")
    uses = {change.use: _use_outcome(change)} if isinstance(change, UseResult | UseError) else {}
    info = {"of": str(runner.path), "at": at, "change": as_metadata(change), "text": change.text}
    recorder = Recorder(
        partial,
        workflow=runner.metadata.get("workflow"),
        args=runner.args,
        templates=runner.templates,
        source_root=Path(workflow).resolve().parent,
        metadata={FORK_KEY: info},
    )
    try:
        with recorder:
            report = asyncio.run(
                _make(runner, at, change, uses, recorder, max_signals, timeout, target)
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return report


async def _make(
    runner: Reexecution,
    at: int,
    change: Change,
    uses: Mapping[int, dict[str, Any]],
    recorder: Recorder,
    max_signals: int | None,
    timeout: float | None,
    target: Path,
) -> ForkReport:
    fork = ForkPoint(runner, at, uses)
    scheduler, replay = await fork.to_fork_point((), recorder)
    begins = scheduler.seq
    replay.go_live(max_signals, timeout)
    done: list[str] = []
    if not isinstance(change, UseResult | UseError):
        done = apply_inbox_change(scheduler, change, begins - 1, at)
    try:
        if timeout is None:
            await scheduler.run()
        else:
            await asyncio.wait_for(scheduler.run(), timeout)
    except ReplayPaused:
        pass
    except TimeoutError:
        replay.limit_hit = replay.limit_hit or "time limit"
    if replay.limit_hit == "time limit":
        replay.limit_hit = f"time limit ({timeout:g} s)"
    notes: list[str] = []
    if uses and not replay.changed:
        (use,) = uses
        notes.append(
            f"note: the fork made no use at seq {use}, so the change was never applied "
            "(a use's seq is the seq of its USE signal)"
        )
    return ForkReport(
        original=runner.path,
        path=target,
        at=at,
        begins=begins,
        change=change,
        done=tuple(done),
        signals=scheduler.seq,
        live=scheduler.seq - begins,
        limit_hit=replay.limit_hit,
        notes=tuple(notes),
    )
