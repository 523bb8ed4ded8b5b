"""Recorded inputs: the kernel's side of a replay.

A replay runs the real generators again and stands in for the world they
met when they were recorded: which inboxes a message went into, what a
``use`` call returned, which timer fired first, what ``now()`` read. The
kernel asks for these through :class:`RecordedInputs` and knows nothing
else of how a replay works; the replays themselves
(:mod:`chronoflow.runtime.checking`, :mod:`chronoflow.runtime.replay`)
drive the kernel through its public API only. A replay stops the kernel
with the two exceptions defined here, and a recorded failure of a ``use``
comes back as the exception :func:`recorded_exception` makes.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from chronoflow.errors import NondeterminismError, UseError
from chronoflow.signals import Signal

if TYPE_CHECKING:
    from chronoflow.runtime.kernel import Kernel
    from chronoflow.runtime.process import Process


class RecordedInputs(Protocol):
    """What a kernel under replay asks of the replay (see ``Kernel.attach_replay``).

    The replay is also an observer of the kernel: it is handed every signal
    and checks it against the recorded one.
    """

    #: True once the replay reached the seq it should stop at: the kernel then
    #: runs no further process and ``update()`` reports idle.
    paused: bool

    def __call__(self, signal: Signal) -> None:
        """Check ``signal`` against its recorded counterpart."""

    def delivery(self, seq: int) -> tuple[list[int], list[Signal]] | None:
        """The inboxes the message created at ``seq`` went into and the BACKOFF /
        overflow DROP signals that followed; None: decide as in a live run."""

    def use_outcome(self, proc: Process, use: Signal) -> Any:
        """For a USE just produced: a recorded RESULT's data, an awaitable, or None (live)."""

    def next_result(self, pending: Mapping[int, tuple[Process, Any]]) -> int | None:
        """Which pending recorded use completes next, or None to let processes run first."""

    def intercept_start(self, kernel: Kernel, proc: Process) -> bool:
        """Start ``proc`` specially (fast-forward, from a TRANSITION); True if done."""

    def next_timeout(self, pending: Mapping[int, Process]) -> int | None:
        """Which armed timer (by WAIT seq) the recording fires next, or None."""

    def recorded_now(self, proc: Process, seq: int) -> float | None:
        """What ``now()`` returned at ``seq`` in the recording, or None (live)."""


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
        try:
            error = kind(message)
        except Exception:  # a type whose constructor wants more (UnicodeDecodeError)
            return _replayed(kind)(message)
        # Why the check: str() of some built-in errors is not their argument
        # (a KeyError shows its key's repr), so KeyError("'no'") would read
        # "\"'no'\"" where the recording holds "'no'", and the replay diverge.
        return error if str(error) == message else _replayed(kind)(message)
    return RecordedUseError(name, message)


#: A built-in exception type -> its subclass that shows a recorded message as is.
_REPLAYED: dict[type[Exception], type[Exception]] = {}


def _replayed(kind: type[Exception]) -> type[Exception]:
    """``kind`` (or a subclass named like it) whose ``str()`` is the recorded message.

    Why a subclass: the program's ``except KeyError`` must still catch it,
    and a traceback or a RESULT must name it ``KeyError`` as the run did.
    """
    replayed = _REPLAYED.get(kind)
    if replayed is None:

        def __init__(self: BaseException, message: str) -> None:
            BaseException.__init__(self, message)

        def __str__(self: BaseException) -> str:
            return str(self.args[0]) if self.args else ""

        replayed = type(
            kind.__name__,
            (kind,),
            {
                "__init__": __init__,
                "__str__": __str__,
                "__module__": kind.__module__,
                "__qualname__": kind.__qualname__,
                "__doc__": f"A recorded {kind.__name__}, raised again in replay.",
            },
        )
        _REPLAYED[kind] = replayed
    return replayed
