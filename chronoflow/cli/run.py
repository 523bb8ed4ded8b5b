"""``chronoflow run``: run a workflow module and show what it prints."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from chronoflow.cli.app import app, reports_errors
from chronoflow.runtime import SimpleScheduler
from chronoflow.workflow import load_workflow, run_workflow, scheduler_options


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
@reports_errors
def run(
    workflow: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="A Python file defining main(scheduler, *args).",
        ),
    ],
    args: Annotated[
        list[str] | None,
        typer.Argument(help="Arguments passed to main() as strings."),
    ] = None,
) -> None:
    """Run WORKFLOW's main(scheduler, *ARGS) on a SimpleScheduler until it is idle.

    Example: [bold]chronoflow run sample_workflows/echo.py[/]
    """
    module = load_workflow(workflow)
    scheduler = SimpleScheduler(**scheduler_options(module))
    asyncio.run(run_workflow(module, scheduler, args or []))
