"""ProcessTable: every process at one seq as a sortable, filterable table.

An observer-style view of the engine's :class:`~chronoflow.inspect.Census`:
a row per process with its pid, registered name (a column only when the
recording names processes), template, status, inbox length, signals so
far and what it waits for (the engine's short :class:`~chronoflow.inspect.Why`,
as the process tree shows it). Rows are sorted by one column (again:
reversed) and filtered by a text that must appear in the row. Ended
processes are left out unless asked for.

Why a :class:`~tui.widgets.virtual_list.VirtualList`: a world may hold
tens of thousands of processes, and only the rows on screen are drawn;
sorting and filtering work on the census's small rows. What a process
waits for costs a :func:`~chronoflow.inspect.why`, so it is asked for the
rows drawn, and for every row only when the rows are sorted or filtered
by it (then once per table).

:class:`TableHeader` is the line of column titles above the list; a click
on a title sorts by that column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget

from chronoflow.inspect import Census, CensusRow, Status, why
from tui.literal import literal
from tui.look import status_look
from tui.widgets.virtual_list import VirtualList

_STATUS_ORDER = {status: index for index, status in enumerate(Status)}


#: The key that sorts by each column (the letter underlined in its title).
SORT_KEYS: tuple[tuple[str, str], ...] = (
    ("P", "pid"),
    ("N", "name"),
    ("T", "template"),
    ("S", "status"),
    ("I", "inbox"),
    ("G", "signals"),
    ("W", "wait"),
)


class Column(NamedTuple):
    """One column: its name, title, the letter of the title its key is, its width."""

    name: str
    title: str
    #: Where in the title the letter of its sort key is (underlined in the header).
    letter: int
    width: int
    right: bool = False


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class ProcessTable(VirtualList):
    """The rows of one census; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous row", show=False),
        Binding("down,j", "move(1)", "Next row", show=False),
        Binding("pageup", "move(-20)", "Page up", show=False),
        Binding("pagedown", "move(20)", "Page down", show=False),
        Binding("home", "move(-1000000000)", "First row", show=False),
        Binding("end", "move(1000000000)", "Last row", show=False),
    ]

    @dataclass
    class Chosen(Message):
        """A row was chosen (enter, or a click on the highlighted row)."""

        pid: int

    def __init__(
        self, census: Census, *, selected: int | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.census = census
        #: Sorted by this column, reversed or not.
        self.sort_by = "pid"
        self.reverse = False
        #: The text every row shown contains (lower case), and whether ended ones show.
        self.filter_text = ""
        self.show_ended = False
        self._waits: dict[int, str] = {}
        self._haystacks: dict[int, str] = {}
        self.shown: list[CensusRow] = []
        self._chosen_pid = selected
        self.columns = self._columns()
        self._arrange_rows()

    # -- what is shown -------------------------------------------------------------

    def _columns(self) -> tuple[Column, ...]:
        rows = self.census.rows
        pid = max((len(str(row.pid)) for row in rows), default=1)
        signals = max((len(f"{row.signals:,}") for row in rows), default=1)
        template = max((len(row.template) for row in rows), default=8)
        columns = [Column("pid", "pid", 0, max(pid, 3), right=True)]
        if self.census.named:
            name = max((len(row.registered_name or "") for row in rows), default=4)
            columns.append(Column("name", "name", 0, min(max(name, 4), 14)))
        columns += [
            Column("template", "template", 0, min(max(template, 8), 18)),
            Column("status", "status", 0, 10),
            Column("inbox", "inbox", 0, 5, right=True),
            Column("signals", "signals", 2, max(signals, 7), right=True),
            Column("wait", "waits for", 0, 0),
        ]
        # Why one more than the title: the sort column's title carries ▲ or ▼.
        return tuple(
            column._replace(width=max(column.width, len(column.title) + 1)) for column in columns
        )

    def wait_of(self, row: CensusRow) -> str:
        """What ``row``'s process waits for (empty while it runs or once it has ended)."""
        text = self._waits.get(row.pid)
        if text is None:
            if row.alive and row.status is not Status.RUNNING:
                text = why(self.census.world, row.pid).short
            else:
                text = ""
            self._waits[row.pid] = text
        return text

    def _haystack(self, row: CensusRow) -> str:
        text = self._haystacks.get(row.pid)
        if text is None:
            name = row.registered_name or ""
            parts = (str(row.pid), name, row.template, row.status.value, self.wait_of(row))
            text = self._haystacks[row.pid] = " ".join(parts).lower()
        return text

    def _sort_key(self) -> Callable[[CensusRow], Any]:
        by = self.sort_by
        if by == "name":
            return lambda row: (row.registered_name is None, row.registered_name or "", row.pid)
        if by == "template":
            return lambda row: (row.template, row.pid)
        if by == "status":
            return lambda row: (_STATUS_ORDER.get(row.status, 99), row.pid)
        if by == "inbox":
            return lambda row: (row.inbox, row.pid)
        if by == "signals":
            return lambda row: (row.signals, row.pid)
        if by == "wait":
            return lambda row: (self.wait_of(row), row.pid)
        return lambda row: row.pid

    def rearrange(self) -> None:
        """Filter and sort the rows again, keeping the highlighted process if shown."""
        self._arrange_rows()
        self.refresh_rows()
        if self.cursor_row >= 0:
            self.scroll_to_row(self.cursor_row)

    def _arrange_rows(self) -> None:
        rows = [row for row in self.census.rows if self.show_ended or row.alive]
        needle = self.filter_text
        if needle:
            rows = [row for row in rows if needle in self._haystack(row)]
        rows.sort(key=self._sort_key(), reverse=self.reverse)
        self.shown = rows
        pids = [row.pid for row in rows]
        keep = self._chosen_pid
        self.cursor_row = pids.index(keep) if keep in pids else (0 if rows else -1)

    def sort(self, name: str) -> None:
        """Sort by column ``name``; sorting by the same column again reverses."""
        if name == self.sort_by:
            self.reverse = not self.reverse
        else:
            self.sort_by, self.reverse = name, False
        self.rearrange()

    def filter(self, text: str) -> None:
        """Show only the rows that contain ``text`` (case does not matter)."""
        self.filter_text = text.strip().lower()
        self.rearrange()

    def toggle_ended(self) -> None:
        """Show the processes that have ended too, or hide them again."""
        self.show_ended = not self.show_ended
        self.rearrange()

    @property
    def highlighted(self) -> CensusRow | None:
        """The row under the cursor."""
        return self.shown[self.cursor_row] if 0 <= self.cursor_row < len(self.shown) else None

    # -- drawing ---------------------------------------------------------------------

    def row_count(self) -> int:
        """One row per process shown."""
        return len(self.shown)

    def render_row(self, row: int, width: int) -> Text:
        """``  12 alice    Account        ○ waiting     2     1,204 receive``."""
        entry = self.shown[row]
        text = Text(no_wrap=True, end="")
        used = 0
        for column in self.columns:
            cell = max(column.width, width - used - 1) if column.name == "wait" else column.width
            if used:
                text.append(" ")
            text.append_text(self._cell(entry, column, cell))
            used += cell + 1
        return text

    def _cell(self, row: CensusRow, column: Column, width: int) -> Text:
        name = column.name
        if name == "status":
            look = status_look(row.status)
            return Text(_cut(f"{look.symbol} {row.status.value}", width).ljust(width), look.style)
        if name == "pid":
            return Text(str(row.pid).rjust(width), "bold")
        if name == "inbox":
            return Text(str(row.inbox).rjust(width), "bold" if row.inbox else "dim")
        if name == "signals":
            return Text(f"{row.signals:,}".rjust(width))
        raw = {"name": row.registered_name or "", "template": row.template}.get(name)
        if raw is None:
            raw = self.wait_of(row)
        shown = literal(
            _cut(raw, width), "bold" if name != "wait" else status_look(row.status).style
        )
        if name != "wait":  # the last column: nothing to line up after it
            shown.pad_right(width - shown.cell_len)
        return shown

    def header(self, width: int) -> Text:
        """The titles, the sort column's marked with ▲ (ascending) or ▼."""
        text = Text(no_wrap=True, end="", style="bold")
        used = 0
        for column in self.columns:
            cell = max(column.width, width - used - 1) if column.name == "wait" else column.width
            title = column.title
            if column.name == self.sort_by:
                title += "▼" if self.reverse else "▲"
            title = _cut(title, cell)
            part = Text(title.rjust(cell) if column.right else title.ljust(cell))
            at = part.plain.find(column.title[column.letter])
            if at >= 0:
                part.stylize("underline", at, at + 1)
            if column.name == self.sort_by:
                part.stylize("reverse")
            if used:
                text.append(" ")
            text.append_text(part)
            used += cell + 1
        return text

    def column_at(self, x: int, width: int) -> str | None:
        """The column drawn at ``x`` (of a line ``width`` wide), if any."""
        used = 0
        for column in self.columns:
            cell = max(column.width, width - used - 1) if column.name == "wait" else column.width
            if used <= x < used + cell + 1:
                return column.name
            used += cell + 1
        return None

    # -- moving ---------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Highlight the row ``delta`` rows away."""
        if not self.shown:
            return
        before = self.cursor_row
        self.cursor_row = max(0, min(max(self.cursor_row, 0) + delta, len(self.shown) - 1))
        self._chosen_pid = self.shown[self.cursor_row].pid
        self.refresh_some_rows((before, self.cursor_row))
        self.scroll_to_row(self.cursor_row)

    def on_row_clicked(self, row: int) -> None:
        """A click highlights a row; a click on the highlighted row chooses it."""
        if row == self.cursor_row:
            self.post_message(self.Chosen(self.shown[row].pid))
        else:
            self.action_move(row - self.cursor_row)


class TableHeader(Widget):
    """The column titles of a :class:`ProcessTable`; a click sorts by a column."""

    DEFAULT_CSS = """
    TableHeader {
        height: 1;
    }
    """

    def __init__(self, table: ProcessTable, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._table = table

    def render(self) -> Text:
        """The table's titles at the table's width (less its scroll bar)."""
        return self._table.header(self._width())

    def _width(self) -> int:
        # Why its own width: it spans the table's width, less the table's scroll bar.
        table = self._table
        bar = 1 if table.row_count() > table.page > 0 else 0
        return max(self.size.width - bar, 20)

    def on_click(self, event: events.Click) -> None:
        """Sort by the column clicked."""
        name = self._table.column_at(event.x, self._width())
        if name is not None:
            self._table.sort(name)
            self.refresh()
