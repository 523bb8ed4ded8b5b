"""``chronoflow.explore``: the samples' bugs are found, runs reproduce, recordings replay."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chronoflow.explore import (
    DEFAULT_RUNS,
    BoundedPlan,
    Kind,
    ListedPlan,
    Schedule,
    SeededPlan,
    Workflow,
    explore,
    run_once,
)
from chronoflow.inspect import Timeline
from chronoflow.recording import open_recording
from chronoflow.replay import Outcome, Reexecution

ROOT = Path(__file__).resolve().parents[2]
PHILOSOPHERS = ROOT / "sample_workflows" / "dining_philosophers.py"
LOST_UPDATE = ROOT / "sample_workflows" / "lost_update.py"


def counter_values(exploration: object) -> set[str]:
    """The counter's final value in each outcome of a lost_update exploration."""
    values = set()
    for finding in exploration.findings:  # type: ignore[attr-defined]
        counter = next(line for line in finding.outcome.state if line.startswith("Counter"))
        values.add(counter.rsplit("→ ", 1)[1])
    return values


def test_the_philosophers_deadlock_within_the_default_budget() -> None:
    found = explore(PHILOSOPHERS)
    assert found.runs == DEFAULT_RUNS + 1
    assert found.baseline.outcome.kind is Kind.DEADLOCK
    assert "Philosopher[5] → Fork[1]" in found.baseline.outcome.headline
    assert all(f.outcome.kind is Kind.DEADLOCK for f in found.findings)


def test_the_ordered_philosophers_never_deadlock_within_the_default_budget() -> None:
    found = explore(PHILOSOPHERS, ["ordered"], compare_output=False)
    assert found.runs == DEFAULT_RUNS + 1
    assert [f.outcome.kind for f in found.findings] == [Kind.FINISHED]
    assert sum("stopped → 2" in line for line in found.baseline.outcome.state) == 5


def test_the_lost_update_is_found_though_fifo_order_hides_it() -> None:
    found = explore(LOST_UPDATE)
    assert found.baseline.schedule.fifo
    assert found.baseline.outcome.output == "counter ends at 2\n"
    lost = [f for f in found.differs if "Counter[0] stopped → 1" in f.outcome.state]
    assert lost, [f.outcome.state for f in found.findings]
    assert lost[0].outcome.output == "counter ends at 1\n"
    assert lost[0].schedule.seed is not None


def test_a_systematic_search_finds_the_lost_update_and_covers_its_bound() -> None:
    found = explore(LOST_UPDATE, plan=BoundedPlan(500, bound=1))
    assert found.complete
    assert counter_values(found) == {"1", "2"}
    again = explore(LOST_UPDATE, plan=BoundedPlan(500, bound=1))
    assert again.runs == found.runs  # the same schedules, each once
    cut = explore(LOST_UPDATE, plan=BoundedPlan(3, bound=1))
    assert (cut.runs, cut.complete) == (4, False)
    lost = next(f for f in found.findings if "Counter[0] stopped → 1" in f.outcome.state)
    assert lost.schedule.label().startswith("schedule ")
    again_lost = explore(LOST_UPDATE, plan=ListedPlan([lost.schedule]))
    assert again_lost.findings[1].outcome == lost.outcome


def test_the_same_seed_gives_the_same_recording(tmp_path: Path) -> None:
    lost = next(
        f for f in explore(LOST_UPDATE).differs if "Counter[0] stopped → 1" in f.outcome.state
    )
    first = explore(LOST_UPDATE, plan=ListedPlan([lost.schedule]), out_dir=tmp_path / "a")
    second = explore(LOST_UPDATE, plan=ListedPlan([lost.schedule]), out_dir=tmp_path / "b")
    assert first.runs == second.runs == 2
    paths = [f.recording for f in (*first.differs, *second.differs)]
    assert len(paths) == 2
    assert None not in paths
    signals = []
    for path in paths:
        with open_recording(path) as reader:  # type: ignore[arg-type]
            signals.append([s[:4] for s in reader.signals()])
            meta = reader.metadata["exploration"]
            assert meta["seed"] == lost.schedule.seed
            assert meta["schedule"] == "seeded"
            assert meta["kind"] == "finished"
    assert signals[0] == signals[1]
    workflow = Workflow(LOST_UPDATE)
    assert [s[:4] for s in run_once(workflow, lost.schedule).signals] == signals[0]


