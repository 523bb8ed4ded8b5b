"""``chronoflow state`` and ``chronoflow find``: the debugger engine on the command line.

Thin wrappers over :class:`chronoflow.inspect.Timeline`. Every string that
comes from a recording (templates, messages, results, errors) is printed as
:class:`rich.text.Text`, never parsed as markup. Warnings about a damaged
recording go to stderr; indexing a big file shows a progress bar there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from chronoflow.cli.app import app, err_console, reports_errors
from chronoflow.cli.render import pending_report, world_tree
from chronoflow.inspect import Query, SeqOutOfRangeError, Timeline
from chronoflow.inspect.collector import tune_collector
from chronoflow.inspect.summary import summary

console = Console(highlight=False)

RecordingFile = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="A .cfl recording."),
]

QUERY_HELP = """\
A query is terms separated by spaces; a signal must match all of them:

  type:SEND, type:send,receive   signal type, by name or number

  pid:3, pid:3,4                 the process it belongs to

  id:12                          message 12 and the signals naming it

  seq:100..200, seq:100..        seq range, inclusive, either end optional

  "some text", word              text in the signal's data, any case

  -type:WAIT                     negation of a type, pid, id or seq term
"""


def _wait(timeline: Timeline, seq: int | None) -> None:
    """Wait until ``seq`` (None: everything) is indexed, with a progress bar if slow;
    then print the warnings about damage found so far."""
    if not (timeline.wait(seq, timeout=0.3) or timeline.progress.done):
        columns = (TextColumn("indexing"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=err_console, transient=True) as bar:
            task = bar.add_task("indexing", total=timeline.progress.total)
            while not timeline.wait(seq, timeout=0.1):
                progress = timeline.progress
                bar.update(task, completed=progress.indexed)
                if progress.done:
                    break
    for warning in timeline.warnings:
        err_console.print(Text(f"warning: {warning}", style="yellow"))


@app.command()
@reports_errors
def state(
    recording: RecordingFile,
    at: Annotated[
        int | None,
        typer.Option("--at", help="The seq to show (default: the last one)."),
    ] = None,
    pending: Annotated[
        bool,
        typer.Option(
            "--pending",
            help="List what the world waits on instead: blocked processes and why, "
            "use calls in flight, armed timers, unreceived messages, the outbox, "
            "and a deadlock with its wait-for cycle.",
        ),
    ] = False,
) -> None:
    """Show the process tree at a seq: why each process is not running, results,
    and every non-empty inbox with what its receive makes of each message.

    Example: [bold]chronoflow state recordings/client_server.cfl --at 10[/]
    """
    tune_collector()
    with Timeline.open(recording) as timeline:
        _wait(timeline, at if not pending else None)
        if at is None:
            at = len(timeline) - 1
        if at < -1 or at >= len(timeline):
            raise SeqOutOfRangeError(at, len(timeline))
        if pending:
            if at < 0:
                raise SeqOutOfRangeError(at, len(timeline))
            for line in pending_report(timeline, timeline.pending(at)):
                console.print(line, soft_wrap=True)
            return
        world = timeline.state_at(at)
        console.print(world_tree(timeline, world))
        if 0 <= at < len(timeline):
            console.print(Text(f"seq {at}: ", style="bold").append(summary(timeline.signal(at))))


@app.command(help="Print the seqs of the signals matching QUERY, one per line.\n\n" + QUERY_HELP)
@reports_errors
def find(
    recording: RecordingFile,
    query: Annotated[str, typer.Argument(help="A query, e.g. 'type:SEND pid:3 \"hello\"'.")],
    start: Annotated[
        int | None,
        typer.Option("--from", help="Search from this seq (inclusive)."),
    ] = None,
    backward: Annotated[
        bool, typer.Option("--backward", help="Search towards seq 0 instead.")
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Stop after this many matches.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the seqs, no summaries.")
    ] = False,
) -> None:
    parsed = Query.parse(query)
    tune_collector()
    with Timeline.open(recording) as timeline:
        _wait(timeline, None)
        found = 0
        for seq in timeline.find_all(parsed, start, backward=backward):
            if quiet:
                console.print(str(seq))
            else:
                signal = timeline.signal(seq)
                line = Text(f"{seq:>8} {signal.pid:>5} {signal.type.name:<10} ")
                console.print(line.append(summary(signal)))
            found += 1
            if limit is not None and found >= limit:
                break
        if not found:
            err_console.print(Text(f"no signal matches {query!r}", style="yellow"))
