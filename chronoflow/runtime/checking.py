"""The replay check: how a replayed signal is compared with the recorded one.

:class:`Replay` is the observer a kernel under replay hands every signal
to; it compares each with its recorded counterpart (:func:`key_fields`
says which parts must match) and raises
:class:`~chronoflow.errors.NondeterminismError` with the process's location
(:func:`where`) on the first difference. Its subclasses in
:mod:`chronoflow.runtime.replay` say where the recorded signals come from
and supply the recorded inputs (``use`` results, timer firings).
"""

from __future__ import annotations

import builtins
import operator
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any

from chronoflow.errors import NondeterminismError, ReplayError, UseError
from chronoflow.runtime import process as _process_module
from chronoflow.runtime.naming import use_identity
from chronoflow.runtime.process import Process, ProcessStatus
from chronoflow.runtime.template import ProcessTemplate
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.runtime.kernel import Kernel

_S = SignalType
ENDINGS = {
    _S.STOP: ProcessStatus.STOPPED,
    _S.CRASH: ProcessStatus.CRASHED,
    _S.KILL: ProcessStatus.KILLED,
}
Equal = Callable[[Any, Any], bool]


@dataclass(frozen=True, slots=True)
class Finished:
    """A START handler's answer: the process already ended with ``result``.

    The process is not run; its recorded signals (and its children's) are
    emitted as they are and ``result`` becomes its result.
    """

    result: Any = None


class _Live:
    """The type of :data:`LIVE`."""

    def __repr__(self) -> str:
        return "LIVE"


#: A USE handler's answer: run this ``use`` call for real.
LIVE = _Live()


class RecordedUseError(UseError):
    """A recorded ``use`` failure, raised again in replay.

    The original exception object is not in the recording; its type name and
    message are. Built-in exception types are raised as themselves.
    """

    def __init__(self, error: str, message: str) -> None:
        self.error = error
        self.message = message
        super().__init__(f"{error}: {message}")


def recorded_exception(data: Mapping[str, Any]) -> Exception:
    """The exception a recorded failed RESULT stands for."""
    name = str(data.get("error", "Exception"))
    message = str(data.get("message", ""))
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        return kind(message)
    return RecordedUseError(name, message)


class ReplayPaused(BaseException):
    """Stops the code outside the processes (a workflow's ``main``) once a
    replay has reached the seq it was asked to stop at."""


class ReplayDiverged(BaseException):
    """Carries a NondeterminismError out of a generator without user code catching it.

    Why a BaseException: the check runs inside ``self.send(...)`` calls made by
    user code, where an ``except Exception`` must not swallow it.
    """

    def __init__(self, error: NondeterminismError) -> None:
        super().__init__(error)
        self.error = error


def key_fields(signal: Signal, ordered: bool) -> Any:
    """The parts of a signal a replay must reproduce.

    Seqs and pids are compared only for whole-recording (``ordered``)
    replays; a per-process replay numbers its signals afresh. Timestamps and
    crash tracebacks never take part, nor the workflow file's name in a USE's
    ``fn`` (see :func:`~chronoflow.runtime.naming.use_identity`).
    """
    data = signal.data
    kind = signal.type
    if not isinstance(data, dict):
        return data if ordered or kind != _S.RECEIVE else None
    if kind == _S.USE and "fn" in data:
        data = {**data, "fn": use_identity(data["fn"])}
    if kind == _S.CRASH:
        return (data.get("error"), data.get("message"))
    if ordered:
        return {k: v for k, v in data.items() if k != "module"}
    if kind == _S.RESULT:
        return None  # an input the replay supplies, not something the process decided
    drop = {"module", "parent", "child", "into", "id", "use", "wait", "ref", "from", "target"}
    if kind == _S.WAIT and "join" in data:
        return "join"
    return {k: v for k, v in data.items() if k not in drop}