@pytest.mark.parametrize(
    ("path", "args", "plan"),
    [
        (LOST_UPDATE, [], SeededPlan(40)),
        (LOST_UPDATE, [], BoundedPlan(40, bound=2)),
        (PHILOSOPHERS, ["ordered"], SeededPlan(10)),
        (PHILOSOPHERS, [], SeededPlan(5)),
    ],
)
def test_every_kept_recording_opens_and_replays(
    path: Path, args: list[str], plan: object, tmp_path: Path
) -> None:
    found = explore(path, args, plan, out_dir=tmp_path)  # type: ignore[arg-type]
    assert len(found.findings) == len(list(tmp_path.glob("*.cfl")))
    for finding in found.findings:
        assert finding.recording is not None
        with Timeline.open(finding.recording) as timeline:
            timeline.wait()
            assert len(timeline) > 0
            world = timeline.state_at(len(timeline) - 1)
            assert [line.split(" ")[0] for line in finding.outcome.state] == [
                proc.name for proc in world
            ]
        report = asyncio.run(Reexecution(finding.recording, path).run())
        assert report.outcome is Outcome.MATCHED, report.describe()


SAMPLES = sorted(p for p in (ROOT / "sample_workflows").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_explores_and_its_kept_recordings_replay(path: Path, tmp_path: Path) -> None:
    found = explore(path, plan=SeededPlan(6), out_dir=tmp_path)
    assert found.runs == 7
    for finding in found.findings:
        assert finding.recording is not None
        runner = Reexecution(finding.recording, path)
        if finding.outcome.cut:  # it never went idle: replay it as far as it was recorded
            report = asyncio.run(runner.run(stop_at=finding.signals - 1))
            assert report.outcome is Outcome.PAUSED, report.describe()
        else:
            report = asyncio.run(runner.run())
            assert report.outcome is Outcome.MATCHED, report.describe()


def test_a_crash_and_an_error_in_main_are_outcomes(tmp_path: Path) -> None:
    source = tmp_path / "racy.py"
    source.write_text(
        "from chronoflow import template\n"
        "@template\n"
        "def Check(self, order):\n"
        "    word = yield self.receive()\n"
        "    order.append(word)\n"
        "    if order == ['b', 'a']:\n"
        "        raise ValueError('b came first')\n"
        "@template\n"
        "def Say(self, word, to):\n"
        "    self.send_to(to, word)\n"
        "    return word\n"
        "    yield\n"
        "def main(scheduler, fail='no'):\n"
        "    if fail == 'yes':\n"
        "        raise RuntimeError('no main today')\n"
        "    order = []\n"
        "    a = scheduler.create(Check, order)\n"
        "    b = scheduler.create(Check, order)\n"
        "    a.start(); b.start()\n"
        "    scheduler.create(Say, 'a', a.pid).start()\n"
        "    scheduler.create(Say, 'b', b.pid).start()\n"
    )
    found = explore(source, plan=BoundedPlan(100, bound=2))
    kinds = {f.outcome.kind for f in found.findings}
    assert kinds == {Kind.FINISHED, Kind.CRASH}
    crash = next(f for f in found.findings if f.outcome.kind is Kind.CRASH)
    assert "raised ValueError: b came first" in crash.outcome.headline
    failed = explore(source, ["yes"], SeededPlan(2))
    assert [f.outcome.kind for f in failed.findings] == [Kind.ERROR]
    assert failed.findings[0].outcome.headline == "main() raised RuntimeError: no main today"
    assert failed.findings[0].runs == 3


def test_a_run_that_never_goes_idle_is_stopped(tmp_path: Path) -> None:
    source = tmp_path / "forever.py"
    source.write_text(
        "from chronoflow import template\n"
        "@template\n"
        "def Loop(self):\n"
        "    while True:\n"
        "        self.send_to(self.pid, 'again')\n"
        "        try:\n"
        "            yield self.receive()\n"
        "        except Exception:\n"
        "            pass\n"
        "def main(scheduler):\n"
        "    scheduler.create(Loop).start()\n"
    )
    found = explore(source, plan=SeededPlan(1), max_signals=500)
    assert [f.outcome.kind for f in found.findings] == [Kind.ERROR]
    assert found.findings[0].outcome.headline == "stopped after 500 signals (it never went idle)"
    assert found.findings[0].outcome.cut
    assert found.findings[0].signals == 500


def test_schedules_say_how_to_reproduce_them() -> None:
    assert Schedule().label() == "fifo"
    assert Schedule(seed=17).label() == "seed 17"
    assert Schedule(decisions=((3, 1), (7, 2))).label() == "schedule 3:1,7:2"
    assert Schedule(seed=4).metadata() == {"schedule": "seeded", "seed": 4}
