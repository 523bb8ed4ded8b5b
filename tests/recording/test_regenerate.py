"""Shipped recordings: one developer tool regenerates them, and re-recording gives the same signals.

The tool is ``tools/regenerate_recordings.py``, which is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chronoflow.recording import open_recording
from chronoflow.signals import SignalType
from tools.regenerate_recordings import main, regenerate, sample_workflows

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "python tools/regenerate_recordings.py"

CRASHING = '''
"""A workflow whose child crashes, so that its recording holds a traceback."""

from chronoflow import template


def explode(value):
    raise ValueError(f"bad value {value!r} at {object()!r}")


@template
def Child(self):
    message = yield self.receive()
    explode(message)


@template
def Parent(self):
    child = self.spawn(Child)
    try:
        yield from child.join()
    except Exception as error:
        return repr(type(error).__name__)


async def main(scheduler):
    parent = scheduler.create(Parent)
    parent.start()
    await parent.push({"n": 1})
'''


def facts(path: Path) -> list[tuple[object, ...]]:
    """What must not change between two recordings of the same program."""
    with open_recording(path) as reader:
        assert reader.complete
        assert reader.warnings == []
        return [signal[:4] for signal in reader.signals()]


def test_every_sample_has_a_shipped_recording_with_the_same_signals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Record from a copy of the samples in another directory, as another checkout would.
    copied = shutil.copytree(ROOT / "sample_workflows", tmp_path / "elsewhere" / "samples")
    fresh = regenerate(copied, tmp_path / "out")
    capsys.readouterr()
    assert [done.path.name for done in fresh] == [
        f"{workflow.stem}.cfl" for workflow in sample_workflows(ROOT / "sample_workflows")
    ]
    for done in fresh:
        shipped = ROOT / "recordings" / done.path.name
        assert shipped.is_file(), f"{shipped} is missing: run '{REGENERATE}'"
        assert facts(done.path) == facts(shipped), (
            f"{shipped.name} differs from a new recording: run '{REGENERATE}'"
        )


def test_crash_tracebacks_compare_equal_across_checkouts(tmp_path: Path) -> None:
    recordings = []
    for checkout in ("one", "two/deeper"):
        samples = tmp_path / checkout / "samples"
        samples.mkdir(parents=True)
        (samples / "crashing.py").write_text(CRASHING)
        (done,) = regenerate(samples, tmp_path / checkout / "out")
        recordings.append(facts(done.path))
    assert recordings[0] == recordings[1]
    crash = next(fact for fact in recordings[0] if fact[2] is SignalType.CRASH)
    traceback = crash[3]["traceback"]
    assert 'File "crashing.py", line 8, in explode' in traceback
    assert str(tmp_path) not in traceback
    assert "at 0x?" in crash[3]["message"]


def test_the_samples_folder_is_read_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "_private.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("def main(scheduler):\n    pass\n")
    (tmp_path / "a.py").write_text("def main(scheduler):\n    pass\n")
    assert [p.name for p in sample_workflows(tmp_path)] == ["a.py", "b.py"]
    assert [done.count for done in regenerate(tmp_path, tmp_path / "out")] == [0, 0]


def test_the_tool_records_every_sample_and_reports_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    for name in ("a", "b"):
        (samples / f"{name}.py").write_text("def main(scheduler):\n    pass\n")
    out = tmp_path / "out"
    assert main(["--samples", str(samples), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.cfl", "b.cfl"]
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("[1/2] ")
    assert lines[1].startswith("[2/2] ")
    assert lines[1].endswith("b.cfl: 0 signals, " + f"{(out / 'b.cfl').stat().st_size:,} bytes")


def test_the_tool_says_what_went_wrong_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--samples", str(tmp_path / "missing"), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == f"error: no sample folder {tmp_path / 'missing'}\n"
    (tmp_path / "broken.py").write_text("def main(scheduler):\n    raise KeyError('boom')\n")
    assert main(["--samples", str(tmp_path), "-o", str(tmp_path / "out")]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ")
    assert line.endswith("broken.py: KeyError: 'boom'")


def test_the_tool_runs_as_a_script_with_help() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "regenerate_recordings.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--samples DIR" in done.stdout
    assert "-o DIR" in done.stdout
