"""Calls: a request and its reply, in the style of Erlang's ``gen_server:call``.

A call is made of the parts any process has, so everything it does is
already a signal: a MONITOR of the callee, a SEND of ``("$call", (caller,
ref), request)``, a selective receive that takes either the reply
``("$reply", ref, value)`` or the monitor's DOWN (its WAIT adds ``"call":
callee``, which is how the debugger draws the caller's wait on the
callee), and a DEMONITOR with flush. The monitor's ref tags the request and
the reply, as in OTP, so a reply can only be taken by the call it answers.

Why a monitor and not a bare timeout: a callee that dies before replying
is seen at once (the DOWN), and one that never existed gives a DOWN with
reason ``"noproc"`` at once too.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any

from chronoflow.errors import CallError, CallTimeoutError, MisuseError, SelectionError
from chronoflow.runtime.effects import TIMEOUT, MatchMode, Receive

if TYPE_CHECKING:
    from chronoflow.runtime.process import Process

#: The first element of a call's request message.
CALL = "$call"
#: The first element of a call's reply message.
REPLY = "$reply"


class CallReply:
    """The predicate of a call's receive: the reply tagged ``ref`` or the DOWN of ``ref``."""

    __slots__ = ("callee", "ref")

    #: What the WAIT records as its ``match``.
    match_name = "reply | down"

    def __init__(self, ref: int, callee: int) -> None:
        self.ref = ref
        #: The pid the caller waits for (the WAIT's ``"call"``).
        self.callee = callee

    def __call__(self, message: Any) -> bool:
        # Why tuples and lists alike: a message read back from a recording
        # may hold a list where the program sent a tuple.
        if not isinstance(message, tuple | list):
            return False
        if len(message) == 3:
            return bool(message[0] == REPLY and message[1] == self.ref)
        return bool(len(message) == 4 and message[0] == "DOWN" and message[1] == self.ref)

    def __repr__(self) -> str:
        return f"CallReply(ref={self.ref}, callee={self.callee})"


def _who(target: int | str, pid: int | None) -> str:
    if isinstance(target, str):
        return f"{target!r}" if pid is None else f"{target!r} (pid {pid})"
    return f"pid {target}"


def call(
    proc: Process, target: int | str, request: Any, timeout: float | None
) -> Generator[Receive, Any, Any]:
    """``proc.call(target, request, timeout=...)``: see :meth:`Process.call`."""
    proc._inside("call()")
    if timeout is not None and timeout < 0:
        raise MisuseError(f"call(): timeout must be >= 0 seconds or None, got {timeout!r}")
    if proc._match is not None:
        raise SelectionError(
            f"process {proc.pid} called call() while a {proc._match[1].value}() is set "
            "for its next receive"
        )
    pid = proc.whereis(target) if isinstance(target, str) else target
    if pid is None:
        raise CallError(target, None, "noproc", f"call to {_who(target, None)}: no such name")
    ref = proc.monitor(pid)
    proc.send_to(pid, (CALL, (proc.pid, ref), request))
    got = yield Receive(CallReply(ref, pid), MatchMode.SELECT, timeout)
    if got is TIMEOUT:
        proc.demonitor(ref, flush=True)
        raise CallTimeoutError(
            target,
            pid,
            "timeout",
            f"call to {_who(target, pid)} got no reply within {timeout:g} s",
        )
    if got[0] == REPLY:
        proc.demonitor(ref, flush=True)
        return got[2]
    # The DOWN: the monitor fired, so there is nothing left to demonitor.
    reason = got[3]
    ended = "did not exist" if reason == "noproc" else f"ended with reason {reason!r}"
    raise CallError(target, pid, reason, f"call to {_who(target, pid)} failed: the callee {ended}")


def reply(proc: Process, from_: Any, value: Any) -> bool:
    """``proc.reply(from_, value)``: see :meth:`Process.reply`."""
    if not (
        isinstance(from_, Sequence)
        and not isinstance(from_, str)
        and len(from_) == 2
        and isinstance(from_[0], int)
    ):
        raise MisuseError(
            f"reply(): from_ is the (pid, ref) of a ('$call', from_, request) message, "
            f"got {from_!r}"
        )
    return proc.send_to(from_[0], (REPLY, from_[1], value))
