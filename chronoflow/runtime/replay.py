"""Replay: run the real generators again, check every signal, feed recorded inputs.

A process is deterministic when its signals depend only on the messages it
receives and the results of its ``use`` calls. Replay runs the real code
and compares each signal it produces with the recorded one; ``use`` calls
get their recorded results instead of running the side effect again, so a
process's state is recovered from its history (event sourcing).

Two forms share one mechanism:

- :class:`ProcessReplay`, the original's ``proc.replay(handler=..., read=...)``:
  ``read(pid)`` gives each process's own recorded signals; ``handler`` is
  called for START (return :class:`Finished` to fast-forward a process that
  already ended, children included) and for USE (return the recorded
  result, an awaitable, or :data:`LIVE` to run the call for real). When a
  process's recorded signals run out it goes on live. A process whose
  recorded signals begin at a TRANSITION starts there, in that template.
- :class:`RecordingReplay`, for a whole recording: every signal must match
  the recorded one at the same seq, recorded ``use`` results are applied
  in the recorded order, and ready processes run in the recorded order
  (whichever schedule made the recording).

The runtime knows no file format: recordings reach it as sequences of
:class:`~chronoflow.signals.Signal`. Both replays are the kernel's
:class:`~chronoflow.runtime.inputs.RecordedInputs` and drive it through its
public methods (``Kernel.start_from_transition``, ``adopt``, ``emit``,
``mark_ended``); nothing here imports the kernel at run time.
"""

from __future__ import annotations

import inspect
import operator
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from chronoflow.runtime.checking import (
    LIVE,
    Equal,
    Finished,
    RecordedStream,
    RecordedUseError,
    Replay,
    ReplayDiverged,
    ReplayPaused,
    key_fields,
    recorded_exception,
)
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.runtime.kernel import Kernel
    from chronoflow.runtime.process import Process
    from chronoflow.runtime.template import ProcessTemplate

_S = SignalType

__all__ = [
    "LIVE",
    "Finished",
    "ProcessReplay",
    "RecordedUseError",
    "RecordingReplay",
    "Replay",
    "ReplayDiverged",
    "ReplayPaused",
    "key_fields",
    "recorded_exception",
]


class ProcessReplay(Replay):
    """The original's ``proc.replay(handler, read)``: per-process recorded signals."""

    def __init__(
        self,
        root: Process,
        *,
        handler: Callable[[Signal], Any] | None = None,
        read: Callable[[int], Iterable[Signal]],
        templates: Iterable[ProcessTemplate] = (),
        equal: Equal = operator.eq,
    ) -> None:
        super().__init__(templates=(root.template, *templates), equal=equal)
        self.root = root
        self.handler = handler
        self.read = read
        self._streams: dict[int, RecordedStream] = {}
        self._last: dict[int, Signal] = {}

    def recorded_now(self, proc: Process, seq: int) -> float | None:
        if not self._covers(proc.pid):
            return None
        upcoming = self.stream(proc.pid).peek()
        if upcoming is not None and upcoming.type == _S.NOW:
            return float(upcoming.data["time"])
        return None

    def _covers(self, pid: int) -> bool:
        assert self.kernel is not None
        proc = self.kernel.processes.get(pid)
        while proc is not None:
            if proc is self.root:
                return True
            proc = proc.parent
        return False

    def stream(self, pid: int) -> RecordedStream:
        """The recorded signals of ``pid`` (read once, on first use)."""
        stream = self._streams.get(pid)
        if stream is None:
            stream = self._streams[pid] = RecordedStream(self.read(pid))
        return stream

    def expected_for(self, signal: Signal) -> Signal | None:
        if not self._covers(signal.pid):
            return None
        expected = self.stream(signal.pid).take()
        if expected is not None:
            self._last[signal.pid] = expected
        return expected

    def use_outcome(self, proc: Process, use: Signal) -> Any:
        recorded = self._last.get(proc.pid)
        if recorded is None or recorded.type != _S.USE or not self._covers(proc.pid):
            return None
        if self.handler is not None:
            answer = self.handler(recorded)
            if answer is LIVE:
                return None
            if inspect.isawaitable(answer):
                return answer
            return {"value": answer}
        result = self.stream(proc.pid).find(
            lambda s: s.type == _S.RESULT and s.data.get("use") == recorded.seq
        )
        return None if result is None else result.data

    def intercept_start(self, kernel: Kernel, proc: Process) -> bool:
        if not self._covers(proc.pid):
            return False
        stream = self.stream(proc.pid)
        first = stream.peek()
        if first is not None and first.type == _S.TRANSITION:
            self._start_from_transition(kernel, proc, first)
            return True
        if self.handler is None or first is None or first.type != _S.START:
            return False
        answer = self.handler(first)
        if not isinstance(answer, Finished):
            return False
        self._fast_forward(kernel, proc, answer.result)
        return True

    def _start_from_transition(self, kernel: Kernel, proc: Process, first: Signal) -> None:
        target = self.template(first.data["template"])
        args = tuple(first.data.get("args", ()))
        kernel.start_from_transition(proc, target, args, first.data)

    def _fast_forward(self, kernel: Kernel, proc: Process, result: Any) -> None:
        """Emit ``proc``'s recorded signals without running it; then its children's."""
        stream = self.stream(proc.pid)
        spawned: list[Process] = []
        last: SignalType = _S.STOP
        args = None
        while (recorded := stream.peek()) is not None:
            last = recorded.type
            if recorded.type == _S.START:
                args = tuple(recorded.data.get("args", ()))
            elif recorded.type == _S.SPAWN:
                child_template = self.template(recorded.data["template"])
                child = kernel.adopt(proc, child_template, recorded.data["child"])
                spawned.append(child)
            kernel.emit(proc, recorded.type, recorded.data)
        kernel.mark_ended(proc, last, result, args)
        for child in spawned:
            self._fast_forward(kernel, child, self._recorded_result(child.pid))

    def _recorded_result(self, pid: int) -> Any:
        ended = self.stream(pid).find(lambda s: s.type == _S.STOP)
        return None if ended is None else ended.data.get("result")


