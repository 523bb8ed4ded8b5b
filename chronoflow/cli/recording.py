"""``chronoflow record``, ``info``, ``dump`` and ``check``: make and inspect ``.cfl`` files.

Thin wrappers over :mod:`chronoflow.recording`. Strings that come from a
recording are printed literally (never as Rich markup). A scan of a big
file, or any scan when stderr is a terminal, shows a progress bar on stderr.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from chronoflow.cli.app import app, err_console, fail, reports_errors
from chronoflow.inspect.collector import tune_collector
from chronoflow.inspect.export import json_line
from chronoflow.recording import open_recording
from chronoflow.recording.regenerate import (
    RECORDINGS_DIR,
    SAMPLES_DIR,
    Recorded,
    record_workflow,
    regenerate,
)
from chronoflow.recording.summary import Progress as ProgressCallback
from chronoflow.recording.summary import Summary, check, salvage, summarize
from chronoflow.signals import SignalType

#: Files at least this big show a progress bar even when stderr is not a terminal.
BIG_FILE = 64 * 1024 * 1024

console = Console(highlight=False, soft_wrap=True)

RecordingFile = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="A .cfl recording."),
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


def _report(done: Recorded) -> None:
    err_console.print(Text(f"recorded {done.count:,} signals to {done.path} ({done.size:,} bytes)"))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
@reports_errors
def record(
    workflow: Annotated[
        Path | None,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="A Python file defining main(scheduler, *args).",
        ),
    ] = None,
    args: Annotated[
        list[str] | None, typer.Argument(help="Arguments passed to main() as strings.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="The .cfl file to write [default: recordings/<workflow stem>.cfl]; "
            "with --all, the folder.",
        ),
    ] = None,
    all_samples: Annotated[
        bool,
        typer.Option("--all", help="Re-record every workflow in sample_workflows/."),
    ] = False,
    samples: Annotated[
        Path, typer.Option("--samples", help="Where --all finds the workflows.")
    ] = SAMPLES_DIR,
    strict_values: Annotated[
        bool,
        typer.Option(
            "--strict-values",
            help="Fail on a value that cannot be recorded exactly instead of storing its repr.",
        ),
    ] = False,
) -> None:
    """Run WORKFLOW's main(scheduler, *ARGS) and record every signal to a .cfl file.

    Example: [bold]chronoflow record sample_workflows/echo.py -o echo.cfl[/]
    """
    if all_samples:
        if workflow is not None:
            raise fail("--all records every sample; do not name a workflow as well")
        if not samples.is_dir():
            raise fail(f"no sample folder {samples}")
        for done in regenerate(samples, output or RECORDINGS_DIR):
            _report(done)
        return
    if workflow is None:
        raise fail("name a workflow file to record, or use --all")
    _report(record_workflow(workflow, output, args or [], strict_values=strict_values))


def _parse_types(names: list[str]) -> set[SignalType]:
    chosen = set()
    for name in names:
        try:
            chosen.add(SignalType(int(name)) if name.isdigit() else SignalType[name.upper()])
        except (KeyError, ValueError):
            known = ", ".join(kind.name for kind in SignalType)
            raise fail(f"unknown signal type {name!r}; use one of {known}") from None
    return chosen


@app.command()
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
    """Print the signals of RECORDING, as a table or as JSON lines."""
    if output_format not in ("table", "jsonl"):
        raise fail(f"--format is table or jsonl, not {output_format!r}")
    wanted_types = _parse_types(types or [])
    wanted_pids = set(pids or [])
    tune_collector()
    reader = open_recording(recording)
    selected = (
        signal
        for signal in reader.signals(start, None if end is None else end + 1)
        if (not wanted_pids or signal.pid in wanted_pids)
        and (not wanted_types or signal.type in wanted_types)
    )
    if output_format == "jsonl":
        for signal in selected:
            console.out(json_line(signal), highlight=False)
    else:
        table = Table("seq", "pid", "type", "data", "ts", title=Text(str(recording)))
        for signal in selected:
            table.add_row(
                str(signal.seq),
                str(signal.pid),
                signal.type.name,
                Text(_safe_repr(signal.data)),
                f"{signal.ts:.6f}",
            )
        console.print(table)
    for warning in reader.warnings:
        err_console.print(Text(f"warning: {warning}", style="yellow"))


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)
    except ValueError:  # an integer too long for repr
        return f"<{type(value).__name__} too large to show>"


def _format_ts(ts: float | None) -> str:
    return "-" if ts is None else f"{ts:.6f}"


@app.command()
@reports_errors
def info(recording: RecordingFile) -> None:
    """Show RECORDING's metadata, signal counts, processes, time span and integrity."""
    tune_collector()
    with scan_progress(recording, "reading") as progress:
        summary = summarize(recording, progress=progress)
    _print_summary(summary)


