"""What ``chronoflow run`` tells about a run: crashes as they happen, then a summary.

Like Erlang's error logger, a :class:`RunReport` observes every signal and
prints each crash (process, template, reason and the traceback of the
user's own frames) and each abnormal kill on stderr as it happens. When
the run ends it gives one summary line (how many processes stopped,
crashed, were killed or are still blocked) and, when the run ends in a
standstill, what the engine finds about it: a deadlock with its wait-for
cycle, or processes waiting for one that has ended.

Why the engine: whether blocked processes wait for each other is what
:meth:`chronoflow.inspect.Timeline.standstill` answers for the debugger;
the run keeps its signals in memory (up to :data:`KEPT_SIGNALS`) and asks
the same question, so the CLI and the debugger never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chronoflow.cli.terminal import visible
from chronoflow.cli.user_code import is_user_file
from chronoflow.inspect import MemorySource, Standstill, Timeline
from chronoflow.inspect.model import process_label
from chronoflow.signals import Signal, SignalType

#: Signals a run keeps to look for a standstill at its end; a longer run
#: gets its summary without that analysis (and says so).
KEPT_SIGNALS = 1_000_000

#: Exit reasons that are not failures (Erlang's ``normal`` and ``shutdown``).
QUIET_REASONS = frozenset({"normal", "shutdown"})

_S = SignalType
_FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line \d+, in ')


def user_frames(traceback: str) -> list[str]:
    """The lines of a CRASH's ``traceback`` text without the frames of
    Chronoflow, the standard library or installed packages."""
    kept: list[str] = []
    keep = True
    for line in traceback.splitlines():
        found = _FRAME.match(line)
        if found:
            # A recorded traceback names library files relative to their
            # root (chronoflow/..., <python>/...); a live one absolutely.
            name = found["file"]
            keep = is_user_file(name) and not name.startswith("chronoflow/")
        elif not line.startswith("    "):
            keep = True  # the header and the exception line
        if keep:
            kept.append(line)
    return kept


@dataclass
class RunReport:
    """An observer of a run that reports failures as they happen (see the module docstring)."""

    #: Where each report line goes (a function taking one line of text).
    say: Any
    templates: dict[int, str] = field(default_factory=dict)
    #: The name each process is registered under now (REGISTER; an
    #: UNREGISTER or its end takes it away).
    names: dict[int, str] = field(default_factory=dict)
    ended: dict[int, int] = field(default_factory=dict)  # pid -> STOP, CRASH or KILL
    crashes: int = 0
    kills: int = 0
    signals: list[Signal] | None = field(default_factory=list)

    def __call__(self, signal: Signal) -> None:
        kept = self.signals
        if kept is not None:
            if len(kept) < KEPT_SIGNALS:
                kept.append(signal)
            else:
                self.signals = None  # too long to keep: no standstill analysis
        kind = signal.type
        if kind == _S.START and isinstance(signal.data, dict):
            self.templates[signal.pid] = str(signal.data.get("template", "?"))
        elif kind == _S.REGISTER and isinstance(signal.data, dict):
            self.names[signal.pid] = str(signal.data.get("name"))
        elif kind == _S.UNREGISTER:
            self.names.pop(signal.pid, None)
        elif kind in (_S.STOP, _S.CRASH, _S.KILL):
            self.ended[signal.pid] = kind
            if kind == _S.CRASH:
                self.crashes += 1
                for line in self._crash(signal):
                    self.say(line)
            elif kind == _S.KILL:
                reason = signal.data.get("reason") if isinstance(signal.data, dict) else None
                if not (isinstance(reason, str) and reason in QUIET_REASONS):
                    self.kills += 1
                    self.say(f"killed: {self.name(signal.pid)} (reason {reason!r})")
            # Its end frees its name (after the report above named it by it).
            self.names.pop(signal.pid, None)

    def flush(self) -> None:
        """Nothing is buffered."""

    def name(self, pid: int) -> str:
        """``Template[pid]``, or ``alice: Template[pid]`` while it is registered
        as ``alice``."""
        return process_label(self.templates.get(pid, "?"), pid, self.names.get(pid))

    def _crash(self, signal: Signal) -> Iterator[str]:
        data = signal.data if isinstance(signal.data, dict) else {}
        error, message = data.get("error", "?"), data.get("message", "")
        yield f"crash: {self.name(signal.pid)} raised {error}: {message}"
        lines = user_frames(str(data.get("traceback") or ""))
        yield from lines[1:-1] if len(lines) > 2 else ()

    def summary(self) -> tuple[str, Standstill | None]:
        """One line of counts, and the standstill the run ended in, if any."""
        started = len(self.templates)
        counts = {
            "stopped": sum(kind == _S.STOP for kind in self.ended.values()),
            "crashed": self.crashes,
            "killed": sum(kind == _S.KILL for kind in self.ended.values()),
            "still blocked": started - len(self.ended),
        }
        parts = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        noun = "process" if started == 1 else "processes"
        line = f"run ended: {started} {noun}" + (f" ({parts})" if parts else "")
        standstill = None
        if self.signals and counts["still blocked"]:
            timeline = Timeline(MemorySource(self.signals), background=False)
            try:
                standstill = timeline.standstill()
            finally:
                timeline.close()
        elif self.signals is None:
            line += f"; longer than {KEPT_SIGNALS:,} signals, not checked for a deadlock"
        return visible(line), standstill
