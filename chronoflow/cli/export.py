"""``chronoflow export``: a recording as a Mermaid diagram, JSON lines or a Chrome trace."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Annotated

import typer

from chronoflow.cli.app import Command, app, fail, reports_errors
from chronoflow.cli.recording import warn
from chronoflow.cli.terminal import Output
from chronoflow.cli.writing import check_output
from chronoflow.inspect import tune_collector
from chronoflow.inspect.export import FORMATS, Exported, export


@app.command("export", cls=Command)
@reports_errors
def export_command(
    recording: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, metavar="RECORDING", help="The .cfl recording."
        ),
    ],
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="mermaid (a sequence diagram), jsonl (one signal per line) or "
            "chrome-trace (for Perfetto and chrome://tracing).",
        ),
    ] = "mermaid",
    start: Annotated[int, typer.Option("--from", min=0, help="First seq to show.")] = 0,
    stop: Annotated[
        int | None, typer.Option("--to", min=0, help="Last seq to show (default: the end).")
    ] = None,
    pids: Annotated[
        list[int] | None,
        typer.Option("--pid", help="Only these processes (repeat for several)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here instead of stdout ('-': stdout); an existing file is "
            "replaced, the recording itself never.",
        ),
    ] = None,
) -> None:
    """Export RECORDING, or the seqs --from..--to of it, for slides, notes and tools.

    Mermaid: a participant per process (Template[pid]), an arrow per delivered
    message, spawns, crashes, exits and kills as notes. JSON (jsonl and
    chrome-trace) is strict and valid UTF-8; docs/format.md lists its tags.
    Example: [bold]chronoflow export recordings/ping_pong.cfl --format mermaid -o ping.mmd[/]
    """
    if output_format not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    if stop is not None and stop < start:
        raise fail(f"--to {stop} is before --from {start}")
    to_stdout = output is None or str(output) == "-"
    if output is not None and not to_stdout:
        check_output(output, "-o", force=False, inputs=[recording], overwrites=True)
    chosen = set(pids) if pids else None
    tune_collector()
    report = Exported()
    lines = export(recording, output_format, start=start, stop=stop, pids=chosen, report=report)
    # Why the first line before the file is opened: a file that is not a
    # recording fails here, and no empty output file is left behind.
    first = next(lines, None)
    every = itertools.chain([] if first is None else [first], lines)
    if to_stdout:
        Output().lines(every)
    else:
        assert output is not None
        with output.open("w", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in every)
    for warning in report.warnings:
        warn(warning)
    if not report.signals:
        whole = start == 0 and stop is None and not pids
        what = "has no readable signals" if whole else "has no signal in that range"
        warn(f"{recording} {what}: the export shows nothing")
