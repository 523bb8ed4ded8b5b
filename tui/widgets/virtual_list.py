"""VirtualList: a scrolling list that renders only the rows on screen.

The base of the timeline, the process tree and the mailbox. Built on
Textual's Line API (:class:`~textual.scroll_view.ScrollView` and
``render_line``): the list knows only how many rows it has, and asks its
subclass for the text of a row when that row is about to be painted. So a
list of ten million signals costs what a list of a screenful costs; a
Textual ``DataTable`` or a ``ListView`` holding a widget per row cannot do
that.

Why ``inherit_bindings=False``: a scrolling container binds the arrow
keys, home and end to scrolling, which would take them from the app's
"step" and "first/last" keys whenever a list has focus. Each list binds
only the keys it means (up/down), and scrolls with the mouse wheel.

A subclass implements :meth:`row_count` and :meth:`render_row`, and may keep
a ``cursor`` row, which is drawn highlighted and kept in view by
:meth:`scroll_to_row`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class VirtualList(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows produced on demand; see the module docstring."""

    DEFAULT_CSS = """
    VirtualList {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-list--cursor"}

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        #: The highlighted row, or -1 for none.
        self.cursor_row = -1
        self._painted_styles: tuple[Style, Style] | None = None
        self._painted_count = 0

    # -- for subclasses ----------------------------------------------------------

    def row_count(self) -> int:
        """How many rows the list has now."""
        raise NotImplementedError

    def render_row(self, row: int, width: int) -> Text:
        """The text of ``row`` (``0 <= row < row_count()``), at most ``width`` cells."""
        raise NotImplementedError

    def on_row_clicked(self, row: int) -> None:
        """Called when the mouse clicks ``row``."""

    # -- the list ----------------------------------------------------------------

    def refresh_rows(self) -> None:
        """Take the current row count and repaint every visible row.

        Why the height is never less than the panel's: a new virtual size
        means a new layout of the whole screen, which costs more than the
        rest of a step together; short contents (a mailbox, a signal's
        detail) change length on nearly every step but all fit the panel.
        """
        count = self.row_count()
        height = max(count, self.scrollable_content_region.height)
        self._painted_styles = None
        painted, self._painted_count = self._painted_count, count
        if self.virtual_size.height != height or self.virtual_size.width != self.size.width:
            self.virtual_size = Size(self.size.width, height)
            self.refresh()
            return
        # Rows past both the old and the new last row were blank and stay blank.
        top = round(self.scroll_y)
        bottom = min(max(painted, count), top + self.scrollable_content_region.height)
        if bottom > top:
            self.refresh_lines(top, bottom - top)

    def _styles(self) -> tuple[Style, Style]:
        """The list's own style and its cursor's, worked out once per repaint."""
        if self._painted_styles is None:
            self._painted_styles = (
                self.rich_style,
                self.get_component_rich_style("virtual-list--cursor"),
            )
        return self._painted_styles

    def notify_style_update(self) -> None:
        """Styles changed (focus, theme): work them out again."""
        super().notify_style_update()
        self._painted_styles = None

    def refresh_some_rows(self, rows: Iterable[int]) -> None:
        """Repaint only ``rows`` (those on screen): a step changes a few rows, not all."""
        visible = self.visible_rows
        for row in set(rows):
            if row in visible:
                self.refresh_lines(row)

    def row_visible(self, row: int) -> bool:
        """True when ``row`` is on screen now."""
        return row in self.visible_rows

    def scroll_to_row(self, row: int, *, center: bool = False) -> None:
        """Scroll just enough for ``row`` to be visible (or to the middle with ``center``)."""
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0 or row < 0:
            return
        top = round(self.scroll_y)
        if center and not top <= row < top + height:
            target = max(0, row - height // 2)
        elif row < top:
            target = row
        elif row >= top + height:
            target = row - height + 1
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)

    @property
    def visible_rows(self) -> range:
        """The rows currently on screen."""
        top = round(self.scroll_y)
        height = self.scrollable_content_region.height or self.size.height
        return range(top, min(top + height, self.row_count()))

    def render_line(self, y: int) -> Strip:
        """Paint screen line ``y``: the row at ``scroll_y + y``, padded to the width."""
        width = self.scrollable_content_region.width or self.size.width
        row = round(self.scroll_y) + y
        base, cursor = self._styles()
        if row < 0 or row >= self.row_count():
            return Strip.blank(width, base)
        text = self.render_row(row, width)
        text.truncate(width, overflow="ellipsis")
        if row == self.cursor_row:
            text.stylize_before(cursor)
        strip = Strip(text.render(self.app.console), text.cell_len).apply_style(base)
        padding = base + cursor if row == self.cursor_row else base
        return strip.extend_cell_length(width, _background(padding))

    def on_resize(self, event: events.Resize) -> None:
        """Keep the virtual width equal to the real width, and the cursor in view.

        Why here too: a list told to show a row before its first layout has
        no height to scroll by yet (``--at`` opens the app on a late seq).
        """
        self.refresh_rows()
        if self.cursor_row >= 0:
            self.scroll_to_row(self.cursor_row, center=True)

    def on_click(self, event: events.Click) -> None:
        """Turn a click into a row and hand it to :meth:`on_row_clicked`."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = round(self.scroll_y) + offset.y
        if 0 <= row < self.row_count():
            self.on_row_clicked(row)


def _background(style: Style) -> Style:
    """Only the background of ``style``: what the padding after a row is painted with."""
    return Style(bgcolor=style.bgcolor)
