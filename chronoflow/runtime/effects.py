"""Effects: the only things a process may yield to the runtime.

Why: like curio's traps, these small frozen records are the one choke
point between a process and the kernel. The kernel's run loop dispatches
on their type in one place (``RunLoop.step``); anything else a process
yields is thrown back into it as a ``TypeError`` that lists what may be
yielded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chronoflow.runtime.process import Process

Predicate = Callable[[Any], bool]


class MatchMode(Enum):
    """How a receive treats inbox messages its predicate rejects."""

    SELECT = "select"  # keep them in the inbox for a later receive
    FILTER = "filter"  # drop them, each with a DROP signal


@dataclass(frozen=True, slots=True)
class Receive:
    """Take the first acceptable message from the inbox, waiting if none is there.

    With a ``timeout`` (seconds) the receive gives :data:`TIMEOUT` when
    nothing acceptable arrives in time.
    """

    match: Predicate | None = None
    mode: MatchMode = MatchMode.SELECT
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait ``seconds`` of scheduler time (a timer), then resume with None."""

    seconds: float


class _Timeout:
    """The type of :data:`TIMEOUT`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "TIMEOUT"

    def __reduce__(self) -> str:
        return "TIMEOUT"


#: What ``yield self.receive(timeout=...)`` gives when the time ran out.
TIMEOUT = _Timeout()


@dataclass(frozen=True, slots=True)
class Use:
    """Run ``fn(*args)``, an awaitable, on asyncio; resume with its result.

    ``timeout`` (seconds) bounds each attempt; a failed attempt is tried
    again up to ``retries`` times, waiting ``backoff`` seconds, doubled after
    each retry. ``attempt`` counts from 1.
    """

    fn: Callable[..., Awaitable[Any]]
    args: tuple[Any, ...] = ()
    timeout: float | None = None
    retries: int = 0
    backoff: float = 0.0
    attempt: int = 1

    def next_attempt(self) -> Use:
        """The same call, one attempt later."""
        return Use(self.fn, self.args, self.timeout, self.retries, self.backoff, self.attempt + 1)


@dataclass(frozen=True, slots=True)
class Join:
    """Wait for a child process to end; resume with its result."""

    child: Process


#: The plain ``yield self.receive()``: one shared instance, so the hot path
#: allocates nothing.
RECEIVE_ANY = Receive()

EFFECT_TYPES = (Receive, Use, Join, Sleep)

YIELD_HELP = (
    "a process may only yield self.receive(), self.use(fn, *args), self.sleep(seconds) "
    "or, through 'yield from', child.join() / self.join_all(...)"
)


def describe_match(effect: Receive) -> dict[str, Any] | None:
    """The WAIT signal's data for a blocked receive (None for a plain receive)."""
    data: dict[str, Any] = {}
    if effect.match is not None:
        # Why match_name first: a Pattern or a multi-clause receive names
        # itself readably ("ping | stop"), where a qualname would not.
        name = (
            getattr(effect.match, "match_name", None)
            or getattr(effect.match, "__qualname__", None)
            or repr(effect.match)
        )
        data = {"mode": effect.mode.value, "match": name}
        callee = getattr(effect.match, "callee", None)
        if callee is not None:
            data["call"] = callee  # a call's receive: whom it waits for
    if effect.timeout is not None:
        data["timeout"] = effect.timeout
    return data or None
