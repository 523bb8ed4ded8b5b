"""WatchChooser: choose what ``}`` and ``{`` jump through (``W``).

Lists what :func:`tui.watching.choices` offers: the selected process's
status and inbox, and the message the current signal is about (where it
is delivered, received, dropped, or any of these). Enter (or a click)
closes with the choice; escape, ``q`` or ``W`` closes without changing
what is watched.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.literal import literal
from tui.watching import Watched


class WatchChooser(ModalScreen[Watched | None]):
    """Pick one of ``offered``; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,W", "close", "Close", show=False),
    ]

    def __init__(self, offered: list[Watched]) -> None:
        super().__init__()
        self._offered = offered

    def compose(self) -> ComposeResult:
        """A hint, then one row per choice."""
        with Vertical(id="watch-box") as box:
            box.border_title = "Watch — then } next change, { previous change"
            yield Static(Text("enter watches it; escape leaves the watch as it was", "dim"))
            options = []
            for index, watched in enumerate(self._offered):
                text = literal(watched.label, "bold")
                if watched.hint:
                    text.append_text(literal(f"  {watched.hint}", "dim"))
                options.append(Option(text, id=f"watch-{index}"))
            yield OptionList(*options, id="watch-list")

    def on_mount(self) -> None:
        """The list takes the arrows at once."""
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._offered[event.option_index])

    def action_close(self) -> None:
        """Close, watching what was watched before."""
        self.dismiss(None)
