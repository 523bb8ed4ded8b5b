"""Registered names: Erlang's ``register``, ``unregister`` and ``whereis``.

A name stands for one live process and a process has at most one name, so
a program can send to ``"alice"`` without passing pids around, and a
supervisor can keep a restarted worker addressable under the same name.
Giving and taking a name are signals (REGISTER, UNREGISTER) of the process
named, so the debugger shows every name at every seq. A name is freed as
its process ends, with no signal of its own: the process's STOP, CRASH or
KILL says it, and an observer of that signal finds the name free already
(a TRANSITION keeps the name).

``whereis`` is a read, not a signal. Why that replays: a replay re-runs the
processes whose REGISTERs made the names, so the same reads give the same
answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chronoflow.errors import MisuseError, NameNotRegisteredError, NameTakenError
from chronoflow.runtime.bus import SignalBus
from chronoflow.runtime.inputs import ReplayPaused
from chronoflow.runtime.process import Process, ProcessStatus, ProcessTable
from chronoflow.signals import SignalType

if TYPE_CHECKING:
    from chronoflow.runtime.inputs import RecordedInputs

_S = SignalType


def _label(proc: Process) -> str:
    return f"{proc.template.name}[{proc.pid}]"


@dataclass(eq=False, repr=False)
class Registry:
    """The names of one kernel's processes."""

    bus: SignalBus
    processes: ProcessTable
    #: Name -> the live process that holds it.
    names: dict[str, Process] = field(default_factory=dict)

    def whereis(self, name: str) -> int | None:
        """The pid registered as ``name``, or None (Erlang's ``undefined``)."""
        proc = self.names.get(name)
        return None if proc is None else proc.pid

    def resolve(self, name: str, action: str) -> int:
        """The pid registered as ``name``; :class:`NameNotRegisteredError` if none."""
        proc = self.names.get(name)
        if proc is None:
            raise NameNotRegisteredError(name, action)
        return proc.pid

    def register(
        self, name: Any, pid: int, by: Process | None, replay: RecordedInputs | None
    ) -> None:
        """Give process ``pid`` the name ``name`` (a REGISTER of that process).

        ``by`` is the process that asked (None: the code outside the
        processes); when it is not the process named, the signal says who.
        """
        if not isinstance(name, str) or not name:
            raise MisuseError(f"register(): a name is a non-empty str, got {name!r}")
        proc = self.processes.get(pid)
        if proc is None or not proc.alive or proc._status is ProcessStatus.CREATED:
            # Why not a created process: its REGISTER would come before its START.
            state = (
                "never existed"
                if proc is None
                else "is not started; start() it before registering it"
                if proc._status is ProcessStatus.CREATED
                else proc._status.name.lower()
            )
            raise MisuseError(f"register({name!r}, {pid}): process {pid} {state}")
        holder = self.names.get(name)
        if holder is not None:
            raise NameTakenError(f"register(): the name {name!r} is taken by {_label(holder)}")
        if proc.registered_name is not None:
            raise NameTakenError(
                f"register({name!r}): {_label(proc)} is already registered as "
                f"{proc.registered_name!r}; unregister it first"
            )
        if by is None and replay is not None and replay.paused:
            raise ReplayPaused()
        self.names[name] = proc
        proc.registered_name = name
        self.bus.emit(proc, _S.REGISTER, self._data(name, proc, by))

    def unregister(self, name: Any, by: Process | None, replay: RecordedInputs | None) -> None:
        """Take the name ``name`` away (an UNREGISTER of the process that had it)."""
        proc = self.names.get(name) if isinstance(name, str) else None
        if proc is None:
            raise NameNotRegisteredError(str(name), "unregister()")
        if by is None and replay is not None and replay.paused:
            raise ReplayPaused()
        del self.names[name]
        proc.registered_name = None
        self.bus.emit(proc, _S.UNREGISTER, self._data(name, proc, by))

    def ended(self, proc: Process) -> None:
        """``proc`` ended: its name, if any, is free (no signal; its end says it)."""
        name = proc.registered_name
        if name is not None:
            proc.registered_name = None
            if self.names.get(name) is proc:
                del self.names[name]

    @staticmethod
    def _data(name: str, proc: Process, by: Process | None) -> dict[str, Any]:
        if by is proc:
            return {"name": name}
        return {"name": name, "by": None if by is None else by.pid}
