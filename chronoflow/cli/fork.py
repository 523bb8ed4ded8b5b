"""``chronoflow fork``: re-execute a recording up to a seq, change one thing, run on live.

A thin wrapper over :func:`chronoflow.replay.fork.make_fork`: it parses the
one change asked for, writes the fork (a normal recording whose metadata
names the original and the change), says what it did, and prints the
first divergence from the original in ``chronoflow diff A B``'s form.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from chronoflow.cli.app import Command, app, print_error, reports_errors
from chronoflow.cli.inspect import open_timeline, wait_indexed
from chronoflow.cli.replay import WorkflowOption
from chronoflow.cli.runs_text import comparison_lines
from chronoflow.cli.terminal import Output, visible
from chronoflow.cli.user_code import user_code
from chronoflow.cli.writing import check_output
from chronoflow.errors import NondeterminismError
from chronoflow.inspect import compare_runs
from chronoflow.replay.fork import DEFAULT_MAX_SIGNALS, DEFAULT_TIMEOUT, make_fork
from chronoflow.replay.fork_changes import (
    Change,
    parse_drop,
    parse_reorder,
    parse_replace,
    parse_use_error,
    parse_use_result,
)

CHANGES_HELP = (
    "a message's id is the seq of the SEND or DELIVER that created it (#12 in the "
    "debugger); a use is named by the seq of its USE (@5)"
)


def _one_change(options: dict[str, tuple[str | None, Callable[[str], Change]]]) -> Change:
    given = [(name, text, parse) for name, (text, parse) in options.items() if text is not None]
    if len(given) != 1:
        names = ", ".join(options)
        print_error(f"give exactly one change: one of {names}")
        raise typer.Exit(code=2)  # a usage error
    _, text, parse = given[0]
    assert text is not None
    return parse(text)


@app.command(cls=Command)
@reports_errors
def fork(
    recording: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, metavar="RECORDING", help="The .cfl recording to fork."
        ),
    ],
    workflow: WorkflowOption,
    at: Annotated[
        int,
        typer.Option(
            "--at",
            metavar="SEQ",
            help="Fork from the world at this seq (as the debugger shows it there).",
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="The fork's .cfl file to write.")],
    drop: Annotated[
        str | None,
        typer.Option("--drop", metavar="ID", help="Drop message ID from the inboxes it waits in."),
    ] = None,
    replace: Annotated[
        str | None,
        typer.Option(
            "--replace", metavar="ID=JSON", help="Give waiting message ID the value JSON."
        ),
    ] = None,
    reorder: Annotated[
        str | None,
        typer.Option(
            "--reorder",
            metavar="PID=ID,ID,...",
            help="Put these waiting messages first in PID's inbox, in this order.",
        ),
    ] = None,
    use_result: Annotated[
        str | None,
        typer.Option(
            "--use-result",
            metavar="SEQ=JSON",
            help="The use whose USE is at SEQ returns JSON (its result not in yet at --at).",
        ),
    ] = None,
    use_error: Annotated[
        str | None,
        typer.Option(
            "--use-error",
            metavar="SEQ=TYPE:MESSAGE",
            help="The use whose USE is at SEQ fails with TYPE: MESSAGE.",
        ),
    ] = None,
    max_signals: Annotated[
        int,
        typer.Option("--max-signals", min=1, help="Stop the live run after this many signals."),
    ] = DEFAULT_MAX_SIGNALS,
    timeout: Annotated[
        float,
        typer.Option("--timeout", min=0.001, help="Stop the live run after this many seconds."),
    ] = DEFAULT_TIMEOUT,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
) -> None:
    """Re-execute WORKFLOW against RECORDING up to --at SEQ, change one thing there,
    run on live, and record the fork.

    Up to SEQ the run is checked signal by signal as [bold]chronoflow replay[/]
    checks it. Then one change: drop a waiting message, give it another value,
    reorder an inbox, or give a use whose result is not in yet another result or
    an error. (Message ids: the seq of the SEND or DELIVER that created the
    message, #12 in the debugger; a changed or reordered message is delivered
    again, with a new id. A use: the seq of its USE, @5.) From there the workflow
    runs live, with real use calls, until nothing more can happen or a limit
    stops it. The fork is a normal recording (its metadata names the original
    and the change): open it in chronoflow-tui, replay it, diff it.

    Prints what the fork did, then its first divergence from RECORDING.
    Exit codes: 0 the fork was made; 1 an error (one line); 2 a usage error.
    Example: [bold]chronoflow fork recordings/client_server.cfl -w
    sample_workflows/client_server.py --at 11 --drop 8 -o dropped.cfl[/]
    """
    change = _one_change(
        {
            "--drop": (drop, parse_drop),
            "--replace": (replace, parse_replace),
            "--reorder": (reorder, parse_reorder),
            "--use-result": (use_result, parse_use_result),
            "--use-error": (use_error, parse_use_error),
        }
    )
    check_output(output, "-o", force=force, inputs=[recording, workflow])
    with user_code("main()"):
        try:
            report = make_fork(
                recording, workflow, at, change, output, max_signals=max_signals, timeout=timeout
            )
        except NondeterminismError as error:  # raised in the user's frames
            print_error(
                f"before the fork point: {error.headline()} (chronoflow replay "
                f"{recording} -w {workflow} gives the whole report)"
            )
            raise typer.Exit(code=1) from None
    out = Output()
    out.lines(Text(visible(line)) for line in report.describe().splitlines())
    with open_timeline(recording) as original, open_timeline(output) as forked:
        wait_indexed(original, None)
        wait_indexed(forked, None)
        out.lines(comparison_lines(compare_runs(original, forked)))
