"""Re-execution of recording files: fixpoint, divergence, cut recordings, safety."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow import Signal, SignalType, SimpleScheduler
from chronoflow.cli import app
from chronoflow.errors import NondeterminismError, ReplayError
from chronoflow.recording import Recorder
from chronoflow.recording.values import ValueEncoder, unpack_value
from chronoflow.replay.reexecution import Outcome, Reexecution
from chronoflow.replay.workflow import load_workflow, run_workflow, scheduler_options

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workflows"
SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.py") if p.stem != "__init__")


def record(workflow: Path, out: Path, *args: str) -> list[Signal]:
    """Record ``workflow`` into ``out``; return the signals as they were produced."""
    kept: list[Signal] = []

    recorder = Recorder(out, workflow=str(workflow), args=args, chunk_size=4)

    module = load_workflow(workflow)

    async def go() -> None:
        async with SimpleScheduler(
            record=recorder, observers=[kept.append], **scheduler_options(module)
        ) as scheduler:
            await run_workflow(module, scheduler, list(args))

    asyncio.run(go())
    return kept


def brief(signals: list[Signal]) -> list[tuple[object, ...]]:
    """(seq, pid, type, data) as a recording stores them (Opaque for foreign objects).

    A crash's traceback is left out: the recording stores its paths relative to
    the workflow, and replay never compares tracebacks.
    """
    encoder = ValueEncoder()
    out = []
    for s in signals:
        data = unpack_value(encoder.pack(s.data))
        if s.type == SignalType.CRASH:
            data = {k: v for k, v in data.items() if k != "traceback"}
        out.append((s.seq, s.pid, s.type, data))
    return out


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_record_replay_rerecord_is_a_fixpoint(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.cfl"
    record(SAMPLES / f"{name}.py", path)
    runner = Reexecution(path, SAMPLES / f"{name}.py")
    replayed: list[Signal] = []
    report = asyncio.run(runner.run(observers=[replayed.append]))
    assert report.outcome is Outcome.MATCHED
    assert report.checked == report.recorded == len(runner.recorded) > 0
    assert brief(replayed) == brief(runner.recorded)


def _mutated(tmp_path: Path, old: str, new: str) -> Path:
    source = (SAMPLES / "client_server.py").read_text()
    assert old in source
    path = tmp_path / "client_server.py"
    path.write_text(source.replace(old, new))
    return path


def test_a_changed_workflow_names_the_seq_the_process_and_the_line(tmp_path: Path) -> None:
    recording = tmp_path / "cs.cfl"
    record(SAMPLES / "client_server.py", recording)
    changed = _mutated(tmp_path, '"id": 101,', '"id": 111,')
    with pytest.raises(NondeterminismError) as caught:
        asyncio.run(Reexecution(recording, changed).run())
    error = caught.value
    # seq 0, 1: both STARTs; 2: the server's WAIT; 3: SEND 100; 4: SEND 101.
    assert (error.seq, error.pid, error.template, error.step) == (4, 1, "Client", 3)
    assert error.path == str(recording)
    line = next(n for n, text in enumerate(changed.read_text().splitlines(), 1) if "111" in text)
    assert error.location == f"{changed}:{line}"
    assert error.expected.data["msg"]["id"] == 101
    assert error.actual.data["msg"]["id"] == 111
    assert error.next_step == f"open the recording at that seq: chronoflow-tui {recording} --at 4"
    assert str(recording) in str(error)


def test_a_cut_recording_replays_to_its_end_then_runs_on(tmp_path: Path) -> None:
    full = tmp_path / "full.cfl"
    record(SAMPLES / "parent_children.py", full)
    data = full.read_bytes()
    cut = tmp_path / "cut.cfl"
    cut.write_bytes(data[: len(data) * 2 // 3])
    runner = Reexecution(cut, SAMPLES / "parent_children.py")
    assert 0 < len(runner.recorded) < 34
    report = asyncio.run(runner.run())
    assert report.outcome is Outcome.RAN_ON
    assert report.checked == len(runner.recorded)
    assert report.checked + report.beyond == 34
    assert "the recording ended while the workflow wanted more" in report.describe()


def test_recorded_arguments_are_passed_again(tmp_path: Path) -> None:
    recording = tmp_path / "echo.cfl"
    record(SAMPLES / "echo.py", recording, "3", "0")
    runner = Reexecution(recording, SAMPLES / "echo.py")
    assert runner.args == ["3", "0"]
    report = asyncio.run(runner.run())
    assert report.outcome is Outcome.MATCHED
    runner.args = ["2", "0"]
    with pytest.raises(NondeterminismError) as caught:
        asyncio.run(runner.run())
    assert caught.value.seq == 0
    assert caught.value.expected.data["args"] == [3, 0.0]
    assert caught.value.actual.data["args"] == [2, 0.0]


def test_a_workflow_that_stops_early_leaves_signals_over(tmp_path: Path) -> None:
    recording = tmp_path / "greeter.cfl"
    record(SAMPLES / "greeter.py", recording, "Ada", "Bob")
    runner = Reexecution(recording, SAMPLES / "greeter.py")
    assert runner.args == ["Ada", "Bob"]
    last = runner.recorded[-1]
    runner.recorded = [*runner.recorded, Signal(last.seq + 1, 0, last.type, last.data)]
    report = asyncio.run(runner.run())
    assert report.outcome is Outcome.LEFT_OVER
    assert report.leftover == 1
    assert "1 recorded signals were left over" in report.describe()


def test_template_names_are_matched_never_imported(tmp_path: Path) -> None:
    recording = tmp_path / "echo.cfl"
    record(SAMPLES / "echo.py", recording, "1", "0")
    with pytest.raises(ReplayError, match=r"runs template 'Echo'.*does not define"):
        Reexecution(recording, SAMPLES / "greeter.py")


def test_pausing_at_a_seq_leaves_generators_suspended(tmp_path: Path) -> None:
    recording = tmp_path / "cs.cfl"
    shutil.copy(SAMPLES / "client_server.py", tmp_path / "client_server.py")
    record(SAMPLES / "client_server.py", recording)
    runner = Reexecution(recording, SAMPLES / "client_server.py")
    report = asyncio.run(runner.run(stop_at=6))
    assert report.outcome is Outcome.PAUSED
    assert runner.scheduler is not None
    client = runner.scheduler.processes[1]
    assert client.gen is not None
    assert client.gen.gi_frame is not None


RECORDINGS = Path(__file__).resolve().parent.parent / "recordings"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_shipped_recording_replays_against_its_sample(name: str) -> None:
    runner = Reexecution(RECORDINGS / f"{name}.cfl", SAMPLES / f"{name}.py")
    report = asyncio.run(runner.run())
    assert report.outcome is Outcome.MATCHED, report.describe()
    assert report.checked == len(runner.recorded) > 0


@pytest.mark.parametrize("limit", ["1", "10"])
def test_replay_applies_recorded_inbox_decisions(tmp_path: Path, limit: str) -> None:
    """Whether an inbox was full is taken from the recording, not decided again:
    with another limit in the code, the replay still reproduces every refusal
    and drop, and the producer sees the same refused sends."""
    source = (SAMPLES / "bounded_mailbox.py").read_text()
    assert "@template(inbox_limit=3)" in source
    changed = tmp_path / "bounded_mailbox.py"
    changed.write_text(
        source.replace("@template(inbox_limit=3)", f"@template(inbox_limit={limit})")
    )
    runner = Reexecution(RECORDINGS / "bounded_mailbox.cfl", changed)
    report = asyncio.run(runner.run())
    assert report.outcome is Outcome.MATCHED, report.describe()
    kinds = [s.type for s in runner.recorded]
    assert SignalType.BACKOFF in kinds
    assert runner.scheduler is not None
    producer = runner.scheduler.processes[2]
    assert producer.result == 8  # it was refused exactly as often as in the recording


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_a_copy_of_a_sample_under_another_name_replays_its_recording(
    name: str, tmp_path: Path
) -> None:
    # The shipped recordings were made before use functions were identified
    # without the workflow file's name: their USE fn still holds it.
    copy = Path(shutil.copy(SAMPLES / f"{name}.py", tmp_path / f"copy_of_{name}.py"))
    runner = Reexecution(RECORDINGS / f"{name}.cfl", copy)
    report = asyncio.run(runner.run())
    assert report.outcome is Outcome.MATCHED, report.describe()
    assert report.checked == len(runner.recorded) > 0


def test_a_recording_of_a_copy_replays_against_the_original(tmp_path: Path) -> None:
    copy = Path(shutil.copy(SAMPLES / "parallel_map.py", tmp_path / "words.py"))
    recorded = record(copy, tmp_path / "words.cfl")
    uses = [s.data["fn"] for s in recorded if s.type is SignalType.USE]
    assert len(uses) > 1
    assert set(uses) == {"chronoflow_workflow_words.measure"}
    report = asyncio.run(Reexecution(tmp_path / "words.cfl", SAMPLES / "parallel_map.py").run())
    assert report.outcome is Outcome.MATCHED, report.describe()


def test_a_copy_that_calls_another_function_still_diverges(tmp_path: Path) -> None:
    source = (SAMPLES / "timeout_retry.py").read_text()
    assert source.count("flaky_lookup") >= 2
    changed = tmp_path / "x.py"
    changed.write_text(source.replace("flaky_lookup", "shaky_lookup"))
    with pytest.raises(NondeterminismError) as caught:
        asyncio.run(Reexecution(RECORDINGS / "timeout_retry.cfl", changed).run())
    assert caught.value.seq == 23
    actual = caught.value.actual
    assert isinstance(actual, Signal)
    assert actual.data["fn"] == "chronoflow_workflow_x.shaky_lookup"


def test_chronoflow_replay_accepts_a_copy_under_another_name(tmp_path: Path) -> None:
    copy = Path(shutil.copy(SAMPLES / "timeout_retry.py", tmp_path / "x.py"))
    recording = RECORDINGS / "timeout_retry.cfl"
    result = CliRunner().invoke(app, ["replay", str(recording), "-w", str(copy)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"OK {recording}: replayed against {copy}: all 34 recorded signals matched"
    )


NAMED = """
from chronoflow import Transition, template


