"""The Typer application object and the error boundary every command shares.

Every error is one red line on stderr and a non-zero exit code, never a
traceback: a :class:`~chronoflow.errors.ChronoflowError` or an
:class:`OSError` (a file that cannot be read or written) exits 1, a usage
error 2, Ctrl-C 130 and SIGTERM 143; a closed pipe (``| head``) ends the
command quietly with 141. An exception no command expected is a bug in
Chronoflow: one line that says so, and the traceback only with
``CHRONOFLOW_DEBUG=1``. (An exception in a user's workflow is reported by
:mod:`chronoflow.cli.user_code`, with the user's own frames.)
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand

from chronoflow import __version__
from chronoflow.cli.terminal import visible
from chronoflow.cli.termination import Terminated
from chronoflow.errors import ChronoflowError

app = typer.Typer(
    name="chronoflow",
    help=(
        "Run, record and inspect Erlang-style message-passing processes written "
        "as Python generators."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

#: Where errors go: stderr, so that command output stays clean for pipes.
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

#: The command-line parser's own exceptions (usage errors, ``typer.Exit``,
#: ``typer.Abort``), found through Typer's public names so that this works
#: whichever click Typer is built on. They pass the error boundary untouched.
UsageError: type[Exception] = next(
    cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "UsageError"
)
_ClickException: type[Exception] = next(
    cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "ClickException"
)
PARSER_EXCEPTIONS = (_ClickException, typer.Exit, typer.Abort)

#: Exit codes besides 0, 1 (an error) and 2 (a usage error): 128 + the
#: signal, as a shell reports a program the signal ended.
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
EXIT_TERMINATED = 143

#: Set to 1 to see the traceback of an unexpected error (a bug in Chronoflow).
DEBUG_VARIABLE = "CHRONOFLOW_DEBUG"


class Command(TyperCommand):
    """A command whose usage line names its arguments as their help does.

    Why: Typer 0.28 writes a required argument as ``{recording}`` in the
    usage line; the help and the docs write ``RECORDING``.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """The usage line's pieces, with ``{NAME}`` written ``NAME``."""
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [_unbrace(piece) for piece in pieces]


def _unbrace(piece: str) -> str:
    if piece.startswith("{") and "}" in piece:
        name, _, rest = piece[1:].partition("}")
        return name.upper() + rest
    return piece


def print_error(message: str) -> None:
    """``message`` as one red line on stderr, its control characters escaped
    (a :class:`~rich.text.Text`: no markup, no ``:emoji:`` codes)."""
    err_console.print(Text.assemble(("error:", "bold red"), " ", visible(message)))


def fail(message: str) -> typer.Exit:
    """Print ``message`` as one red line on stderr; return the Exit to raise."""
    print_error(message)
    return typer.Exit(code=1)


def describe_os_error(error: OSError) -> str:
    """``path: reason`` for a file that could not be read or written."""
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename is not None else reason


def broken_pipe() -> typer.Exit:
    """The reader of stdout went away (``| head``): stop quietly, as ``cat`` does.

    Why stdout is pointed at /dev/null: Python flushes it once more at exit,
    which would raise again and print a traceback.
    """
    with contextlib.suppress(OSError, ValueError):  # no real file (a test runner's)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return typer.Exit(code=EXIT_BROKEN_PIPE)


def stopped(stop: KeyboardInterrupt | Terminated) -> typer.Exit:
    """Say that Ctrl-C or a termination signal ended the command; the Exit to raise."""
    if isinstance(stop, Terminated):
        err_console.print(f"terminated by {stop.name}")
        return typer.Exit(code=EXIT_TERMINATED)
    err_console.print("interrupted")
    return typer.Exit(code=EXIT_INTERRUPTED)


def reports_errors(command: F) -> F:
    """The error boundary of ``command``: every failure one line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ChronoflowError as error:
            raise fail(str(error)) from None
        except PARSER_EXCEPTIONS:
            raise
        except BrokenPipeError:
            raise broken_pipe() from None
        except OSError as error:
            raise fail(describe_os_error(error)) from None
        except (KeyboardInterrupt, Terminated) as stop:
            raise stopped(stop) from None
        except Exception as error:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            raise fail(
                f"internal error: {type(error).__name__}: {error} (a bug in Chronoflow; "
                f"{DEBUG_VARIABLE}=1 shows its traceback)"
            ) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chronoflow {__version__} (Python {sys.version.split()[0]})")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Run, record and inspect Erlang-style message-passing processes."""


def main() -> None:
    """Console-script entry point: usage errors, too, are one line on stderr."""
    try:
        code = app(standalone_mode=False)
    except UsageError as error:
        ctx = getattr(error, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = error.format_message()  # type: ignore[attr-defined]
        if not message.strip():  # "no arguments": the help was already shown
            sys.exit(2)
        print_error(message + hint)
        sys.exit(2)
    except (KeyboardInterrupt, EOFError, typer.Abort):
        err_console.print("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)