def _print_summary(summary: Summary) -> None:
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column()
    meta.add_row("file", Text(f"{summary.path} ({summary.size:,} bytes)"))
    for key, value in summary.metadata.items():
        if key == "created" and isinstance(value, float):
            value = datetime.fromtimestamp(value, tz=UTC).isoformat(timespec="seconds")
        if key != "templates":
            meta.add_row(key, Text(value if isinstance(value, str) else _safe_repr(value)))
    console.print(meta)
    counts = Table("type", "signals", title="signals per type")
    for kind in sorted(summary.type_counts):
        counts.add_row(kind.name, f"{summary.type_counts[kind]:,}")
    counts.add_row("total", f"{summary.count:,}", style="bold")
    console.print(counts)
    templates = Table("template", "module", "processes", title="templates")
    listed = {str(t.get("name")) for t in summary.metadata.get("templates") or []}
    for entry in summary.metadata.get("templates") or []:
        name = str(entry.get("name"))
        templates.add_row(
            Text(name), Text(str(entry.get("module"))), str(summary.template_counts[name])
        )
    for name in sorted(set(summary.template_counts) - listed):
        templates.add_row(Text(name), "", str(summary.template_counts[name]))
    console.print(templates)
    console.print(Text(f"processes: {len(summary.processes):,}"))
    span = ""
    if summary.first_ts is not None and summary.last_ts is not None:
        span = f" ({summary.last_ts - summary.first_ts:.6f} s)"
    console.print(
        Text(
            f"seqs {summary.first_seq}..{summary.last_seq}, time "
            f"{_format_ts(summary.first_ts)} .. {_format_ts(summary.last_ts)}{span}"
        )
    )
    style = "green" if summary.intact else "red"
    console.print(Text(f"integrity: {summary.verdict()}", style=style))
    for warning in summary.warnings:
        console.print(Text(f"  {warning}"))


@app.command(name="check")
@reports_errors
def check_command(
    recording: RecordingFile,
    salvage_to: Annotated[
        Path | None,
        typer.Option("--salvage", help="Write every readable signal to this new file."),
    ] = None,
) -> None:
    """Exit 0 if RECORDING is intact; otherwise list each damaged span and exit 1."""
    if salvage_to is not None and salvage_to.resolve() == recording.resolve():
        raise fail("--salvage needs a new file, not the recording being checked")
    tune_collector()
    with scan_progress(recording, "checking") as progress:
        summary = check(recording, progress=progress)
    for warning in summary.warnings:
        console.print(Text(f"damage {warning}"))
    console.print(Text(f"{recording}: {summary.verdict()}"))
    if salvage_to is not None:
        with scan_progress(recording, "salvaging") as progress:
            count, _ = salvage(recording, salvage_to, progress)
        size = os.path.getsize(salvage_to)
        console.print(Text(f"wrote {salvage_to}: {count:,} signals ({size:,} bytes)"))
    if not summary.intact:
        raise typer.Exit(code=1)
