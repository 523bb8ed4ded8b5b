"""``chronoflow run`` names registered processes in what it reports."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from chronoflow.cli import app

runner = CliRunner()

WORKFLOW = """
from chronoflow import template


@template
def Fragile(self):
    self.register("fragile")
    yield self.receive()
    raise ValueError("broke")


@template
def Caller(self, name, other):
    self.register(name)
    yield self.sleep(0.01)
    return (yield from self.call(other, "after you", timeout=None))


async def main(scheduler):
    fragile = scheduler.create(Fragile)
    fragile.start()
    scheduler.create(Caller, "ping", "pong").start()
    scheduler.create(Caller, "pong", "ping").start()
    await scheduler.update()
    await fragile.push("go")
"""


def test_crashes_and_a_deadlock_of_calls_are_named(tmp_path: Path) -> None:
    workflow = tmp_path / "calls.py"
    workflow.write_text(WORKFLOW)
    result = runner.invoke(app, ["run", str(workflow)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "crash: fragile: Fragile[0] raised ValueError: broke" in lines
    assert lines[-3] == "run ended: 3 processes (1 crashed, 2 still blocked)"
    assert lines[-2].startswith("deadlock: 2 processes blocked forever since seq ")
    assert lines[-1] == "wait-for cycle: ping: Caller[1] → pong: Caller[2] → ping: Caller[1]"
