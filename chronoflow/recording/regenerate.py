"""Recording workflows: one workflow to a file, or every sample to ``recordings/``.

:func:`record_workflow` runs a workflow module (the convention of
``chronoflow run``, see :mod:`chronoflow.workflow`) on a recording
:class:`~chronoflow.recording.scheduler.SimpleScheduler`, with the
module's templates in the metadata and crash tracebacks stored relative
to the workflow's folder. :func:`regenerate` records every sample;
``chronoflow record --all`` calls it, and so does

    python -m chronoflow.recording.regenerate [SAMPLES_DIR] [OUT_DIR]
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chronoflow.recording.recorder import Recorder
from chronoflow.recording.scheduler import SimpleScheduler
from chronoflow.workflow import (
    load_workflow,
    run_workflow,
    scheduler_options,
    workflow_templates,
)

SAMPLES_DIR = Path("sample_workflows")
RECORDINGS_DIR = Path("recordings")


@dataclass(frozen=True)
class Recorded:
    """What recording one workflow produced."""

    workflow: Path
    path: Path
    count: int
    size: int


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when inside it, else its name only.

    Why: the metadata of a shared recording should not carry the recording
    machine's home directory.
    """
    resolved = path.resolve()
    if resolved.is_relative_to(Path.cwd()):
        return resolved.relative_to(Path.cwd()).as_posix()
    return path.name


def default_output(workflow: Path) -> Path:
    """``recordings/<workflow stem>.cfl``."""
    return RECORDINGS_DIR / f"{workflow.stem}.cfl"


def record_workflow(
    workflow: Path,
    output: Path | None = None,
    args: Sequence[str] = (),
    *,
    strict_values: bool = False,
) -> Recorded:
    """Run ``workflow`` with ``args`` and record it to ``output`` (closed cleanly)."""
    module = load_workflow(workflow)
    output = default_output(workflow) if output is None else output
    output.parent.mkdir(parents=True, exist_ok=True)
    recorder = Recorder(
        output,
        workflow=display_path(workflow),
        args=list(args),
        templates=workflow_templates(module),
        source_root=workflow.resolve().parent,
        strict_values=strict_values,
    )
    with SimpleScheduler(record=recorder, **scheduler_options(module)) as scheduler:
        asyncio.run(run_workflow(module, scheduler, args))
    return Recorded(workflow, output, recorder.count, output.stat().st_size)


def sample_workflows(folder: Path = SAMPLES_DIR) -> list[Path]:
    """Every workflow file in ``folder`` (``*.py`` not starting with ``_``), sorted."""
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def regenerate(samples: Path = SAMPLES_DIR, out_dir: Path = RECORDINGS_DIR) -> list[Recorded]:
    """Record every sample workflow in ``samples`` to ``out_dir/<stem>.cfl``."""
    return [
        record_workflow(workflow, out_dir / f"{workflow.stem}.cfl")
        for workflow in sample_workflows(samples)
    ]


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of ``python -m chronoflow.recording.regenerate``."""
    args = list(sys.argv[1:] if argv is None else argv)
    samples = Path(args[0]) if args else SAMPLES_DIR
    out_dir = Path(args[1]) if len(args) > 1 else RECORDINGS_DIR
    for done in regenerate(samples, out_dir):
        print(f"{done.path}: {done.count:,} signals, {done.size:,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
