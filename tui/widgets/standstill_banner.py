"""StandstillBanner: a band across the top when the recording ends in a deadlock.

The engine finds whether the run ends with every live process blocked
forever (:meth:`Timeline.standstill <chronoflow.inspect.Timeline.standstill>`):
a *deadlock* when a process waits for another blocked one (with the
length of the wait-for cycle), or a *dead end* when a process waits for
one that has ended, else processes merely left waiting for messages
nothing left can send. The banner shows a deadlock or a dead end at every
seq, with the keys that go there (``D``) and list what each process waits
for (``w``); a standstill that is neither is left to the status bar, at
its seqs (:meth:`StandstillBanner.note`). Hidden otherwise.

The banner asks the engine itself, in a worker thread, once the recording
is indexed (:meth:`StandstillBanner.look`); its answer,
:class:`~tui.messages.StandstillFound`, bubbles on to the screen, whose
status bar may name it too.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.widgets import Static
from textual.worker import get_current_worker

from chronoflow.inspect import Standstill, Timeline
from tui.messages import StandstillFound


class StandstillBanner(Static):
    """The standstill note; see the module docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.standstill: Standstill | None = None
        self._shown = Text()
        self._seq = -1

    @work(thread=True, exclusive=True, group="standstill")
    def look(self, timeline: Timeline) -> None:
        """Find how the (indexed) recording ends, in a worker thread."""
        standstill = timeline.standstill(wait=False)
        if not get_current_worker().is_cancelled:
            self.post_message(StandstillFound(standstill))

    @on(StandstillFound)
    def _found(self, found: StandstillFound) -> None:
        self.show(found.standstill, self._seq)

    def note(self, seq: int) -> str | None:
        """``■ blocked forever since seq N``, for the status bar at the seqs of a
        standstill that is no deadlock (the banner shows a deadlock)."""
        standstill = self.standstill
        if standstill is None or standstill.hangs or seq < standstill.since:
            return None
        return f"■ blocked forever since seq {standstill.since} (w: the waits)"

    def show(self, standstill: Standstill | None, seq: int) -> None:
        """Show ``standstill`` as seen from the current ``seq`` (None: hide)."""
        self.standstill = standstill
        self._seq = seq
        if standstill is None or not standstill.hangs:
            # Why: a deadlock (or a wait for a process that has ended) is the
            # bug being looked for, worth a line from the first seq on;
            # processes merely left waiting at the end are named by the status
            # bar at those seqs (a banner coming and going would lay the whole
            # screen out anew on each step across it).
            if self.display:
                self.display = False
            return
        text = Text("⛔ ", "bold", no_wrap=True, end="", overflow="ellipsis")
        text.append(standstill.describe(), "bold")
        if standstill.cycle:
            text.append(f" · cycle of {len(standstill.cycle)}")
        if seq >= standstill.since:
            text.append(" · here")
        text.append(" · D: go there · w: the waits", "italic")
        if text != self._shown:
            # Why only on change: Static.update lays the screen out anew.
            self._shown = text
            self.update(text)
        if not self.display:
            self.display = True
