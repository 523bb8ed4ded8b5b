"""Schedules: who runs next when more than one process is ready.

By default the run loop takes ready processes in FIFO order. A *chooser*
given to the kernel (``Kernel.choose_with``) replaces that one decision:
each time the loop takes the next process, it hands the chooser the run
queue and runs the process the chooser takes off it. Nothing else
changes: a process still runs until it blocks, ends or spends its
``STEP_BUDGET``, and time still moves only when nothing can run.

Why choosing the runnable process is enough: a message is delivered into
its inbox when it is sent, so the order in which messages from different
senders arrive follows from the order in which the senders run. Every
interleaving of message arrivals that a run of whole steps can produce is
reached by choosing among the ready processes.

Two choosers live here: :class:`SeededSchedule`, a reproducible random
choice (``random.Random(seed)``, never the global generator), and
:class:`ScriptedSchedule`, which follows a list of decisions and counts
the options at every choice point (what a systematic search enumerates).
A whole-recording replay is a third: it takes the process whose signal
comes next in the recording (``RecordingReplay.next_ready``).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from chronoflow.runtime.process import Process, ProcessStatus

_READY = ProcessStatus.READY


class Chooser(Protocol):
    """What the run loop asks when a chooser is installed (``Kernel.choose_with``)."""

    def next_ready(self, queue: deque[Process]) -> Process:
        """Take one process off ``queue`` (never empty) and return it.

        The queue may hold processes that are no longer ready (they ended
        while queued); the loop skips those when it is handed one.
        """
        ...


def ready_positions(queue: deque[Process]) -> list[int]:
    """The positions in ``queue`` of the distinct processes that are ready, in queue order."""
    seen: set[int] = set()
    positions = []
    for index, proc in enumerate(queue):
        if proc.status is _READY and proc.pid not in seen:
            seen.add(proc.pid)
            positions.append(index)
    return positions


def take(queue: deque[Process], index: int) -> Process:
    """Remove and return the process at ``index`` of ``queue``."""
    proc = queue[index]
    del queue[index]
    return proc


@dataclass
class SeededSchedule:
    """At every choice point, a choice drawn from ``random.Random(seed)``.

    The same seed and the same program give the same choices, so the same
    run. ``choices`` counts the choice points met (where more than one
    process was ready).
    """

    seed: int
    choices: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def next_ready(self, queue: deque[Process]) -> Process:
        """A seeded choice among the ready processes (FIFO when there is one)."""
        positions = ready_positions(queue)
        if len(positions) < 2:
            return queue.popleft()
        self.choices += 1
        return take(queue, positions[self._random.randrange(len(positions))])


@dataclass
class ScriptedSchedule:
    """Follows ``decisions`` (choice point → option; unnamed points take option 0).

    Option 0 is the process FIFO order would run; option k the k-th ready
    process after it, in queue order. ``options`` records how many processes
    were ready at each choice point met, so a search can tell which other
    decisions exist (see :mod:`chronoflow.explore.systematic`).
    """

    decisions: Mapping[int, int] = field(default_factory=dict)
    options: list[int] = field(default_factory=list)

    def next_ready(self, queue: deque[Process]) -> Process:
        """The decided option at this choice point (option 0 when none is decided)."""
        positions = ready_positions(queue)
        if len(positions) < 2:
            return queue.popleft()
        point = len(self.options)
        self.options.append(len(positions))
        option = min(self.decisions.get(point, 0), len(positions) - 1)
        return take(queue, positions[option])


def format_decisions(decisions: Mapping[int, int]) -> str:
    """``{3: 1, 7: 2}`` as ``"3:1,7:2"`` (the empty schedule is ``"fifo"``)."""
    if not any(decisions.values()):
        return "fifo"
    return ",".join(f"{point}:{option}" for point, option in sorted(decisions.items()) if option)


def parse_decisions(text: str) -> dict[int, int]:
    """The decisions ``format_decisions`` wrote; ValueError on anything else."""
    text = text.strip()
    if text == "fifo":
        return {}
    decisions: dict[int, int] = {}
    for part in text.split(","):
        point, colon, option = part.partition(":")
        if not colon or not point.strip().isdigit() or not option.strip().isdigit():
            raise ValueError(
                f"a schedule is 'fifo' or choice:option pairs such as '3:1,7:2', got {text!r}"
            )
        decisions[int(point)] = int(option)
    return decisions


def decisions_of(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """The decisions of ``(point, option)`` pairs, options 0 left out."""
    return {point: option for point, option in pairs if option}
