"""The ``chronoflow`` command line: one Typer app, a module per group of commands.

Commands are thin wrappers over library functions. Any
:class:`~chronoflow.errors.ChronoflowError` becomes one red line on stderr
and exit code 1, never a traceback.
"""

from __future__ import annotations

from chronoflow.cli.app import app, main

# Importing a command module registers its commands on ``app``.
from chronoflow.cli import run as _run  # noqa: F401  isort: skip
from chronoflow.cli import inspect as _inspect  # noqa: F401  isort: skip
from chronoflow.cli import compare as _compare  # noqa: F401  isort: skip
from chronoflow.cli import recording as _recording  # noqa: F401  isort: skip
from chronoflow.cli import replay as _replay  # noqa: F401  isort: skip
from chronoflow.cli import fork as _fork  # noqa: F401  isort: skip
from chronoflow.cli import export as _export  # noqa: F401  isort: skip
from chronoflow.cli import explore as _explore  # noqa: F401  isort: skip

__all__ = ["app", "main"]