class Replay(ABC):
    """Checks a kernel's signals against recorded ones and supplies recorded inputs."""

    #: Whether recorded seqs must equal replayed seqs (whole recordings).
    ordered = False

    def __init__(
        self, *, templates: Iterable[ProcessTemplate] = (), equal: Equal = operator.eq
    ) -> None:
        self.templates: dict[str, ProcessTemplate] = {t.name: t for t in templates}
        self.equal = equal
        #: The last signals that matched (for error reports).
        self.matched: deque[Signal] = deque(maxlen=5)
        #: How many signals matched their recorded counterpart.
        self.checked = 0
        #: How many signals were produced after the recording had no more.
        self.beyond = 0
        self.kernel: Kernel | None = None
        #: Set once the replay reached the seq it should stop at: the kernel then
        #: runs no further process and ``update()`` reports idle.
        self.paused = False
        #: Pause once the recorded signal with this seq has been reproduced.
        self.stop_at: int | None = None

    def attach(self, kernel: Kernel) -> None:
        """Install this replay on ``kernel`` (before any process starts)."""
        self.kernel = kernel
        kernel._replay = self
        kernel.add_observer(self)

    # -- what subclasses provide ---------------------------------------------------

    @abstractmethod
    def expected_for(self, signal: Signal) -> Signal | None:
        """Consume and return the recorded counterpart of ``signal`` (None: live)."""

    @abstractmethod
    def use_outcome(self, proc: Process, use: Signal) -> Any:
        """For a USE just produced: a recorded RESULT's data, an awaitable, or None (live)."""

    def delivery(self, seq: int) -> tuple[list[int], list[Signal]] | None:
        """The recorded decision for the message created at ``seq``: the inboxes it
        went into and the BACKOFF / overflow DROP signals that followed; None
        when the replay has none (the kernel then decides as in a live run)."""
        return None

    def next_result(self, pending: Mapping[int, tuple[Process, Any]]) -> int | None:
        """Which pending recorded use completes next, or None to let processes run first."""
        return None

    def intercept_start(self, kernel: Kernel, proc: Process) -> bool:
        """Start ``proc`` specially (fast-forward, from a TRANSITION); True if done."""
        return False

    def next_timeout(self, pending: Mapping[int, Process]) -> int | None:
        """Which armed timer (by WAIT seq) the recording fires next, or None."""
        return None

    def recorded_now(self, proc: Process, seq: int) -> float | None:
        """What ``now()`` returned at ``seq`` in the recording, or None (live)."""
        return None

    # -- the check ----------------------------------------------------------------------

    def __call__(self, signal: Signal) -> None:
        if self.paused and self.kernel is not None and self.kernel.current is None:
            raise ReplayPaused()
        expected = self.expected_for(signal)
        if expected is None:
            self.beyond += 1
            return
        same = (
            expected.type == signal.type
            and (not self.ordered or expected.pid == signal.pid)
            and self.equal(key_fields(expected, self.ordered), key_fields(signal, self.ordered))
        )
        if not same:
            error = self.divergence(expected, signal)
            assert self.kernel is not None
            if self.kernel.current is not None:
                raise ReplayDiverged(error)
            raise error
        self.checked += 1
        self.matched.append(signal)
        if self.stop_at is not None and expected.seq >= self.stop_at:
            self.paused = True

    def divergence(self, expected: Signal | None, actual: Signal) -> NondeterminismError:
        """The error for ``actual`` not matching ``expected``."""
        assert self.kernel is not None
        proc = self.kernel.processes.get(actual.pid)
        return NondeterminismError(
            seq=actual.seq,
            step=proc.seq if proc is not None else 0,
            pid=actual.pid,
            template=proc.template.name if proc is not None else "?",
            expected=expected,
            actual=actual,
            location=where(proc) if proc is not None else "?",
            matched=tuple(self.matched),
        )

    def template(self, name: str) -> ProcessTemplate:
        """The template the recording calls ``name``, among those the replay was given."""
        try:
            return self.templates[name]
        except KeyError:
            known = ", ".join(sorted(self.templates)) or "none"
            raise ReplayError(
                f"the recording names template {name!r}, which the replayed code does not "
                f"define (it defines: {known}); replay with the workflow that made the "
                "recording"
            ) from None


def suspended_frame(proc: Process) -> FrameType | None:
    """The innermost frame of ``proc``'s own code (through ``yield from``), if any.

    The runtime's ``join``/``join_all`` generators are skipped: the line that
    matters is the user's ``yield from child.join()``.
    """
    gen: Any = proc.gen
    frame = None
    while gen is not None and getattr(gen, "gi_frame", None) is not None:
        if gen.gi_frame.f_code.co_filename == _process_module.__file__:
            break
        frame = gen.gi_frame
        gen = getattr(gen, "gi_yieldfrom", None)
    return frame


def where(proc: Process) -> str:
    """``file:line`` where ``proc``'s generator is suspended (or its definition)."""
    frame = suspended_frame(proc)
    if frame is not None:
        return f"{frame.f_code.co_filename}:{frame.f_lineno}"
    code = proc.template.fn.__code__
    return f"{code.co_filename}:{code.co_firstlineno}"


class RecordedStream:
    """One process's recorded signals, consumed in order, with look-ahead."""

    def __init__(self, signals: Iterable[Signal]) -> None:
        self._source: Iterator[Signal] = iter(signals)
        self._ahead: deque[Signal] = deque()

    def peek(self) -> Signal | None:
        if not self._ahead:
            nxt = next(self._source, None)
            if nxt is None:
                return None
            self._ahead.append(nxt)
        return self._ahead[0]

    def take(self) -> Signal | None:
        if self.peek() is None:
            return None
        return self._ahead.popleft()

    def find(self, match: Callable[[Signal], bool]) -> Signal | None:
        """The first signal still ahead that matches (reading ahead as needed)."""
        for signal in self._ahead:
            if match(signal):
                return signal
        for signal in self._source:
            self._ahead.append(signal)
            if match(signal):
                return signal
        return None
