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


class UseError(ChronoflowError):
    """A ``use`` call failed; raised inside the process that yielded it."""


class WorkflowError(ChronoflowError):
    """A workflow module could not be loaded or has no usable entry point."""
