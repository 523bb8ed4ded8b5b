"""``chronoflow run`` reports crashes as they happen and ends with a summary."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import chronoflow
from chronoflow.cli import app
from chronoflow.cli.run_report import user_frames

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workflows"
runner = CliRunner()


def run(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["run", *args])
    return result.exit_code, result.stderr.splitlines()


def test_a_crash_is_reported_with_the_user_s_frames_only() -> None:
    code, lines = run(str(SAMPLES / "supervised_pool.py"))
    assert code == 0
    assert "crash: Worker[4] raised ValueError: w3 cannot handle 'poison'" in lines
    at = lines.index("crash: Worker[4] raised ValueError: w3 cannot handle 'poison'")
    frames = [line for line in lines[at + 1 :] if line.startswith("  File ")]
    assert frames
    assert all("supervised_pool.py" in line for line in frames)
    assert not any("chronoflow/" in line for line in lines)
    assert lines[-2] == "run ended: 6 processes (1 stopped, 1 crashed, 4 still blocked)"


def test_a_deadlock_is_named_with_its_cycle_and_strict_fails() -> None:
    workflow = str(SAMPLES / "dining_philosophers.py")
    code, lines = run(workflow)
    assert code == 0
    assert lines[-3] == "run ended: 10 processes (10 still blocked)"
    assert lines[-2].startswith("deadlock: 10 processes blocked forever since seq ")
    cycle = lines[-1].removeprefix("wait-for cycle: ").split(" → ")
    assert len(cycle) == 11
    assert cycle[0] == cycle[-1]
    assert {name.split("[")[0] for name in cycle} == {"Fork", "Philosopher"}
    assert run(workflow, "--strict")[0] == 1


def test_a_clean_run_passes_strict_and_says_what_ended() -> None:
    code, lines = run(str(SAMPLES / "echo.py"), "--strict")
    assert code == 0
    assert lines == ["run ended: 2 processes (2 stopped)"]


def test_a_server_left_waiting_is_not_a_failure() -> None:
    code, lines = run(str(SAMPLES / "client_server.py"), "--strict")
    assert code == 0
    assert lines[-1].endswith("1 process waits for messages that nothing left can send")


def test_user_frames_drop_library_frames() -> None:
    library = Path(chronoflow.__file__).parent / "runtime" / "runloop.py"
    text = (
        "Traceback (most recent call last):\n"
        f'  File "{library}", line 3, in step\n'
        "    x = gen.send(v)\n"
        '  File "chronoflow/runtime/kernel.py", line 9, in run\n'
        "    step()\n"
        '  File "/home/me/work.py", line 7, in Worker\n'
        "    raise ValueError('x')\n"
        "ValueError: x"
    )
    assert user_frames(text) == [
        "Traceback (most recent call last):",
        '  File "/home/me/work.py", line 7, in Worker',
        "    raise ValueError('x')",
        "ValueError: x",
    ]
