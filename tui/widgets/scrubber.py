"""Scrubber: the whole recording on one line, one cell per column, under the panels.

Each cell is a *bucket*, an equal stretch of seqs (:meth:`Timeline.overview
<chronoflow.inspect.Timeline.overview>`). A cell shows how busy its
stretch was, as a block from ``▁`` to ``█`` relative to the busiest cell:
the messages sent or pushed there (every seq holds a signal, so a count
of signals would be flat), or with a filter set the signals the timeline
shows (counted from the filter's rows, as far as its scan has come). ``·`` marks
cells the index (or the filter's scan) has not reached yet, a blank cell
one without a signal (a gap of a salvaged copy, or no match). Over the
density a cell may carry a mark, the first of: ``★`` a bookmark, ``✗`` a
crash, ``•`` a match of the last search. The cell of the current seq is
highlighted (``┃`` when it has no mark). A click goes to the marked seq of
a cell, else to its first seq (:class:`Scrubber.Scrubbed`, a jump).

Why it stays instant on ten million signals: the counts and crashes come
from the engine's index (never a decoded signal) and are kept per width;
the filter's counts are two ``bisect`` per cell over the rows the timeline
already holds. Only the search's matches need a scan: a worker thread
asks the engine for the first match from each bucket on and skips to the
next bucket once it has one, so it makes at most one find per bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from chronoflow.inspect import Overview, Query, QueryError, Timeline
from tui.bookmarks import Bookmarks
from tui.messages import HitsScanned
from tui.rows import MatchingRows, Rows

#: The density of a cell, from one eighth to full.
BLOCKS = "▁▂▃▄▅▆▇█"
#: A cell the index (or the filter's scan) has not reached.
UNKNOWN = "·"
#: The current cell when it carries no mark.
CURRENT = "┃"
#: The marks, in the order one wins over another, with their colours (as the
#: status bar colours bookmarks and the search, and the timeline a CRASH).
BOOKMARK, CRASH, HIT = ("★", "bold yellow"), ("✗", "bold red"), ("•", "bold magenta")

#: What the help screen's legend says of the scrubber.
LEGEND: tuple[tuple[str, str, str], ...] = (
    ("▁▃▅█", "dim", "messages sent in each stretch of seqs (with a filter: the shown signals)"),
    (UNKNOWN, "dim", "not indexed (or not scanned by the filter) yet"),
    (BOOKMARK[0], BOOKMARK[1], "a bookmark; a click on a marked cell goes to its mark"),
    (CRASH[0], CRASH[1], "a crash"),
    (HIT[0], HIT[1], "a match of the last search"),
    (CURRENT, "reverse", "the current seq; 0 … 9 jump to 0% … 90%"),
)


class _Hits:
    """Matches of one query found by the scan, one per bucket of one overview.

    The worker thread adds seqs while the screen paints them; seqs stay
    true matches when the recording grows, so a new scan keeps them.
    """

    def __init__(self, query: str) -> None:
        self.query = query
        #: Why a list: the worker appends while a paint copies it, each one
        #: step under the interpreter lock (a set could change size while read).
        self.seqs: list[int] = []
        #: ``(total, buckets)`` of the overview the last scan was made for.
        self.scanned_for: tuple[int, int] | None = None
        self.scanning = False


class _Cell(NamedTuple):
    char: str
    style: Style


class Scrubber(Widget):
    """The recording at a glance; see the module docstring."""

    DEFAULT_CSS = """
    Scrubber {
        height: 1;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "scrubber--density",
        "scrubber--unknown",
        "scrubber--current",
    }

    @dataclass
    class Scrubbed(Message):
        """The person clicked the scrubber: go to ``seq`` (a jump)."""

        seq: int

    def __init__(self, timeline: Timeline, bookmarks: Bookmarks, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timeline = timeline
        self._bookmarks = bookmarks
        #: The current seq, the timeline's rows, the matches of the last search.
        self.seq = -1
        self._rows: Rows | None = None
        self._hits: _Hits | None = None
        #: The overview the last paint used.
        self.overview: Overview | None = None

    # -- what the screen tells the scrubber ----------------------------------------

    def show(self, seq: int, rows: Rows | None, search: str | None) -> None:
        """Show ``seq`` as current, the density of ``rows`` (the timeline's, when
        filtered) and the matches of ``search`` (the last search, if any)."""
        self.seq, self._rows = seq, rows
        if search is None:
            self.workers.cancel_group(self, "hits")
            self._hits = None
        elif self._hits is None or self._hits.query != search:
            self.workers.cancel_group(self, "hits")
            self._hits = _Hits(search)
        self._look_for_hits()
        self.refresh()

    def cells(self, width: int) -> list[str]:
        """What each of ``width`` cells shows, as plain characters (for tests)."""
        return [cell.char for cell in self._cells(width)]

    def target(self, x: int) -> int | None:
        """The seq a click on cell ``x`` goes to: the cell's mark, else its first seq."""
        overview = self._overview()
        width = self.size.width
        if overview is None or not 0 <= x < width:
            return None
        bucket = x * overview.buckets // width
        first, stop = overview.bounds(bucket)
        marked = self._marks(overview).get(bucket)
        return marked[0] if marked is not None else first if first < stop else None

    # -- the overview and the search's matches -------------------------------------

    def _overview(self) -> Overview | None:
        total = len(self._timeline)
        width = self.size.width
        if total <= 0 or width <= 0:
            return None
        self.overview = self._timeline.overview(min(width, total))
        return self.overview

    def _look_for_hits(self) -> None:
        """Scan for the search's matches, unless a scan runs or was made for
        this overview (the recording grew, or the width changed, since)."""
        hits = self._hits
        overview = self._overview()
        if hits is None or hits.scanning or overview is None:
            return
        key = (overview.total, overview.buckets)
        if hits.scanned_for != key:
            hits.scanned_for, hits.scanning = key, True
            self._scan(hits, overview)

    @work(thread=True, exclusive=True, group="hits")
    def _scan(self, hits: _Hits, overview: Overview) -> None:
        worker = get_current_worker()
        try:
            query = Query.parse(hits.query)
        except QueryError:  # the prompt checks queries; nothing to mark otherwise
            query = None
        start = 0
        while query is not None and not worker.is_cancelled:
            seq = self._timeline.find(query, start)
            if seq is None or seq >= overview.total:
                break
            hits.seqs.append(seq)
            self.post_message(HitsScanned(done=False))
            start = overview.bounds(overview.bucket_of(seq))[1]
        hits.scanning = False
        self.post_message(HitsScanned(done=True))

    @on(HitsScanned)
    def _hits_scanned(self, message: HitsScanned) -> None:
        if message.done:
            self._look_for_hits()  # the overview may have changed while it ran
        self.refresh()

    def on_resize(self) -> None:
        """Another width: other buckets, so the matches are looked for again."""
        self._look_for_hits()

    # -- painting --------------------------------------------------------------------

    def _marks(self, overview: Overview) -> dict[int, tuple[int, str, str]]:
        """Per bucket, its mark: ``(seq, char, style)``, the first of bookmark, crash, hit."""
        marks: dict[int, tuple[int, str, str]] = {}
        hits = self._hits
        for seq in sorted(hits.seqs[:]) if hits is not None else ():
            marks.setdefault(overview.bucket_of(seq), (seq, *HIT))
        for bucket, crash in enumerate(overview.crashes):
            if crash is not None:
                marks[bucket] = (crash, *CRASH)
        placed: set[int] = set()
        for seq in self._bookmarks:
            bucket = overview.bucket_of(seq)
            if bucket not in placed:
                placed.add(bucket)
                marks[bucket] = (seq, *BOOKMARK)
        return marks

    def _densities(self, overview: Overview) -> list[float | None]:
        """Per bucket, the share of its seqs that hold a (shown) signal; None:
        not reached yet.

        Why a share and not a count: buckets differ in size by one seq when
        the width does not divide the recording, and a count would stripe a
        uniform recording.
        """
        rows = self._rows
        reached = overview.indexed
        if isinstance(rows, MatchingRows) and not rows.complete:
            reached = min(reached, rows.scanned + 1)
        densities: list[float | None] = []
        # Why messages without a filter: every seq holds a signal, so a count
        # of signals is flat; the messages sent show where the run was busy.
        counts = overview.counts if isinstance(rows, MatchingRows) else overview.messages
        for bucket, count in enumerate(counts):
            first, stop = overview.bounds(bucket)
            stop = min(stop, reached)
            if first >= stop:
                densities.append(None)
                continue
            if isinstance(rows, MatchingRows):
                count = rows.row_of(stop) - rows.row_of(first)
            densities.append(count / (stop - first))
        return densities

    def _cells(self, width: int) -> list[_Cell]:
        base = self.rich_style
        overview = self._overview()
        if overview is None or width <= 0:
            return [_Cell(" ", base)] * max(width, 0)
        density = base + self.get_component_rich_style("scrubber--density")
        unknown = base + self.get_component_rich_style("scrubber--unknown")
        current = base + self.get_component_rich_style("scrubber--current")
        densities = self._densities(overview)
        fullest = max((share for share in densities if share is not None), default=0.0)
        marks = self._marks(overview)
        here = overview.bucket_of(self.seq) if self.seq >= 0 else -1
        buckets = overview.buckets
        cells: list[_Cell] = []
        previous = -1
        for x in range(width):
            bucket = x * buckets // width
            first_cell, previous = bucket != previous, bucket
            share = densities[bucket]
            if share is None:
                cell = _Cell(UNKNOWN, unknown)
            elif share == 0 or fullest == 0:
                cell = _Cell(" ", density)
            else:
                cell = _Cell(BLOCKS[min(7, max(0, ceil(share * 8 / fullest) - 1))], density)
            mark = marks.get(bucket) if first_cell else None
            if mark is not None:
                cell = _Cell(mark[1], base + Style.parse(mark[2]))
            if bucket == here and first_cell:
                cell = _Cell(cell.char if mark is not None else CURRENT, cell.style + current)
            cells.append(cell)
        return cells

    def render_line(self, y: int) -> Strip:
        """The one line: a segment per run of cells drawn alike."""
        width = self.size.width
        if y != 0:
            return Strip([Segment(" " * width, self.rich_style)], width)
        segments: list[Segment] = []
        text, style = "", None
        for cell in self._cells(width):
            if cell.style == style:
                text += cell.char
                continue
            if text:
                segments.append(Segment(text, style))
            text, style = cell.char, cell.style
        if text:
            segments.append(Segment(text, style))
        return Strip(segments, width)

    # -- the mouse ---------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """A click on a cell goes to its mark, or its first seq."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        seq = self.target(offset.x)
        if seq is not None:
            self.post_message(self.Scrubbed(seq))
