"""HelpScreen: every key of the debugger, grouped, and every symbol the panels use.

Built from :data:`tui.keys.KEYMAP`, the same table the keys are bound from, so the
help can never list a key that does nothing or miss one that does.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from chronoflow.inspect import Examination, Status
from tui.keys import KEYMAP, PANEL_KEYS, key_display
from tui.look import EXAMINATION_STYLES, status_look
from tui.widgets.scrubber import LEGEND as SCRUBBER_LEGEND


def keys_table() -> Table:
    """Every key: section headings, then key and what it does."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", min_width=16)
    table.add_column()
    for section, bindings in KEYMAP:
        table.add_row(Text(section, "bold underline"), "")
        grouped = None
        for binding in bindings:
            if binding.group is not None and binding.group == grouped:
                continue  # a group of keys (0 … 9) is one row
            grouped = binding.group
            keys = grouped.description if grouped else key_display(binding.key)
            table.add_row(keys, binding.tooltip or binding.description)
        table.add_row("", "")
    table.add_row(Text("In a panel", "bold underline"), "")
    for keys, meaning in PANEL_KEYS:
        table.add_row(keys, meaning)
    # Why imported here: the first paint does not need predict mode.
    from tui.screens.predict import PREDICT_KEYS

    table.add_row("", "")
    table.add_row(Text("In predict mode (e)", "bold underline"), "")
    for keys, meaning in PREDICT_KEYS:
        table.add_row(keys, meaning)
    return table


def legend() -> Table:
    """Every symbol the panels use, and the words the mailbox marks messages with."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", min_width=16)
    table.add_column()

    def section(title: str) -> None:
        table.add_row("", "")
        table.add_row(Text(title, "bold underline"), "")

    table.add_row(Text("Process status", "bold underline"), "")
    for status in Status:
        look = status_look(status)
        table.add_row(Text(look.symbol, look.style), Text(status.label, look.style))
    table.add_row(
        "",
        Text(
            "ready: its receive found the message it waits for (or the child it joins "
            "ended); it runs when its turn comes",
            "dim",
        ),
    )
    section("Process tree")
    for symbol, style, meaning in (
        ("▸", "bold", "the process of the current signal"),
        ("alice: Account[5]", "bold", "a process registered under a name (REGISTER)"),
        ("✉ 3", "bold", "messages in its inbox"),
        ("· select f", "", "what it waits for: receive, select or filter and its pattern, join"),
        ("· call alice", "", "a call waits for the reply of the process it called"),
        ("· #12 matches", "green", "what made a ready process ready"),
        ("⏱2s", "blue", "an armed timer: a receive's timeout, or a sleep"),
        ("« …", "bold black on yellow", "what the current signal changed in that process"),
        ("↻2", "bold magenta", "children a supervisor has restarted"),
        ("⚑trap", "cyan", "it traps exits: exit signals arrive as messages"),
        ("⛓4,5", "dim cyan", "the pids it is linked with"),
    ):
        table.add_row(Text(symbol, style), meaning)
    section("Mailbox and timeline")
    for symbol, style, meaning in (
        ("#12", "bold", "a message, named by the seq of the SEND or DELIVER that made it"),
        ("@12", "dim", "the seq it arrived in this inbox (in a summary: a use call's seq)"),
        ("inherited", "dim italic", "a copy the process got from its parent's inbox at spawn"),
        ("did not match", EXAMINATION_STYLES[Examination.PASSED_OVER], "its waiting "
         "receive examined it and passed it over (the pattern is named)"),
        ("matches", EXAMINATION_STYLES[Examination.MATCHES], "the receive takes it when "
         "the process runs (and the seq it is taken at)"),
        ("not yet examined", EXAMINATION_STYLES[Examination.UNEXAMINED], "no receive "
         "has looked at it yet"),
        ("« new", "bold black on yellow", "the current signal put it there"),
        ("« received", "bold black on yellow", "the current signal took it out (listed "
         "last, struck through); « dropped: a filter; « evicted: a full inbox"),
        ("… seqs 9–14 missing …", "dim italic", "seqs a salvaged copy lacks (steps go across)"),
        ("TYPE#42", "", "a signal type newer than this program: shown, not folded"),
    ):  # fmt: skip
        table.add_row(Text(symbol, style), meaning)
    section("Scrubber (the line under the panels: the whole recording)")
    for symbol, style, meaning in SCRUBBER_LEGEND:
        table.add_row(Text(symbol, style), meaning)
    table.add_row(Text("★ [name]", "bold yellow"), "(timeline) a bookmarked seq, and its name (N)")
    section("Banners and status bar")
    table.add_row(
        Text("⚠", "bold"), "the recording is damaged, lacks seqs, or was not closed cleanly"
    )
    table.add_row(
        Text("⛔", "bold"), "the run ends in a deadlock (D goes there, w lists the waits)"
    )
    table.add_row(
        Text("■", "bold"), "(status bar) processes left waiting forever for messages from here on"
    )
    return table


class HelpScreen(ModalScreen[None]):
    """The key reference; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        """The keys, then the legend, in a scrolling box."""
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys — escape closes"
            yield Static(keys_table(), id="help-keys")
            yield Static(legend(), id="help-legend")

    def action_dismiss(self) -> None:  # type: ignore[override]
        """Close the help."""
        self.dismiss(None)
