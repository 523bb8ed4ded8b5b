"""``use`` calls: side effects run on asyncio, with timeouts and retries.

``value = yield self.use(fn, *args)`` emits USE, runs ``fn(*args)`` (an
awaitable) on the event loop while other processes go on, and resumes the
process with the value (a RESULT), or raises its exception at the ``yield``.

With ``timeout=`` an attempt that takes longer fails with ``TimeoutError``;
with ``retries=`` a failed attempt is tried again, after ``backoff`` seconds
doubling each time. Every attempt is its own USE and RESULT, with a RETRY
between them, so a recording shows each failure and each wait. Replay feeds
the recorded outcome of every attempt back instead of running ``fn``.
Timeouts and backoff waits are real time (they happen on the event loop),
also under a virtual clock. How the USE names the function, and how replay
recognises it, is in :mod:`chronoflow.runtime.naming`.

This part keeps the calls in flight (not yet started, running as asyncio
tasks, or waiting for their recorded outcome); the run loop decides when
to wait for them (``Kernel.update``).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.effects import Use
from chronoflow.runtime.inputs import RecordedInputs, recorded_exception
from chronoflow.runtime.naming import qualified
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.runqueue import RunQueue
from chronoflow.signals import Signal, SignalType

_S = SignalType
_READY = ProcessStatus.READY


async def _attempt(awaitable: Awaitable[Any], delay: float, timeout: float | None) -> Any:
    if delay > 0:
        await asyncio.sleep(delay)
    if timeout is None:
        return await awaitable
    return await asyncio.wait_for(awaitable, timeout)


class Uses:
    """Starting ``use`` calls, collecting their outcomes, retrying failures."""

    def __init__(self, bus: SignalBus, runq: RunQueue) -> None:
        self._emit = bus.emit
        self.runq = runq
        #: Calls made but not started yet, by the seq of their USE.
        self.calls: dict[int, tuple[Process, Awaitable[Any]]] = {}
        #: Calls running on the event loop, with their USE seq and process.
        self.tasks: dict[asyncio.Future[Any], tuple[int, Process]] = {}
        #: Calls whose outcome comes from a recording, by USE seq.
        self.recorded: dict[int, tuple[Process, dict[str, Any]]] = {}
        #: The replay supplying recorded outcomes, if any.
        self.replay: RecordedInputs | None = None

    @property
    def pending(self) -> bool:
        """True while any call waits for its outcome."""
        return bool(self.calls or self.tasks or self.recorded)

    def start(self, proc: Process, effect: Use, delay: float = 0.0) -> None:
        """``proc`` yielded ``effect``: a USE signal, and the call under way."""
        data: dict[str, Any] = {"fn": qualified(effect.fn), "args": list(effect.args)}
        if effect.timeout is not None:
            data["timeout"] = effect.timeout
        if effect.retries:
            data["attempt"] = effect.attempt
        # Why before the USE: an observer sees the process as its signal says.
        proc._status = ProcessStatus.USING
        proc._effect = effect
        seq = self._emit(proc, _S.USE, data)
        outcome = None
        if self.replay is not None:
            outcome = self.replay.use_outcome(proc, Signal(seq, proc.pid, _S.USE, data))
            if isinstance(outcome, dict):
                proc._status = ProcessStatus.USING
                self.recorded[seq] = (proc, outcome)
                # Why at once when the recording's next signal is this use's
                # RESULT: a fn that raised when called failed inside the step
                # that made the USE (the except below), before any other
                # process ran; completed later, another ready process would
                # run first and the replay diverge.
                replay = self.replay
                if not replay.paused and replay.next_result(self.recorded) == seq:
                    self.complete_recorded(seq)
                return
        try:
            awaitable = effect.fn(*effect.args) if outcome is None else outcome
            if not inspect.isawaitable(awaitable):
                raise TypeError(
                    f"use() needs fn(*args) to return an awaitable (e.g. call an "
                    f"async def function); {qualified(effect.fn)} returned "
                    f"{type(awaitable).__name__}"
                )
        except Exception as error:
            self.done(proc, seq, None, error)
            return
        proc._status = ProcessStatus.USING
        if delay or effect.timeout is not None:
            awaitable = _attempt(awaitable, delay, effect.timeout)
        self.calls[seq] = (proc, awaitable)

    def launch(self) -> None:
        """Run every call made so far on the event loop, in the order they were made."""
        for seq in sorted(self.calls):
            proc, awaitable = self.calls.pop(seq)
            self.tasks[asyncio.ensure_future(awaitable)] = (seq, proc)

    async def wait_first(self, timeout: float | None) -> None:
        """Wait (at most ``timeout`` seconds) until a running call finishes;
        complete every finished one, in the order the calls were made."""
        done, _ = await asyncio.wait(
            self.tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        for task in sorted(done, key=lambda t: self.tasks[t][0]):
            seq, proc = self.tasks.pop(task)
            if proc._status is ProcessStatus.USING:
                self._finished(proc, seq, task)

    def _finished(self, proc: Process, seq: int, task: asyncio.Future[Any]) -> None:
        error = task.exception()
        if error is None:
            self.done(proc, seq, task.result(), None)
        else:
            if isinstance(error, asyncio.TimeoutError) and not str(error):
                error = TimeoutError(f"no result within {proc._effect.timeout} s")
            self.done(proc, seq, None, error)

    def complete_recorded(self, seq: int) -> None:
        """The call of USE ``seq`` ends with its recorded outcome."""
        proc, data = self.recorded.pop(seq)
        if proc._status is not ProcessStatus.USING:
            return
        if "error" in data:
            self.done(proc, seq, None, recorded_exception(data), data)
        else:
            self.done(proc, seq, data.get("value"), None)

    def done(
        self,
        proc: Process,
        seq: int,
        value: Any,
        error: BaseException | None,
        recorded: dict[str, Any] | None = None,
    ) -> None:
        """One attempt ended: RESULT, then resume the process or retry."""
        proc._status = _READY  # why before the RESULT: see start()
        if error is None:
            self._emit(proc, _S.RESULT, {"use": seq, "value": value})
            proc._value = value
        else:
            name = recorded["error"] if recorded else type(error).__name__
            message = recorded.get("message", "") if recorded else str(error)
            self._emit(proc, _S.RESULT, {"use": seq, "error": name, "message": message})
            effect = proc._effect
            if isinstance(effect, Use) and effect.attempt <= effect.retries:
                delay = effect.backoff * (2 ** (effect.attempt - 1))
                self._emit(
                    proc, _S.RETRY, {"use": seq, "attempt": effect.attempt + 1, "delay": delay}
                )
                self.start(proc, effect.next_attempt(), delay)
                return
            proc._exc = error
        proc._effect = None
        self.runq.ready(proc)

    def discard(self, proc: Process) -> None:
        """Drop ``proc``'s calls: close what has not started, cancel what runs."""
        for seq in [s for s, (p, _) in self.calls.items() if p is proc]:
            _, awaitable = self.calls.pop(seq)
            if inspect.iscoroutine(awaitable):
                awaitable.close()
        for task, (_, owner) in list(self.tasks.items()):
            if owner is proc:
                task.cancel()
                del self.tasks[task]
        for seq in [s for s, (p, _) in self.recorded.items() if p is proc]:
            del self.recorded[seq]
