"""Re-execution: replay a recording file against the workflow that made it.

The user names the workflow source; the recording only supplies signals.
Template names found in the recording are matched against the templates
that source defines (never imported or evaluated), the workflow's ``main``
runs again with the recorded arguments, and every signal is checked
against the recorded one while recorded ``use`` results are fed back. A
re-execution can pause at any seq, which is how the debugger gets live
generator frames.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from chronoflow.errors import NondeterminismError, ReplayError
from chronoflow.recording import open_recording
from chronoflow.recording.values import ValueEncoder, unpack_value
from chronoflow.replay.workflow import (
    load_workflow,
    run_workflow,
    scheduler_options,
    workflow_templates,
)
from chronoflow.runtime import Observer, ProcessTemplate, SimpleScheduler, VirtualClock
from chronoflow.runtime.replay import RecordingReplay, ReplayPaused
from chronoflow.signals import Signal, SignalType


class Outcome(Enum):
    """How a re-execution ended, when it did not diverge."""

    MATCHED = "matched"  # every recorded signal reproduced, nothing more
    PAUSED = "paused"  # stopped at the requested seq
    RAN_ON = "ran on"  # the recording ended but the workflow went on
    LEFT_OVER = "left over"  # the workflow ended before the recording did


@dataclass(frozen=True)
class ReplayReport:
    """What a re-execution did."""

    path: Path
    workflow: Path
    outcome: Outcome
    recorded: int
    checked: int
    beyond: int
    leftover: int
    stop_at: int | None = None

    def describe(self) -> str:
        """A one-paragraph, plain-words account of the outcome."""
        head = f"{self.path}: replayed against {self.workflow}:"
        if self.outcome is Outcome.MATCHED:
            return f"OK {head} all {self.checked} recorded signals matched"
        if self.outcome is Outcome.PAUSED:
            return (
                f"OK {head} every signal matched up to seq {self.stop_at}, where it paused "
                f"({self.checked} checked: a running process finishes its step)"
            )
        if self.outcome is Outcome.RAN_ON:
            return (
                f"{head} all {self.checked} recorded signals matched, but the recording "
                f"ended while the workflow wanted more: it went on live for {self.beyond} "
                "more signals (the recording was cut short, e.g. the program crashed)"
            )
        return (
            f"{head} the workflow became idle after {self.checked} matching signals, but "
            f"{self.leftover} recorded signals were left over, from seq {self.checked} on "
            "(the workflow does less than the program that was recorded)"
        )


def _recorded_equal(encoder: ValueEncoder) -> Any:
    def equal(expected: Any, actual: Any) -> bool:
        # Why the round trip: the recording holds what the recorder could keep
        # (tuples, bytes... exactly; other objects as Opaque reprs), so a
        # replayed value is compared as the recording would have stored it.
        return bool(expected == actual or expected == unpack_value(encoder.pack(actual)))

    return equal


class Reexecution:
    """One recording and the workflow that made it, ready to be replayed."""

    def __init__(self, recording: str | Path, workflow: str | Path) -> None:
        self.path = Path(recording)
        self.workflow = Path(workflow)
        with open_recording(self.path) as reader:
            self.metadata: dict[str, Any] = dict(reader.metadata)
            self.recorded: list[Signal] = list(reader.signals())
        self.module = load_workflow(self.workflow)
        self.templates: list[ProcessTemplate] = workflow_templates(self.module)
        self._check_template_names()
        self.args = [str(arg) for arg in self.metadata.get("args") or []]
        self.scheduler: SimpleScheduler | None = None
        self.replay: RecordingReplay | None = None

    def _check_template_names(self) -> None:
        known = {t.name for t in self.templates}
        for signal in self.recorded:
            if signal.type in (SignalType.START, SignalType.TRANSITION):
                name = signal.data.get("template") if isinstance(signal.data, dict) else None
                if name not in known:
                    defined = ", ".join(sorted(known)) or "none"
                    raise ReplayError(
                        f"{self.path} runs template {name!r} (seq {signal.seq}), which "
                        f"{self.workflow} does not define (it defines: {defined}); name the "
                        "workflow that made this recording"
                    )

    async def run(
        self, stop_at: int | None = None, observers: Iterable[Observer] = ()
    ) -> ReplayReport:
        """Re-run the workflow from the start, pausing after seq ``stop_at`` if given.

        ``observers`` receive the replayed signals, as they would from a live run.
        """
        options = scheduler_options(self.module)
        # Why a virtual clock always: replay fires recorded timers in the
        # recorded order and must never wait for real time.
        options["clock"] = VirtualClock()
        scheduler = SimpleScheduler(observers=observers, **options)
        replay = RecordingReplay(
            self.recorded,
            templates=self.templates,
            equal=_recorded_equal(ValueEncoder()),
            stop_at=stop_at,
        )
        replay.attach(scheduler)
        self.scheduler, self.replay = scheduler, replay
        try:
            await run_workflow(self.module, scheduler, self.args)
        except ReplayPaused:
            pass
        except NondeterminismError as error:
            raise error.located(
                str(self.path),
                f"open the recording at that seq: chronoflow-tui {self.path} --at {error.seq}",
            ) from None
        return self.report()

    def report(self) -> ReplayReport:
        """The outcome of the last :meth:`run`."""
        assert self.replay is not None
        replay = self.replay
        if replay.paused:
            outcome = Outcome.PAUSED
        elif replay.beyond:
            outcome = Outcome.RAN_ON
        elif replay.leftover:
            outcome = Outcome.LEFT_OVER
        else:
            outcome = Outcome.MATCHED
        return ReplayReport(
            path=self.path,
            workflow=self.workflow,
            outcome=outcome,
            recorded=len(self.recorded),
            checked=replay.checked,
            beyond=replay.beyond,
            leftover=replay.leftover,
            stop_at=replay.stop_at if replay.paused else None,
        )
