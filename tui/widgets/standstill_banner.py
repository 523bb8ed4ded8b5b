"""StandstillBanner: a band across the top when the recording ends at a standstill.

The engine finds whether the run ends with every live process blocked
forever (:meth:`Timeline.standstill <chronoflow.inspect.Timeline.standstill>`):
a *deadlock* when a process waits for another blocked one (red, with the
length of the wait-for cycle), or a process that waits for one that has
ended (red too), else processes left waiting for messages nothing left can
send (yellow). A deadlock's banner shows at every seq,
the other only once the standstill has begun; both name the keys that go
there (``D``) and list what each process waits for (``w``). Hidden when
the run does not end that way.
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
        if standstill is None or (not standstill.hangs and seq < standstill.since):
            # Why: a deadlock (or a wait for a process that has ended) is the
            # bug being looked for, worth a line from the first seq on;
            # processes merely left waiting at the end are worth one only there.
            self.display = False
            return
        symbol = "⛔ " if standstill.hangs else "■ "
        text = Text(symbol, "bold", no_wrap=True, end="", overflow="ellipsis")
        text.append(standstill.describe(), "bold")
        if standstill.cycle:
            text.append(f" · cycle of {len(standstill.cycle)}")
        if seq >= standstill.since:
            text.append(" · here")
        text.append(" · D: go there · w: the waits", "italic")
        self.set_class(standstill.hangs, "-deadlock")
        self.update(text)
        self.display = True
