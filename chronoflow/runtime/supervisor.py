"""Supervisors: OTP's restart strategies, written as an ordinary process.

A supervisor traps exits, starts its children in order (each linked, with an
inbox of its own), and when one ends decides by the child's restart type
whether to restart it and, by its strategy, which others go with it:

- ``one_for_one``: only the child that ended is restarted;
- ``one_for_all``: all the others are stopped (in reverse start order) and
  all are started again (in start order);
- ``rest_for_one``: the children started after it are stopped and they and
  it are started again;
- ``simple_one_for_one``: every child comes from one spec, started on
  demand with ``('start_child', args)`` messages; each is handled alone.

Restart types: ``permanent`` (always restarted), ``transient`` (restarted
unless it ended with reason ``normal`` or ``shutdown``), ``temporary``
(never restarted, and not counted). More than ``intensity`` restarts within
``period`` seconds (a sliding window, in scheduler time) make the
supervisor stop all its children in reverse start order and exit with
reason ``shutdown``, which its own supervisor sees like any child's exit.

Stopping a child follows its ``shutdown``: ``"brutal_kill"`` kills it at
once; a number of seconds sends exit ``shutdown`` and kills it if it has not
ended in time; ``"infinity"`` waits for it. A restart that fails (the
child's template cannot start) is tried again once no message waits, so a
supervisor caught in a restart loop still handles a request to stop.
Every restart decision is a RESTART signal.

A child whose spec says ``register=True`` is registered under its spec's
``id`` each time it starts (a REGISTER of the child, ``"by"`` the
supervisor), so a restarted worker stays addressable by name; a name taken
by another process makes that start fail. A supervisor answers the call
``"which_children"`` (:func:`which_children`) with ``[(id, pid or None,
template name), ...]`` in start order, as OTP's ``supervisor:which_children``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Literal

from chronoflow.runtime.calls import CALL
from chronoflow.runtime.effects import TIMEOUT
from chronoflow.runtime.process import Process
from chronoflow.runtime.template import ProcessTemplate, template
from chronoflow.signals import SignalType

Restart = Literal["permanent", "transient", "temporary"]
Shutdown = float | Literal["brutal_kill", "infinity"]
STRATEGIES = ("one_for_one", "one_for_all", "rest_for_one", "simple_one_for_one")


@dataclass(frozen=True)
class ChildSpec:
    """How a supervisor starts, restarts and stops one child."""

    id: str
    template: ProcessTemplate
    args: tuple[Any, ...] = ()
    restart: Restart = "permanent"
    shutdown: Shutdown = 5.0
    #: Register the child under ``id`` each time it starts.
    register: bool = False

    def __post_init__(self) -> None:
        if self.restart not in ("permanent", "transient", "temporary"):
            raise ValueError(f"restart must be permanent, transient or temporary: {self.restart!r}")
        if not isinstance(self.shutdown, (int, float)) and self.shutdown not in (
            "brutal_kill",
            "infinity",
        ):
            raise ValueError(
                f"shutdown must be seconds, 'brutal_kill' or 'infinity': {self.shutdown!r}"
            )

    def __repr__(self) -> str:
        named = ", register=True" if self.register else ""
        return f"ChildSpec({self.id!r}, {self.template.name}, restart={self.restart}{named})"


@dataclass
class _Child:
    spec: ChildSpec
    pid: int | None = None
    key: str = ""
    extra: tuple[Any, ...] = field(default_factory=tuple)


def _is_exit_from(pid: int) -> Callable[[Any], bool]:
    def exit_from(message: Any) -> bool:
        return isinstance(message, tuple) and message[:2] == ("EXIT", pid)

    exit_from.__qualname__ = f"exit_from({pid})"
    return exit_from


def _wants_restart(spec: ChildSpec, reason: Any) -> bool:
    if spec.restart == "permanent":
        return True
    if spec.restart == "temporary":
        return False
    return reason not in ("normal", "shutdown")


class _Supervision:
    """The supervisor's state and steps (generators run by the template)."""

    def __init__(
        self, proc: Process, strategy: str, specs: list[ChildSpec], intensity: int, period: float
    ) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}: {strategy!r}")
        if strategy == "simple_one_for_one" and len(specs) != 1:
            raise ValueError("simple_one_for_one needs exactly one child spec")
        if strategy == "simple_one_for_one" and specs[0].register:
            raise ValueError(
                "a simple_one_for_one child cannot be registered: its children share one id"
            )
        self.proc = proc
        self.strategy = strategy
        self.specs = specs
        self.intensity = intensity
        self.period = period
        self.children: list[_Child] = []
        self.restarts: list[float] = []
        self.counter = 0
        #: Children whose restart failed, to try again when no message waits.
        self.retries: list[str] = []
        #: Pids of children that were stopped or replaced: their late exits are news
        #: already handled.
        self.former: set[int] = set()

    # -- starting ---------------------------------------------------------------

    def start(self, child: _Child) -> bool:
        """Start ``child``; False when its template cannot start."""
        spec = child.spec
        if spec.register and self.proc.whereis(spec.id) is not None:
            child.pid = None  # its name is another process's
            return False
        try:
            process = self.proc.spawn_link(spec.template, *spec.args, *child.extra, inherit=False)
        except Exception:
            child.pid = None
            return False
        child.pid = process.pid
        if spec.register:
            self.proc.register(spec.id, process.pid)
        return True

    def answer(self, from_: Any, request: Any) -> None:
        """Reply to a call made to the supervisor."""
        if request == "which_children":
            self.proc.reply(from_, [(c.key, c.pid, c.spec.template.name) for c in self.children])
        else:
            self.proc.reply(from_, ("error", ("unknown_call", request)))

    def by_pid(self, pid: int) -> _Child | None:
        return next((c for c in self.children if c.pid == pid), None)

    # -- stopping ------------------------------------------------------------------

    def stop(self, child: _Child) -> Generator[Any, Any, None]:
        """Stop one child as its ``shutdown`` says and wait for its exit."""
        pid = child.pid
        if pid is None:
            return
        child.pid = None
        self.former.add(pid)
        shutdown = child.spec.shutdown
        self.proc.unlink(pid)  # its EXIT must not look like a new failure
        self.proc.monitor(pid)
        if shutdown == "brutal_kill":
            self.proc.exit(pid, "kill")
        else:
            self.proc.exit(pid, "shutdown")
        timeout = None if shutdown in ("brutal_kill", "infinity") else float(shutdown)
        down = yield self.proc.receive(match=_is_down(pid), timeout=timeout)
        if down is TIMEOUT:
            self.proc.exit(pid, "kill")
            yield self.proc.receive(match=_is_down(pid))

    def stop_all(self, children: list[_Child]) -> Generator[Any, Any, None]:
        """Stop ``children`` in reverse start order."""
        for child in reversed(children):
            yield from self.stop(child)

    # -- restarting ------------------------------------------------------------------

    def allowed(self) -> bool:
        """Count a restart; False when it exceeds the intensity within the period."""
        now = self.proc.now()
        self.restarts = [t for t in self.restarts if now - t < self.period]
        self.restarts.append(now)
        return len(self.restarts) <= self.intensity

    def note(self, child: _Child, old: int | None, reason: Any) -> None:
        """Record a restart decision (a RESTART signal of the supervisor)."""
        self.proc.kernel.emit(
            self.proc,
            SignalType.RESTART,
            {
                "child": child.key,
                "old": old,
                "new": child.pid,
                "reason": reason,
                "restarts": len(self.restarts),
            },
        )

    def exited(self, child: _Child, reason: Any) -> Generator[Any, Any, bool]:
        """``child`` ended with ``reason``; True when the supervisor must shut down."""
        old = child.pid
        child.pid = None
        if old is not None:
            self.former.add(old)
        if not _wants_restart(child.spec, reason):
            if child.spec.restart == "temporary" or self.strategy == "simple_one_for_one":
                self.children.remove(child)
            return False
        if not self.allowed():
            return True
        index = self.children.index(child)
        if self.strategy == "one_for_all":
            group = self.children
        elif self.strategy == "rest_for_one":
            group = self.children[index:]
        else:
            group = [child]
        yield from self.stop_all([c for c in group if c is not child])
        for member in group:
            if member.pid is None and (member is child or member.spec.restart != "temporary"):
                if not self.start(member):
                    self.note(member, old if member is child else None, reason)
                    self.retries.append(member.key)
                    return False
                self.note(member, old if member is child else None, reason)
        self.children = [
            c for c in self.children if c.pid is not None or c.spec.restart != "temporary"
        ]
        return False

    def retry(self, key: str) -> bool:
        """A failed restart is tried again; True when that exceeds the intensity."""
        child = next((c for c in self.children if c.key == key), None)
        if child is None or child.pid is not None:
            return False
        if not self.allowed():
            return True
        if self.start(child):
            self.note(child, None, "restart")
        else:
            self.note(child, None, "restart failed")
            self.retries.append(key)
        return False


