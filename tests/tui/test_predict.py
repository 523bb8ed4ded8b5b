"""Predict mode: the lesson over every shipped recording, and its screen.

The lesson's answers are checked against the recording itself: for every
signal of every shipped recording, the right "who" answer names the
signal's process (or a new process for a START), the right "what" answer
says what the signal does, every answer fits the screen, and the score
counts exactly the right answers given.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList
from typer.testing import CliRunner

from chronoflow.inspect import Signal, SignalType, Timeline, World
from tui.app import ChronoflowApp
from tui.cli import cli
from tui.predict import MAX_ACTIONS, MAX_PROCESSES, NEW_PROCESS, WIDEST, Lesson, Stage
from tui.screens.debugger import DebuggerScreen
from tui.screens.help import keys_table
from tui.screens.predict import PredictScreen, world_text

RECORDINGS = sorted((Path(__file__).resolve().parents[2] / "recordings").glob("*.cfl"))
#: The terminal predict mode must fit.
SMALL = (80, 24)


def opened(path: Path) -> Timeline:
    timeline = Timeline.open(path)
    assert timeline.wait(timeout=30)
    return timeline


@pytest.fixture(params=RECORDINGS, ids=[path.stem for path in RECORDINGS])
def recording(request: pytest.FixtureRequest) -> Iterator[Timeline]:
    timeline = opened(request.param)
    yield timeline
    timeline.close()


def expected_what(world: World, signal: Signal) -> str:
    """How the right "what" answer begins, worked out from the signal alone."""
    data = signal.data
    if signal.type == SignalType.START:
        return f"start as {data['template']}("
    if signal.type == SignalType.RECEIVE:
        return f"receive #{data} "
    if signal.type == SignalType.SEND:
        return "send "
    if signal.type == SignalType.WAIT:
        return "block: "
    if signal.type == SignalType.STOP:
        return "stop"
    if signal.type == SignalType.CRASH:
        return "crash"
    if signal.type == SignalType.SPAWN:
        return f"spawn a child {data['template']}"
    if signal.type == SignalType.JOIN:
        return f"collect the result of its child {world.label_of(data['child'])}"
    if signal.type == SignalType.DROP:
        return f"drop message #{data['id']}"
    return ""


def test_every_signal_of_every_shipped_recording_can_be_predicted(recording: Timeline) -> None:
    lesson = Lesson(recording, -1)
    expected_right = 0
    kinds: set[int] = set()
    while lesson.puzzle is not None:
        puzzle = lesson.puzzle
        signal = puzzle.signal
        assert signal.seq == lesson.at + 1
        world = recording.state_at(lesson.at)
        kinds.add(signal.type)
        # Who: every live process (up to the cap), then a new process.
        who = puzzle.who
        assert who.options[-1] == NEW_PROCESS
        live = [p for p in world if not p.status.ended]
        assert len(who.options) == min(len(live), MAX_PROCESSES) + 1
        if signal.type == SignalType.START:
            assert who.options[who.right] == NEW_PROCESS
        else:
            assert who.options[who.right].startswith(f"{world.label_of(signal.pid)}  (")
        # What: the right answer is among them, once, each answer once.
        what = puzzle.what
        assert 1 <= len(what.options) <= MAX_ACTIONS
        assert len(set(what.options)) == len(what.options)
        assert what.options[what.right].startswith(expected_what(world, signal))
        assert all(len(text) <= WIDEST for text in (*who.options, *what.options))
        assert puzzle.explanation[0].startswith(f"seq {signal.seq}: ")
        # Answer "who" with the first option, "what" rightly.
        expected_right += who.right == 0
        assert lesson.stage is Stage.WHO
        assert lesson.answer(0) is (who.right == 0)
        assert lesson.stage is Stage.WHAT
        assert lesson.answer(what.right) is True
        expected_right += 1
        assert lesson.stage is Stage.REVEALED
        lesson.advance()
    assert lesson.stage is Stage.DONE
    assert lesson.at == len(recording) - 1
    assert lesson.score.asked == 2 * len(recording)
    assert lesson.score.right == expected_right
    assert SignalType.START in kinds


def test_a_select_explains_the_messages_it_passed_over() -> None:
    timeline = opened(RECORDINGS[[p.stem for p in RECORDINGS].index("client_server")])
    try:
        lesson = Lesson(timeline, 13)  # next: Client[1] receives reply #12, past #8 and #10
        assert lesson.puzzle is not None
        assert lesson.puzzle.who.options[lesson.puzzle.who.right].startswith("Client[1]")
        what = lesson.puzzle.what
        assert what.options[what.right].startswith("receive #12 ")
        assert sum(text.startswith("receive #") for text in what.options) == 3
        explanation = " ".join(lesson.puzzle.explanation)
        assert "message #12 matches reply_to(102)" in explanation
        assert "the 2 older messages before it did not match" in explanation
    finally:
        timeline.close()


def test_answers_out_of_turn_are_refused(timeline: Timeline) -> None:
    lesson = Lesson(timeline, 0)
    with pytest.raises(ValueError, match="no option 99"):
        lesson.answer(99)
    lesson.answer(0)
    lesson.answer(0)
    with pytest.raises(ValueError, match="no option 0"):
        lesson.answer(0)  # revealed: nothing to answer until it advances
    assert lesson.score.asked == 2


async def predict_screen(app: ChronoflowApp, pilot: Any) -> PredictScreen:
    """The predict screen once it shows its first question (--predict opens it
    after the debugger's first paint)."""
    for _ in range(400):
        screen = app.screen
        if isinstance(screen, PredictScreen) and screen.is_mounted and screen.query(OptionList):
            return screen
        await pilot.pause(0.05)
    pytest.fail(f"predict mode did not open: the screen is {app.screen!r}")


def title(screen: PredictScreen) -> str:
    return str(screen.query_one("#predict-title").render())


def shown(screen: PredictScreen, part: str) -> str:
    return str(screen.query_one(f"#predict-{part}").render())


async def test_the_screen_plays_every_shipped_recording(recording: Timeline) -> None:
    """By the keys, at 80x24: right "who", wrong "what", reveal, next; five signals."""
    app = ChronoflowApp(recording, predict=True)
    async with app.run_test(size=SMALL) as pilot:
        screen = await predict_screen(app, pilot)
        right = 0
        for step in range(5):
            lesson = screen.lesson
            puzzle = lesson.puzzle
            assert puzzle is not None
            options: Any = screen.query_one("#predict-options")
            shown_options = [
                str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
            ]
            assert shown_options == [
                f"{i + 1}  {text}" for i, text in enumerate(puzzle.who.options)
            ]
            await pilot.press(str(puzzle.who.right + 1))
            assert "✔ right" in shown(screen, "prompt")
            wrong = (puzzle.what.right + 1) % len(puzzle.what.options)
            await pilot.press(str(wrong + 1))
            reveal = shown(screen, "reveal")
            if wrong != puzzle.what.right:
                assert "✘ you said" in reveal
                assert puzzle.what.options[puzzle.what.right] in reveal
            assert f"seq {puzzle.signal.seq}: " in reveal
            right += 1 + (wrong == puzzle.what.right)
            assert (lesson.score.right, lesson.score.asked) == (right, 2 * step + 2)
            await pilot.press("enter")
            assert lesson.at == puzzle.signal.seq
        assert f"score {right}/10" in title(screen)
        await pilot.press("escape")
        assert isinstance(app.screen, DebuggerScreen)
        assert app.seq == lesson.at


async def test_e_opens_predict_mode_at_the_current_seq_and_escape_comes_back(
    timeline: Timeline,
) -> None:
    app = ChronoflowApp(timeline, at=5)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, PredictScreen)
        assert screen.lesson.at == 5
        assert "seq 5 of 0–71" in title(screen)
        await pilot.press("down", "enter")  # the second process, by the arrows
        assert screen.lesson.answers == [1]
        await pilot.press("1")
        assert screen.lesson.stage is Stage.REVEALED
        await pilot.press("9")  # no question open: nothing happens
        assert screen.lesson.score.asked == 2
        await pilot.press("space")
        assert screen.lesson.at == 6
        await pilot.press("escape")
        assert app.screen is app.debugger
        assert app.seq == 6
        await pilot.press("ctrl+o")  # the lesson's move is a jump: back returns
        assert app.seq == 5


