"""Mailbox: the selected process's inbox at the current seq.

The first rows say what the process is doing (its status, and for a
blocked process what it waits for: ``select reply_to(102)``, ``join 4``, a
pending ``use``); then every message in inbox order, on two lines: its
value, then its identity, its sender and the seq it arrived in this inbox. While the process
waits in a ``select`` or ``filter``, the messages it passes over are marked
``skipped``; messages that arrived with the current signal are marked
``« new``, and those the current signal took out are listed last, struck
through, so a student sees a RECEIVE take its message.
"""

from __future__ import annotations

from rich.text import Text

from chronoflow.inspect import InboxEntry, ProcessState, Status, WaitMode, World, WorldDiff
from chronoflow.signals import SignalType
from tui.literal import literal, value_text
from tui.look import status_look
from tui.widgets.virtual_list import VirtualList


class Mailbox(VirtualList):
    """The inbox of one process at one seq; see the module docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._heading: list[Text] = []
        self._entries: tuple[InboxEntry, ...] = ()
        self._removed: tuple[InboxEntry, ...] = ()
        self._added: frozenset[int] = frozenset()
        self._skipping: str | None = None
        self._removed_as = "received"
        self._world: World | None = None
        self.process: ProcessState | None = None
        self._shown: tuple[object, ...] = ()

    def show(
        self,
        world: World | None,
        pid: int | None,
        changed: WorldDiff | None,
        signal_type: int | None,
    ) -> None:
        """Show the inbox of ``pid`` in ``world`` (None: not indexed yet).

        Nothing is repainted when the process, its marks and the sender
        names are what is shown already (most steps change other processes).
        """
        proc = (
            world.process(pid) if world is not None and pid is not None and pid in world else None
        )
        change = changed.get(pid) if changed is not None and pid is not None else None
        shown = (world is None, pid, proc, change, signal_type if change is not None else None)
        if shown == self._shown and (proc is None or not proc.inbox):
            self._world = world
            return
        self._shown = shown
        self._world = world
        self.process = None
        self._entries, self._removed, self._added = (), (), frozenset()
        self._skipping = None
        if world is None:
            self._heading = [Text("indexing… this seq is not indexed yet", "italic")]
        elif pid is None:
            self._heading = [Text("no process selected: click one in the tree", "italic")]
        elif pid not in world:
            self._heading = [Text(f"process {pid} has not started at this seq", "italic")]
        else:
            proc = self.process = world.process(pid)
            change = changed.get(pid) if changed is not None else None
            self._entries = proc.inbox
            if change is not None:
                self._added = frozenset(entry.id for entry in change.added)
                self._removed = change.removed
            self._removed_as = "dropped" if signal_type == SignalType.DROP else "received"
            wait = proc.wait
            if (
                proc.status is Status.WAITING
                and wait is not None
                and wait.mode in (WaitMode.SELECT, WaitMode.FILTER)
            ):
                self._skipping = wait.describe()
            self._heading = self._describe(proc)
        self.cursor_row = -1
        self.refresh_rows()

    @staticmethod
    def _sender_names(world: World | None, proc: ProcessState | None) -> tuple[str, ...]:
        if world is None or proc is None or not proc.inbox:
            return ()
        senders = {entry.sender for entry in proc.inbox}
        return tuple(
            sorted(world.process(pid).name for pid in senders if pid is not None and pid in world)
        )

    def _describe(self, proc: ProcessState) -> list[Text]:
        look = status_look(proc.status)
        title = Text(no_wrap=True, end="")
        title.append(f"{look.symbol} ", look.style)
        title.append_text(literal(proc.name, "bold"))
        title.append(f"  {proc.status.label}", look.style)
        lines = [title, self._doing(proc)]
        count = len(proc.inbox)
        summary = Text(no_wrap=True, end="")
        summary.append("inbox: ", "bold")
        summary.append("empty" if not count else f"{count} message{'s' * (count != 1)}")
        skipped = sum(1 for entry in proc.inbox if entry.id not in self._added)
        if self._skipping and skipped:
            summary.append_text(literal(f" — {skipped} skipped by {self._skipping}", "yellow"))
        lines.append(summary)
        return lines

    def _doing(self, proc: ProcessState) -> Text:
        line = Text(no_wrap=True, end="")
        if proc.wait is not None:
            line.append("waits in ")
            line.append_text(literal(proc.wait.describe(), "bold"))
            line.append(f" since seq {proc.wait.since}", "dim")
        elif proc.use is not None:
            line.append("waits on use ")
            line.append_text(literal(proc.use.fn, "bold"))
            line.append(f" since seq {proc.use.seq}", "dim")
        elif proc.crash is not None:
            line.append("raised ")
            line.append_text(literal(f"{proc.crash.error}: {proc.crash.message}", "red"))
        elif proc.status is Status.STOPPED:
            line.append("returned ")
            line.append_text(value_text(proc.result))
        elif proc.kill_reason is not None:
            line.append("killed: ")
            line.append_text(literal(proc.kill_reason))
        else:
            line.append_text(literal(f"runs {proc.template} since seq {proc.started}", "dim"))
        return line

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

        ``  1. 'the message'`` then ``     #12 from Server[0] @12  skipped``:
        the value gets a whole line, because it is what a reader looks for.
        """
        if row < len(self._heading):
            return self._heading[row].copy()
        index, second = divmod(row - len(self._heading), 2)
        removed = index >= len(self._entries)
        entry = self._removed[index - len(self._entries)] if removed else self._entries[index]
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
            text.append(f"  « {self._removed_as}", "bold black on yellow")
        elif entry.id in self._added:
            text.append("  « new", "bold black on yellow")
        elif self._skipping:
            text.append("  skipped", "yellow")
        return text
