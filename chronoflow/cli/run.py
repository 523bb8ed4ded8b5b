"""``chronoflow run`` and ``chronoflow record``: run a workflow module, maybe recording it.

Both import the workflow file and call its ``main`` inside the error
boundary of :mod:`chronoflow.cli.user_code` (the user's exceptions with the
user's frames; Ctrl-C and SIGTERM unwind). ``record`` writes
``<workflow stem>.cfl`` in the current folder unless ``-o`` says where, and
never replaces a file without ``--force``; whatever ends the run, the
recording is closed with its footer.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from chronoflow.cli.app import Command, app, err_console, fail, reports_errors
from chronoflow.cli.run_report import RunReport
from chronoflow.cli.terminal import visible
from chronoflow.cli.termination import uninterrupted
from chronoflow.cli.user_code import user_code
from chronoflow.cli.writing import check_output
from chronoflow.recording import Recorder
from chronoflow.recording.scheduler import SimpleScheduler as RecordingScheduler
from chronoflow.replay.workflow import (
    load_workflow,
    run_workflow,
    scheduler_options,
    workflow_templates,
)
from chronoflow.runtime import SimpleScheduler

WorkflowFile = Annotated[
    Path,
    typer.Argument(
        exists=True,
        dir_okay=False,
        readable=True,
        metavar="WORKFLOW",
        help="A Python file defining main(scheduler, *args).",
    ),
]
Arguments = Annotated[
    list[str] | None,
    typer.Argument(metavar="ARGS...", help="Arguments passed to main() as strings."),
]


@app.command(
    cls=Command,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
@reports_errors
def run(
    workflow: WorkflowFile,
    args: Arguments = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 if a process crashed or was killed abnormally, or the run "
            "ended in a deadlock or waiting for a process that has ended (for CI).",
        ),
    ] = False,
) -> None:
    """Run WORKFLOW's main(scheduler, *ARGS) on a SimpleScheduler until it is idle.

    Like Erlang's error logger, every crash (with the traceback of your own
    code) and every abnormal kill is reported on stderr as it happens, and
    the run ends with one summary line: processes stopped, crashed, killed
    and still blocked, and any deadlock with its wait-for cycle. The exit
    status is 0 when main() returns (1 with --strict if something failed).
    An exception from main() is one error line and the traceback of your own
    code (exit 1). Example: [bold]chronoflow run sample_workflows/echo.py[/]
    """
    with user_code(f"loading {workflow}"):
        module = load_workflow(workflow)
    report = RunReport(say=_say)
    scheduler = SimpleScheduler(observers=[report], **scheduler_options(module))
    with user_code("main()"):
        asyncio.run(run_workflow(module, scheduler, args or []))
    line, standstill = report.summary()
    _say(line)
    if standstill is not None:
        _say(standstill.describe())
        if standstill.cycle:
            cycle = [report.name(pid) for pid in (*standstill.cycle, standstill.cycle[0])]
            _say("wait-for cycle: " + " → ".join(cycle))
        for edge in standstill.dead_ends:
            _say(f"{report.name(edge.pid)} waits for {report.name(edge.on)}, which has ended")
    failed = report.crashes or report.kills or (standstill is not None and standstill.hangs)
    if strict and failed:
        raise typer.Exit(1)


def _say(line: str) -> None:
    """One report line on stderr (never wrapped, control characters escaped).

    Why stdout is flushed first: the program's own prints come before the
    report of what followed them, also when both streams go to one pipe.
    """
    sys.stdout.flush()
    err_console.print(Text(visible(line)), soft_wrap=True)


class _Recorder(Recorder):
    """A Recorder whose writes Ctrl-C and SIGTERM cannot cut in half.

    Why: every byte it writes goes through ``flush`` and ``close``; a stop
    raised inside one would leave a chunk written but not counted, and a
    footer that does not match the file.
    """

    def flush(self) -> None:
        """Write the buffered signals as one chunk, uninterrupted."""
        with uninterrupted():
            super().flush()

    def close(self) -> None:
        """Write the footer and close the file, uninterrupted."""
        with uninterrupted():
            super().close()


def _display_path(path: Path) -> str:
    """``path`` relative to the working directory when inside it, else its name only.

    Why: the metadata of a shared recording should not carry the recording
    machine's home directory.
    """
    resolved = path.resolve()
    if resolved.is_relative_to(Path.cwd()):
        return resolved.relative_to(Path.cwd()).as_posix()
    return path.name


def _report(path: Path, count: int) -> None:
    size = path.stat().st_size if path.exists() else 0
    err_console.print(Text(visible(f"recorded {count:,} signals to {path} ({size:,} bytes)")))


@app.command(
    cls=Command,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
@reports_errors
def record(
    workflow: WorkflowFile,
    args: Arguments = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="The .cfl file to write (default: WORKFLOW's name with .cfl, in the "
            "current folder).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists.")
    ] = False,
    strict_values: Annotated[
        bool,
        typer.Option(
            "--strict-values",
            help="Fail on a value that cannot be recorded exactly instead of storing its repr.",
        ),
    ] = False,
) -> None:
    """Run WORKFLOW's main(scheduler, *ARGS) and record every signal to a .cfl file.

    The recording is closed with its footer however the run ends: an
    exception in main(), Ctrl-C or SIGTERM. Example:
    [bold]chronoflow record sample_workflows/echo.py -o echo.cfl[/]
    """
    target = Path(f"{workflow.stem}.cfl") if output is None else output
    option = "the recording" if output is None else "-o"
    check_output(target, option, force=force, inputs=[workflow])
    with user_code(f"loading {workflow}"):
        module = load_workflow(workflow)
    options = scheduler_options(module)
    try:
        recorder = _Recorder(
            target,
            workflow=_display_path(workflow),
            args=list(args or []),
            templates=workflow_templates(module),
            source_root=workflow.resolve().parent,
            strict_values=strict_values,
        )
    except OSError as error:
        raise fail(f"cannot write {target}: {error.strerror or error}") from None
    try:
        # Why the recorder's own ``with``: it writes the footer whatever ends
        # the run, even a scheduler that cannot be built from the options.
        with user_code("main()"), recorder:
            scheduler = RecordingScheduler(record=recorder, **options)
            asyncio.run(run_workflow(module, scheduler, args or []))
    finally:
        if recorder.closed:
            _report(target, recorder.count)
