"""Workflow modules: the convention ``chronoflow run`` and ``chronoflow record`` follow.

A workflow is a Python file that defines its templates and a module-level
entry point ``main(scheduler, *args)``, and may ask for scheduler settings
with ``SCHEDULER_OPTIONS`` (e.g. a virtual clock, for timers that run
instantly and deterministically). ``main`` creates and starts
processes on the scheduler it is given and may inject messages; it may be
a plain function or ``async def`` (and may ``await scheduler.run()``
itself). When it returns, the runner runs the scheduler until nothing more
can happen. Command-line arguments reach ``main`` as strings.

Loading a workflow imports the file the user named, and only that file;
nothing here reads names from a recording.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from chronoflow.errors import WorkflowError
from chronoflow.runtime import ProcessTemplate, SimpleScheduler, VirtualClock
from chronoflow.runtime.naming import workflow_module_name

ENTRY_POINT = "main"

#: Optional module attribute: keyword arguments for the SimpleScheduler the
#: workflow runs on, e.g. ``{"clock": "virtual", "inbox_limit": 3}``.
#: ``"clock": "virtual"`` means a fresh VirtualClock.
OPTIONS = "SCHEDULER_OPTIONS"


def load_workflow(path: str | Path) -> ModuleType:
    """Import the workflow file at ``path`` as a fresh module."""
    source = Path(path)
    if not source.is_file():
        raise WorkflowError(f"workflow file not found: {source}")
    if source.suffix != ".py":
        raise WorkflowError(f"a workflow is a Python file ending in .py, got {source}")
    # Why the stem: two workflows loaded in one program get two modules. Replay
    # does not compare the name (see chronoflow.runtime.naming).
    name = workflow_module_name(source.stem)
    spec = importlib.util.spec_from_file_location(name, source)
    if spec is None or spec.loader is None:
        raise WorkflowError(f"cannot load {source} as a Python module")
    module = importlib.util.module_from_spec(spec)
    # Registered so that dataclasses, pickling-free reprs and tracebacks in the
    # workflow resolve their module; replaced on every load.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise WorkflowError(f"{source}:{error.lineno}: syntax error: {error.msg}") from error
    if not callable(getattr(module, ENTRY_POINT, None)):
        raise WorkflowError(
            f"{source} has no entry point: define 'def {ENTRY_POINT}(scheduler, *args)' "
            "(or 'async def') that creates and starts its processes"
        )
    return module


def scheduler_options(module: ModuleType) -> dict[str, Any]:
    """The SimpleScheduler keyword arguments the workflow asks for."""
    options = dict(getattr(module, OPTIONS, None) or {})
    allowed = {"clock", "inbox_limit", "overflow", "watchdog"}
    unknown = set(options) - allowed
    if unknown:
        raise WorkflowError(
            f"{module.__file__}: {OPTIONS} has unknown keys {sorted(unknown)}; "
            f"it may set {sorted(allowed)}"
        )
    if options.get("clock") == "virtual":
        options["clock"] = VirtualClock()
    return options


def workflow_templates(module: ModuleType) -> list[ProcessTemplate]:
    """The process templates a workflow module defines, in definition order."""
    found: dict[int, ProcessTemplate] = {}
    for value in vars(module).values():
        if isinstance(value, ProcessTemplate):
            found.setdefault(id(value), value)
    return list(found.values())


async def run_workflow(
    module: ModuleType, scheduler: SimpleScheduler, args: Sequence[str] = ()
) -> None:
    """Call the module's ``main(scheduler, *args)``, then run the scheduler until idle."""
    entry = getattr(module, ENTRY_POINT)
    try:
        inspect.signature(entry).bind(scheduler, *args)
    except TypeError as error:
        raise WorkflowError(
            f"{module.__file__}: {ENTRY_POINT}() does not take these arguments "
            f"{list(args)!r}: {error}"
        ) from error
    outcome = entry(scheduler, *args)
    if inspect.isawaitable(outcome):
        await outcome
    await scheduler.run()
