"""The ``chronoflow-tui`` command: open a recording, then run the debugger.

The recording is opened *before* the Textual app starts, so a missing file,
a file that is not a recording, a format version from the future or a
damaged header ends with one red line on stderr and exit code 1, never a
traceback and never a half-drawn screen. A torn recording opens (its
complete prefix) and the app shows a warning banner. Usage errors (an
unknown option, ``--at abc``) are one line too, exit code 2, worded as
``chronoflow state`` words them; so is a seq out of range (exit 1).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand

from chronoflow.inspect import ChronoflowError, SeqOutOfRangeError, Timeline, tune_collector
from tui.literal import literal
from tui.serve import DEFAULT_HOST, DEFAULT_PORT, ServeUnavailable, Session, serve

if TYPE_CHECKING:
    from chronoflow.inspect import LiveSession

cli = typer.Typer(
    name="chronoflow-tui",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

_stderr = Console(stderr=True, highlight=False, soft_wrap=True)

#: click's usage error, found through Typer's public ``BadParameter``.
_UsageError: type[Exception] = next(
    cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "UsageError"
)


class _Command(TyperCommand):
    """The command, its usage line naming the argument ``RECORDING`` (not ``{RECORDING}``).

    Why here and not shared with ``chronoflow.cli``: importing that package
    loads every command and the runtime, which the first paint cannot afford.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line's pieces, with ``{NAME}`` written ``NAME``."""
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [p[1:].replace("}", "", 1) if p.startswith("{") else p for p in pieces]


def fail(message: str) -> typer.Exit:
    """Print ``message`` as one red line on stderr; return the Exit to raise."""
    line = Text("error: ", "bold red")
    line.append_text(literal(message))
    _stderr.print(line)
    return typer.Exit(code=1)


def _version_text() -> str:
    # Why imported here: importlib.metadata costs 30 ms at start-up, and
    # only --version needs it.
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "unknown"

    python = sys.version.split()[0]
    return f"chronoflow-tui {of('chronoflow')} (Textual {of('textual')}, Python {python})"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(_version_text())
        raise typer.Exit()


#: How often ``--follow`` looks for a recording that is not there yet (seconds).
WAIT_POLL = 0.2
#: A file this small is a recording being created: a recorder writes its
#: header and metadata at once, and the shortest of those is larger.
BEING_CREATED = 64


def wait_for_recording(path: Path, *, say: Callable[[str], None]) -> None:
    """``--follow`` on a recording that does not exist yet, or is being
    created: wait until it is there and holds more than a header (Ctrl-C
    stops waiting)."""
    told = False
    while not path.exists() or (path.is_file() and path.stat().st_size < BEING_CREATED):
        if not told:
            say(f"waiting for {path} to be written (Ctrl-C to stop)")
            told = True
        time.sleep(WAIT_POLL)


def open_timeline(path: Path, *, at: int | None, follow: bool) -> Timeline:
    """Open ``path`` for the debugger, or raise the one-line :class:`typer.Exit`.

    With ``follow``, a recording that does not exist yet is waited for.
    """
    if follow:
        try:
            wait_for_recording(path, say=lambda line: typer.echo(line, err=True))
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
    if not path.exists():
        raise fail(f"{path}: no such file")
    if path.is_dir():
        raise fail(f"{path}: is a directory, not a recording")
    try:
        # Indexing starts once the app has painted its first screen.
        timeline = Timeline.open(path, follow=follow, start=False)
    except ChronoflowError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{path}: {error.strerror or error}") from None
    total = timeline.progress.total
    if at is not None and (at < 0 or (total is not None and at >= total)):
        timeline.close()
        if total is None:  # a torn recording: its length is not known yet
            raise fail(f"seq {at} is out of range: seqs start at 0")
        raise fail(str(SeqOutOfRangeError(at, total)))
    return timeline


def open_live(path: Path, workflow: Path, timeline: Timeline) -> LiveSession:
    """Load ``workflow`` for live frames of ``path`` (reusing the debugger's
    ``timeline``), or raise the one-line Exit."""
    # Why imported here: the engine loads live frames (and with them the
    # runtime) only when first asked; only --workflow asks.
    from chronoflow.inspect import LiveSession

    if not workflow.is_file():
        raise fail(f"{workflow}: no such workflow file")
    try:
        return LiveSession(path, workflow, timeline)
    except ChronoflowError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{path}: {error.strerror or error}") from None


