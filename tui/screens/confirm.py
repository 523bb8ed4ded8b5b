"""ConfirmScreen: a yes-or-no question over the main view (overwrite a file?).

``y`` or ``enter`` answers yes, ``n`` or ``escape`` no; the caller gets
True or False.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes-or-no question; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        """The question and the keys that answer it."""
        with Vertical(id="prompt-box") as box:
            box.border_title = self._title
            yield Static(Text(self._question), id="confirm-question")
            yield Static(Text("y or enter: yes; n or escape: no", "dim"), id="prompt-hint")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
