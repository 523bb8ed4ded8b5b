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
from rich.tree import Tree

from chronoflow.cli.app import app, err_console, reports_errors
from chronoflow.inspect import ProcessState, Query, SeqOutOfRangeError, Status, Timeline, World
from chronoflow.inspect.collector import tune_collector
from chronoflow.inspect.summary import short, summary

console = Console(highlight=False)

RecordingFile = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="A .cfl recording."),
]

STATUS_STYLES = {
    Status.RUNNING: "green",
    Status.WAITING: "yellow",
    Status.USING: "cyan",
    Status.JOINING: "yellow",
    Status.SLEEPING: "blue",
    Status.STOPPED: "dim",
    Status.CRASHED: "bold red",
    Status.KILLED: "red",
}

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


def _status(proc: ProcessState) -> Text:
    text = Text(proc.status.label, style=STATUS_STYLES[proc.status])
    if proc.wait is not None:
        text.append(f" ({proc.wait.describe()})")
    if proc.use is not None:
        text.append(f" {proc.use.fn}({', '.join(short(a) for a in proc.use.args)})")
    if proc.status is Status.STOPPED:
        text.append(f" = {short(proc.result)}")
    if proc.crash is not None:
        text.append(f" {proc.crash.error}: {proc.crash.message}")
    if proc.kill_reason:
        by = "" if proc.killed_by is None else f" by process {proc.killed_by}"
        text.append(f" ({proc.kill_reason}{by})")
    if proc.links:
        text.append(f"  linked to {', '.join(map(str, proc.links))}", style="dim")
    if proc.monitors:
        watched = ", ".join(f"{pid} (ref {ref})" for ref, pid in proc.monitors)
        text.append(f"  monitors {watched}", style="dim")
    if proc.trap_exit:
        text.append("  traps exits", style="dim")
    return text


def _label(proc: ProcessState) -> Text:
    label = Text(proc.name, style="bold")
    label.append(f"({', '.join(short(a) for a in proc.args)}) ")
    label.append_text(_status(proc))
    if proc.transitions:
        label.append(f"  started as {proc.started_as}, {proc.transitions} transition(s)")
    return label


def world_tree(world: World, length: int) -> Tree:
    """The process tree at ``world.seq`` with every non-empty inbox."""
    root = Tree(Text(f"world at seq {world.seq} of {length - 1}", style="bold"))
    branches: dict[int, Tree] = {}
    for _depth, proc in world.tree():
        parent = root if proc.parent is None else branches.get(proc.parent, root)
        branch = branches[proc.pid] = parent.add(_label(proc))
        if proc.inbox:
            inbox = branch.add(Text(f"inbox: {len(proc.inbox)} message(s)", style="italic"))
            for entry in proc.inbox:
                sender = "outside" if entry.sender is None else f"process {entry.sender}"
                line = Text(f"#{entry.id} ", style="bold")
                line.append(short(entry.message))
                note = f"  from {sender}, arrived at {entry.arrived}"
                line.append(note + (" (inherited)" if entry.inherited else ""), style="dim")
                inbox.add(line)
    if not len(world):
        root.add(Text("no processes yet", style="dim"))
    return root


@app.command()
@reports_errors
def state(
    recording: RecordingFile,
    at: Annotated[
        int | None,
        typer.Option("--at", help="The seq to show (default: the last one)."),
    ] = None,
) -> None:
    """Show the process tree at a seq: statuses, waits, results and every non-empty inbox.

    Example: [bold]chronoflow state recordings/client_server.cfl --at 10[/]
    """
    tune_collector()
    with Timeline.open(recording) as timeline:
        _wait(timeline, at)
        if at is None:
            at = len(timeline) - 1
        if at < -1:
            raise SeqOutOfRangeError(at, len(timeline))
        world = timeline.state_at(at)
        console.print(world_tree(world, len(timeline)))
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
