"""FilterScreen: choose which signal types the timeline shows, and which process.

Every signal type is listed with a check box (checked: shown), then the
types newer than this program that the recording holds, by number
(``TYPE#42``). The process field takes a pid to keep only that process's
signals, or nothing for all.
A shown type's box reads ``✓``, a hidden one's is empty. Enter (in the
list or the pid field) or "apply" closes with the new
:class:`~tui.view_filter.ViewFilter`;
"show all" clears it; escape leaves the filter as it was.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Button, Input, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import Selection

from chronoflow.inspect import SignalType
from tui.look import type_name, type_style
from tui.view_filter import ViewFilter


class TypeChecklist(SelectionList[int]):
    """The signal types, each with a box that reads ``✓`` when shown and is
    empty when hidden (not colour alone); space toggles one, enter applies."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "apply", "Apply", show=False),
    ]

    class Applied(Message):
        """Enter was pressed in the list: apply the filter."""

    def action_apply(self) -> None:
        """Ask the screen to apply the filter."""
        self.post_message(self.Applied())

    def render_line(self, y: int) -> Strip:
        """The list's line with its box marked ``✓`` (shown) or left empty (hidden)."""
        line = super().render_line(y)
        segments = list(line)
        if len(segments) < 4 or len(segments[1].text) != 1:
            return line  # not the box-and-prompt line SelectionList draws
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        mark = "✓" if option.value in self.selected else " "
        segments[1] = Segment(mark, segments[1].style)
        return Strip(segments, line.cell_length)


class FilterScreen(ModalScreen[ViewFilter | None]):
    """Edit the timeline filter; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: ViewFilter, newer_types: tuple[int, ...] = ()) -> None:
        """``newer_types``: type numbers newer than this program that the recording holds."""
        super().__init__()
        self._current = current
        self._kinds = (*(int(kind) for kind in SignalType), *newer_types)

    def compose(self) -> ComposeResult:
        """The type list, the process field and the buttons."""
        with Vertical(id="filter-box") as box:
            box.border_title = "Filter the timeline"
            yield Static(Text("Signal types shown (space toggles, enter applies):", "bold"))
            yield TypeChecklist(
                *(
                    Selection(
                        Text(type_name(kind), type_style(kind)),
                        kind,
                        kind not in self._current.hidden,
                    )
                    for kind in self._kinds
                ),
                id="filter-types",
            )
            yield Static(Text("Only the process with pid (empty: every process):", "bold"))
            pid = "" if self._current.pid is None else str(self._current.pid)
            yield Input(pid, placeholder="pid", id="filter-pid", type="integer")
            yield Static("", id="filter-error")
            with Horizontal(id="filter-buttons"):
                yield Button("Apply", id="filter-apply", variant="primary")
                yield Button("Show all", id="filter-clear")
                yield Button("Cancel", id="filter-cancel")

    def on_mount(self) -> None:
        """Steady cursor (screenshots must not depend on the moment)."""
        self.query_one(Input).cursor_blink = False

    def chosen(self) -> ViewFilter | None:
        """The filter the form describes, or None (with the error shown) if it is invalid."""
        shown = set(self.query_one(SelectionList).selected)
        hidden = frozenset(kind for kind in self._kinds if kind not in shown)
        text = self.query_one(Input).value.strip()
        try:
            pid = int(text) if text else None
        except ValueError:
            self.query_one("#filter-error", Static).update(Text(f"not a pid: {text!r}", "bold red"))
            return None
        return ViewFilter(hidden, pid)

    @on(Button.Pressed, "#filter-apply")
    @on(Input.Submitted)
    @on(TypeChecklist.Applied)
    def apply(self) -> None:
        """Close with the filter as chosen."""
        chosen = self.chosen()
        if chosen is not None:
            self.dismiss(chosen)

    @on(Button.Pressed, "#filter-clear")
    def clear(self) -> None:
        """Close with no filter."""
        self.dismiss(ViewFilter())

    @on(Button.Pressed, "#filter-cancel")
    def action_cancel(self) -> None:
        """Close, keeping the old filter."""
        self.dismiss(None)
