"""StatusBar: one line under the panels saying where you are in the recording.

File name, ``seq N / total``, the current signal's time (relative to the
first signal), indexing progress while the index is being built (or
``following`` for a recording still being written), the playback, filter,
search and bookmark state when they are set, and ``■ blocked forever since
seq N`` at the seqs where the run has come to a standstill that is no
deadlock (processes left waiting for messages nothing left can send).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from chronoflow.inspect import Progress, seq_among
from tui.literal import literal


@dataclass(frozen=True)
class Position:
    """What the status bar shows; the debugger screen builds one per repaint."""

    name: str
    seq: int
    total: int
    when: str
    progress: Progress
    playing: str | None = None
    filter: str | None = None
    search: str | None = None
    bookmarks: int = 0
    busy: str | None = None
    #: Set at the seqs of a standstill that is no deadlock (the banner says those).
    standstill: str | None = None
    #: The name of the bookmark at the current seq, if it has one.
    bookmark_name: str | None = None
    #: The moments marked A and B for a diff (``m``), ``"A 12 · B 40"``.
    marks: str | None = None
    #: What ``}`` and ``{`` jump through (``W``), ``"status of Client[1]"``.
    watching: str | None = None


def _indexing(progress: Progress) -> str | None:
    if progress.error:
        return f"indexing stopped: {progress.error}"
    if not progress.done:
        fraction = progress.fraction
        if fraction is None:
            return f"indexing… {progress.indexed:,} signals"
        return f"indexing… {fraction:.0%}"
    if progress.following:
        return "following"
    return None


class StatusBar(Widget):
    """The status line; see the module docstring.

    Why not a ``Static``: ``Static.update`` asks for a new layout of the
    whole screen, and the status bar changes on every step; a fixed-size
    widget that only repaints itself keeps a step cheap.
    """

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: What the bar shows now.
        self.text = Text()

    def show(self, position: Position) -> None:
        """Repaint with ``position``."""
        text = Text(no_wrap=True, end="", overflow="ellipsis")
        text.append_text(literal(position.name, "bold"))
        text.append(f"  {seq_among(position.seq, position.total)}", "bold")
        if position.when:
            text.append(f"  {position.when}")
        parts: list[tuple[str, str]] = []
        indexing = _indexing(position.progress)
        if indexing:
            parts.append((indexing, "bold yellow" if not position.progress.done else "green"))
        if position.busy:
            parts.append((position.busy, "bold yellow"))
        if position.playing:
            parts.append((position.playing, "bold green"))
        if position.filter:
            parts.append((f"filter: {position.filter}", "cyan"))
        if position.search:
            parts.append((f"search: {position.search}", "magenta"))
        if position.bookmarks:
            parts.append((f"★ {position.bookmarks}", "yellow"))
        if position.bookmark_name:
            parts.append((f"bookmark: {position.bookmark_name}", "bold yellow"))
        if position.marks:
            parts.append((position.marks, "bold cyan"))
        if position.watching:
            parts.append((f"watch: {position.watching}", "bold blue"))
        if position.standstill:
            parts.append((position.standstill, "bold yellow"))
        for part, style in parts:
            text.append("  │  ", "dim")
            text.append_text(literal(part, style))
        self.text = text
        self.refresh()

    def render(self) -> Text:
        """The line built by :meth:`show`."""
        return self.text
