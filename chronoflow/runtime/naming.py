"""How a ``use`` function is named in USE signals, and recognised again in replay.

A USE signal's ``fn`` is the function's module and qualified name
(``asyncio.sleep``, ``myapp.api.fetch``). A function defined in the
workflow file itself gets the module name :mod:`chronoflow.replay.workflow` gives
that file, ``chronoflow_workflow_<file stem>``: a name that says where the
file was, not what the function is. So replay compares a workflow's own
functions by their qualified name inside the workflow
(:func:`use_identity`), and a workflow replays the same under any file
name. Recordings keep the full name, for display; recordings made before
this rule compare the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Workflow files are imported as modules named this plus the file's stem.
WORKFLOW_MODULE_PREFIX = "chronoflow_workflow_"

#: What stands for the workflow's module when replay identifies a function.
WORKFLOW = "<workflow>"


def workflow_module_name(stem: str) -> str:
    """The module name a workflow file with this stem is imported under."""
    return f"{WORKFLOW_MODULE_PREFIX}{stem}"


def qualified(fn: Callable[..., Any]) -> str:
    """``module.qualname`` of a function, for USE signals."""
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__qualname__", None) or repr(fn)
    return f"{module}.{name}" if module else name


def use_identity(fn: Any) -> Any:
    """What replay compares of a USE's ``fn``: the same, except that a function
    of a workflow module is ``<workflow>.<qualname>`` whatever the file's name.

    Why the first dot: the module name is the prefix and the stem, and a
    qualified name may hold dots (``Client.fetch``). A stem with a dot in it
    (``v1.2.py``) still compares equal to itself, under its own name.
    """
    if isinstance(fn, str) and fn.startswith(WORKFLOW_MODULE_PREFIX):
        _stem, dot, name = fn[len(WORKFLOW_MODULE_PREFIX) :].partition(".")
        if dot and name:
            return f"{WORKFLOW}.{name}"
    return fn
