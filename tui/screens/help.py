"""HelpScreen: every key of the debugger, grouped, and how to read the tree.

Built from :data:`tui.keys.KEYMAP`, the same table the app binds, so the
help can never list a key that does nothing or miss one that does.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from chronoflow.inspect import Status
from tui.keys import KEYMAP, PANEL_KEYS, key_display
from tui.look import status_look


def keys_table() -> Table:
    """Every key: section headings, then key and what it does."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", min_width=16)
    table.add_column()
    for section, bindings in KEYMAP:
        table.add_row(Text(section, "bold underline"), "")
        for binding in bindings:
            table.add_row(key_display(binding.key), binding.tooltip or binding.description)
        table.add_row("", "")
    table.add_row(Text("In a panel", "bold underline"), "")
    for keys, meaning in PANEL_KEYS:
        table.add_row(keys, meaning)
    return table


def legend() -> Table:
    """The status symbols of the process tree."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", min_width=16)
    table.add_column()
    table.add_row(Text("Process status", "bold underline"), "")
    for status in Status:
        look = status_look(status)
        table.add_row(Text(look.symbol, look.style), Text(status.label, look.style))
    table.add_row(Text("« …", "bold black on yellow"), "what the current signal changed")
    table.add_row(Text("▸", "bold"), "the process of the current signal")
    return table


class HelpScreen(ModalScreen[None]):
    """The key reference; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        """The keys, then the legend, in a scrolling box."""
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys — escape closes"
            yield Static(keys_table(), id="help-keys")
            yield Static(legend(), id="help-legend")

    def action_dismiss(self) -> None:  # type: ignore[override]
        """Close the help."""
        self.dismiss(None)
