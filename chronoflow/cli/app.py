"""The Typer application object and the error boundary every command shares."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from chronoflow import __version__
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
err_console = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])

#: The command-line parser's usage error (wrong option, missing or invalid
#: argument). Found through the public ``typer.BadParameter`` so that it works
#: whichever click Typer is built on.
UsageError: type[Exception] = next(
    cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "UsageError"
)


def fail(message: str) -> typer.Exit:
    """Print ``message`` as one red line on stderr; return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code=1)


def reports_errors(command: F) -> F:
    """Turn a ChronoflowError raised by ``command`` into one line and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ChronoflowError as error:
            raise fail(str(error)) from None
        except KeyboardInterrupt:
            err_console.print("interrupted")
            raise typer.Exit(code=130) from None

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
        err_console.print(f"[bold red]error:[/] {escape(message)}{hint}", soft_wrap=True)
        sys.exit(2)
    except (KeyboardInterrupt, EOFError):
        err_console.print("interrupted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
