"""Mailbox: the selected process's inbox at the current seq, as its receive sees it.

The first rows say what the process is doing, in the engine's words: its
status, why it is not running (``waits for a message matching
reply_to(102) since seq 6 (timeout 3 s, due at +3.000s)``, ``is ready:
message #12 matches reply_to(102)``, ``joins Child[3] since seq 9``) and
since when it runs its template. Then every message in inbox order, on two
lines: its value, then its identity, its sender, the seq it arrived in
this inbox, and what the process's receive makes of it: *did not match*
its pattern, *matches* (and the seq it is taken at), *not yet examined*.
Messages that arrived with the current signal are marked ``« new``, and
those the current signal took out are listed last, struck through, ``«
received``, ``« dropped`` or ``« evicted``, so a student sees a RECEIVE
take its message.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual import events

from chronoflow.inspect import (
    Examination,
    Mailbox,
    MailboxEntry,
    ProcessState,
    Status,
    Why,
    World,
)
from tui.literal import literal, value_text
from tui.look import EXAMINATION_STYLES, status_look
from tui.widgets.virtual_list import VirtualList

_WRAP = Console(width=200, color_system=None)


class MailboxPane(VirtualList):
    """The inbox of one process at one seq; see the module docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._heading: list[Text] = []
        self._entries: tuple[MailboxEntry, ...] = ()
        self._removed: tuple[tuple[MailboxEntry, str], ...] = ()
        self._world: World | None = None
        self.process: ProcessState | None = None
        self.view: Mailbox | None = None
        self.why: Why | None = None
        self._shown: tuple[object, ...] = ()
        self._width = 0

    def show(
        self, world: World | None, pid: int | None, view: Mailbox | None, why: Why | None
    ) -> None:
        """Show ``pid``'s inbox ``view`` in ``world`` (None: not indexed yet), with
        ``why`` it is not running.

        Nothing is repainted when what would be shown is what is shown already
        (most steps change other processes).
        """
        proc = (
            world.process(pid) if world is not None and pid is not None and pid in world else None
        )
        # Why not the view and the why themselves: both name the seq, which
        # every step changes; what they say of the process often stays put.
        shown = (
            world is None,
            pid,
            proc,
            None if view is None else (view.entries, view.removed),
            None if why is None else (why.kind, why.sentence),
        )
        self._world = world
        if shown == self._shown:
            return
        self._shown = shown
        self.process, self.view, self.why = proc, view, why
        self._entries, self._removed = (), ()
        if view is not None:
            self._entries = view.entries
            self._removed = tuple(
                (MailboxEntry(removed.entry, Examination.UNEXAMINED), removed.how.value)
                for removed in view.removed
            )
        self._layout()
        self.cursor_row = -1
        self.refresh_rows()

    def _layout(self) -> None:
        self._width = max(self.size.width - 1, 20)
        world, pid, proc = self._world, self._shown[1] if self._shown else None, self.process
        if world is None:
            self._heading = [Text("indexing… this seq is not indexed yet", "italic")]
        elif pid is None:
            self._heading = [Text("no process selected: click one in the tree", "italic")]
        elif proc is None:
            self._heading = [Text(f"process {pid} has not started at this seq", "italic")]
        else:
            self._heading = self._describe(proc)

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap the heading for the new width (VirtualList.on_resize runs too)."""
        if max(self.size.width - 1, 20) != self._width and self.process is not None:
            self._layout()
            self.refresh_rows()

    def _describe(self, proc: ProcessState) -> list[Text]:
        look = status_look(proc.status)
        title = Text(no_wrap=True, end="")
        title.append(f"{look.symbol} ", look.style)
        title.append_text(literal(proc.name, "bold"))
        title.append(f"  {proc.status.label}", look.style)
        lines = [title]
        if self.why is not None and proc.status is not Status.RUNNING:
            sentence = literal(self.why.sentence, look.style if proc.status.ended else "")
            lines.extend(_wrapped(sentence, self._width))
        since = Text(no_wrap=True, end="")
        since.append_text(literal(f"runs {proc.template} since seq {proc.template_since}", "dim"))
        if proc.transitions:
            since.append_text(literal(f" (started as {proc.started_as})", "dim"))
        lines.append(since)
        lines.extend(_wrapped(self._summary(), self._width))
        return lines

    def _summary(self) -> Text:
        count = len(self._entries)
        summary = Text(end="")
        summary.append("inbox: ", "bold")
        summary.append("empty" if not count else f"{count} message{'s' * (count != 1)}")
        passed = [e for e in self._entries if e.examination is Examination.PASSED_OVER]
        named = None
        if passed:
            named = passed[0].pattern
            what = "did not match" if named is None else f"did not match {named}"
            summary.append_text(literal(f" — {len(passed)} {what}", "yellow"))
        matching = self.view.matching if self.view is not None else None
        if matching is not None:
            label = matching.label
            if named is not None:
                label = label.replace(f" {named}", "")
            style = EXAMINATION_STYLES[matching.examination]
            summary.append_text(literal(f"; #{matching.entry.id} {label}", style))
        return summary

    def row_count(self) -> int:
        """The heading, then two rows per message, then the ones just taken out."""
        return len(self._heading) + 2 * (len(self._entries) + len(self._removed))

    def _sender(self, sender: int | None) -> Text:
        if sender is None:
            return Text("outside", "italic")
        if self._world is not None and sender in self._world:
            return literal(self._world.process(sender).name)
        return Text(f"pid {sender}")

    def render_row(self, row: int, width: int) -> Text:
        """A heading line, or one of a message's two lines.

        ``  1. 'the message'`` then ``     #12 from Server[0] @12  did not match
        reply_to(102)``: the value gets a whole line, because it is what a
        reader looks for.
        """
        if row < len(self._heading):
            return self._heading[row].copy()
        index, second = divmod(row - len(self._heading), 2)
        removed = index >= len(self._entries)
        if removed:
            mark, how = self._removed[index - len(self._entries)]
        else:
            mark, how = self._entries[index], ""
        entry = mark.entry
        text = Text(no_wrap=True, end="")
        if not second:
            text.append(f"{index + 1:>3}. " if not removed else "   - ", "bold")
            text.append_text(value_text(entry.message, max(width, 40)))
            if removed:
                text.stylize("strike dim")
            return text
        text.append(f"     #{entry.id}", "bold")
        text.append(" from ", "dim")
        text.append_text(self._sender(entry.sender))
        text.append(f" @{entry.arrived}", "dim")
        if entry.inherited:
            text.append(" inherited", "dim italic")
        if removed:
            text.append(f"  « {how}", "bold black on yellow")
            return text
        if mark.new:
            text.append("  « new", "bold black on yellow")
        label = mark.label
        if text.cell_len + 2 + len(label) > width and mark.pattern is not None:
            # Why: the summary line names the pattern (and when the match is
            # taken) once; a narrow panel keeps what matters on each row.
            label = label.replace(f" {mark.pattern}", "")
        if text.cell_len + 2 + len(label) > width:
            label = label.split(",")[0]
        text.append("  ")
        text.append_text(literal(label, EXAMINATION_STYLES[mark.examination]))
        return text


def _wrapped(text: Text, width: int) -> list[Text]:
    """``text`` cut into lines of at most ``width`` cells (words kept whole)."""
    text = text.copy()
    text.no_wrap = False
    text.end = ""
    lines = list(text.wrap(_WRAP, width, overflow="fold"))
    for line in lines:
        line.no_wrap = True
    return lines
