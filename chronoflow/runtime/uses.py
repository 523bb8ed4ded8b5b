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
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from chronoflow.runtime.checking import recorded_exception
from chronoflow.runtime.effects import Use
from chronoflow.runtime.naming import qualified
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.timers import Timers
from chronoflow.signals import Signal, SignalType

_S = SignalType
_READY = ProcessStatus.READY


async def _attempt(awaitable: Awaitable[Any], delay: float, timeout: float | None) -> Any:
    if delay > 0:
        await asyncio.sleep(delay)
    if timeout is None:
        return await awaitable
    return await asyncio.wait_for(awaitable, timeout)


class Uses(Timers):
    """Starting ``use`` calls, collecting their outcomes, retrying failures."""

    def _start_use(self, proc: Process, effect: Use, delay: float = 0.0) -> None:
        data: dict[str, Any] = {"fn": qualified(effect.fn), "args": list(effect.args)}
        if effect.timeout is not None:
            data["timeout"] = effect.timeout
        if effect.retries:
            data["attempt"] = effect.attempt
        # Why before the USE: an observer sees the process as its signal says.
        proc.status = ProcessStatus.USING
        proc._effect = effect
        seq = self._emit(proc, _S.USE, data)
        outcome = None
        if self._replay is not None:
            outcome = self._replay.use_outcome(proc, Signal(seq, proc.pid, _S.USE, data))
            if isinstance(outcome, dict):
                proc.status = ProcessStatus.USING
                self._recorded[seq] = (proc, outcome)
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
            self._use_done(proc, seq, None, error)
            return
        proc.status = ProcessStatus.USING
        if delay or effect.timeout is not None:
            awaitable = _attempt(awaitable, delay, effect.timeout)
        self._uses[seq] = (proc, awaitable)

    def _use_finished(self, proc: Process, seq: int, task: asyncio.Future[Any]) -> None:
        error = task.exception()
        if error is None:
            self._use_done(proc, seq, task.result(), None)
        else:
            if isinstance(error, asyncio.TimeoutError) and not str(error):
                error = TimeoutError(f"no result within {proc._effect.timeout} s")
            self._use_done(proc, seq, None, error)

    def _use_done(
        self,
        proc: Process,
        seq: int,
        value: Any,
        error: BaseException | None,
        recorded: dict[str, Any] | None = None,
    ) -> None:
        """One attempt ended: RESULT, then resume the process or retry."""
        proc.status = _READY  # why before the RESULT: see _start_use
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
                self._start_use(proc, effect.next_attempt(), delay)
                return
            proc._exc = error
        proc._effect = None
        proc.status = _READY
        self._runq.append(proc)

    def _apply_recorded_results(self) -> None:
        """Complete ``use`` calls from the recording, in the recorded order."""
        assert self._replay is not None
        while self._recorded and not self._replay.paused:
            seq = self._replay.next_result(self._recorded)
            if seq is None:
                if self._runq:
                    self.run_ready()
                    continue
                timers = {s: p for _, s, p in self._timers if p._timer == s}
                if self._replay.next_timeout(timers) is not None:
                    break  # the recording fires a timer first (see Timers._run_timers)
                seq = min(self._recorded)
            proc, data = self._recorded.pop(seq)
            if proc.status is not ProcessStatus.USING:
                continue
            if "error" in data:
                self._use_done(proc, seq, None, recorded_exception(data), data)
            else:
                self._use_done(proc, seq, data.get("value"), None)
        self.run_ready()
