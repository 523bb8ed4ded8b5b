"""PredictScreen: predict mode, a lesson in what happens next.

The screen shows the world at the current seq (every process, its status
and what it waits for, its inbox) and the last signal, hides the next one
and asks two questions about it: which process acts next, then what it
does. Answers are chosen with the digit keys, or with the arrows and enter
(or a click). Then the signal is revealed with a short explanation, the
score is kept in the title line, and enter moves on to the next signal.
Escape closes the screen and leaves the debugger at the last signal
revealed. The lesson itself (questions, answers, score) is
:class:`tui.predict.Lesson`; this screen only shows it. It fits 80x24.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from chronoflow.inspect import Timeline, World, excerpt, seq_among
from tui.keys import key_display
from tui.literal import literal
from tui.predict import Lesson, Stage

#: The most processes the world lists (a lesson's recording has a few).
WORLD_LINES = 40
#: The width of a line of the world (80 columns less the box around it).
WORLD_WIDTH = 74
#: The keys that answer with option 1 … 9.
ANSWER_KEYS = Binding.Group("1 … 9")


def world_text(
    timeline: Timeline, world: World, width: int = WORLD_WIDTH, lines: int = WORLD_LINES
) -> Text:
    """One line per process: name, what it does or waits for, its inbox."""
    if not len(world):
        return Text("no process has started yet", "dim")
    shown = []
    for number, process in enumerate(world):
        if number == lines:
            shown.append(Text(f"… and {len(world) - lines} more processes", "dim"))
            break
        style = "dim" if process.status.ended else ""
        line = literal(f"{process.name:<16} ", style or "bold")
        doing = timeline.why(process.pid, world.seq).short
        line.append_text(literal(f"{doing:<22} ", style))
        if process.inbox:
            messages = " ".join(
                f"#{entry.id} {excerpt(entry.message, 14, depth=1, string=6)}"
                for entry in process.inbox[:3]
            )
            line.append_text(literal(f"✉ {len(process.inbox)}: {messages}", style))
        line.truncate(width, overflow="ellipsis")
        shown.append(line)
    return Text("\n").join(shown)


class PredictScreen(Screen[int]):
    """Predict mode from a seq; closes with the last seq revealed."""

    DEFAULT_CSS = """
    PredictScreen #predict-title { height: 1; background: $boost; text-style: bold; }
    PredictScreen #predict-world {
        height: auto; max-height: 9; border: round $accent; padding: 0 1;
    }
    PredictScreen.-revealed #predict-world { max-height: 5; }
    PredictScreen #predict-last { height: 1; padding: 0 1; color: $text-muted; }
    PredictScreen #predict-box { height: 1fr; border: round $accent; padding: 0 1; }
    PredictScreen #predict-prompt { height: auto; text-style: bold; }
    PredictScreen #predict-options { height: auto; max-height: 100%; border: none; }
    PredictScreen #predict-reveal { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(number),
                f"answer({number - 1})",
                f"Answer {number}",
                show=False,
                group=ANSWER_KEYS,
                tooltip="Answer with option 1 … 9",
            )
            for number in range(1, 10)
        ),
        Binding("enter,space", "next", "Next signal", tooltip="After the reveal: the next signal"),
        Binding(
            "escape,q,e", "close", "Back", tooltip="Back to the debugger, at the last seq shown"
        ),
    ]

    def __init__(self, timeline: Timeline, at: int) -> None:
        super().__init__()
        self.timeline = timeline
        #: The lesson: where it is, the open question, the score.
        self.lesson = Lesson(timeline, at)

    def compose(self) -> ComposeResult:
        """Title and score, the world, the last signal, the question or the reveal."""
        yield Static(id="predict-title")
        with VerticalScroll(id="predict-world") as world:
            world.border_title = "The world now"
            yield Static(id="predict-world-text")
        yield Static(id="predict-last")
        with Vertical(id="predict-box") as box:
            box.border_title = "Predict the next signal"
            yield Static(id="predict-prompt")
            yield OptionList(id="predict-options")
            yield Static(id="predict-reveal")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Show the first question."""
        self.show()

    # -- what the screen shows -------------------------------------------------------

    def show(self) -> None:
        """Repaint every part from the lesson."""
        lesson = self.lesson
        title = Text(" Predict mode  ")
        title.append(seq_among(lesson.at, len(self.timeline)))
        title.append(f"  │  score {lesson.score}", "bold green")
        self.query_one("#predict-title", Static).update(title)
        world = self.timeline.state_at(lesson.at)
        self.query_one("#predict-world-text", Static).update(world_text(self.timeline, world))
        last = Text("last signal: ")
        if lesson.at >= 0:
            signal = self.timeline.signal(lesson.at)
            line = f"seq {lesson.at} {world.label_of(signal.pid)} {self.timeline.describe(signal)}"
            last.append_text(literal(line))
        else:
            last.append("none yet")
        self.query_one("#predict-last", Static).update(last)
        self.refresh_bindings()
        options = self.query_one(OptionList)
        prompt = self.query_one("#predict-prompt", Static)
        reveal = self.query_one("#predict-reveal", Static)
        question = lesson.question
        # Why: the reveal needs more lines than a question; the world gives them.
        self.set_class(question is None, "-revealed")
        if question is not None:
            lead = Text()
            if lesson.stage is Stage.WHAT:
                lead = self._verdict(0)
                lead.append("\n")
            lead.append_text(literal(question.prompt, "bold"))
            lead.append("  (1 … 9, or ↑ ↓ and enter)", "dim")
            prompt.update(lead)
            options.clear_options()
            options.add_options(
                Option(literal(f"{index + 1}  {text}"), id=f"answer-{index}")
                for index, text in enumerate(question.options)
            )
            options.highlighted = 0
            options.display = True
            reveal.display = False
            options.focus()
            return
        options.display = False
        reveal.display = True
        if lesson.stage is Stage.DONE:
            prompt.update(Text("The recording ends here: nothing left to predict.", "bold"))
            reveal.update(Text(f"Final score: {lesson.score}. Escape goes back.", "bold green"))
            return
        prompt.update(Text("Revealed", "bold"))
        text = self._verdict(0)
        text.append("\n")
        text.append_text(self._verdict(1))
        assert lesson.puzzle is not None
        for number, line in enumerate(lesson.puzzle.explanation):
            text.append("\n")
            text.append_text(literal(line, "bold" if number == 0 else ""))
        text.append("\n")
        text.append("enter: the next signal · escape: back to the debugger", "dim")
        reveal.update(text)

    def _verdict(self, number: int) -> Text:
        """``✔ Client[1]`` or ``✘ you said Server[0]; it was Client[1]``."""
        puzzle = self.lesson.puzzle
        assert puzzle is not None
        question = (puzzle.who, puzzle.what)[number]
        chosen = self.lesson.answers[number]
        right_text = question.options[question.right]
        text = Text()
        if chosen == question.right:
            text.append("✔ right: ", "bold green")
            text.append_text(literal(right_text))
        else:
            text.append("✘ ", "bold red")
            text.append_text(literal(f"you said {question.options[chosen]}; it was {right_text}"))
        return text

    # -- keys ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ "Next signal" only after the reveal (the footer shows it then)."""
        if action == "next":
            return self.lesson.stage is Stage.REVEALED
        return True

    def action_answer(self, index: int) -> None:
        """Answer the open question with option ``index`` (a digit key)."""
        question = self.lesson.question
        if question is None or index >= len(question.options):
            self.app.bell()
            return
        self.lesson.answer(index)
        self.show()

    @on(OptionList.OptionSelected, "#predict-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_answer(event.option_index)

    def action_next(self) -> None:
        """After the reveal: the hidden signal becomes current, the next is hidden."""
        if self.lesson.stage is not Stage.REVEALED:
            return
        self.lesson.advance()
        self.show()

    def action_close(self) -> None:
        """Back to the debugger, at the last signal shown."""
        self.dismiss(self.lesson.at)


def _keys() -> tuple[tuple[str, str], ...]:
    rows = [("↑ ↓, enter", "choose an answer in the list (or click it)")]
    for binding in PredictScreen.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.group is ANSWER_KEYS:
            if binding.key == "1":
                rows.append((ANSWER_KEYS.description, binding.tooltip))
            continue
        rows.append((key_display(binding.key), binding.tooltip))
    return tuple(rows)


#: Every key of predict mode, for the help screen.
PREDICT_KEYS = _keys()
