"""ProcessTableScreen: every process at the current seq, as a table (``P``).

The engine's census (:meth:`Timeline.census <chronoflow.inspect.Timeline.census>`)
shown by a :class:`~tui.widgets.process_table.ProcessTable`: live processes
(``E``: ended ones too), sorted by a column (the shifted letter underlined
in its title, or a click on the title; again: reversed) and filtered by
what is typed (the filter field takes every key a sort or a move does not,
so typing ``client`` keeps the rows that say it). Enter, or a click on the
highlighted row, closes the table with that process, which the debugger
then selects in its tree; escape closes it without.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from chronoflow.inspect import Census
from tui.widgets.process_table import SORT_KEYS, ProcessTable, TableHeader

HINT = (
    "type to filter · P N T S I G W sort by that column (again: reverse)\n"
    "E ended ones too · ↑ ↓ move · enter selects it in the tree · escape closes"
)


#: Printable keys the rows act on rather than typing them into the filter.
_BOUND = frozenset({*(key for key, _ in SORT_KEYS), "E", "slash", "j", "k"})


class ProcessTableScreen(ModalScreen[int | None]):
    """The process table; closes with the pid chosen, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", show=False),
        Binding("enter", "choose", "Select", show=False),
        Binding("E", "toggle_ended", "Ended too", show=False),
        Binding("slash", "focus_filter", "Filter", show=False),
        # From the filter field too, the arrows and page keys move in the rows
        # (the rows' own keys take them when the rows have the focus).
        Binding("up", "move(-1)", "Previous row", show=False),
        Binding("down", "move(1)", "Next row", show=False),
        Binding("pageup", "move(-20)", "Page up", show=False),
        Binding("pagedown", "move(20)", "Page down", show=False),
        *(
            Binding(key, f"sort('{name}')", f"Sort by {name}", show=False)
            for key, name in SORT_KEYS
        ),
    ]

    def __init__(self, census: Census, *, selected: int | None = None) -> None:
        super().__init__()
        self._census = census
        self._selected = selected

    @property
    def table(self) -> ProcessTable:
        """The table of processes."""
        return self.query_one(ProcessTable)

    def compose(self) -> ComposeResult:
        """Title, filter field, column titles, the rows, the hint."""
        table = ProcessTable(self._census, selected=self._selected, id="processes-table")
        with Vertical(id="processes-box") as box:
            box.border_title = self._title(table)
            # Why not selected on focus: the key that moved the focus here is in it.
            yield Input(
                placeholder="filter: pid, name, template, status, wait",
                id="processes-filter",
                select_on_focus=False,
            )
            yield TableHeader(table, id="processes-header")
            yield table
            yield Static(Text(HINT, "dim"), id="processes-hint")

    def on_mount(self) -> None:
        """The rows take the keys: arrows move, shifted letters sort, others filter."""
        self.table.focus()

    def _title(self, table: ProcessTable) -> str:
        census = self._census
        alive = sum(1 for row in census.rows if row.alive)
        ended = len(census.rows) - alive
        shown = f"{len(table.shown):,} shown" if table.filter_text else ""
        parts = [f"{alive:,} alive", f"{ended:,} ended", shown]
        return f"Processes at seq {census.seq:,} — " + ", ".join(part for part in parts if part)

    def _arranged(self) -> None:
        self.query_one(TableHeader).refresh()
        self.query_one("#processes-box").border_title = self._title(self.table)

    # -- keys -----------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A printable key that sorts or moves nothing goes to the filter field."""
        field = self.query_one(Input)
        if self.focused is field or not event.is_printable or event.character is None:
            return
        if event.key in _BOUND:
            return  # a binding: sort, ended ones, the filter field, move
        event.stop()
        event.prevent_default()
        field.focus()
        field.insert_text_at_cursor(event.character)

    def action_sort(self, name: str) -> None:
        """Sort by column ``name`` (again: reverse)."""
        self.table.sort(name)
        self._arranged()

    def action_toggle_ended(self) -> None:
        """Show ended processes too, or hide them again."""
        self.table.toggle_ended()
        self._arranged()

    def action_move(self, delta: int) -> None:
        """Move the highlight ``delta`` rows."""
        self.table.action_move(delta)

    def action_focus_filter(self) -> None:
        """Move to the filter field."""
        self.query_one(Input).focus()

    def action_choose(self) -> None:
        """Close with the highlighted process."""
        row = self.table.highlighted
        if row is not None:
            self.dismiss(row.pid)

    def action_close(self) -> None:
        """In the filter field: back to the rows; in the rows: close without choosing."""
        if self.focused is self.query_one(Input):
            self.table.focus()
        else:
            self.dismiss(None)

    @on(Input.Changed, "#processes-filter")
    def _filtered(self, event: Input.Changed) -> None:
        self.table.filter(event.value)
        self._arranged()

    @on(Input.Submitted, "#processes-filter")
    def _submitted(self) -> None:
        self.action_choose()

    @on(ProcessTable.Chosen)
    def _clicked(self, message: ProcessTable.Chosen) -> None:
        self.dismiss(message.pid)
