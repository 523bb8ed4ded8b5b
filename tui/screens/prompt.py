"""PromptScreen: one line of input over the main view (go to seq, search).

The caller passes a ``check`` function that turns the typed text into an
error message (shown under the input, the prompt stays open) or None (the
prompt closes and returns the text). Escape cancels and returns None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.typeahead import NOTHING_TYPED, Typed, replay_keys

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
        typed: Typed = NOTHING_TYPED,
    ) -> None:
        """``typed``: keys typed before the prompt opened (see tui.typeahead):
        its text, whether enter followed (then the prompt submits at once) and
        the keys after the enter (handed back to the app once it closes)."""
        super().__init__()
        self._title = title
        self._hint = hint
        self._check = check
        self._value = value
        self._placeholder = placeholder
        #: Typed before the input was mounted and focused (see on_key).
        self._early, self._early_enter = typed.text, typed.enter
        self._after = list(typed.rest)
        if typed.text:
            self._value = ""  # what was typed replaces the suggested value

    def compose(self) -> ComposeResult:
        """Title, input, hint and the line for errors."""
        with Vertical(id="prompt-box") as box:
            box.border_title = self._title
            yield Input(self._value, placeholder=self._placeholder, id="prompt-input")
            yield Static(Text(self._hint, "dim"), id="prompt-hint")
            yield Static("", id="prompt-error")

    def on_mount(self) -> None:
        """Freeze the cursor blink, so a screenshot does not depend on the moment;
        take in what was typed before the input was there."""
        field = self.query_one(Input)
        field.cursor_blink = False
        field.focus()
        self._catch_up(field)

    def on_key(self, event: events.Key) -> None:
        """Keep keys typed before the input has the focus (``g 6 enter`` in one
        burst): they reach the screen, not the input, and would be lost."""
        if not isinstance(self.focused, Input):
            self.early_key(event)

    def early_key(self, event: events.Key) -> None:
        """Take a key typed before the input had the focus, also one that reached
        the screen below this one (queued there before this prompt opened)."""
        if self._early_enter:
            self._after.append((event.key, event.character))
        elif event.key == "enter":
            self._early_enter = True
        elif event.key == "backspace" and self._early:
            self._early = self._early[:-1]
        elif event.is_printable and event.character:
            self._early += event.character
        else:
            return
        event.stop()
        event.prevent_default()
        fields = self.query(Input)
        if fields and fields.first().is_mounted:
            self._catch_up(fields.first())

    def _catch_up(self, field: Input) -> None:
        if self._early:
            field.insert_text_at_cursor(self._early)
            self._early = ""
        if self._early_enter:
            self._early_enter = False
            self.call_after_refresh(field.action_submit)

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        """Check the text; close with it, or say what is wrong."""
        error = self._check(event.value.strip())
        if error is None:
            self.dismiss(event.value.strip())
            if self._after:
                self.app.call_after_refresh(replay_keys, self.app, self._after)
                self._after = []
        else:
            self.query_one("#prompt-error", Static).update(Text(error, "bold red"))

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)
