"""``chronoflow export``: a recording as a Mermaid diagram, JSON lines or a Chrome trace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chronoflow.cli.app import app, fail, reports_errors
from chronoflow.inspect.collector import tune_collector
from chronoflow.inspect.export import FORMATS, export


@app.command("export")
@reports_errors
def export_command(
    recording: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="The .cfl recording.")
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
            "--output", "-o", dir_okay=False, help="Write here instead of stdout ('-': stdout)."
        ),
    ] = None,
) -> None:
    """Export RECORDING, or the seqs --from..--to of it, for slides, notes and tools.

    Mermaid: a participant per process (Template[pid]), an arrow per delivered
    message, spawns, crashes, exits and kills as notes. Example:
    [bold]chronoflow export recordings/ping_pong.cfl --format mermaid -o ping.mmd[/]
    """
    if output_format not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    if stop is not None and stop < start:
        raise fail(f"--to {stop} is before --from {start}")
    chosen = set(pids) if pids else None
    tune_collector()
    lines = export(recording, output_format, start=start, stop=stop, pids=chosen)
    if output is None or str(output) == "-":
        for line in lines:
            typer.echo(line)
        return
    with output.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")
