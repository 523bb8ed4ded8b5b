"""VirtualList: a scrolling list that renders only the rows on screen.

The base of the timeline, the process tree, the mailbox and the detail
pane. Built on Textual's Line API (``render_line``): the list knows only
how many rows it has and which row is at the top, and asks its subclass for
the text of a row when that row is about to be painted. So a list of ten
million signals costs what a list of a screenful costs; a Textual
``DataTable`` or a ``ListView`` holding a widget per row cannot do that.

Why a plain widget that keeps its own ``top`` row, and not a
``ScrollView``: in Textual every change of a scroll offset asks the screen
for a new layout, which repaints every panel; the debugger scrolls a list
on most jumps and many steps, and that repaint alone cost more than a
step's whole budget. Here scrolling is a repaint of this widget only. The
list draws its own scroll bar in its last column (a click on it jumps
there) and handles the mouse wheel itself.

A subclass implements :meth:`row_count` and :meth:`render_row`, and may keep
a ``cursor_row``, which is drawn highlighted and kept in view by
:meth:`scroll_to_row`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

#: Rows one turn of the mouse wheel scrolls.
WHEEL_ROWS = 3
#: Combined styles remembered per list (a theme change starts afresh).
_STYLES_KEPT = 512


class _Frame(NamedTuple):
    """What the lines of one paint share."""

    rows: int
    scrollable: bool
    thumb: range
    width: int
    styles: tuple[Style, Style, Style, Style]


class VirtualList(Widget, can_focus=True):
    """Rows produced on demand; see the module docstring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-list--cursor",
        "virtual-list--scrollbar",
        "virtual-list--thumb",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        #: The highlighted row, or -1 for none.
        self.cursor_row = -1
        #: The row shown on the first line.
        self.top = 0
        self._painted_styles: tuple[Style, Style, Style, Style] | None = None
        #: What every line of the paint in progress shares (see render_lines).
        self._frame: _Frame | None = None
        #: ``(under, text style, span style)`` -> the style a segment is drawn in.
        self._combined: dict[tuple[Style, str | Style, str | Style], Style] = {}
        self._painted_count = 0
        self._painted_top = 0

    # -- for subclasses ----------------------------------------------------------

    def row_count(self) -> int:
        """How many rows the list has now (a subclass overrides; the base list is empty)."""
        return 0

    def render_row(self, row: int, width: int) -> Text:
        """The text of ``row`` (``0 <= row < row_count()``), at most ``width`` cells.

        A subclass overrides this together with :meth:`row_count`; the base
        list has no rows, so it is never asked for one.
        """
        return Text("")

    def on_row_clicked(self, row: int) -> None:
        """Called when the mouse clicks ``row``."""

    # -- geometry ------------------------------------------------------------------

    @property
    def page(self) -> int:
        """How many rows fit on screen."""
        return max(self.size.height, 0)

    @property
    def visible_rows(self) -> range:
        """The rows currently on screen."""
        return range(self.top, min(self.top + self.page, self.row_count()))

    def row_visible(self, row: int) -> bool:
        """True when ``row`` is on screen now."""
        return row in self.visible_rows

    def _scrollable(self, count: int) -> bool:
        return count > self.page > 0

    # -- repainting ----------------------------------------------------------------

    def refresh_rows(self) -> None:
        """Take the current row count and repaint the rows that may have changed.

        Rows past both the old and the new last row were blank and stay
        blank, so a short list that changes length repaints only its rows.
        """
        count = self.row_count()
        # Why the styles are kept: they change only when Textual says so
        # (notify_style_update: focus, theme, a class, an ancestor's style),
        # and working them out again cost about twenty rich_style calls a jump.
        self.top = max(0, min(self.top, count - self.page))
        painted, self._painted_count = self._painted_count, count
        moved = self.top != self._painted_top
        self._painted_top = self.top
        if moved or self._scrollable(count) or self._scrollable(painted):
            self.refresh()  # every line, the scroll bar included
            return
        lines = min(max(painted, count), self.page)
        if lines > 0:
            self.refresh(Region(0, 0, self.size.width, lines))

    def refresh_some_rows(self, rows: Iterable[int]) -> None:
        """Repaint only ``rows`` (those on screen): a step changes a few rows, not all."""
        visible = self.visible_rows
        width = self.size.width
        for row in set(rows):
            if row in visible:
                self.refresh(Region(0, row - self.top, width, 1))

    def scroll_to_row(self, row: int, *, center: bool = False) -> None:
        """Scroll just enough for ``row`` to be visible (or to the middle with ``center``)."""
        page = self.page
        if page <= 0 or row < 0:
            return
        if center and not self.top <= row < self.top + page:
            target = row - page // 2
        elif row < self.top:
            target = row
        elif row >= self.top + page:
            target = row - page + 1
        else:
            return
        self.scroll_rows_to(target)

    def scroll_rows_to(self, top: int) -> None:
        """Show row ``top`` on the first line (clamped), repainting if it moved."""
        top = max(0, min(top, self.row_count() - self.page))
        if top != self.top:
            self.top = top
            self._painted_top = top
            self.refresh()

    # -- painting ------------------------------------------------------------------

    def _styles(self) -> tuple[Style, Style, Style, Style]:
        """The list's own style, its cursor's and its scroll bar's, until they change."""
        if self._painted_styles is None:
            self._painted_styles = (
                self.rich_style,
                self.get_component_rich_style("virtual-list--cursor"),
                self.get_component_rich_style("virtual-list--scrollbar"),
                self.get_component_rich_style("virtual-list--thumb"),
            )
        return self._painted_styles

    def notify_style_update(self) -> None:
        """Styles changed (focus, theme): work them out again."""
        super().notify_style_update()
        self._painted_styles = None
        self._combined.clear()

    def _thumb(self, count: int) -> range:
        page = self.page
        size = max(1, page * page // count)
        start = min(page - size, self.top * page // count)
        return range(start, start + size)

    def render_lines(self, crop: Region) -> list[Strip]:
        """Paint the lines in ``crop``, working out what they share once.

        Why: the widget's size, the row count, the scroll bar and the styles
        are the same for every line of one paint, and Textual's ``size``
        property walks the layout each time it is read.
        """
        self._frame = self._paint_frame()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _paint_frame(self) -> _Frame:
        count = self.row_count()
        scrollable = self._scrollable(count)
        thumb = self._thumb(count) if scrollable else range(0)
        width = self.size.width - (1 if scrollable else 0)
        return _Frame(count, scrollable, thumb, width, self._styles())

    def render_line(self, y: int) -> Strip:
        """Paint screen line ``y``: the row at ``top + y``, padded, then the scroll bar.

        Why one segment list and one :class:`Strip`: every Strip Textual
        builds sets up seven small caches, and the chain of ``apply_style``,
        ``extend_cell_length`` and ``join`` built four of them per line; a
        jump repaints some seventy lines.
        """
        frame = self._frame or self._paint_frame()
        base, cursor, bar, thumb = frame.styles
        width = frame.width
        row = self.top + y
        if 0 <= row < frame.rows:
            text = self.render_row(row, width)
            length = text.cell_len
            if length > width:
                text.truncate(width, overflow="ellipsis")
                length = width
            under = base + cursor if row == self.cursor_row else base
            segments = self._segments(text, under)
            if length < width:
                segments.append(Segment(" " * (width - length), Style(bgcolor=under.bgcolor)))
        else:
            segments = [Segment(" " * width, base)]
        if frame.scrollable:
            segments.append(Segment(" ", thumb if y in frame.thumb else bar))
            return Strip(segments, width + 1)
        return Strip(segments, width)

    def _segments(self, text: Text, under: Style) -> list[Segment]:
        """``text`` as segments drawn over ``under``.

        Why not only ``Text.render``: rows are built by appending, so their
        spans follow one another without overlapping, and then each span is
        one segment whose style (over ``under``) is looked up in a cache;
        Rich's general algorithm (a style stack over sorted span edges) took
        a third of a jump's painting. Overlapping spans (an escaped control
        character inside a styled value) take Rich's way.
        """
        plain, spans = text.plain, text.spans
        cache = self._combined
        console = self.app.console
        own = text.style
        segments: list[Segment] = []
        position = 0
        for start, end, style in spans:
            if start < position:  # overlapping spans
                rendered = text.render(console)
                return [Segment(s.text, under + s.style if s.style else under) for s in rendered]
            if start > position:
                segments.append(Segment(plain[position:start], self._style(under, own, "")))
            if end > start:
                key = (under, own, style)
                combined = cache.get(key)
                if combined is None:
                    combined = self._style(under, own, style)
                segments.append(Segment(plain[start:end], combined))
            position = max(position, end)
        if position < len(plain):
            segments.append(Segment(plain[position:], self._style(under, own, "")))
        return segments

    def _style(self, under: Style, own: str | Style, style: str | Style) -> Style:
        key = (under, own, style)
        combined = self._combined.get(key)
        if combined is None:
            console = self.app.console
            combined = under + console.get_style(own, default=Style.null())
            combined += console.get_style(style, default=Style.null())
            if len(self._combined) > _STYLES_KEPT:
                self._combined.clear()
            self._combined[key] = combined
        return combined

    # -- the mouse -------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Keep the cursor in view after the size changed.

        Why here too: a list told to show a row before its first layout has
        no height to scroll by yet (``--at`` opens the app on a late seq).
        """
        self.refresh_rows()
        if self.cursor_row >= 0:
            self.scroll_to_row(self.cursor_row, center=True)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        """The wheel scrolls the list without moving the cursor."""
        event.stop()
        self.scroll_rows_to(self.top + WHEEL_ROWS)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        """The wheel scrolls the list without moving the cursor."""
        event.stop()
        self.scroll_rows_to(self.top - WHEEL_ROWS)

    def on_click(self, event: events.Click) -> None:
        """A click on a row hands it to :meth:`on_row_clicked`; on the bar, scrolls there."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        count = self.row_count()
        if self._scrollable(count) and offset.x >= self.size.width - 1:
            self.scroll_rows_to(offset.y * count // self.page - self.page // 2)
            return
        row = self.top + offset.y
        if 0 <= row < count:
            self.on_row_clicked(row)
