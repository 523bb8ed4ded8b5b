"""The opt-in compiled kernel: each build is what its run expects, and both record alike.

The suite runs twice: in ``.venv`` on the pure-Python package, and through
``tools/compiled_tests.sh`` in ``.venv-compiled`` on a wheel built with
``CHRONOFLOW_COMPILE=1`` (``tools/compile_hook.py``), with
``CHRONOFLOW_EXPECT_COMPILED=1``. So the compiled run cannot silently test
pure Python, and the pure run cannot silently test a compiled module.

The identity tests record every sample (and a crashing workflow) in this
process, with this run's build, and in a child process with the pure
modules of the checkout, then compare the signals' seq, pid, type and data,
and replay each build's recordings with ``chronoflow replay`` on the other.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronoflow.cli import app
from chronoflow.recording import open_recording
from chronoflow.signals import SignalType
from tools.compile_hook import BUILD_REQUIRES, COMPILED, OPT_IN, CompileHook, requested
from tools.regenerate_recordings import regenerate, sample_workflows

ROOT = Path(__file__).resolve().parents[2]

#: Set by tools/compiled_tests.sh: this run must be on the compiled build.
EXPECT = "CHRONOFLOW_EXPECT_COMPILED"

#: A workflow whose processes crash three ways, so that recordings hold tracebacks:
#: a child raises two calls deep in its own code, a parent's ``use`` fails, and
#: a runtime call raises (its traceback passes through the runtime's frames).
CRASHING = '''
"""Crashes with tracebacks of the workflow's own frames."""

from chronoflow import template


def check(value):
    return explode(value)


def explode(value):
    raise ValueError(f"bad value {value!r}")


async def refuse(value):
    raise ValueError(value)


@template
def Child(self):
    message = yield self.receive()
    check(message)


@template
def Parent(self):
    child = self.spawn(Child)
    try:
        yield from child.join()
    except Exception:
        pass
    yield self.use(refuse, "no")


@template
def Patient(self):
    yield self.receive(timeout=0)


@template
def Lost(self):
    self.send_to("nobody", 1)
    yield self.receive()


async def main(scheduler):
    parent = scheduler.create(Parent)
    parent.start()
    scheduler.create(Lost).start()
    scheduler.create(Patient).start()
    await parent.push({"n": 1})
