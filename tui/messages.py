"""Messages that cross threads: a worker's answer, handled on the app's thread.

Background threads (the engine's indexer, a search, the filter scan, the
search for causal links, live frames) never touch widgets: they post one of
these to the node that started them (the debugger screen, or the panel
whose worker it is), whose handler updates what is shown. Messages that can
arrive in bursts define ``can_replace`` so a burst coalesces into the
latest one (toolong does this for its scan progress). Messages one widget
sends to the screen (a click on a row) are nested in that widget's class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from chronoflow.inspect import CausalLink, MessageTrace, Progress, Standstill

if TYPE_CHECKING:
    from chronoflow.inspect import LiveFrames


@dataclass
class IndexProgressed(Message):
    """The engine indexed more of the recording (or finished, or failed)."""

    progress: Progress

    def can_replace(self, message: Message) -> bool:
        """Only the newest progress matters."""
        return isinstance(message, IndexProgressed)


@dataclass
class RowsScanned(Message):
    """The filter scan found more matching rows (``done``: it reached the end)."""

    done: bool

    def can_replace(self, message: Message) -> bool:
        """Only the newest count matters (the rows themselves are shared)."""
        return isinstance(message, RowsScanned) and not message.done


@dataclass
class SearchFinished(Message):
    """A search from ``start`` found ``seq`` (None: no match in that direction)."""

    query: str
    start: int
    seq: int | None
    backward: bool


@dataclass
class CausesFound(Message):
    """The causal links of signal ``seq`` (and the message it names) were found."""

    seq: int
    links: tuple[CausalLink, ...]
    message: MessageTrace | None
    #: False when they were looked for before the whole recording was indexed
    #: (a link into the part not indexed yet could be missing).
    complete: bool = True


@dataclass
class FramesFound(Message):
    """The live frames at ``seq`` (``--workflow``), or why there are none."""

    seq: int
    frames: LiveFrames | str


@dataclass
class StandstillFound(Message):
    """The engine looked at how the recording ends (once it was indexed)."""

    standstill: Standstill | None


@dataclass
class HitsScanned(Message):
    """The scrubber's scan for the last search's matches found more (``done``: it ended)."""

    done: bool

    def can_replace(self, message: Message) -> bool:
        """Only the newest count matters (the hits themselves are shared)."""
        return isinstance(message, HitsScanned) and not message.done


@dataclass
class ChangeFound(Message):
    """Where the watched thing (``label``) next changes from ``start``: ``seq``,
    or None when it does not (``backward``: the last change before it)."""

    label: str
    start: int
    seq: int | None
    backward: bool
