"""``chronoflow diff``: two moments of a recording, or two recordings, compared.

With one recording, a thin wrapper over :meth:`Timeline.diff
<chronoflow.inspect.Timeline.diff>`: each row is one line on stdout,
``seq pid kind name: what`` (for grep, sort and less -S); a process and
kind with more rows than ``--limit`` ends with a line that counts the
rest. ``--format json`` writes one JSON object instead. What was compared
goes to stderr, so stdout stays the rows.

With two recordings of one workflow (``chronoflow diff A.cfl B.cfl``), a
wrapper over :func:`~chronoflow.inspect.compare_runs`: the first divergence
in the form of ``chronoflow replay``'s error, then each process that
differs (see :mod:`chronoflow.cli.runs_text`). Its exit code is ``cmp``'s:
0 the runs agree, 1 they differ, 2 trouble (a file that cannot be read, a
usage error). ``--from`` and ``--to`` name moments of one recording and
are refused with two.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.text import Text

from chronoflow.cli.app import Command, app, err_console, fail, print_error, reports_errors
from chronoflow.cli.inspect import open_timeline, wait_indexed
from chronoflow.cli.runs_text import comparison_json, comparison_lines
from chronoflow.cli.terminal import Output
from chronoflow.errors import ChronoflowError
from chronoflow.inspect import (
    DEFAULT_DIFF_ROWS,
    DiffKind,
    MomentDiff,
    SeqOutOfRangeError,
    Timeline,
    compare_runs,
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
            help="One .cfl recording (two moments of it), or two recordings of one "
            "workflow (compared whole).",
        ),
    ],
    start: Annotated[
        int | None,
        typer.Option(
            "--from",
            metavar="SEQ",
            help="One recording: the first moment, A (default -1: before the first signal).",
        ),
    ] = None,
    stop: Annotated[
        int | None,
        typer.Option(
            "--to",
            metavar="SEQ",
            help="One recording: the second moment, B (default: the last seq).",
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            min=1,
            help="Rows listed per process and kind (two recordings: processes listed); "
            "the rest are counted.",
        ),
    ] = DEFAULT_DIFF_ROWS,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text (a row a line) or json (one object).")
    ] = "text",
) -> None:
    """Compare two moments of one recording, or two recordings of one workflow.

    One RECORDING: what changed from the world at one seq to the world at
    another, each change with the seq where it happened: processes started
    and ended, status changes, messages that arrived in or left an inbox,
    messages sent, use calls started and finished, names registered.

    Two recordings A and B (two runs of a flaky program, or a run and its
    fork): the first seq where B does not do what A did, worded as
    [bold]chronoflow replay[/] words a divergence (seq, the process's step,
    its template, what A has and what B has), then each process that
    differs: its signals, final status and result. Exit codes, as cmp's:
    0 no divergence, 1 the runs differ, 2 an error.

    Examples: [bold]chronoflow diff recordings/client_server.cfl --from 3 --to 17[/];
    [bold]chronoflow diff run1.cfl run2.cfl[/]
    """
    if output_format not in FORMATS:
        raise fail(f"unknown format {output_format!r}: use {' or '.join(FORMATS)}")
    if len(recordings) > 1:
        _compare_recordings(recordings, start, stop, limit, output_format)
        return
    (recording,) = recordings
    if start is None:
        start = -1
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


#: ``diff A B``'s exit codes besides 0 (no divergence), as ``cmp``'s.
EXIT_DIFFER = 1
EXIT_TROUBLE = 2


def _compare_recordings(
    recordings: list[Path], start: int | None, stop: int | None, limit: int, output_format: str
) -> None:
    """``diff A B``: print the comparison; exit 0 same, 1 differ, 2 trouble."""
    if len(recordings) != 2:
        _trouble(f"diff compares two recordings, not {len(recordings)}")
    if start is not None or stop is not None:
        _trouble(
            "--from and --to name two moments of one recording; two recordings are "
            "compared whole (give one RECORDING to compare moments)"
        )
    a_path, b_path = recordings
    tune_collector()
    try:
        with open_timeline(a_path) as a, open_timeline(b_path) as b:
            wait_indexed(a, None)
            wait_indexed(b, None)
            _warn_if_other_workflow(a, b)
            for timeline in (a, b):
                if not len(timeline):
                    _trouble(
                        f"{timeline.path} has no readable signals: there is nothing to compare"
                    )
            comparison = compare_runs(a, b)
    except (ChronoflowError, OSError) as error:
        text = str(error)
        if isinstance(error, OSError) and error.filename is not None:
            text = f"{error.filename}: {error.strerror or error}"
        _trouble(text)
    if output_format == "json":
        Output().line(json.dumps(comparison_json(comparison), ensure_ascii=False))
    else:
        Output().lines(comparison_lines(comparison, limit))
    if not comparison.same:
        raise typer.Exit(code=EXIT_DIFFER)


def _trouble(message: str) -> NoReturn:
    """One red line and exit 2: ``diff A B`` keeps 1 for "the runs differ"."""
    print_error(message)
    raise typer.Exit(code=EXIT_TROUBLE)


def _warn_if_other_workflow(a: Timeline, b: Timeline) -> None:
    names = (a.metadata.get("workflow"), b.metadata.get("workflow"))
    if None not in names and names[0] != names[1]:
        text = f"warning: the recordings name different workflows: {names[0]} and {names[1]}"
        err_console.print(Text(text, style="yellow"))


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
