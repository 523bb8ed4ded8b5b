"""``chronoflow state`` and ``chronoflow find``: the debugger engine on the command line.

Thin wrappers over :class:`chronoflow.inspect.Timeline`. Every string that
comes from a recording (templates, messages, results, errors) is printed as
:class:`rich.text.Text`, never parsed as markup, one fact a line with its
control characters escaped (:class:`~chronoflow.cli.terminal.Output`).
Warnings about a damaged recording go to stderr; indexing a big file shows
a progress bar there.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from chronoflow.cli.app import Command, app, err_console, fail, reports_errors
from chronoflow.cli.terminal import Output, visible
from chronoflow.cli.world_text import pending_report, world_tree
from chronoflow.inspect import Query, SeqOutOfRangeError, Timeline, describe_gap, tune_collector
from chronoflow.inspect.export import type_name

RecordingFile = Annotated[
    Path,
    typer.Argument(
        exists=True, dir_okay=False, readable=True, metavar="RECORDING", help="A .cfl recording."
    ),
]


def open_timeline(path: Path) -> Timeline:
    """A timeline of ``path`` for one command: the index is read from its
    sidecar when one is kept (see :mod:`chronoflow.inspect.sidecar`)."""
    return Timeline.open(path)


QUERY_HELP = """\
A query is terms separated by spaces; a signal must match all of them:

  type:SEND, type:send,receive   signal type, by name or number

  pid:3, pid:3,4                 the process it belongs to

  id:12                          message 12 and the signals naming it

  seq:100..200, seq:100..        seq range, inclusive, either end optional

  "some text", word              text in the signal's data, any case

  -type:WAIT                     negation of a type, pid, id or seq term
"""


def wait_indexed(timeline: Timeline, seq: int | None) -> None:
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
        err_console.print(Text(f"warning: {visible(str(warning))}", style="yellow"))


@app.command(cls=Command)
@reports_errors
def state(
    recording: RecordingFile,
    at: Annotated[
        int | None,
        typer.Option(
            "--at", metavar="SEQ", help="The seq to show (default: the last one; -1: before it)."
        ),
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

    One fact a line, never wrapped (pipe it to grep or less -S).
    Example: [bold]chronoflow state recordings/client_server.cfl --at 10[/]
    """
    tune_collector()
    out = Output()
    with open_timeline(recording) as timeline:
        wait_indexed(timeline, at if not pending else None)
        if not len(timeline):
            raise fail(f"{recording} has no readable signals: there is no world to show")
        if at is None:
            at = len(timeline) - 1
        if at < -1 or at >= len(timeline) or (pending and at < 0):
            raise SeqOutOfRangeError(at, len(timeline))
        if pending:
            out.lines(pending_report(timeline, timeline.pending(at)))
            return
        out.lines(world_tree(timeline, timeline.state_at(at)))
        gap = timeline.gap_at(at) if at >= 0 else None
        if gap is not None:  # the world after the last signal before the gap
            out.line(Text(f"seq {at}: ", style="bold").append(f"no signal ({describe_gap(gap)})"))
        elif at >= 0:
            out.line(Text(f"seq {at}: ", style="bold").append(timeline.summary(at)))


@app.command(
    cls=Command,
    help="Print the signals matching QUERY, one per line (seq, pid, type, summary); "
    "exit 1 if none does.\n\n" + QUERY_HELP,
)
@reports_errors
def find(
    recording: RecordingFile,
    query: Annotated[
        str,
        typer.Argument(metavar="QUERY", help="A query, e.g. 'type:SEND pid:3 \"hello\"'."),
    ],
    start: Annotated[
        int | None,
        typer.Option("--from", metavar="SEQ", help="Search from this seq (inclusive)."),
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
    out = Output()
    with open_timeline(recording) as timeline:
        wait_indexed(timeline, None)
        seqs = timeline.find_all(parsed, start, backward=backward)
        if limit is not None:
            seqs = itertools.islice(seqs, limit)
        if quiet:
            found = out.lines(str(seq) for seq in seqs)
        else:
            found = out.lines(_found(timeline, seq) for seq in seqs)
    if not found:
        err_console.print(Text(f"no signal matches {visible(repr(query))}", style="yellow"))
        raise typer.Exit(code=1)


def _found(timeline: Timeline, seq: int) -> Text:
    signal = timeline.signal(seq)
    line = Text(f"{seq:>8} {signal.pid:>5} {type_name(signal.type):<10} ")
    return line.append(timeline.describe(signal))
