"""Running a user's workflow from the command line: its errors shown with its own frames.

``chronoflow run`` and ``record`` import a workflow file and call its
``main``. An exception that escapes the user's code is not Chronoflow's
failure, and some 40 frames of Typer, click and asyncio would bury the
line that raised it. So the report is

    error: main() raised ValueError: bad value
    Traceback (most recent call last):
      File "W.py", line 5, in main
        helper()
      File "W.py", line 2, in helper
        raise ValueError("bad value")
    ValueError: bad value

on stderr, exit code 1: one red line, then the traceback as Python prints
it with only the user's frames (files outside Chronoflow, the standard
library and installed packages). A ``ChronoflowError`` raised outside any
user frame (a workflow without ``main``, arguments ``main`` does not take)
stays one line. Ctrl-C and SIGTERM unwind through the workflow, so that a
recording closes, and exit 130 and 143.
"""

from __future__ import annotations

import contextlib
import os
import sysconfig
import traceback
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.text import Text

from chronoflow.cli.app import PARSER_EXCEPTIONS, err_console, print_error, stopped
from chronoflow.cli.terminal import visible
from chronoflow.cli.termination import Terminated, terminable


def _library_folders() -> tuple[str, ...]:
    """Folders whose files are not the user's: Chronoflow, the standard
    library, installed packages and the console scripts that start them."""
    paths = sysconfig.get_paths()
    folders = {str(Path(__file__).resolve().parents[1])}
    folders.update(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib", "scripts"))
    return tuple(os.path.join(os.path.realpath(folder), "") for folder in folders)


_LIBRARY = _library_folders()


def is_user_file(filename: str) -> bool:
    """True for a frame in the user's own code (see :func:`_library_folders`)."""
    if filename.startswith("<"):  # <frozen importlib._bootstrap>, <string>
        return False
    return not os.path.realpath(filename).startswith(_LIBRARY)


def user_traceback(error: BaseException) -> list[str]:
    """``error``'s traceback as Python formats it, keeping only the user's frames
    (in every exception of its chain)."""
    report = traceback.TracebackException.from_exception(error)
    seen: set[int] = set()
    todo = [report]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        kept = [frame for frame in current.stack if is_user_file(frame.filename)]
        current.stack = traceback.StackSummary.from_list(kept)
        todo.extend(
            linked for linked in (current.__cause__, current.__context__) if linked is not None
        )
    return list(report.format())


def _has_user_frames(error: BaseException) -> bool:
    return any(is_user_file(frame.filename) for frame in traceback.extract_tb(error.__traceback__))


@contextlib.contextmanager
def user_code(doing: str) -> Iterator[None]:
    """Run the user's code (``doing``: ``"main()"``, ``"loading W.py"``) inside
    the error boundary of the module docstring."""
    try:
        with terminable():
            yield
    except (KeyboardInterrupt, Terminated) as stop:
        raise stopped(stop) from None
    except PARSER_EXCEPTIONS:
        raise
    except Exception as error:
        if not _has_user_frames(error):
            raise  # Chronoflow's own error: the command's boundary reports it
        print_error(f"{doing} raised {type(error).__name__}: {error}")
        text = "".join(user_traceback(error))
        err_console.print(Text(visible(text, multiline=True)), end="")
        raise typer.Exit(code=1) from None
