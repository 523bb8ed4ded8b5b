"""WarningBanner: a band across the top when the recording is damaged.

A torn recording (the program was killed while recording) opens with its
complete prefix; a damaged one opens with what could be read. Either way
the person must see it before trusting what the panels show, so the banner
stays visible, stating the first warning and how many there are. A
salvaged copy that lacks some seqs is named first, by its gaps (``seqs
9–14 and 30 missing``), whatever else was found. Hidden when the recording
is sound.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from chronoflow.inspect import Gap, describe_gap, gaps_warning
from tui.literal import literal

#: Gaps the banner names; it counts the others.
GAPS_NAMED = 3


def gaps_text(gaps: Sequence[Gap]) -> str:
    """``"seqs 9–14, seqs 20–21 and seq 30 missing"``: the first few gaps, then
    how many more."""
    named = [describe_gap(gap).removesuffix(" missing") for gap in gaps[:GAPS_NAMED]]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    more = len(gaps) - len(named)
    return f"{listed} missing" + (f" (and {more:,} more gaps)" if more else "")


class WarningBanner(Static):
    """The damage warning; see the module docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown = Text()

    def show(self, warnings: Sequence[str], complete: bool, gaps: Sequence[Gap] = ()) -> None:
        """Show the seqs the recording lacks (``gaps``) and the first of the other
        ``warnings`` (or hide when there is nothing to say)."""
        if gaps:
            # The engine's own warning about the gaps is what the banner says first.
            said = gaps_warning(tuple(gaps))
            warnings = [warning for warning in warnings if warning != said]
        if not warnings and not gaps and complete:
            if self.display:
                self.display = False
            return
        text = Text("⚠ ", "bold", no_wrap=True, end="", overflow="ellipsis")
        if gaps:
            text.append(gaps_text(gaps), "bold")
            if warnings:
                text.append(" · ")
        if warnings:
            text.append_text(literal(str(warnings[0]), "bold"))
            if len(warnings) > 1:
                text.append(f"  (and {len(warnings) - 1} more warnings)")
        elif not gaps:
            text.append("the recording was not closed cleanly: it may end early", "bold")
        if text != self._shown:
            self._shown = text
            self.update(text)
        if not self.display:
            self.display = True
