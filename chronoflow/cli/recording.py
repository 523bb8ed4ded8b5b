"""``chronoflow info``, ``dump`` and ``check``: look into ``.cfl`` files and repair them.

Thin wrappers over :mod:`chronoflow.recording`. Strings that come from a
recording are printed literally (never as Rich markup), their control
characters escaped (:func:`~chronoflow.cli.terminal.visible`). ``dump``
prints a table on a terminal and one signal per line to a pipe. A scan of a
big file, or any scan when stderr is a terminal, shows a progress bar on
stderr.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from chronoflow.cli.app import Command, app, err_console, fail, reports_errors
from chronoflow.cli.terminal import Output, visible
from chronoflow.cli.writing import check_output
from chronoflow.inspect import tune_collector
from chronoflow.inspect.export import json_line, type_name
from chronoflow.recording import open_recording
from chronoflow.recording.summary import Progress as ProgressCallback
from chronoflow.recording.summary import Summary, check, salvage, summarize
from chronoflow.signals import Signal, SignalType

#: Files at least this big show a progress bar even when stderr is not a terminal.
BIG_FILE = 64 * 1024 * 1024

RecordingFile = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, metavar="RECORDING", help="A .cfl recording."
    ),
]


@contextlib.contextmanager
def scan_progress(path: Path, what: str) -> Iterator[ProgressCallback | None]:
    """A callback that advances a progress bar, or None when no bar is shown."""
    size = path.stat().st_size
    if not (err_console.is_terminal or size >= BIG_FILE):
        yield None
        return
    columns = (TextColumn(what), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(what, total=size)
        yield lambda offset: bar.update(task, completed=offset)


def warn(text: str) -> None:
    """A yellow warning line on stderr."""
    err_console.print(Text(f"warning: {visible(text)}", style="yellow"))


def _parse_types(names: list[str]) -> set[int]:
    """Type numbers from names (``SEND``), numbers (``5``) or a newer type's
    ``TYPE#42``: a number is taken as is, so a type newer than this program
    can be chosen too."""
    chosen: set[int] = set()
    for name in names:
        number = name.upper().removeprefix("TYPE#")
        try:
            chosen.add(int(number) if number.isdigit() else SignalType[number])
        except KeyError:
            known = ", ".join(kind.name for kind in SignalType)
            raise fail(
                f"unknown signal type {name!r}; use one of {known}, or a type number"
            ) from None
    return chosen


@app.command(cls=Command)
@reports_errors
def dump(
    recording: RecordingFile,
    start: Annotated[int, typer.Option("--from", min=0, help="First seq to show.")] = 0,
    end: Annotated[int | None, typer.Option("--to", min=0, help="Last seq to show.")] = None,
    pids: Annotated[
        list[int] | None, typer.Option("--pid", help="Only this pid (repeatable).")
    ] = None,
    types: Annotated[
        list[str] | None,
        typer.Option("--type", help="Only this signal type, by name or number (repeatable)."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table or jsonl (one JSON object per line).")
    ] = "table",
) -> None:
    """Print the signals of RECORDING, as a table or as JSON lines.

    The table is drawn on a terminal; to a pipe or a file it is one signal
    per line (seq, pid, type, ts, data), for grep. JSON lines tag what JSON
    lacks, as [bold]export --format jsonl[/] does (see docs/format.md).
    """
    if output_format not in ("table", "jsonl"):
        raise fail(f"--format is table or jsonl, not {output_format!r}")
    wanted_types = _parse_types(types or [])
    wanted_pids = set(pids or [])
    tune_collector()
    out = Output()
    with open_recording(recording) as reader:
        selected = (
            signal
            for signal in reader.signals(start, None if end is None else end + 1)
            if (not wanted_pids or signal.pid in wanted_pids)
            and (not wanted_types or signal.type in wanted_types)
        )
        if output_format == "jsonl":
            shown = out.lines(map(json_line, selected))
        elif out.is_terminal:
            table = Table("seq", "pid", "type", "data", "ts", title=Text(visible(str(recording))))
            for signal in selected:
                table.add_row(
                    str(signal.seq),
                    str(signal.pid),
                    type_name(signal.type),
                    Text(visible(_safe_repr(signal.data))),
                    f"{signal.ts:.6f}",
                )
            shown = table.row_count
            out.show(table)
        else:
            shown = out.lines(map(_dump_line, selected))
        for warning in reader.warnings:
            warn(str(warning))
    if not shown and start == 0 and end is None and not wanted_pids and not wanted_types:
        warn(f"{recording} has no readable signals")


def _dump_line(signal: Signal) -> str:
    """One signal as one line: seq, pid, type, ts, data."""
    return (
        f"{signal.seq:>8} {signal.pid:>5} {type_name(signal.type):<10} {signal.ts:.6f} "
        f"{_safe_repr(signal.data)}"
    )


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)
    except ValueError:  # an integer too long for repr
        return f"<{type(value).__name__} too large to show>"


def _format_ts(ts: float | None) -> str:
    return "-" if ts is None else f"{ts:.6f}"


@app.command(cls=Command)
@reports_errors
def info(recording: RecordingFile) -> None:
    """Show RECORDING's metadata, signal counts, processes, time span and integrity."""
    tune_collector()
    with scan_progress(recording, "reading") as progress:
        summary = summarize(recording, progress=progress)
    _print_summary(Output(), summary)