@cli.command(cls=_Command)
def debug(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="RECORDING",
            help="A recording (.cfl) made with SimpleScheduler(record=...) or chronoflow record.",
            show_default=False,
        ),
    ],
    at: Annotated[
        int | None,
        typer.Option(
            "--at",
            metavar="SEQ",
            help="Open at this seq instead of the first signal.",
        ),
    ] = None,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow",
            help=(
                "Keep reading a recording that is still being written; while you are "
                "at the last signal, the view moves on with each new one."
            ),
        ),
    ] = False,
    workflow: Annotated[
        Path | None,
        typer.Option(
            "--workflow",
            "-w",
            metavar="FILE",
            help=(
                "The workflow that made the recording: its code is run again, checked "
                "against the recording, to show each process's source line and local "
                "variables at the current seq (a Source panel)."
            ),
        ),
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(
            "--compare",
            metavar="B.cfl",
            help=(
                "Compare RECORDING (A) with another recording of the same workflow (B), "
                "side by side: the two runs stepped together by seq (or by a process's "
                "own steps), their first divergence marked; d jumps to it."
            ),
        ),
    ] = None,
    predict: Annotated[
        bool,
        typer.Option(
            "--predict",
            help=(
                "Open in predict mode, for lessons: the next signal is hidden, you say "
                "which process acts next and what it does, then it is shown and explained."
            ),
        ),
    ] = False,
    serve_: Annotated[
        bool,
        typer.Option(
            "--serve",
            help=(
                "Serve the debugger to web browsers instead (a class on a projector or "
                "their own laptops): each browser gets its own session, with the same "
                "options. Needs the serve extra: pip install 'chronoflow\\[serve]'."
            ),
        ),
    ] = False,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="With --serve: the address to listen on; 0.0.0.0 serves the class network.",
        ),
    ] = DEFAULT_HOST,
    port: Annotated[
        int,
        typer.Option(
            "--port",
            metavar="PORT",
            min=1,
            max=65535,
            help="With --serve: the port to listen on.",
        ),
    ] = DEFAULT_PORT,
    version_: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Step through a Chronoflow recording, forward and backward, in the terminal.

    At every seq you see the process tree (each process's status), the
    selected process's mailbox, the signal timeline and the current
    signal in full with its causal links. Press [bold]?[/] in the app for
    every key.

    Example: [bold]chronoflow-tui recordings/echo.cfl --at 12[/]

    For a class: [bold]chronoflow-tui recordings/echo.cfl --serve --predict[/]
    and open the address it prints in a browser.
    """
    if not serve_ and (host != DEFAULT_HOST or port != DEFAULT_PORT):
        raise typer.BadParameter("--host and --port go with --serve")
    if compare is not None:
        open_compare_mode(file, compare, at=at, alone=not (follow or predict or serve_ or workflow))
        return
    if serve_:
        serve_debugger(
            Session(file, at=at, follow=follow, workflow=workflow, predict=predict),
            host=host,
            port=port,
        )
        return
    from tui.app import ChronoflowApp

    tune_collector()
    timeline = open_timeline(file, at=at, follow=follow)
    try:
        live = open_live(file, workflow, timeline) if workflow is not None else None
    except BaseException:
        timeline.close()
        raise
    try:
        ChronoflowApp(timeline, at=at, follow=follow, live=live, predict=predict).run()
    finally:
        timeline.close()


def open_compare_mode(a_path: Path, b_path: Path, *, at: int | None, alone: bool) -> None:
    """``--compare B.cfl``: open both recordings, then the side-by-side view."""
    if not alone:
        raise typer.BadParameter("--compare goes with --at only")
    from tui.compare_app import CompareRunsApp

    tune_collector()
    a = open_timeline(a_path, at=at, follow=False)
    try:
        b = open_timeline(b_path, at=None, follow=False)
    except BaseException:
        a.close()
        raise
    try:
        a.start_indexing()
        b.start_indexing()
        CompareRunsApp(a, b, at=at).run()
    finally:
        a.close()
        b.close()


def serve_debugger(session: Session, *, host: str, port: int) -> None:
    """``--serve``: check the recording (and workflow) here, so a bad one is one
    line now rather than in every browser, then serve until Ctrl-C."""
    open_timeline(session.recording, at=session.at, follow=session.follow).close()
    if session.workflow is not None and not session.workflow.is_file():
        raise fail(f"{session.workflow}: no such workflow file")
    try:
        serve(session, host=host, port=port, say=lambda line: typer.echo(line, err=True))
    except ServeUnavailable as error:
        raise fail(str(error)) from None


def run(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and run (the ``chronoflow-tui`` entry point).

    Exits with the command's code: 0, 1 for an error, 2 for a usage error.
    """
    try:
        code = cli(args=argv, prog_name="chronoflow-tui", standalone_mode=False)
    except _UsageError as error:
        ctx = getattr(error, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = error.format_message()  # type: ignore[attr-defined]
        if message.strip():
            fail(message + hint)
        sys.exit(2)
    except (KeyboardInterrupt, EOFError, typer.Abort):
        _stderr.print("interrupted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
