"""Process templates: ``@template`` turns a generator function into a process kind.

A :class:`ProcessTemplate` holds the generator function, the optional
``route`` that tells a scheduler where sent messages go, an optional
per-template inbox limit, and the metadata (name, module, qualname) that
recordings and the debugger display. ``T.create(pid, *args)`` makes a
standalone process, as in the original.

This module sits below the kernel (the kernel checks what it is given
against these classes), so it cannot import the kernel back: the kernel
installs the maker of standalone kernels here (:func:`install_standalone`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, overload

if TYPE_CHECKING:
    from chronoflow.runtime.process import Process

ProcessFn = Callable[..., Generator[Any, Any, Any]]
Route = Callable[[Any], "int | None"]

#: What a full inbox may do with a new message: refuse it with BACKOFF (the
#: sender's send() returns False), drop it, drop the oldest waiting message
#: to make room (a DROP signal either way), or refuse it and raise
#: InboxFullError in the sender.
OVERFLOW_POLICIES = ("backoff", "drop-newest", "drop-oldest", "fail")


class _Creates(Protocol):
    """A kernel, as far as ``T.create`` needs one."""

    def create(
        self,
        template: ProcessTemplate,
        *args: Any,
        inbox_limit: int | None = None,
        overflow: str | None = None,
    ) -> Process: ...


#: Makes the standalone kernel behind ``T.create`` (see install_standalone).
_standalone: Callable[[int], _Creates] | None = None


def install_standalone(maker: Callable[[int], _Creates]) -> None:
    """Make ``T.create(pid)`` use ``maker(pid)``, a fresh standalone kernel whose
    first pid is ``pid`` (called once, by :mod:`chronoflow.runtime.kernel`)."""
    global _standalone
    _standalone = maker


@dataclass(frozen=True, eq=False)
class ProcessTemplate:
    """A kind of process: its generator function, routing and metadata."""

    fn: ProcessFn
    route: Route | None = None
    inbox_limit: int | None = None
    overflow: str | None = None
    name: str = field(default="")
    module: str = field(default="")
    qualname: str = field(default="")

    def __post_init__(self) -> None:
        if not inspect.isgeneratorfunction(self.fn):
            raise TypeError(
                f"@template needs a generator function (one that yields), "
                f"got {self.fn!r}; add 'yield self.receive()' or similar"
            )
        if self.overflow is not None and self.overflow not in OVERFLOW_POLICIES:
            raise ValueError(
                f"overflow must be backoff, drop-newest, drop-oldest or fail: {self.overflow!r}"
            )
        if not self.name:
            object.__setattr__(self, "name", self.fn.__name__)
        if not self.module:
            object.__setattr__(self, "module", self.fn.__module__)
        if not self.qualname:
            object.__setattr__(self, "qualname", self.fn.__qualname__)

    def create(
        self,
        pid: int = 0,
        *args: Any,
        inbox_limit: int | None = None,
        overflow: str | None = None,
    ) -> Process:
        """A standalone process with its own runtime, numbered from seq 0.

        ``inbox_limit`` and ``overflow`` (keyword-only) set this process's inbox
        limit and overflow policy, as for ``scheduler.create``."""
        # Why never None here: importing this module runs chronoflow.runtime's
        # __init__ first, which imports the kernel, which installs the maker.
        assert _standalone is not None, "chronoflow.runtime.kernel installs it"
        return _standalone(pid).create(self, *args, inbox_limit=inbox_limit, overflow=overflow)

    def __repr__(self) -> str:
        return f"<ProcessTemplate {self.name} ({self.module}.{self.qualname})>"


@overload
def template(fn: ProcessFn, /) -> ProcessTemplate: ...


@overload
def template(
    *, route: Route | None = None, inbox_limit: int | None = None, overflow: str | None = None
) -> Callable[[ProcessFn], ProcessTemplate]: ...


def template(
    fn: ProcessFn | None = None,
    /,
    *,
    route: Route | None = None,
    inbox_limit: int | None = None,
    overflow: str | None = None,
) -> ProcessTemplate | Callable[[ProcessFn], ProcessTemplate]:
    """Make a :class:`ProcessTemplate` from a generator function.

    Use bare (``@template``) or with options (``@template(route=...)``).
    ``route(message)`` returns the pid a sent message goes to, or None to
    leave it in the scheduler's outbox. ``inbox_limit`` and ``overflow``
    (backoff, drop-newest, drop-oldest or fail) override the scheduler's for
    processes of this template.
    """

    def wrap(f: ProcessFn) -> ProcessTemplate:
        return ProcessTemplate(fn=f, route=route, inbox_limit=inbox_limit, overflow=overflow)

    if fn is not None:
        return wrap(fn)
    return wrap


@dataclass(frozen=True, init=False)
class Transition:
    """Returned by a process to replace its generator with ``template(*args)``.

    The process keeps its pid, inbox and children; a TRANSITION signal is
    emitted before the new generator starts (tail recursion for processes).
    """

    template: ProcessTemplate
    args: tuple[Any, ...]

    def __init__(self, template: ProcessTemplate, *args: Any) -> None:
        if not isinstance(template, ProcessTemplate):
            raise TypeError(f"Transition needs a ProcessTemplate, got {template!r}")
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "args", args)