def _is_down(pid: int) -> Callable[[Any], bool]:
    def down_of(message: Any) -> bool:
        return isinstance(message, tuple) and message[0] == "DOWN" and message[2] == pid

    down_of.__qualname__ = f"down_of({pid})"
    return down_of


@template
def Supervisor(
    self: Process,
    strategy: str,
    specs: list[ChildSpec],
    intensity: int = 1,
    period: float = 5.0,
) -> Generator[Any, Any, None]:
    """Start ``specs`` in order and keep them running by ``strategy`` (see module doc)."""
    sup = _Supervision(self, strategy, list(specs), intensity, period)
    self.trap_exits()
    if strategy != "simple_one_for_one":
        for spec in specs:
            child = _Child(spec, key=spec.id)
            sup.children.append(child)
            if not sup.start(child):
                sup.retries.append(child.key)
    while True:
        if sup.retries:
            # Why a zero timeout: a failed restart is tried again only when no
            # message waits, so a supervisor caught in a restart loop still
            # sees a request to stop between attempts.
            message = yield self.receive(timeout=0)
            if message is TIMEOUT:
                if sup.retry(sup.retries.pop(0)):
                    break
                continue
        else:
            message = yield self.receive()
        if not isinstance(message, tuple) or not message:
            continue
        if message[0] == "EXIT":
            _, pid, reason = message
            ended = sup.by_pid(pid)
            if ended is not None:
                if (yield from sup.exited(ended, reason)):
                    break
            elif pid not in sup.former and reason != "normal":
                break  # an exit from its parent (or anyone else): shut down
        elif message[0] == "start_child" and strategy == "simple_one_for_one":
            sup.counter += 1
            extra = tuple(message[1]) if len(message) > 1 else ()
            dynamic = _Child(specs[0], key=f"{specs[0].id}-{sup.counter}", extra=extra)
            sup.children.append(dynamic)
            sup.start(dynamic)
        elif message[0] == CALL and len(message) == 3:
            sup.answer(message[1], message[2])
        elif message[0] == "stop":
            yield from sup.stop_all([c for c in sup.children if c.pid is not None])
            return
    yield from sup.stop_all([c for c in sup.children if c.pid is not None])
    self.exit(self.pid, "shutdown")


def which_children(
    caller: Process, supervisor: int | str, *, timeout: float | None = 5.0
) -> Generator[Any, Any, list[tuple[str, int | None, str]]]:
    """The children of ``supervisor`` (a pid or a registered name) as
    ``[(id, pid or None, template name), ...]`` in start order (None: not
    running now): ``children = yield from which_children(self, sup)``, a
    call made by ``caller`` (OTP's ``supervisor:which_children``)."""
    children = yield from caller.call(supervisor, "which_children", timeout=timeout)
    return [(str(i), p, str(t)) for i, p, t in children]
