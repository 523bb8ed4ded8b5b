"""Files a command writes: checked before any work starts, one line when refused.

``record`` (its ``.cfl``), ``check --salvage`` (the repaired copy) and
``export -o`` write files. Before they run, :func:`check_output` refuses, as
one error line: a folder, a file in a folder that does not exist (nothing
creates folders on the way), the command's own input under another name (a
hard or symbolic link: the files are compared, not their paths), and, unless
``--force``, a file that already exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from chronoflow.cli.app import fail


def _same_file(path: Path, other: Path) -> bool:
    try:
        return os.path.samefile(path, other)
    except OSError:  # one of them does not exist (or cannot be looked at)
        return False


def check_output(
    path: Path, option: str, *, force: bool, inputs: Iterable[Path] = (), overwrites: bool = False
) -> None:
    """Raise the one-line Exit if ``path`` may not be written (see the module docstring).

    ``option`` names the path in messages (``-o``, ``--salvage``);
    ``inputs`` are the files the command reads; ``overwrites``: an existing
    file is replaced without ``--force`` (an export, a derived file).
    """
    if path.is_dir():
        raise fail(f"{option} {path} is a folder; name the file to write")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise fail(f"{option} {path}: the folder {folder} {what}")
    for source in inputs:
        if _same_file(path, source):
            raise fail(f"{option} needs a new file, not {source} itself")
    if (path.exists() or path.is_symlink()) and not (force or overwrites):
        raise fail(f"{option} {path} already exists; add --force to overwrite it")
