"""SignalDetail: everything about the current signal, and where it leads.

Shows the signal's seq, type, time and process (with that process's status
after the signal, and what it then waits for), its data pretty-printed in
full (a CRASH's traceback line by line, a plain WAIT in words), and its causal links
from the engine (for a RECEIVE the SEND that sent the message; for a SEND
where it was delivered, received or dropped; ...). One link is highlighted:
``enter`` (or a click) follows it, up/down choose another.

The pane looks for the links itself, in a worker thread, once the current
signal has stayed put for :attr:`SignalDetail.CAUSES_DELAY` seconds: finding
where a message went may scan the rest of the recording, and a person
holding a key down needs only the links of the signal they stop at.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.worker import get_current_worker

from chronoflow.inspect import (
    NAME_LIMIT,
    TEXT_LIMIT,
    TRACEBACK_LIMIT,
    CausalLink,
    MessageTrace,
    ProcessState,
    Signal,
    SignalType,
    Timeline,
    Why,
    WhyKind,
    describe_gap,
    text_of,
)
from tui.literal import literal, pretty_text
from tui.look import status_look, type_name, type_style
from tui.messages import CausesFound
from tui.moment import causes_at
from tui.widgets.virtual_list import VirtualList


class SignalDetail(VirtualList):
    """The current signal in full; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous link", show=False),
        Binding("down,j", "move(1)", "Next link", show=False),
    ]

    #: Seconds the current signal must stay before its causal links are looked for.
    CAUSES_DELAY = 0.03

    @dataclass
    class LinkFollowed(Message):
        """The person followed a causal link to ``seq``."""

        seq: int

    def __init__(self, timeline: Timeline, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timeline = timeline
        self._causes_timer: Timer | None = None
        #: True while the links shown were found before indexing was done.
        self._partial_links = False
        self.signal: Signal | None = None
        self.links: tuple[CausalLink, ...] = ()
        self.link = 0
        self._process: ProcessState | None = None
        self._why: Why | None = None
        self._when = ""
        self._message: MessageTrace | None = None
        self._finding = False
        self._lines: list[Text] = []
        self._first_link_row = 0
        self._width = 0
        self._gap: tuple[int, int] | None = None

    def show(
        self,
        signal: Signal | None,
        process: ProcessState | None,
        links: tuple[CausalLink, ...] | None,
        when: str,
        why: Why | None = None,
        gap: tuple[int, int] | None = None,
    ) -> None:
        """Show ``signal`` (None: an empty recording, or a seq in ``gap``, the
        seqs the recording lacks) with its process and links (None: look for
        them, after :attr:`CAUSES_DELAY`).
        """
        self.signal, self._process, self._when = signal, process, when
        self._why = why
        self._gap = gap
        self._show_links(links, None)
        if links is None and signal is not None:
            # Why a delay: finding links may scan the recording for tens of
            # milliseconds, holding the interpreter while the next key waits.
            if self._causes_timer is not None:
                self._causes_timer.stop()
            self._causes_timer = self.set_timer(
                self.CAUSES_DELAY, partial(self._find_causes, signal)
            )

    def _show_links(
        self, links: tuple[CausalLink, ...] | None, message: MessageTrace | None
    ) -> None:
        """Lay the pane out with ``links`` (None: still looking) and ``message``,
        the trace of the message a RECEIVE, DROP or BACKOFF names by its id (so
        the message itself can be shown too)."""
        self._finding = links is None
        self.links = () if links is None else links
        self._message = message
        self.link = 0
        self._layout()
        self.scroll_rows_to(0)

    def look_again(self) -> None:
        """The whole recording is indexed now: if the links shown were found
        before it was, look again (a link into the rest could have been missing)."""
        if self._partial_links and self.signal is not None:
            self._find_causes(self.signal)

    # Why a description: by default Textual names a worker by the repr of its
    # arguments, and a signal's data may be megabytes (or too deep to repr).
    @work(thread=True, exclusive=True, group="causes", description="find causal links")
    def _find_causes(self, signal: Signal) -> None:
        shown = self.signal
        if shown is None or signal.seq != shown.seq:  # stepped on meanwhile
            return
        complete = self._timeline.progress.done
        links, message = causes_at(self._timeline, signal)
        if not get_current_worker().is_cancelled:
            self.post_message(CausesFound(signal.seq, links, message, complete))

    @on(CausesFound)
    def _causes_found(self, found: CausesFound) -> None:
        shown = self.signal
        if shown is not None and found.seq == shown.seq and (self._finding or self._partial_links):
            self._partial_links = not found.complete
            self._show_links(found.links, found.message)

    def on_unmount(self) -> None:
        """Stop waiting to look for links."""
        if self._causes_timer is not None:
            self._causes_timer.stop()

    def _layout(self) -> None:
        width = max(self.size.width - 1, 20)
        self._width = width
        signal = self.signal
        lines: list[Text] = []
        if signal is None and self._gap is not None:
            lines.append(Text(f"{describe_gap(self._gap)} from the recording", "italic"))
        elif signal is None:
            lines.append(Text("the recording holds no signals", "italic"))
        else:
            head = Text(no_wrap=True, end="")
            head.append(f"seq {signal.seq}  ", "bold")
            head.append(type_name(signal.type), f"bold {type_style(signal.type)}")
            head.append(f"  {self._when}", "dim")
            lines.append(head)
            lines.append(self._owner(signal))
            lines.append(Text(""))
            message = self._message
            if signal.type == SignalType.WAIT and signal.data is None:
                lines.append(Text("a plain receive: it waits for any message", "italic"))
            elif signal.type == SignalType.CRASH and isinstance(signal.data, dict):
                lines.extend(self._crash(signal.data, width))
            elif message is not None and type(signal.data) is int:
                # A RECEIVE's data is only the message's id: name it, then show it.
                label = f"message #{signal.data}: "
                shown = Text(label, "bold")
                shown.append_text(pretty_text(message.message, width - len(label)))
                lines.extend(shown.wrap(self.app.console, width, overflow="fold"))
            else:
                data = pretty_text(signal.data, width - 2)
                lines.extend(data.wrap(self.app.console, width, overflow="fold"))
                if message is not None:
                    shown = Text("the message: ", "bold")
                    shown.append_text(pretty_text(message.message, width - 15))
                    lines.extend(shown.wrap(self.app.console, width, overflow="fold"))
            lines.append(Text(""))
            if self._finding:
                heading = Text("causal links: looking…", "bold dim")
            else:
                heading = Text("causal links" if self.links else "no causal links", "bold")
            lines.append(heading)
        self._first_link_row = len(lines)
        for link in self.links:
            row = Text(no_wrap=True, end="")
            row.append("  → ")
            row.append_text(literal(link.label))
            row.append(f"  seq {link.seq}", "dim")
            lines.append(row)
        self._lines = lines
        self._place_cursor()

    def _crash(self, data: dict[str, object], width: int) -> list[Text]:
        """A CRASH: the error, then its traceback line by line."""
        error = text_of(data.get("error", "?"), NAME_LIMIT)
        head = literal(f"{error}: {text_of(data.get('message', ''), TEXT_LIMIT)}", "bold red")
        head.no_wrap = False
        lines = list(head.wrap(self.app.console, width, overflow="fold"))
        trace = data.get("traceback")
        if isinstance(trace, str) and trace:
            lines.append(Text(""))
            for line in text_of(trace, TRACEBACK_LIMIT).rstrip("\n").split("\n"):
                shown = literal(line)
                shown.no_wrap = False
                lines.extend(shown.wrap(self.app.console, width, overflow="fold"))
        return lines

    def _owner(self, signal: Signal) -> Text:
        owner = Text(no_wrap=True, end="")
        proc = self._process
        if proc is None:
            owner.append(f"pid {signal.pid}")
            return owner
        look = status_look(proc.status)
        owner.append_text(literal(proc.name, "bold"))
        owner.append(f"  {look.symbol} {proc.status.label}", look.style)
        if self._why is not None and self._why.kind not in (WhyKind.RUNNING, WhyKind.ENDED):
            owner.append(" · ", "dim")
            owner.append_text(literal(self._why.short, look.style))
        if proc.parent is not None:
            owner.append(f"  child of pid {proc.parent}", "dim")
        return owner

    def _place_cursor(self) -> None:
        self.cursor_row = self._first_link_row + self.link if self.links else -1
        self.refresh_rows()
        if self.cursor_row >= 0:
            self.scroll_to_row(self.cursor_row)

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap the data for the new width (VirtualList.on_resize runs too)."""
        if max(self.size.width - 1, 20) != self._width:
            self._layout()

    def row_count(self) -> int:
        """Heading, data lines, then one row per link."""
        return len(self._lines)

    def render_row(self, row: int, width: int) -> Text:
        """The prepared line ``row``."""
        return self._lines[row].copy()

    def action_move(self, delta: int) -> None:
        """Highlight the next or previous link (or scroll when there are none)."""
        if self.links:
            self.link = max(0, min(self.link + delta, len(self.links) - 1))
            self._place_cursor()
        else:
            self.scroll_rows_to(self.top + delta)

    @property
    def finding(self) -> bool:
        """True while the links are still being looked for."""
        return self._finding

    def follow(self) -> bool:
        """Follow the highlighted link; False when there is none."""
        if not self.links:
            return False
        self.post_message(self.LinkFollowed(self.links[self.link].seq))
        return True

    def on_row_clicked(self, row: int) -> None:
        """A click on a link follows it."""
        index = row - self._first_link_row
        if 0 <= index < len(self.links):
            self.link = index
            self._place_cursor()
            self.follow()
