"""Exporting from the debugger: the current range, in the format a file name says.

The range runs from the last bookmark before the current seq (or the first
signal, without one) to the current seq; when the timeline shows only one
process, only that process's signals are exported
(:meth:`Navigator.export_range <tui.navigator.Navigator.export_range>`). The file's extension
picks the format: ``.mmd`` a Mermaid sequence diagram, ``.jsonl`` JSON
lines, ``.json`` a Chrome trace (Perfetto, chrome://tracing). The engine
(:func:`chronoflow.inspect.export`) does the work; the debugger screen's
``x`` asks for the file name and runs :func:`write_export` in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chronoflow.inspect import export

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
