"""WarningBanner: a band across the top when the recording is damaged.

A torn recording (the program was killed while recording) opens with its
complete prefix; a damaged one opens with what could be read. Either way
the person must see it before trusting what the panels show, so the banner
stays visible, stating the first warning and how many there are. Hidden
when the recording is sound.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from tui.literal import literal


class WarningBanner(Static):
    """The damage warning; see the module docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown = Text()

    def show(self, warnings: Sequence[str], complete: bool) -> None:
        """Show the first of ``warnings`` (or hide when there are none)."""
        if not warnings and complete:
            if self.display:
                self.display = False
            return
        text = Text("⚠ ", "bold", no_wrap=True, end="", overflow="ellipsis")
        if warnings:
            text.append_text(literal(str(warnings[0]), "bold"))
            if len(warnings) > 1:
                text.append(f"  (and {len(warnings) - 1} more warnings)")
        else:
            text.append("the recording was not closed cleanly: it may end early", "bold")
        if text != self._shown:
            self._shown = text
            self.update(text)
        if not self.display:
            self.display = True
