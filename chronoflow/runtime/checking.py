"""The replay check: how a replayed signal is compared with the recorded one.

:class:`Replay` is the observer a kernel under replay hands every signal
to; it compares each with its recorded counterpart (:func:`key_fields`
says which parts must match) and raises
:class:`~chronoflow.errors.NondeterminismError` with the process's location
(``Process.location``) on the first difference. Its subclasses in
:mod:`chronoflow.runtime.replay` say where the recorded signals come from
and supply the recorded inputs (``use`` results, timer firings): they are
the kernel's :class:`~chronoflow.runtime.inputs.RecordedInputs`, installed
with ``Kernel.attach_replay``, and drive the kernel through its public
methods only.
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chronoflow.errors import NondeterminismError, ReplayError
from chronoflow.runtime.inputs import (
    RecordedUseError,
    ReplayDiverged,
    ReplayPaused,
    recorded_exception,
)
from chronoflow.runtime.naming import use_identity
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.runtime.kernel import Kernel
    from chronoflow.runtime.process import Process
    from chronoflow.runtime.template import ProcessTemplate

__all__ = [
    "LIVE",
    "Equal",
    "Finished",
    "RecordedStream",
    "RecordedUseError",
    "Replay",
    "ReplayDiverged",
    "ReplayPaused",
    "key_fields",
    "recorded_exception",
]

_S = SignalType
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
        kernel.attach_replay(self)

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
            location=proc.location if proc is not None else "?",
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
