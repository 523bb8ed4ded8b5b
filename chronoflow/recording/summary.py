"""What a recording holds and whether it is intact: the library behind ``info`` and ``check``.

:func:`summarize` streams a recording once and counts signals per type,
processes and their templates, and the time span. :func:`check` reads the
whole file in salvage mode and lists every damaged span; :func:`salvage`
writes a repaired copy that holds every signal that could be read.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronoflow.recording.damage import ReadMode
from chronoflow.recording.errors import RecordingWarning
from chronoflow.recording.raw import from_raw
from chronoflow.recording.reader import RecordingReader, open_recording
from chronoflow.recording.records import ChunkColumns
from chronoflow.recording.writer import RecordingWriter
from chronoflow.signals import SignalType

#: Called with the byte offset reached, as a scan goes on.
Progress = Callable[[int], None]


@dataclass
class Summary:
    """What :func:`summarize` found in one recording."""

    path: Path
    size: int
    metadata: dict[str, Any]
    complete: bool
    count: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    first_ts: float | None = None
    last_ts: float | None = None
    type_counts: Counter[SignalType] = field(default_factory=Counter)
    #: Signals of types newer than this reader, by type number.
    newer_types: Counter[int] = field(default_factory=Counter)
    #: Seqs with no signal, as ``(first, last)`` (a salvaged copy has them).
    gaps: list[tuple[int, int]] = field(default_factory=list)
    #: pid -> template name, from START and TRANSITION signals (the latest).
    processes: dict[int, str] = field(default_factory=dict)
    #: template name -> how many processes started with it.
    template_counts: Counter[str] = field(default_factory=Counter)
    warnings: list[RecordingWarning] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """Closed cleanly and no damage found."""
        return self.complete and not self.warnings

    def verdict(self) -> str:
        """One line saying whether the file is intact (and what it lacks or
        holds that a reader should know: missing seqs, newer signal types)."""
        if self.intact:
            return f"intact: {self.count:,} signals, closed cleanly{self.notes()}"
        if self.warnings:
            problems = len(self.warnings)
            return (
                f"damaged: {problems} damaged span{'s' if problems > 1 else ''}; "
                f"{self.count:,} signals readable (see chronoflow check)"
            )
        return f"not closed cleanly (no footer): {self.count:,} signals readable{self.notes()}"

    def notes(self) -> str:
        """``"; seqs 9–14 missing; newer signal types present: 42 (3)"``, or ``""``."""
        text = ""
        if self.gaps:
            missing = ", ".join(
                str(first) if first == last else f"{first}–{last}" for first, last in self.gaps
            )
            text += f"; seqs {missing} missing"
        if self.newer_types:
            newer = ", ".join(f"{kind} ({n:,})" for kind, n in sorted(self.newer_types.items()))
            text += f"; newer signal types present: {newer}"
        return text


def summarize(
    path: str | os.PathLike[str],
    mode: ReadMode = ReadMode.TOLERANT,
    progress: Progress | None = None,
) -> Summary:
    """Stream the recording at ``path`` once and summarize it."""
    reader = open_recording(path, mode)
    summary = Summary(reader.path, os.path.getsize(reader.path), reader.metadata, reader.complete)
    counts: Counter[int] = Counter()
    last: ChunkColumns | None = None
    # Why columns: a summary needs every type but only the START and
    # TRANSITION data, so no Signal is built.
    for view in reader.chunks(raw=True):
        columns = view.columns
        if summary.first_seq is None:
            summary.first_seq, summary.first_ts = columns.first, columns.first_ts
        elif last is not None and columns.first > last.last + 1:
            summary.gaps.append((last.last + 1, columns.first - 1))
        counts.update(columns.types)
        datas, pids = columns.datas, columns.pids
        for at in columns.positions(SignalType.START, SignalType.TRANSITION):
            data = datas[at]
            if isinstance(data, dict):
                name = str(from_raw(data.get("template", "?")))
                summary.processes[pids[at]] = name
                if columns.types[at] == SignalType.START:
                    summary.template_counts[name] += 1
        summary.count += columns.count
        last = columns
        if progress is not None:
            progress(view.end)
    if last is not None:
        summary.last_seq, summary.last_ts = last.last, last.last_ts
    known = len(SignalType)
    summary.type_counts = Counter(
        {SignalType(kind): n for kind, n in counts.items() if kind < known}
    )
    summary.newer_types = Counter({kind: n for kind, n in counts.items() if kind >= known})
    summary.complete = reader.complete
    summary.warnings = reader.warnings
    footer_count = reader.count()
    if reader.complete and footer_count != summary.count and not summary.warnings:
        summary.warnings.append(
            RecordingWarning(
                0,
                0,
                f"the footer counts {footer_count:,} signals but {summary.count:,} were read",
                reader.path,
            )
        )
    return summary


def check(path: str | os.PathLike[str], progress: Progress | None = None) -> Summary:
    """Read every record of ``path`` in salvage mode; the summary lists all damage."""
    return summarize(path, ReadMode.SALVAGE, progress)


def salvage(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str],
    progress: Progress | None = None,
) -> tuple[int, list[RecordingWarning]]:
    """Write every readable signal of ``path`` to a new, cleanly closed ``output``.

    The copy keeps the metadata and notes where it came from and the
    damage that was skipped. Returns the signal count and that damage.
    """
    reader: RecordingReader = open_recording(path, ReadMode.SALVAGE)
    source = Path(path)
    count = 0
    writer = RecordingWriter(output, _salvage_metadata(reader.metadata, source))
    try:
        for view in reader.chunks(raw=True):
            writer.write_signals(view.signals)
            count += len(view.signals)
            if progress is not None:
                progress(view.end)
    finally:
        writer.close()
    return count, reader.warnings


def _salvage_metadata(metadata: dict[str, Any], source: Path) -> dict[str, Any]:
    copy = dict(metadata)
    copy["salvaged_from"] = source.name
    return copy
