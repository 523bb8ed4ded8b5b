"""The error hierarchy: one root, specific subclasses that say what to do.

Every error the library raises on purpose is a :class:`ChronoflowError`, so
the CLI can turn any of them into one line on stderr. Misuse errors name
the process and the rule that was broken, and suggest the fix.
"""

from __future__ import annotations


class ChronoflowError(Exception):
    """Root of every error Chronoflow raises on purpose."""


class MisuseError(ChronoflowError):
    """An API was used in a way the runtime does not allow."""


class NotStartedError(MisuseError):
    """A process was used before ``start()``."""


class AlreadyStartedError(MisuseError):
    """``start()`` was called twice on the same process."""


class ProcessStoppedError(MisuseError):
    """A message was pushed to, or an action asked of, a process that ended."""


class OutsideProcessError(MisuseError):
    """An in-process call (receive, use, spawn, …) came from outside the process."""


class SelectionError(MisuseError):
    """``select`` and ``filter`` were combined for the same receive."""


class NotAChildError(MisuseError):
    """A process tried to join a process that is not its own child."""


class UnjoinedChildrenError(ChronoflowError):
    """A process ended while children it spawned were still alive.

    Why: as in the original, a child cannot outlive its parent, so the
    parent is marked crashed and the children are killed.
    """

    def __init__(self, pid: int, children: list[int]) -> None:
        self.pid = pid
        self.children = children
        listed = ", ".join(str(c) for c in children)
        super().__init__(
            f"process {pid} ended while its children {listed} were still alive; "
            "join them (yield from self.join_all(...)) before returning"
        )


class ProcessCrashedError(ChronoflowError):
    """A joined child crashed; raised inside the parent at its ``join``.

    The child's own exception is chained as ``__cause__`` when it is known.
    """

    def __init__(self, pid: int, template: str, error: str, message: str) -> None:
        self.pid = pid
        self.template = template
        self.error = error
        self.message = message
        super().__init__(f"child {template}[{pid}] crashed: {error}: {message}")


class NoProcessError(ChronoflowError):
    """A link to a process that does not exist or has ended (Erlang's noproc)."""


class ProcessExit(Exception):
    """Raised inside a process by ``self.exit(self.pid, reason)``: it ends with ``reason``.

    A generator may catch it to clean up, but should let it propagate.
    """

    def __init__(self, reason: object) -> None:
        super().__init__(f"exit: {reason!r}")
        self.reason = reason


class NameTakenError(MisuseError):
    """``register`` was asked for a name that is taken, or for a process that
    already has a name (Erlang's ``badarg``): a name names one process and a
    process has one name."""


class NameNotRegisteredError(ChronoflowError):
    """A name no process holds was used: ``send_to(name, ...)`` or
    ``unregister(name)`` (Erlang's ``badarg``)."""

    def __init__(self, name: str, action: str) -> None:
        self.name = name
        super().__init__(
            f"{action}: no process is registered as {name!r} (whereis({name!r}) "
            "tells whether one is)"
        )


class CallError(ChronoflowError):
    """A ``call`` got no reply: the callee ended (or never existed, reason
    ``"noproc"``) before replying. Raised in the caller, as a failed
    ``gen_server:call`` exits the caller in Erlang."""

    def __init__(self, target: object, pid: int | None, reason: object, text: str) -> None:
        self.target = target
        self.pid = pid
        self.reason = reason
        super().__init__(text)


class CallTimeoutError(CallError):
    """A ``call`` got no reply within its timeout (reason ``"timeout"``)."""


class InboxFullError(ChronoflowError):
    """A message was refused by a full inbox whose overflow policy is ``fail``."""

    def __init__(self, pid: int, limit: int) -> None:
        self.pid = pid
        self.limit = limit
        super().__init__(
            f"the inbox of process {pid} is full ({limit} messages) and its overflow "
            "policy is 'fail'"
        )


class UseError(ChronoflowError):
    """A ``use`` call failed; raised inside the process that yielded it."""


class WorkflowError(ChronoflowError):
    """A workflow module could not be loaded or has no usable entry point."""


class ReplayError(ChronoflowError):
    """A replay cannot be set up (e.g. the recording names an unknown template)."""


class NondeterminismError(ChronoflowError):
    """A replayed process produced a signal other than the recorded one.

    Carries everything needed to find the cause: the recording, the seq and
    the process's own step number, the pid and template, the recorded and
    the replayed signal, the generator's file:line, the last signals that
    did match, the likely cause and the next step to take.
    """

    def __init__(
        self,
        *,
        seq: int,
        step: int,
        pid: int,
        template: str,
        expected: object,
        actual: object,
        location: str,
        matched: tuple[object, ...] = (),
        path: str | None = None,
        cause: str = (
            "the workflow's code changed since the recording, or a process read "
            "time, randomness or I/O outside self.use()"
        ),
        next_step: str | None = None,
    ) -> None:
        self.seq = seq
        self.step = step
        self.pid = pid
        self.template = template
        self.expected = expected
        self.actual = actual
        self.location = location
        self.matched = matched
        self.path = path
        self.cause = cause
        self.next_step = next_step
        super().__init__(self.headline())

    def located(self, path: str, next_step: str | None = None) -> NondeterminismError:
        """Name the recording (and the next step) this divergence happened in."""
        self.path = path
        self.next_step = next_step
        self.args = (self.headline(),)
        return self

    def headline(self) -> str:
        """The one-line form the command line prints."""
        where = f"{self.path}: " if self.path else ""
        return (
            f"{where}replay diverged at seq {self.seq} (step {self.step} of "
            f"{self.template}[{self.pid}], {self.location}): recorded "
            f"{_describe(self.expected)}, replayed {_describe(self.actual)}"
        )

    def report(self) -> str:
        """The full, multi-line explanation."""
        lines = [self.headline(), f"likely cause: {self.cause}"]
        if self.matched:
            lines.append("last signals that matched:")
            lines.extend(f"  {_describe(signal, full=True)}" for signal in self.matched)
        if self.next_step:
            lines.append(f"next step: {self.next_step}")
        return "\n".join(lines)


def _describe(signal: object, *, full: bool = False) -> str:
    """A signal as 'TYPE data', with 'seq N pid P' in front when ``full``."""
    if signal is None:
        return "nothing (the recording had no more signals for this process)"
    kind = getattr(signal, "type", None)
    name = getattr(kind, "name", str(kind))
    data = getattr(signal, "data", None)
    text = name if data is None else f"{name} {data!r}"
    if full:
        text = f"seq {getattr(signal, 'seq', '?')} pid {getattr(signal, 'pid', '?')} {text}"
    return text if len(text) <= 160 else text[:157] + "..."
