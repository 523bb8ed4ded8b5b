"""Predict mode's lesson, without the screen: questions, answers and the score.

At a seq, the next signal is hidden and two questions are asked about it:
*who* acts next (one of the live processes, or a new process that starts)
and *what* it does (answers built from the world at that seq by
:mod:`tui.predict_actions`, the right one among them). Then it is revealed
with a short explanation, and the lesson moves on to it. A
:class:`Lesson` holds where it is, which question is open and the score;
the predict screen (:mod:`tui.screens.predict`) shows it and passes the
keys on. Everything comes from :mod:`chronoflow.inspect`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from chronoflow.inspect import Signal, SignalType, Status, Timeline, World
from tui.predict_actions import Action, action_of, explain, likely_actions

#: The most processes offered for "who acts next?" (the right one always among them).
MAX_PROCESSES = 7
#: The most answers offered for "what does it do?".
MAX_ACTIONS = 6
#: The longest answer: it fits 80 columns with its number and the box around it.
WIDEST = 72
#: The answer for a process that does not exist yet.
NEW_PROCESS = "a new process starts"


class Stage(Enum):
    """Which question is open."""

    WHO = "who"
    WHAT = "what"
    REVEALED = "revealed"
    DONE = "done"  # the recording has no signal left to predict


@dataclass(frozen=True)
class Question:
    """One multiple-choice question; exactly one of ``options`` is right."""

    prompt: str
    options: tuple[str, ...]
    right: int


@dataclass(frozen=True)
class Puzzle:
    """The signal after seq ``at``, hidden, and the two questions about it."""

    at: int
    signal: Signal
    who: Question
    what: Question
    explanation: tuple[str, ...]


def fit(text: str) -> str:
    """``text`` cut to :data:`WIDEST` characters (``…`` marks the cut)."""
    return text if len(text) <= WIDEST else text[: WIDEST - 1] + "…"


def _plausible(world: World, pid: int) -> tuple[int, int]:
    """Sort key: running and ready processes first, then those with mail."""
    process = world.process(pid)
    busy = process.status in (Status.RUNNING, Status.READY)
    return (0 if busy else 1 if process.inbox else 2, world.pids.index(pid))


def who_question(world: World, signal: Signal) -> Question:
    """Which process acts next: the live ones (at most :data:`MAX_PROCESSES`,
    the right one kept), then a new process."""
    live = [p.pid for p in world if not p.status.ended]
    starts = signal.type == SignalType.START and signal.pid not in world
    if not starts and signal.pid not in live:
        live.append(signal.pid)  # an ended or unknown pid (a damaged recording)
    if len(live) > MAX_PROCESSES:
        others = sorted((p for p in live if p != signal.pid), key=lambda p: _plausible(world, p))
        keep = set(others[: MAX_PROCESSES - (0 if starts else 1)]) | {signal.pid}
        live = [p for p in live if p in keep]
    options = [_process_option(world, pid) for pid in live]
    right = len(options) if starts else live.index(signal.pid)
    options.append(NEW_PROCESS)
    return Question("Which process acts next?", tuple(options), right)


def _process_option(world: World, pid: int) -> str:
    if pid not in world:
        return fit(world.label_of(pid))
    return fit(f"{world.label_of(pid)}  ({world.process(pid).status.label})")


def what_question(timeline: Timeline, world: World, signal: Signal) -> Question:
    """What it does: the right action and the most plausible others, in a fixed order."""
    found = action_of(world, signal)
    right = Action(found.rank, fit(found.text))
    chosen = [right]
    for likely in likely_actions(timeline, world, signal.pid):
        action = Action(likely.rank, fit(likely.text))
        if len(chosen) >= MAX_ACTIONS:
            break
        if all(action.text != c.text for c in chosen):
            chosen.append(action)
    chosen.sort()
    texts = tuple(action.text for action in chosen)
    actor = world.label_of(signal.pid) if signal.pid in world else "the new process"
    return Question(f"What does {actor} do?", texts, texts.index(right.text))


def puzzle_at(timeline: Timeline, at: int) -> Puzzle | None:
    """The questions about the first signal after seq ``at`` (None: there is none)."""
    signal = next(timeline.signals(at + 1), None)
    if signal is None:
        return None
    world = timeline.state_at(at)
    previous = next(timeline.signals(at), None) if at >= 0 else None
    return Puzzle(
        at=at,
        signal=signal,
        who=who_question(world, signal),
        what=what_question(timeline, world, signal),
        explanation=tuple(explain(timeline, world, signal, previous)),
    )


@dataclass
class Score:
    """Right answers out of answers given."""

    right: int = 0
    asked: int = 0

    def __str__(self) -> str:
        return f"{self.right}/{self.asked}"


@dataclass
class Lesson:
    """A predict lesson over one timeline, from seq ``at`` on."""

    timeline: Timeline
    at: int
    score: Score = field(default_factory=Score)
    #: The answers given to the open puzzle, as option indexes (who, what).
    answers: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.puzzle = puzzle_at(self.timeline, self.at)

    @property
    def stage(self) -> Stage:
        """Which question is open."""
        if self.puzzle is None:
            return Stage.DONE
        return (Stage.WHO, Stage.WHAT, Stage.REVEALED)[min(len(self.answers), 2)]

    @property
    def question(self) -> Question | None:
        """The open question (None once revealed, or done)."""
        if self.puzzle is None or len(self.answers) >= 2:
            return None
        return self.puzzle.who if not self.answers else self.puzzle.what

    def answer(self, index: int) -> bool:
        """Answer the open question with option ``index``; True when right.

        Raises ``ValueError`` when no question is open or the index is not an option.
        """
        question = self.question
        if question is None or not 0 <= index < len(question.options):
            raise ValueError(f"no option {index} to answer")
        self.answers.append(index)
        self.score.asked += 1
        right = index == question.right
        self.score.right += right
        return right

    def advance(self) -> None:
        """After the reveal: the hidden signal becomes the current one, the next is hidden."""
        if self.puzzle is None:
            return
        self.at = self.puzzle.signal.seq
        self.answers = []
        self.puzzle = puzzle_at(self.timeline, self.at)
