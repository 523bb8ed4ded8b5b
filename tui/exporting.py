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

from chronoflow.inspect import Exported, export

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


#: What each format's file holds, for the message after an export.
WHAT = {"mermaid": "a Mermaid diagram", "jsonl": "JSON lines", "chrome-trace": "a Chrome trace"}


def exists(target: str) -> bool:
    """True when exporting to ``target`` would replace a file (ask first)."""
    return Path(target).expanduser().exists()


def write_export(recording: Path, target: str, chosen: ExportRange) -> str:
    """Write the export of ``chosen`` to ``target``; the sentence saying what was
    written: how many signals, and what that is in the file's format (a line
    per signal in JSON lines; one JSON document for a Chrome trace; the
    diagram's lines for Mermaid)."""
    fmt = format_for(target)
    assert fmt is not None
    pids = None if chosen.pid is None else {chosen.pid}
    report = Exported()
    lines = 0
    lines_of = export(
        recording, fmt, start=chosen.start, stop=chosen.stop, pids=pids, report=report
    )
    with Path(target).expanduser().open("w", encoding="utf-8") as handle:
        for line in lines_of:
            handle.write(line + "\n")
            lines += 1
    signals = f"{report.signals:,} signal{'s' if report.signals != 1 else ''}"
    shape = "" if fmt != "mermaid" else f" of {lines:,} lines"
    damaged = f"; {len(report.warnings)} warning(s) from the reader" if report.warnings else ""
    return f"exported {signals} ({chosen.describe()}) to {target}: {WHAT[fmt]}{shape}{damaged}"