class RecordingReplay(Replay):
    """A whole recording replayed: every seq, pid, type and key field must match."""

    ordered = True

    def __init__(
        self,
        recorded: Sequence[Signal],
        *,
        templates: Iterable[ProcessTemplate] = (),
        equal: Equal = operator.eq,
        stop_at: int | None = None,
    ) -> None:
        """``stop_at``: pause once the signal with this seq has been reproduced."""
        super().__init__(templates=templates, equal=equal)
        self.recorded = recorded
        self.stop_at = stop_at
        self._results: dict[int, Signal] = {
            s.data["use"]: s
            for s in recorded
            if s.type == _S.RESULT and isinstance(s.data, dict) and "use" in s.data
        }

    def attach(self, kernel: Kernel) -> None:
        """Install this replay on ``kernel``; it also chooses who runs next.

        Why: a recording made under a chosen schedule (``chronoflow explore``)
        ran its ready processes in an order FIFO would not; the replay runs
        them in the recorded order instead (see :meth:`next_ready`).
        """
        super().attach(kernel)
        kernel.choose_with(self)

    def next_ready(self, queue: deque[Process]) -> Process:
        """The ready process whose step made the next recorded signal, else the first.

        Why the head first: in a recording made in FIFO order it is always the
        one, so the common case costs one comparison. Once a signal had no
        recorded counterpart (``beyond``: the run went on live), FIFO order.
        """
        assert self.kernel is not None
        seq = self.kernel.seq
        recorded = self.recorded
        if seq < len(recorded) and not self.beyond:
            pid = _actor(recorded[seq])
            if queue[0].pid != pid:
                # An entry that is no longer ready is skipped by the loop,
                # which then asks again: taking it is harmless.
                for index, proc in enumerate(queue):
                    if proc.pid == pid:
                        del queue[index]
                        return proc
        return queue.popleft()

    @property
    def exhausted(self) -> bool:
        """True once every recorded signal has been reproduced."""
        assert self.kernel is not None
        return self.kernel.seq >= len(self.recorded)

    @property
    def leftover(self) -> int:
        """How many recorded signals the replay did not reach."""
        assert self.kernel is not None
        return max(0, len(self.recorded) - self.kernel.seq)

    def expected_for(self, signal: Signal) -> Signal | None:
        if self.stop_at is not None and signal.seq >= self.stop_at:
            self.paused = True  # also past the recording's end
        if signal.seq < len(self.recorded):
            return self.recorded[signal.seq]
        return None

    def resume(self, stop_at: int | None) -> None:
        """Go on from a pause, to pause again at ``stop_at`` (None: run to the end)."""
        self.stop_at = stop_at
        self.paused = False

    def use_outcome(self, proc: Process, use: Signal) -> Any:
        result = self._results.get(use.seq)
        return None if result is None else result.data

    def delivery(self, seq: int) -> tuple[list[int], list[Signal]] | None:
        recorded = self.recorded
        if seq >= len(recorded):
            return None
        created = recorded[seq]
        if created.type not in (_S.SEND, _S.DELIVER) or not isinstance(created.data, dict):
            return None
        refusals = []
        for later in recorded[seq + 1 :]:
            data = later.data
            if not isinstance(data, dict):
                break
            if (later.type == _S.BACKOFF and data.get("id") == seq) or (
                later.type == _S.DROP and "reason" in data
            ):
                refusals.append(later)
            else:
                break
        return list(created.data.get("into") or ()), refusals

    def next_timeout(self, pending: Mapping[int, Process]) -> int | None:
        return self._next_input(_S.TIMEOUT, "wait", pending)

    def recorded_now(self, proc: Process, seq: int) -> float | None:
        if seq < len(self.recorded) and self.recorded[seq].type == _S.NOW:
            return float(self.recorded[seq].data["time"])
        return None

    def next_result(self, pending: Mapping[int, tuple[Process, Any]]) -> int | None:
        return self._next_input(_S.RESULT, "use", pending)

    def _next_input(self, kind: SignalType, key: str, pending: Mapping[int, Any]) -> int | None:
        """The pending input (by the seq in its ``key``) that the next recorded
        signal, a ``kind``, completes; None when the next one is something else."""
        assert self.kernel is not None
        seq = self.kernel.seq
        if seq < len(self.recorded):
            upcoming = self.recorded[seq]
            if upcoming.type == kind and upcoming.data.get(key) in pending:
                return int(upcoming.data[key])
        return None


#: Signals a step may make first on behalf of another process, and the key
#: of their data that names the process whose step it is.
_ON_BEHALF = {_S.EXIT: "from", _S.KILL: "from", _S.REGISTER: "by", _S.UNREGISTER: "by"}


def _actor(signal: Signal) -> int:
    """The process whose step made ``signal``: its own pid, or for an exit
    signal, a kill or a name given by another process, that process."""
    key = _ON_BEHALF.get(signal.type)
    if key is not None and isinstance(signal.data, dict):
        actor = signal.data.get(key)
        if isinstance(actor, int):
            return actor
    return signal.pid
