"""PendingScreen: what the whole world waits on at the current seq.

The engine's :meth:`Timeline.pending <chronoflow.inspect.Timeline.pending>`
as a list: the standstill the recording ends in when the seq lies in it
(a deadlock draws its wait-for cycle), every blocked process and why, the
ready ones, ``use`` calls in flight, armed timers with their due times,
messages sent and not yet received, per inbox, and the outbox. A row that
names a seq (where a wait began, a message arrived, a timer was armed) is
a jump: enter (or a click) closes the screen there.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from chronoflow.inspect import Pending, Timeline, addressee
from tui.literal import literal, short_repr

Row = tuple[Text, int | None]


def pending_rows(timeline: Timeline, pending: Pending) -> list[Row]:
    """The rows of the screen: ``(text, seq to jump to or None)``."""
    world = timeline.state_at(pending.seq)
    origin = timeline.origin

    def name(pid: int) -> str:
        return world.process(pid).name if pid in world else f"process {pid}"

    def heading(title: str, count: int) -> Row:
        shown = f"{title} ({count})" if count else f"{title}: none"
        return Text(shown, "bold underline"), None

    rows: list[Row] = []
    if len(world) and all(proc.status.ended for proc in world):
        rows.append((Text(f"every process has ended ({len(world)})", "green"), None))
    standstill = pending.standstill
    if standstill is not None:
        style = "bold red" if standstill.deadlock else "bold yellow"
        rows.append((Text(standstill.describe(), style), standstill.since))
        if standstill.cycle:
            cycle = " → ".join(name(pid) for pid in (*standstill.cycle, standstill.cycle[0]))
            text = Text("wait-for cycle: ", "red")
            text.append_text(literal(cycle, "bold red"))
            rows.append((text, None))
        for edge in (*standstill.edges, *standstill.dead_ends):
            rows.append(
                (literal(f"  {name(edge.pid)} waits for {name(edge.on)} ({edge.how})"), None)
            )
        rows.append((Text(""), None))
    elif pending.quiet:
        quiet = "quiet: every live process is blocked and nothing pending can wake one"
        if pending.resumed_at is not None:
            quiet += f"; input from outside moved it on at seq {pending.resumed_at}"
        rows.append((Text(quiet, "yellow"), pending.resumed_at))
        rows.append((Text(""), None))
    rows.append(heading("Blocked", len(pending.blocked)))
    for why in pending.blocked:
        rows.append((literal(f"  {name(why.pid)} {why.sentence}"), why.since))
    rows.append(heading("Ready", len(pending.ready)))
    for why in pending.ready:
        rows.append((literal(f"  {name(why.pid)} {why.sentence}", "green"), why.since))
    rows.append(heading("Use calls in flight", len(pending.uses)))
    for use in pending.uses:
        shown = short_repr(list(use.args[:50]), 120)  # the arguments, without the brackets
        args = shown[1:-1] if shown.endswith("]") else shown[1:]
        rows.append((literal(f"  {name(use.pid)}: {use.fn}({args}) since seq {use.seq}"), use.seq))
    rows.append(heading("Timers", len(pending.timers)))
    for timer in pending.timers:
        what = "sleep" if timer.sleep else "receive timeout"
        due = "" if timer.due is None else f", due at +{timer.due - origin:.3f}s"
        armed = f"  {name(timer.pid)}: {what} {timer.seconds:g} s armed at seq {timer.wait}{due}"
        rows.append((literal(armed), timer.wait))
    unreceived = sum(len(entries) for _, entries in pending.inboxes)
    rows.append(heading("Messages not yet received", unreceived))
    for pid, entries in pending.inboxes:
        for entry in entries:
            sender = "outside" if entry.sender is None else name(entry.sender)
            text = literal(f"  {name(pid)}: #{entry.id} {short_repr(entry.message, 60)}")
            text.append_text(literal(f"  from {sender}, arrived at {entry.arrived}", "dim"))
            rows.append((text, entry.arrived))
    rows.append(heading("Outbox (reached no inbox)", len(pending.outbox)))
    for item in pending.outbox:
        to = addressee(timeline, item.to, item.id)
        text = literal(f"  #{item.id} {short_repr(item.message, 60)}")
        text.append_text(literal(f"  from {name(item.sender)}, routed to {to}", "dim"))
        rows.append((text, item.id))
    return rows


class PendingScreen(ModalScreen[int | None]):
    """What the world waits on; closes with the seq of the row chosen, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,w", "close", "Close"),
    ]

    def __init__(self, timeline: Timeline, pending: Pending) -> None:
        super().__init__()
        self._rows = pending_rows(timeline, pending)
        self._seq = pending.seq
        self._total = len(timeline)

    def compose(self) -> ComposeResult:
        """A title line, then the rows."""
        with Vertical(id="pending-box") as box:
            box.border_title = f"What the world waits on at seq {self._seq} — escape closes"
            yield Static(Text("enter on a row with a seq goes there", "dim"), id="pending-hint")
            options = [
                Option(text, id=None if seq is None else f"seq-{index}-{seq}")
                for index, (text, seq) in enumerate(self._rows)
            ]
            yield OptionList(*options, id="pending-list")

    def on_mount(self) -> None:
        """Focus the list, so the arrows move in it at once."""
        self.query_one(OptionList).focus()

    @property
    def rows(self) -> list[Row]:
        """The rows shown (for tests)."""
        return self._rows

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        if option_id is not None:
            seq = int(option_id.rsplit("-", 1)[1])
            if 0 <= seq < self._total:
                self.dismiss(seq)

    def action_close(self) -> None:
        """Close without moving."""
        self.dismiss(None)