'''

#: Run in a child process on the checkout's pure modules (PYTHONPATH=ROOT):
#: record every workflow of argv[1] into argv[2], then replay every recording
#: of argv[3] (made by the parent's build) and print the exit codes as JSON.
PURE_SIDE = """
import json, sys
from pathlib import Path
import chronoflow.runtime.runloop as runloop
assert runloop.__file__.endswith(".py"), runloop.__file__
from typer.testing import CliRunner
from chronoflow.cli import app
from tools.regenerate_recordings import regenerate
samples, out, theirs = (Path(arg) for arg in sys.argv[1:4])
regenerate(samples, out)
codes = {}
for recording in sorted(theirs.glob("*.cfl")):
    workflow = samples / (recording.stem + ".py")
    result = CliRunner().invoke(app, ["replay", str(recording), "-w", str(workflow)])
    codes[recording.name] = [result.exit_code, result.output[-400:]]
print(json.dumps(codes))
"""


def dotted(module: str) -> str:
    """``chronoflow/runtime/kernel.py`` as ``chronoflow.runtime.kernel``."""
    return module.removesuffix(".py").replace("/", ".")


def facts(path: Path) -> list[tuple[Any, ...]]:
    """What two builds must agree on: each signal's seq, pid, type and data."""
    with open_recording(path) as reader:
        assert reader.complete
        assert reader.warnings == []
        return [tuple(signal[:4]) for signal in reader.signals()]


def shown(path: Path) -> list[str]:
    """:func:`facts` as text, which tells ``2`` from ``2.0`` (equal as numbers)."""
    return [repr(fact) for fact in facts(path)]


def test_the_kernel_is_compiled_exactly_when_this_run_expects_it() -> None:
    expected = os.environ.get(EXPECT) == "1"
    suffix = str(sysconfig.get_config_var("EXT_SUFFIX"))
    for module in COMPILED:
        path = str(importlib.import_module(dotted(module)).__file__)
        assert path.endswith(suffix if expected else ".py"), path
    # Only the hot modules are compiled: the rest of the runtime stays Python.
    template = importlib.import_module("chronoflow.runtime.template")
    assert str(template.__file__).endswith(".py")


def test_every_compiled_module_is_a_runtime_source_file() -> None:
    assert COMPILED
    for module in COMPILED:
        assert module.startswith("chronoflow/runtime/")
        assert (ROOT / module).is_file(), module


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    """Every sample workflow, plus one that crashes, in a folder of their own."""
    folder = shutil.copytree(ROOT / "sample_workflows", tmp_path / "samples")
    (folder / "crashing.py").write_text(CRASHING)
    return folder


def test_both_builds_record_the_same_signals_and_replay_each_other(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ours, pure = tmp_path / "ours", tmp_path / "pure"
    regenerate(samples, ours)
    capsys.readouterr()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(OPT_IN, None)
    child = subprocess.run(
        [sys.executable, "-c", PURE_SIDE, str(samples), str(pure), str(ours)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    names = [f"{workflow.stem}.cfl" for workflow in sample_workflows(samples)]
    assert sorted(path.name for path in pure.iterdir()) == sorted(names)
    crashes = 0
    for name in names:
        assert shown(ours / name) == shown(pure / name), name
        crashes += sum(fact[2] is SignalType.CRASH for fact in facts(ours / name))
    # The recordings hold crashes, and their tracebacks are the workflow's own frames.
    assert crashes >= 5
    crashed = {
        fact[3]["message"]: fact[3]
        for fact in facts(ours / "crashing.cfl")
        if fact[2] is SignalType.CRASH
    }
    traceback = crashed["bad value {'n': 1}"]["traceback"].splitlines()
    assert traceback[1].strip() == 'File "crashing.py", line 22, in Child'
    assert [line.strip() for line in traceback if line.lstrip().startswith("File")] == [
        'File "crashing.py", line 22, in Child',
        'File "crashing.py", line 8, in check',
        'File "crashing.py", line 12, in explode',
    ]
    waits = [fact[3] for fact in facts(ours / "crashing.cfl") if fact[2] is SignalType.WAIT]
    assert [repr(wait["timeout"]) for wait in waits if "timeout" in wait] == ["0"]
    (lost,) = (crash for crash in crashed.values() if crash["error"] == "NameNotRegisteredError")
    assert 'File "chronoflow/runtime/process.py"' in lost["traceback"]
    # The pure build replays this build's recordings, and this build the pure ones.
    replayed_by_pure = json.loads(child.stdout.splitlines()[-1])  # the samples print too
    assert sorted(replayed_by_pure) == sorted(names)
    for name, (code, output) in replayed_by_pure.items():
        assert code == 0, f"{name}: {output}"
    for name in names:
        workflow = samples / name.replace(".cfl", ".py")
        result = CliRunner().invoke(app, ["replay", str(pure / name), "-w", str(workflow)])
        assert result.exit_code == 0, f"{name}: {result.output}"
        assert "matched" in result.output.splitlines()[-1]


def _hook(root: Path = ROOT) -> CompileHook:
    """The hook as hatchling makes it for the wheel target (no build config needed)."""
    unused: Any = None  # the build config and metadata: the hook reads neither
    return CompileHook(str(root), {"path": "tools/compile_hook.py"}, unused, unused, "", "wheel")


def test_without_the_opt_in_the_hook_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(OPT_IN, raising=False)
    assert not requested()
    hook = _hook()
    assert hook.dependencies() == []
    build_data: dict[str, Any] = {"force_include": {}, "pure_python": True, "infer_tag": False}
    hook.initialize("standard", build_data)
    hook.initialize("editable", build_data)
    assert build_data == {"force_include": {}, "pure_python": True, "infer_tag": False}


@pytest.mark.parametrize(
    ("value", "on"), [("1", True), ("yes", True), ("0", False), ("", False), ("false", False)]
)
def test_the_opt_in_is_read_from_the_environment(value: str, on: bool) -> None:
    assert requested({OPT_IN: value}) is on


def test_the_opt_in_asks_for_mypy_and_refuses_an_editable_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(OPT_IN, "1")
    hook = _hook()
    assert hook.dependencies() == list(BUILD_REQUIRES)
    assert any(requirement.startswith("mypy") for requirement in BUILD_REQUIRES)
    with pytest.raises(RuntimeError, match=r"pip install \.' \(not -e\)"):
        hook.initialize("editable", {"force_include": {}})


def test_the_default_wheel_is_pure_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hatchling.builders.wheel import WheelBuilder

    monkeypatch.delenv(OPT_IN, raising=False)
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    assert wheel.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "chronoflow/runtime/runloop.py" in names
    assert [name for name in names if name.endswith((".so", ".pyd", ".c"))] == []


def test_pyproject_registers_the_hook_and_the_default_build_needs_no_compiler() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    hooks = project["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]
    assert hooks["custom"]["path"] == "tools/compile_hook.py"
    assert (ROOT / hooks["custom"]["path"]).is_file()
    assert [req for req in project["build-system"]["requires"] if "mypy" in req] == []