def _cell(value: Any) -> Text:
    """A value from the recording, as one escaped line of a table."""
    return Text(visible(value if isinstance(value, str) else _safe_repr(value)))


def _print_summary(out: Output, summary: Summary) -> None:
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    meta.add_row("file", _cell(f"{summary.path} ({summary.size:,} bytes)"))
    for key, value in summary.metadata.items():
        if key == "created" and isinstance(value, float):
            value = datetime.fromtimestamp(value, tz=UTC).isoformat(timespec="seconds")
        if key != "templates":
            meta.add_row(_cell(key), _cell(value))
    out.show(meta)
    counts = Table("type", "signals", title="signals per type")
    for kind in sorted(summary.type_counts):
        counts.add_row(kind.name, f"{summary.type_counts[kind]:,}")
    counts.add_row("total", f"{summary.count:,}", style="bold")
    out.show(counts)
    templates = Table("template", "module", "processes", title="templates")
    entries = summary.metadata.get("templates")
    entries = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    listed = {str(entry.get("name")) for entry in entries}
    for entry in entries:
        name = str(entry.get("name"))
        templates.add_row(
            _cell(name), _cell(str(entry.get("module"))), str(summary.template_counts[name])
        )
    for name in sorted(set(summary.template_counts) - listed):
        templates.add_row(_cell(name), "", str(summary.template_counts[name]))
    out.show(templates)
    out.line(f"processes: {len(summary.processes):,}")
    if summary.count == 0:
        out.line("seqs: none (no readable signals)")
    else:
        span = ""
        if summary.first_ts is not None and summary.last_ts is not None:
            span = f" ({summary.last_ts - summary.first_ts:.6f} s)"
        out.line(
            f"seqs {summary.first_seq}..{summary.last_seq}, time "
            f"{_format_ts(summary.first_ts)} .. {_format_ts(summary.last_ts)}{span}"
        )
    style = "green" if summary.intact else "red"
    out.line(Text(f"integrity: {summary.verdict()}", style=style))
    out.lines(f"  {warning}" for warning in summary.warnings)


@app.command(name="check", cls=Command)
@reports_errors
def check_command(
    recording: RecordingFile,
    salvage_to: Annotated[
        Path | None,
        typer.Option(
            "--salvage",
            metavar="OUT",
            help="Write every readable signal to this new file (a copy that is complete "
            "and closed, for every other command).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Let --salvage overwrite a file that exists.")
    ] = False,
) -> None:
    """Exit 0 if RECORDING is intact; otherwise list each damaged span and exit 1.

    --salvage never writes over RECORDING (nor a link to it), and writes over
    another existing file only with --force.
    """
    if salvage_to is not None:
        check_output(salvage_to, "--salvage", force=force, inputs=[recording])
    tune_collector()
    out = Output()
    with scan_progress(recording, "checking") as progress:
        summary = check(recording, progress=progress)
    out.lines(f"damage {warning}" for warning in summary.warnings)
    out.line(f"{recording}: {summary.verdict()}")
    if salvage_to is not None:
        with scan_progress(recording, "salvaging") as progress:
            count, _ = salvage(recording, salvage_to, progress)
        size = os.path.getsize(salvage_to)
        out.line(f"wrote {salvage_to}: {count:,} signals ({size:,} bytes)")
    if not summary.intact:
        raise typer.Exit(code=1)
