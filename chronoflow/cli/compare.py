"""``chronoflow diff``: what changed between two seqs of a recording, and when.

A thin wrapper over :meth:`Timeline.diff <chronoflow.inspect.Timeline.diff>`.
Each row is one line on stdout, ``seq pid kind name: what`` (for grep, sort
and less -S); a process and kind with more rows than ``--limit`` ends with
a line that counts the rest. ``--format json`` writes one JSON object
instead. What was compared goes to stderr, so stdout stays the rows.

The command takes ``RECORDING...`` so that a later version can compare two
recordings (``chronoflow diff A.cfl B.cfl``); today a second one is refused
in one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from chronoflow.cli.app import Command, app, err_console, fail, reports_errors
from chronoflow.cli.inspect import open_timeline, wait_indexed
from chronoflow.cli.terminal import Output
from chronoflow.inspect import (
    DEFAULT_DIFF_ROWS,
    DiffKind,
    MomentDiff,
    SeqOutOfRangeError,
    Timeline,
    tune_collector,
)

FORMATS = ("text", "json")

KIND_STYLES = {
    DiffKind.STARTED: "green",
    DiffKind.ENDED: "bold",
    DiffKind.STATUS: "yellow",
    DiffKind.ADDED: "cyan",
    DiffKind.REMOVED: "cyan",
    DiffKind.NAMED: "magenta",
}


@app.command("diff", cls=Command)
@reports_errors
def diff_command(
    recordings: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            metavar="RECORDING...",
            help="A .cfl recording (comparing two recordings is not supported yet).",
        ),
    ],
    start: Annotated[
        int,
        typer.Option(
            "--from", metavar="SEQ", help="The first moment, A (-1: before the first signal)."
        ),
    ] = -1,
    stop: Annotated[
        int | None,
        typer.Option("--to", metavar="SEQ", help="The second moment, B (default: the last seq)."),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", min=1, help="Rows listed per process and kind; the rest are counted."
        ),
    ] = DEFAULT_DIFF_ROWS,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text (a row a line) or json (one object).")
    ] = "text",
) -> None:
    """Show what changed from the world at one seq to the world at another, each
    change with the seq where it happened: processes started and ended, status
    changes, messages that arrived in or left an inbox, messages sent, use calls
    started and finished, names registered.

    Example: [bold]chronoflow diff recordings/client_server.cfl --from 3 --to 17[/]
    """
    if len(recordings) > 1:
        raise fail(
            "comparing two recordings is not supported yet: give one RECORDING "
            "and the seqs to compare with --from and --to"
        )
    if output_format not in FORMATS:
        raise fail(f"unknown format {output_format!r}: use {' or '.join(FORMATS)}")
    (recording,) = recordings
    tune_collector()
    with open_timeline(recording) as timeline:
        wait_indexed(timeline, None)
        if not len(timeline):
            raise fail(f"{recording} has no readable signals: there is nothing to compare")
        if stop is None:
            stop = len(timeline) - 1
        for seq in (start, stop):
            if seq < -1 or seq >= len(timeline):
                raise SeqOutOfRangeError(seq, len(timeline))
        diff = timeline.diff(start, stop, limit=limit)
        if output_format == "json":
            Output().line(json.dumps(as_json(timeline, diff), ensure_ascii=False))
        else:
            Output().lines(lines(timeline, diff))
        err_console.print(Text(_said(diff), style="dim"))


def lines(timeline: Timeline, diff: MomentDiff) -> list[Text]:
    """One line per row, process by process; a line counting the unlisted rows
    after each process's rows."""
    found: list[Text] = []
    for pid in diff.processes:
        name = timeline.name_of(pid, diff.hi)
        for row in diff.rows_of(pid):
            line = Text(f"{row.seq:>8} {pid:>5} ")
            line.append(f"{row.kind.value:<12}", KIND_STYLES.get(row.kind, ""))
            line.append(f" {name}: {row.text}")
            found.append(line)
        for group in diff.groups_of(pid):
            if group.omitted:
                line = Text(f"{'…':>8} {pid:>5} {group.kind.value:<12} {name}: ", style="dim")
                found.append(line.append(f"{group.note()}; --limit lists more"))
    return found


def as_json(timeline: Timeline, diff: MomentDiff) -> dict[str, Any]:
    """The diff as one JSON object: its seqs, every listed row, every count."""
    return {
        "recording": str(timeline.path),
        "from": diff.a,
        "to": diff.b,
        "backward": diff.backward,
        "limit": diff.limit,
        "truncated": diff.truncated,
        "processes": {str(pid): timeline.name_of(pid, diff.hi) for pid in diff.processes},
        "rows": [
            {"pid": r.pid, "seq": r.seq, "kind": r.kind.value, "text": r.text, "message": r.message}
            for r in diff.rows
        ],
        "groups": [
            {"pid": g.pid, "kind": g.kind.value, "total": g.total, "listed": len(g.rows)}
            for g in diff.groups
        ],
    }


def _said(diff: MomentDiff) -> str:
    """What was compared, for stderr."""
    text = f"from seq {diff.a} to seq {diff.b}: {diff.headline()}"
    if diff.backward:
        text += f" (rows read forward, from seq {diff.lo} to seq {diff.hi})"
    if diff.truncated:
        text += f"; at most {diff.limit} rows listed per process and kind"
    return text