@template
def Echo(self):
    self.register("echo")
    while True:
        sender, n = yield self.receive()
        self.send_to(sender, n)


@template
def Counter(self, n):
    if n == 3:
        return n
    self.send_to("echo", (self.pid, self.whereis("echo") + n))
    got = yield self.receive()
    return Transition(Counter, got + 1)


def main(scheduler):
    scheduler.create(Echo).start()
    scheduler.create(Counter, 0).start()
"""


def test_live_frames_of_a_run_with_names_rerun_it_whole(tmp_path: Path) -> None:
    """A process alone has no registry: with names about, every goto re-runs
    the whole workflow, and the frames are those of the whole run."""
    from chronoflow.inspect import Timeline
    from chronoflow.replay.live import LiveSession

    workflow = tmp_path / "named.py"
    workflow.write_text(NAMED)
    recording = tmp_path / "named.cfl"
    record(workflow, recording)
    with Timeline.open(recording) as worlds:
        worlds.wait()
        session = LiveSession(recording, workflow, worlds)
        transitions = 0
        for seq in range(len(session)):
            whole = session.goto(seq)
            alone = session.goto(seq, pid=1)
            assert not session.started_from.startswith("from the TRANSITION"), seq
            transitions += worlds.signal(seq).type == SignalType.TRANSITION
            got, wanted = alone.frames.get(1), whole.frames.get(1)
            assert (got is None) == (wanted is None), seq
            if got is not None and wanted is not None:
                assert (got.template, got.line, got.locals) == (
                    wanted.template,
                    wanted.line,
                    wanted.locals,
                ), seq
        session.close()
    assert transitions == 3


FAILING_USES = """
from chronoflow import Process, SimpleScheduler, template


