"""Exporting from the debugger: the current range, in the format a file name says.

The range runs from the last bookmark before the current seq (or the first
signal, without one) to the current seq; when the timeline shows only one
process, only that process's signals are exported. The file's extension
picks the format: ``.mmd`` a Mermaid sequence diagram, ``.jsonl`` JSON
lines, ``.json`` a Chrome trace (Perfetto, chrome://tracing). The engine
(:func:`chronoflow.inspect.export.export`) does the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from chronoflow.errors import ChronoflowError
from chronoflow.inspect import Timeline
from chronoflow.inspect.export import export
from tui.bookmarks import Bookmarks
from tui.screens.prompt import PromptScreen
from tui.view_filter import ViewFilter

if TYPE_CHECKING:
    _Base = App[None]
else:
    _Base = object

FORMATS_BY_SUFFIX = {".mmd": "mermaid", ".jsonl": "jsonl", ".json": "chrome-trace"}


@dataclass(frozen=True)
class ExportRange:
    """What to export: seqs ``start`` to ``stop`` (inclusive), maybe one process."""

    start: int
    stop: int
    pid: int | None = None

    def describe(self) -> str:
        """E.g. ``seqs 12 to 40 of process 3``."""
        who = "" if self.pid is None else f" of process {self.pid}"
        return f"seqs {self.start} to {self.stop}{who}"


def format_for(target: str) -> str | None:
    """The export format a file name asks for, or None."""
    return FORMATS_BY_SUFFIX.get(Path(target).suffix.lower())


def check_target(target: str) -> str | None:
    """Why ``target`` cannot be exported to (None: it can)."""
    if not target.strip():
        return "type a file name"
    if format_for(target) is None:
        return "end the name in .mmd (Mermaid), .jsonl (JSON lines) or .json (Chrome trace)"
    folder = Path(target).expanduser().parent
    if not folder.is_dir():
        return f"no such folder: {folder}"
    return None


def write_export(recording: Path, target: str, chosen: ExportRange) -> int:
    """Write the export of ``chosen`` to ``target``; the number of lines written."""
    fmt = format_for(target)
    assert fmt is not None
    pids = None if chosen.pid is None else {chosen.pid}
    count = 0
    with Path(target).expanduser().open("w", encoding="utf-8") as handle:
        for line in export(recording, fmt, start=chosen.start, stop=chosen.stop, pids=pids):
            handle.write(line + "\n")
            count += 1
    return count


class Exporting(_Base):
    """The ``x`` key: export the current range (a mixin of the app)."""

    timeline: Timeline
    seq: int
    bookmarks: Bookmarks
    view_filter: ViewFilter

    def export_range(self) -> ExportRange:
        """What ``x`` exports: from the last bookmark before here (or the start)
        to the current seq; only the shown process when the timeline keeps one."""
        start = 0
        marked = self.bookmarks.before(self.seq)
        if marked is not None and marked < self.seq:
            start = marked
        return ExportRange(start, max(self.seq, 0), self.view_filter.pid)

    def action_export(self) -> None:
        """Ask for a file name and export the current range there."""
        if self.seq < 0:
            return
        chosen = self.export_range()

        def done(target: str | None) -> None:
            if target:
                self._export(target, chosen)

        hint = f"{chosen.describe()}: .mmd Mermaid, .jsonl JSON lines, .json Chrome trace"
        self.push_screen(
            PromptScreen("Export to file", hint, check_target, placeholder="diagram.mmd"), done
        )

    @work(thread=True, exclusive=True, group="export")
    def _export(self, target: str, chosen: ExportRange) -> None:
        try:
            lines = write_export(self.timeline.path, target, chosen)
        except (OSError, ChronoflowError) as error:
            self.call_from_thread(self.notify, f"export failed: {error}", severity="error")
            return
        self.call_from_thread(
            self.notify, f"exported {chosen.describe()} to {target} ({lines} lines)"
        )
