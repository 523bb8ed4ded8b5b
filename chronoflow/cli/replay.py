"""``chronoflow replay``: re-run a workflow against its recording and check every signal."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from chronoflow.cli.app import Command, app, err_console, print_error, reports_errors
from chronoflow.cli.terminal import visible
from chronoflow.cli.user_code import user_code
from chronoflow.errors import NondeterminismError
from chronoflow.replay.fork_reexecution import reexecution_of
from chronoflow.replay.reexecution import Outcome

#: Exit codes of ``chronoflow replay`` besides 0 (matched) and 1 (diverged or error).
EXIT_RAN_ON = 3
EXIT_LEFT_OVER = 4


#: The workflow that made a recording: replay and fork run its code again.
WorkflowOption = Annotated[
    Path,
    typer.Option(
        "--workflow",
        "-w",
        exists=True,
        dir_okay=False,
        help="The workflow file that made the recording (its code is run again).",
    ),
]


@app.command(cls=Command)
@reports_errors
def replay(
    recording: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            metavar="RECORDING",
            help="The .cfl recording to replay.",
        ),
    ],
    workflow: WorkflowOption,
    to: Annotated[
        int | None,
        typer.Option("--to", min=0, help="Stop once the signal with this seq is reproduced."),
    ] = None,
) -> None:
    """Re-execute WORKFLOW against RECORDING and verify every signal it produces.

    The workflow's main() runs again with the recorded arguments; recorded
    `use` results are fed back instead of running the side effects, and each
    signal must match the recorded one (type and key fields). Nothing named in
    the recording is imported: its template names must be defined by WORKFLOW.

    Exit codes: 0 every recorded signal matched (or all up to --to);
    1 the replay diverged (the report says where and why) or an error;
    3 the recording ended but the workflow went on;
    4 the workflow ended but recorded signals were left over.
    """
    with user_code(f"loading {workflow}"):
        runner = reexecution_of(recording, workflow)  # a fork makes its change again
    with user_code("main()"):
        try:
            report = asyncio.run(runner.run(stop_at=to))
        except NondeterminismError as error:  # raised in the user's frames, reported whole
            lines = error.report().splitlines()
            print_error(lines[0])
            for line in lines[1:]:
                err_console.print(Text(visible(line)))
            raise typer.Exit(code=1) from None
    typer.echo(visible(report.describe(), multiline=True))
    if report.outcome is Outcome.RAN_ON:
        raise typer.Exit(code=EXIT_RAN_ON)
    if report.outcome is Outcome.LEFT_OVER:
        raise typer.Exit(code=EXIT_LEFT_OVER)
