"""Re-record every sample workflow into ``recordings/``: the shipped recordings' one source.

A developer tool, not part of the installed package. Each ``*.py`` in the
samples folder that does not start with ``_`` is run with no arguments, the
way ``chronoflow record`` runs a workflow, and recorded to
``<out>/<stem>.cfl``, replacing what is there. The metadata names each
workflow relative to the checkout (``sample_workflows/echo.py``), so the
recordings come out the same from any working directory and any checkout.
``tests/recording/test_regenerate.py`` re-records every sample and checks
that it gives the same signals as the shipped file.

    .venv/bin/python tools/regenerate_recordings.py [--samples DIR] [-o DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from chronoflow.errors import ChronoflowError
from chronoflow.recording import Recorder, SimpleScheduler
from chronoflow.replay.workflow import (
    load_workflow,
    run_workflow,
    scheduler_options,
    workflow_templates,
)

#: The checkout this script belongs to.
ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "sample_workflows"
RECORDINGS_DIR = ROOT / "recordings"

#: Exit codes: an error, and Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Recorded:
    """What recording one workflow produced."""

    workflow: Path
    path: Path
    count: int
    size: int


def workflow_name(workflow: Path) -> str:
    """How the recording's metadata names ``workflow``: relative to the checkout, or its name.

    Why: a shared recording should not carry the recording machine's home
    directory, and one made from another folder should say the same.
    """
    resolved = workflow.resolve()
    if resolved.is_relative_to(ROOT):
        return resolved.relative_to(ROOT).as_posix()
    return workflow.name


def record_workflow(workflow: Path, output: Path) -> Recorded:
    """Run ``workflow``'s ``main(scheduler)`` and record it to ``output`` (closed cleanly)."""
    module = load_workflow(workflow)
    output.parent.mkdir(parents=True, exist_ok=True)
    recorder = Recorder(
        output,
        workflow=workflow_name(workflow),
        args=[],
        templates=workflow_templates(module),
        source_root=workflow.resolve().parent,
    )
    with SimpleScheduler(record=recorder, **scheduler_options(module)) as scheduler:
        asyncio.run(run_workflow(module, scheduler))
    return Recorded(workflow, output, recorder.count, output.stat().st_size)


def sample_workflows(folder: Path = SAMPLES_DIR) -> list[Path]:
    """Every workflow file in ``folder`` (``*.py`` not starting with ``_``), sorted."""
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def regenerate(
    samples: Path = SAMPLES_DIR,
    out_dir: Path = RECORDINGS_DIR,
    *,
    progress: Callable[[int, int, Recorded], None] | None = None,
) -> list[Recorded]:
    """Record every sample workflow in ``samples`` to ``out_dir/<stem>.cfl``.

    ``progress(done, total, recorded)`` is called after each recording.
    """
    workflows = sample_workflows(samples)
    done = []
    for number, workflow in enumerate(workflows, 1):
        try:
            recorded = record_workflow(workflow, out_dir / f"{workflow.stem}.cfl")
        except ChronoflowError as error:
            raise ChronoflowError(f"{_shown(workflow)}: {error}") from error
        except Exception as error:  # the sample's own code failed
            raise ChronoflowError(f"{_shown(workflow)}: {type(error).__name__}: {error}") from error
        done.append(recorded)
        if progress is not None:
            progress(number, len(workflows), recorded)
    return done


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when inside it, for messages."""
    resolved = path.resolve()
    if resolved.is_relative_to(Path.cwd()):
        return resolved.relative_to(Path.cwd()).as_posix()
    return str(path)


def _report(number: int, total: int, recorded: Recorded) -> None:
    width = len(str(total))
    print(
        f"[{number:>{width}}/{total}] {_shown(recorded.path)}: "
        f"{recorded.count:,} signals, {recorded.size:,} bytes",
        file=sys.stderr,
        flush=True,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tools/regenerate_recordings.py",
        description=(
            "Re-record every sample workflow (each *.py not starting with _, run with no "
            "arguments) into OUT/<name>.cfl, replacing the recordings there."
        ),
    )
    parser.add_argument(
        "--samples",
        type=Path,
        default=SAMPLES_DIR,
        metavar="DIR",
        help="where the sample workflows are (default: the checkout's sample_workflows/)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=RECORDINGS_DIR,
        metavar="DIR",
        help="the folder to write the recordings to (default: the checkout's recordings/)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Record every sample; one line per recording, and one line on an error (exit 1)."""
    options = _parser().parse_args(argv)
    samples: Path = options.samples
    if not samples.is_dir():
        print(f"error: no sample folder {samples}", file=sys.stderr)
        return EXIT_ERROR
    if not sample_workflows(samples):
        print(f"error: no sample workflows (*.py) in {samples}", file=sys.stderr)
        return EXIT_ERROR
    try:
        regenerate(samples, options.output, progress=_report)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ChronoflowError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(main())
