"""``chronoflow explore``: run a workflow under many schedules and show what differs.

A thin front end over :func:`chronoflow.explore.explore`: it checks the
output folder before any run (never replacing recordings without
``--force``), shows a progress bar on stderr when stderr is a terminal,
prints one table row per distinct outcome on stdout (outcome, how many
runs, the seed or schedule that reproduces it, its recording, the final
state and what the run printed) and a summary line on stderr.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from chronoflow.cli.app import Command, app, err_console, fail, reports_errors
from chronoflow.cli.run import WorkflowFile
from chronoflow.cli.terminal import Output, visible
from chronoflow.cli.user_code import user_code
from chronoflow.explore import (
    DEFAULT_BOUND,
    DEFAULT_MAX_SIGNALS,
    DEFAULT_RUNS,
    BoundedPlan,
    Exploration,
    Finding,
    ListedPlan,
    Plan,
    Schedule,
    SeededPlan,
)
from chronoflow.explore import (
    explore as run_exploration,
)
from chronoflow.runtime.choosers import parse_decisions

#: How much of a run's output a table cell shows.
OUTPUT_LIMIT = 80


@app.command(
    cls=Command,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
@reports_errors
def explore(
    workflow: WorkflowFile,
    args: Annotated[
        list[str] | None,
        typer.Argument(metavar="ARGS...", help="Arguments passed to main() as strings."),
    ] = None,
    runs: Annotated[
        int,
        typer.Option(
            "--runs",
            "-n",
            min=0,
            help="Runs after the first (FIFO) one: seeded schedules, or with --systematic "
            "the most schedules to enumerate.",
        ),
    ] = DEFAULT_RUNS,
    seed: Annotated[
        int, typer.Option("--seed", "-s", help="The seed of the first seeded run (then +1, +2...).")
    ] = 1,
    systematic: Annotated[
        bool,
        typer.Option(
            "--systematic",
            help="Enumerate every schedule that runs a process out of FIFO order at most "
            "--bound times, fewest first, instead of drawing seeds.",
        ),
    ] = False,
    bound: Annotated[
        int,
        typer.Option("--bound", min=0, help="With --systematic: the most deviations per schedule."),
    ] = DEFAULT_BOUND,
    schedule: Annotated[
        str | None,
        typer.Option(
            "--schedule",
            metavar="SEED|SCHEDULE",
            help="Run only this schedule (after the FIFO run), as the table's seed column "
            "writes it: a seed (17) or choice:option pairs (3:1,7:2).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="DIR",
            help="The folder for the recordings (default: WORKFLOW's name + '-explore', "
            "in the current folder).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Write into DIR even if it holds files (same names are replaced)."
        ),
    ] = False,
    ignore_output: Annotated[
        bool,
        typer.Option(
            "--ignore-output",
            help="Runs that differ only in what they print have the same outcome.",
        ),
    ] = False,
    max_signals: Annotated[
        int,
        typer.Option("--max-signals", min=1, help="Stop a run after this many signals."),
    ] = DEFAULT_MAX_SIGNALS,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 if any run crashed, deadlocked or got stuck, or ended otherwise "
            "than the first (for CI).",
        ),
    ] = False,
) -> None:
    """Run WORKFLOW under many schedules: which ready process runs next is chosen.

    The first run uses the scheduler's own FIFO order; the others a seeded
    random choice wherever more than one process is ready (or, with
    --systematic, every schedule within --bound deviations from FIFO).
    Timers use a virtual clock. Runs are grouped by outcome (a crash, a
    deadlock, a different final state or output); the first run of each
    outcome is kept as a recording in DIR, which opens in the debugger and
    replays. Example: [bold]chronoflow explore sample_workflows/lost_update.py[/]
    """
    plan = _plan(runs, seed, systematic, bound, schedule)
    folder = Path(f"{workflow.stem}-explore") if output is None else output
    _check_folder(folder, force)
    started = time.perf_counter()
    with user_code(f"loading {workflow}"), _progress() as progress:
        exploration = run_exploration(
            workflow,
            args or [],
            plan,
            out_dir=folder,
            workflow_name=_display_path(workflow),
            compare_output=not ignore_output,
            max_signals=max_signals,
            progress=progress,
        )
    seconds = time.perf_counter() - started
    Output().show(_table(exploration))
    _summary(exploration, seconds, workflow, folder)
    if strict and any(f.outcome.failed for f in exploration.findings):
        raise typer.Exit(1)
    if strict and exploration.differs:
        raise typer.Exit(1)


def _plan(runs: int, seed: int, systematic: bool, bound: int, schedule: str | None) -> Plan:
    """The plan the options ask for; a usage error for options that clash."""
    if schedule is not None:
        if systematic:
            raise typer.BadParameter("--schedule runs one schedule; leave out --systematic")
        return ListedPlan([_parse_schedule(schedule)])
    if systematic:
        return BoundedPlan(runs, bound)
    return SeededPlan(runs, seed)


def _parse_schedule(text: str) -> Schedule:
    stripped = text.strip().removeprefix("seed").strip()
    if stripped.lstrip("-").isdigit():
        return Schedule(seed=int(stripped))
    try:
        decisions = parse_decisions(stripped.removeprefix("schedule").strip())
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--schedule") from None
    return Schedule(decisions=tuple(sorted(decisions.items())))


def _check_folder(folder: Path, force: bool) -> None:
    """Refuse a file, a folder in a folder that does not exist, or (without
    ``--force``) a folder that already holds files."""
    if folder.exists() and not folder.is_dir():
        raise fail(f"-o {folder} is a file; name a folder for the recordings")
    if not folder.parent.is_dir():
        raise fail(f"-o {folder}: the folder {folder.parent} does not exist")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise fail(f"-o {folder} already holds files; add --force to write into it")


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int | None, int], None] | None]:
    """A progress callback drawing a bar on stderr, when stderr is a terminal."""
    if not err_console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("exploring"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[found]}"),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("exploring", total=None, found="")

        def advance(done: int, planned: int | None, found: int) -> None:
            noun = "outcome" if found == 1 else "outcomes"
            bar.update(task, completed=done, total=planned, found=f"{found} {noun}")

        yield advance


def _display_path(path: Path) -> str:
    """``path`` relative to the working directory when inside it, else its name."""
    resolved = path.resolve()
    if resolved.is_relative_to(Path.cwd()):
        return resolved.relative_to(Path.cwd()).as_posix()
    return path.name


def _seed_cell(finding: Finding) -> str:
    label = finding.schedule.label()
    return label.removeprefix("seed ").removeprefix("schedule ")


def _table(exploration: Exploration) -> Table:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column in ("#", "outcome", "runs", "seed", "recording", "final state", "output"):
        table.add_column(column, justify="right" if column in ("#", "runs") else "left")
    for finding in exploration.findings:
        outcome = finding.outcome
        style = "red" if outcome.failed else ("yellow" if finding.number > 1 else "")
        shown = " | ".join(outcome.output.splitlines())
        if len(shown) > OUTPUT_LIMIT:
            shown = shown[: OUTPUT_LIMIT - 3] + "..."
        table.add_row(
            str(finding.number),
            Text(visible(outcome.headline), style=style),
            str(finding.runs),
            visible(_seed_cell(finding)),
            visible(str(finding.recording or "-")),
            visible("; ".join(outcome.state)),
            visible(shown) or "-",
        )
    return table


def _summary(exploration: Exploration, seconds: float, workflow: Path, folder: Path) -> None:
    """A line on stderr: how many runs and outcomes; then how to open and replay
    the first recording whose outcome differs from the FIFO run's (else that one)."""
    sys.stdout.flush()
    count = len(exploration.findings)
    noun = "outcome" if count == 1 else "outcomes"
    scope = ""
    if exploration.mode == "systematic":
        scope = " (every schedule within the bound)" if exploration.complete else " (budget spent)"
    line = (
        f"explored {exploration.runs} runs{scope} in {seconds:.1f}s: {count} {noun}; "
        f"recordings in {folder}"
    )
    err_console.print(Text(visible(line)), soft_wrap=True)
    finding = (exploration.differs or exploration.findings)[0]
    if finding.recording is not None:
        first = finding.recording
        # A run stopped by --max-signals never went idle: its replay would not either.
        until = f" --to {finding.signals - 1}" if finding.outcome.cut else ""
        hint = (
            f"open one: chronoflow-tui {first}; replay it: chronoflow replay {first} "
            f"-w {workflow}{until}"
        )
        err_console.print(Text(visible(hint)), soft_wrap=True)
