"""Shipped recordings: one command regenerates them, and re-recording gives the same signals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chronoflow.recording import open_recording
from chronoflow.recording.regenerate import regenerate, sample_workflows
from chronoflow.signals import SignalType

ROOT = Path(__file__).resolve().parents[2]

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
        assert shipped.is_file(), f"{shipped} is missing: run 'chronoflow record --all'"
        assert facts(done.path) == facts(shipped), (
            f"{shipped.name} differs from a new recording: run 'chronoflow record --all'"
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