async def test_the_end_of_the_recording_has_nothing_to_predict(timeline: Timeline) -> None:
    app = ChronoflowApp(timeline, at=len(timeline) - 1)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("e")
        screen = app.screen
        assert isinstance(screen, PredictScreen)
        assert screen.lesson.stage is Stage.DONE
        assert "nothing left to predict" in shown(screen, "prompt")
        await pilot.press("1", "enter")
        assert screen.lesson.score.asked == 0


def test_help_lists_the_predict_keys() -> None:
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(keys_table())
    text = console.export_text()
    assert "Predict mode: the next signal is hidden" in text
    assert "In predict mode (e)" in text
    assert "Answer with option 1 … 9" in text
    assert "Back to the debugger, at the last seq shown" in text


def test_the_predict_option_opens_the_app_in_predict_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(ChronoflowApp, "run", lambda app: seen.append(app.predict_at_start))
    result = CliRunner().invoke(cli, [str(RECORDINGS[0]), "--predict"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, [str(RECORDINGS[0])])
    assert result.exit_code == 0, result.output
    assert seen == [True, False]


def test_a_big_world_lists_its_first_processes_and_counts_the_rest() -> None:
    timeline = opened(RECORDINGS[[p.stem for p in RECORDINGS].index("dining_philosophers")])
    try:
        world = timeline.state_at(len(timeline) - 1)
        lines = world_text(timeline, world).plain.splitlines()
        assert len(lines) == len(world) == 10
        assert lines[0].startswith("Fork[0] ")
        few = world_text(timeline, world, lines=4).plain.splitlines()
        assert few[:4] == lines[:4]
        assert few[4] == "… and 6 more processes"
        assert all(len(line) <= 74 for line in lines)
    finally:
        timeline.close()


@pytest.mark.parametrize(
    ("name", "seq", "fragments"),
    [
        ("parent_children", 2, ["seq 2: Parent[0] ", "acted last too"]),
        ("parent_children", 8, ["the oldest message in the inbox first (FIFO)"]),
        ("parent_children", 30, ["Child[3] ended at seq 29", "which it joins, ended"]),
        ("bounded_mailbox", 10, ["without it running", "inbox is full, so a message is dropped"]),
        ("bounded_mailbox", 15, ["without it running", "the message is refused"]),
        ("supervised_pool", 33, ["caused by the end of Worker[4]"]),
        ("supervised_pool", 48, ["The timer of its wait fired; now Worker[2] is running"]),
    ],
)
def test_the_reveal_explains_with_the_engines_reasons(
    name: str, seq: int, fragments: list[str]
) -> None:
    timeline = opened(RECORDINGS[[p.stem for p in RECORDINGS].index(name)])
    try:
        puzzle = Lesson(timeline, seq - 1).puzzle
        assert puzzle is not None
        assert puzzle.signal.seq == seq
        explanation = " ".join(puzzle.explanation)
        for fragment in fragments:
            assert fragment in explanation
    finally:
        timeline.close()
