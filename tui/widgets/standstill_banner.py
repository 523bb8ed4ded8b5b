"""StandstillBanner: a band across the top when the recording ends at a standstill.

The engine finds whether the run ends with every live process blocked
forever (:meth:`Timeline.standstill <chronoflow.inspect.Timeline.standstill>`):
a *deadlock* when a process waits for another blocked one (red, with the
length of the wait-for cycle), else processes left waiting for messages
nothing left can send (yellow). The banner says so from the first seq,
with the keys that go there (``D``) and list what each process waits for
(``w``). Hidden when the run does not end that way.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from chronoflow.inspect import Standstill


class StandstillBanner(Static):
    """The standstill note; see the module docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.standstill: Standstill | None = None

    def show(self, standstill: Standstill | None, seq: int) -> None:
        """Show ``standstill`` as seen from the current ``seq`` (None: hide)."""
        self.standstill = standstill
        if standstill is None:
            self.display = False
            return
        symbol = "⛔ " if standstill.deadlock else "■ "
        text = Text(symbol, "bold", no_wrap=True, end="", overflow="ellipsis")
        text.append(standstill.describe(), "bold")
        if standstill.cycle:
            text.append(f" (a wait-for cycle of {len(standstill.cycle)})")
        if seq >= standstill.since:
            text.append("  — here")
        text.append("  D: go there · w: what each waits for", "italic")
        self.set_class(standstill.deadlock, "-deadlock")
        self.update(text)
        self.display = True
