"""PromptScreen: one line of input over the main view (go to seq, search).

The caller passes a ``check`` function that turns the typed text into an
error message (shown under the input, the prompt stays open) or None (the
prompt closes and returns the text). Escape cancels and returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

Check = Callable[[str], str | None]


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        hint: str,
        check: Check,
        *,
        value: str = "",
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self._title = title
        self._hint = hint
        self._check = check
        self._value = value
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        """Title, input, hint and the line for errors."""
        with Vertical(id="prompt-box") as box:
            box.border_title = self._title
            yield Input(self._value, placeholder=self._placeholder, id="prompt-input")
            yield Static(Text(self._hint, "dim"), id="prompt-hint")
            yield Static("", id="prompt-error")

    def on_mount(self) -> None:
        """Freeze the cursor blink, so a screenshot does not depend on the moment."""
        self.query_one(Input).cursor_blink = False

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        """Check the text; close with it, or say what is wrong."""
        error = self._check(event.value.strip())
        if error is None:
            self.dismiss(event.value.strip())
        else:
            self.query_one("#prompt-error", Static).update(Text(error, "bold red"))

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)
