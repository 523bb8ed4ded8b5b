"""What the opt-in compiled kernel needs from the source: ``mypyc_attr`` and frame names.

The compiled build (``CHRONOFLOW_COMPILE=1``, see ``tools/compile_hook.py``
and the README) turns the hot runtime modules into C extensions with mypyc.
Two things differ there, and this module holds what the source says about
them, so that one source serves both builds:

- a compiled class cannot be subclassed by interpreted code unless it says
  so with ``@mypyc_attr(allow_interpreted_subclasses=True)``
  (``SimpleScheduler`` subclasses the compiled ``Kernel``, and so may a
  program). Chronoflow does not depend on ``mypy_extensions``: where it is
  missing, ``mypyc_attr`` returns its class unchanged, which is all the
  real one does at run time;
- a compiled function's frame in a traceback names its module's source
  path relative to the build folder (``chronoflow/runtime/runloop.py``),
  where an interpreted one names the file (:func:`frame_file`), and it has
  no column positions, so Python marks no ``^^^`` under its line. A CRASH
  traceback shows the runtime's frames without those marks in both builds
  (:func:`format_crash`), so that both record the same text.
"""

from __future__ import annotations

import os
import traceback
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import IdentityFunction

try:
    from mypy_extensions import mypyc_attr
except ImportError:  # mypy_extensions comes with mypy, not with Chronoflow

    def mypyc_attr(*attrs: str, **kwattrs: object) -> IdentityFunction:
        """Return the class unchanged (what the real one does at run time)."""
        return lambda cls: cls


def frame_file(module: ModuleType) -> str:
    """The file name the frames of ``module``'s functions show in a traceback.

    Interpreted, it is the module's file; compiled (an extension module),
    mypyc names the source as the build saw it: the dotted name as a path.
    """
    path = str(module.__file__)
    if path.endswith(".py"):
        return path
    return module.__name__.replace(".", "/") + ".py"


#: How the runtime's frames name their files: interpreted, a file in this
#: folder; compiled, the source path as the build saw it.
_RUNTIME = (os.path.dirname(os.path.abspath(__file__)) + os.sep, "chronoflow/runtime/")


def format_crash(error: BaseException, tb: TracebackType | None) -> str:
    """``error``'s traceback from ``tb``, as a CRASH records it.

    Like :func:`traceback.format_exception`, except that the runtime's own
    frames (and those of chained exceptions) carry no column marks.
    """
    report = traceback.TracebackException(type(error), error, tb)
    pending, seen = [report], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for frame in current.stack:
            if frame.filename.startswith(_RUNTIME):
                frame.colno = frame.end_colno = None
        pending.extend(chained for chained in (current.__cause__, current.__context__) if chained)
    return "".join(report.format())


__all__ = ["format_crash", "frame_file", "mypyc_attr"]
