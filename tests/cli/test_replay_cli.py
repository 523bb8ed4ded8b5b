"""``chronoflow replay``: exit codes and what it prints for each outcome."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from chronoflow import SimpleScheduler
from chronoflow.cli import app
from chronoflow.recording import Recorder
from chronoflow.replay.workflow import load_workflow, run_workflow

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workflows"
runner = CliRunner()


def _record(name: str, out: Path, *args: str) -> Path:
    recorder = Recorder(out, workflow=name, args=args, chunk_size=4)

    async def go() -> None:
        async with SimpleScheduler(record=recorder) as scheduler:
            await run_workflow(load_workflow(SAMPLES / f"{name}.py"), scheduler, list(args))

    asyncio.run(go())
    return out


def test_a_faithful_replay_says_ok(tmp_path: Path) -> None:
    recording = _record("transitions", tmp_path / "t.cfl", "2")
    result = runner.invoke(app, ["replay", str(recording), "-w", str(SAMPLES / "transitions.py")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"OK {recording}: replayed against {SAMPLES / 'transitions.py'}: "
        "all 12 recorded signals matched"
    )


def test_to_pauses_at_a_seq(tmp_path: Path) -> None:
    recording = _record("greeter", tmp_path / "g.cfl")
    result = runner.invoke(
        app, ["replay", str(recording), "--workflow", str(SAMPLES / "greeter.py"), "--to", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "every signal matched up to seq 3, where it paused" in result.output


def test_a_divergence_exits_1_with_the_full_report(tmp_path: Path) -> None:
    recording = _record("greeter", tmp_path / "g.cfl", "Ada")
    changed = tmp_path / "greeter.py"
    changed.write_text((SAMPLES / "greeter.py").read_text().replace("Hello", "Hi"))
    result = runner.invoke(app, ["replay", str(recording), "-w", str(changed)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines() if result.stderr else result.output.splitlines()
    text = "\n".join(lines)
    assert "replay diverged at seq 3 (step 4 of Greeter[0]" in text
    assert "recorded SEND {'msg': 'greeting #0: Hello Ada!'" in text
    assert "replayed SEND {'msg': 'greeting #0: Hi Ada!'" in text
    assert "likely cause:" in text
    assert "last signals that matched:" in text
    assert f"next step: open the recording at that seq: chronoflow-tui {recording} --at 3" in text


def test_left_over_and_ran_on_have_their_own_exit_codes(tmp_path: Path) -> None:
    recording = _record("parent_children", tmp_path / "p.cfl")
    data = recording.read_bytes()
    cut = tmp_path / "cut.cfl"
    cut.write_bytes(data[: len(data) // 2])
    result = runner.invoke(app, ["replay", str(cut), "-w", str(SAMPLES / "parent_children.py")])
    assert result.exit_code == 3, result.output
    assert "the recording ended while the workflow wanted more" in result.output


def test_a_wrong_workflow_is_one_line(tmp_path: Path) -> None:
    recording = _record("greeter", tmp_path / "g.cfl")
    result = runner.invoke(app, ["replay", str(recording), "-w", str(SAMPLES / "echo.py")])
    assert result.exit_code == 1
    assert "runs template 'Greeter' (seq 0), which" in result.output
