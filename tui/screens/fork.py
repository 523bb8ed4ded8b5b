"""ForkScreen: fork the run at the seq on screen (``F``, with ``--workflow``).

It lists what can change in the world at this seq, as ``chronoflow fork``
can change it: each message waiting in an inbox (drop it, give it another
value, move it to the front of its inbox) and each ``use`` whose result
is not in yet (give it another result, or an error); the selected
process's first. Choosing one (and typing the value a change needs) makes
the fork with the engine's ``make_fork`` in a worker thread: the workflow
re-executed up to this seq, the change, then a live run under the usual
limits, recorded to a file in a new temporary folder. The fork then opens
beside this run in compare mode
(:class:`~tui.screens.compare_runs.CompareRunsScreen`). An error (a
workflow that diverges before this seq, say) is one red line here.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from chronoflow.inspect import (
    ChronoflowError,
    DropMessage,
    ReorderInbox,
    ReplaceMessage,
    Timeline,
    UseError,
    UseResult,
    excerpt,
    make_fork,
)
from tui.literal import literal
from tui.screens.compare_runs import CompareRunsScreen
from tui.screens.prompt import Check, PromptScreen

#: One choice: what it changes (``drop``, ``replace``, ``front``, ``result``,
#: ``error``), the message id or USE seq, and the pid whose inbox it is in.
Choice = tuple[str, int, int]


def choices(timeline: Timeline, seq: int, pid: int | None) -> list[tuple[Text, Choice]]:
    """What can change in the world at ``seq``, the process ``pid``'s first."""
    world = timeline.state_at(seq)
    processes = sorted(world, key=lambda process: (process.pid != pid, process.pid))
    found: list[tuple[Text, Choice]] = []
    for process in processes:
        for position, entry in enumerate(process.inbox):
            what = excerpt(entry.message, 50)
            where = f"in {process.name}'s inbox"
            found.append(
                (literal(f"drop #{entry.id} {what} {where}"), ("drop", entry.id, process.pid))
            )
            found.append(
                (
                    literal(f"replace #{entry.id} {what} {where}…"),
                    ("replace", entry.id, process.pid),
                )
            )
            if position:
                label = f"move #{entry.id} to the front of {process.name}'s inbox"
                found.append((literal(label), ("front", entry.id, process.pid)))
        if process.use is not None:
            use = process.use
            call = f"use @{use.seq} {use.fn} of {process.name}"
            found.append(
                (literal(f"give {call} another result…"), ("result", use.seq, process.pid))
            )
            found.append((literal(f"make {call} fail…"), ("error", use.seq, process.pid)))
    return found


def _json_error(text: str) -> str | None:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"not JSON: {error.msg}"
    return None


def _error_error(text: str) -> str | None:
    kind, sep, _ = text.partition(":")
    if not sep or not kind.strip().isidentifier():
        return "type TYPE:MESSAGE, e.g. TimeoutError:no answer"
    return None


class ForkScreen(ModalScreen[None]):
    """Choose a change at seq ``seq``; the fork opens in compare mode."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    DEFAULT_CSS = """
    ForkScreen {
        align: center middle;
    }
    #fork-box {
        width: 100;
        max-width: 100%;
        height: auto;
        max-height: 80%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    #fork-choices {
        height: auto;
        max-height: 20;
        border: none;
    }
    """

    def __init__(self, timeline: Timeline, workflow: Path, seq: int, pid: int | None) -> None:
        super().__init__()
        self.timeline = timeline
        self.workflow = workflow
        self.seq = seq
        self._choices = choices(timeline, seq, pid) if seq >= 0 else []
        #: Where the fork was written, once it is made.
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        """The hint, the choices, the line for errors."""
        with Vertical(id="fork-box") as box:
            box.border_title = f"Fork at seq {self.seq:,} — escape closes"
            hint = (
                "what changes here? the workflow runs live from here and the fork opens "
                "beside this run"
                if self._choices
                else "nothing to change here: no message waits in an inbox and no use "
                "waits for its result"
            )
            yield Static(Text(hint, "dim"), id="fork-hint")
            yield OptionList(
                *(Option(label, id=f"choice-{i}") for i, (label, _) in enumerate(self._choices)),
                id="fork-choices",
            )
            yield Static("", id="fork-error")

    def on_mount(self) -> None:
        """Focus the choices."""
        self.query_one(OptionList).focus()

    @property
    def offered(self) -> list[str]:
        """The choices' labels (for tests)."""
        return [label.plain for label, _ in self._choices]

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        if option_id is None:
            return
        kind, key, pid = self._choices[int(option_id.split("-")[1])][1]
        if kind == "drop":
            self._make(DropMessage(key))
        elif kind == "front":
            self._make(ReorderInbox(pid, (key,)))
        elif kind == "replace":
            self._ask(f"New value of #{key} (JSON)", _json_error, kind, key)
        elif kind == "result":
            self._ask(f"Result of use @{key} (JSON)", _json_error, kind, key)
        else:
            self._ask(f"Error of use @{key} (TYPE:MESSAGE)", _error_error, kind, key)

    def _ask(self, title: str, check: Check, kind: str, key: int) -> None:
        def done(text: str | None) -> None:
            if text is None:
                return
            if kind == "replace":
                self._make(ReplaceMessage(key, json.loads(text)))
            elif kind == "result":
                self._make(UseResult(key, json.loads(text)))
            else:
                error, _, message = text.partition(":")
                self._make(UseError(key, error.strip(), message.strip()))

        self.app.push_screen(PromptScreen(title, "enter forks, escape cancels", check), done)

    def _make(self, change: Any) -> None:
        self.query_one("#fork-error", Static).update(Text(f"forking: {change.text}…", "dim"))
        folder = Path(tempfile.mkdtemp(prefix="chronoflow-fork-"))
        self._fork(change, folder / f"{self.timeline.path.stem}-fork-at-{self.seq}.cfl")

    @work(thread=True, exclusive=True, group="fork")
    def _fork(self, change: Any, output: Path) -> None:
        try:
            make_fork(self.timeline.path, self.workflow, self.seq, change, output)
        except Exception as error:  # the user's workflow may raise anything
            text = str(error)
            if not isinstance(error, ChronoflowError):
                text = f"{type(error).__name__}: {text}"
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._failed, text)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._made, output)

    def _failed(self, error: str) -> None:
        for line in self.query("#fork-error").results(Static):
            line.update(literal(f"cannot fork: {error}", "red"))

    def _made(self, output: Path) -> None:
        self.written = output
        fork = Timeline.open(output)
        self.app.notify(f"fork written to {output}", timeout=6)
        self.dismiss(None)
        self.app.push_screen(CompareRunsScreen(self.timeline, fork, at=self.seq, pushed=True))

    def action_close(self) -> None:
        """Close without forking."""
        self.dismiss(None)