def missing(key):
    return {}[key]


def undecodable():
    return b"\\xff".decode("utf-8")


def absent():
    return open("/nonexistent/file")


@template
def Worker(self: Process, which: str):
    fn = {"key": missing, "decode": undecodable, "os": absent}[which]
    try:
        yield self.use(fn, *(["no"] if which == "key" else []))
    except KeyError as error:
        self.send_to(self.pid, ("caught", str(error)))
    except (UnicodeDecodeError, OSError) as error:
        self.send_to(self.pid, ("caught", type(error).__name__, str(error)))
    yield self.receive()
    yield self.use(fn, *(["no"] if which == "key" else []))  # and now it crashes


def main(scheduler: SimpleScheduler) -> None:
    for which in ("key", "decode", "os"):
        scheduler.create(Worker, which).start()
"""


def test_failed_uses_replay_with_the_message_they_recorded(tmp_path: Path) -> None:
    # A KeyError's str() is its key's repr, and a UnicodeDecodeError cannot be
    # built from a message alone: replay raises each again, catchable as its
    # own type, with the recorded message.
    workflow = tmp_path / "failing_uses.py"
    workflow.write_text(FAILING_USES)
    out = tmp_path / "failing_uses.cfl"
    signals = record(workflow, out)
    caught = [s.data["msg"] for s in signals if s.type == SignalType.SEND]
    assert ("caught", "'no'") in caught
    assert any(msg[:2] == ("caught", "UnicodeDecodeError") for msg in caught)
    assert any(msg[:2] == ("caught", "FileNotFoundError") for msg in caught)
    crashes = {s.data["error"] for s in signals if s.type == SignalType.CRASH}
    assert crashes == {"KeyError", "UnicodeDecodeError", "FileNotFoundError"}
    result = CliRunner().invoke(app, ["replay", str(out), "-w", str(workflow)])
    assert result.exit_code == 0, result.output
    assert "all" in result.output.splitlines()[-1]
