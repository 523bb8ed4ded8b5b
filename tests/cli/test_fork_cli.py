"""``chronoflow fork``: each change on the shipped samples, the fork's metadata,
the printed divergence, the limits of the live run, and one-line errors."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow import SimpleScheduler
from chronoflow.cli import app
from chronoflow.inspect import LiveSession, Status, Timeline
from chronoflow.recording import Recorder, open_recording
from chronoflow.replay.workflow import load_workflow, run_workflow
from chronoflow.signals import SignalType

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
SAMPLES = ROOT / "sample_workflows"
CLIENT_SERVER = ["recordings/client_server.cfl", "-w", "sample_workflows/client_server.py"]
ECHO = ["recordings/echo.cfl", "-w", "sample_workflows/echo.py"]
runner = CliRunner()
WIDE = {"COLUMNS": "200", "NO_COLOR": "1"}

#: A workflow whose live run after a fork can be made long: ``how_many``
#: says how many messages the counter sends itself, and past 100 it also
#: waits 30 seconds in a ``use``.
COUNTER = """
import asyncio
from chronoflow import template

async def how_many():
    return 2

async def pause(seconds):
    await asyncio.sleep(seconds)
    return seconds

@template
def Counter(self):
    n = yield self.use(how_many)
    for i in range(n):
        self.send_to(self.pid, i)
        yield self.receive()
    yield self.use(pause, 30 if n >= 100 else 0)
    return n

def main(scheduler):
    scheduler.create(Counter).start()
"""


@pytest.fixture(autouse=True)
def _in_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _fork(*args: str) -> tuple[int, list[str], str]:
    result = runner.invoke(app, ["fork", *args], env=WIDE)
    return result.exit_code, [line.rstrip() for line in result.stdout.splitlines()], result.stderr


def _replays(fork: Path, workflow: str) -> str:
    result = runner.invoke(app, ["replay", str(fork), "-w", workflow], env=WIDE)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[-1]


def _end(recording: Path) -> Timeline:
    timeline = Timeline.open(recording)
    timeline.wait()
    return timeline


def test_drop_a_waiting_message(tmp_path: Path) -> None:
    fork = tmp_path / "dropped.cfl"
    code, out, err = _fork(*CLIENT_SERVER, "--at", "11", "--drop", "8", "-o", str(fork))
    assert code == 0, err
    assert (
        "forked recordings/client_server.cfl at seq 11 (it begins at seq 14): drop message #8"
        in out
    )
    assert "  dropped #8 from Client[1]" in out
    assert (
        f"wrote {fork}: 18 signals, 4 after the fork point; "
        "the live run ran until nothing more could happen"
    ) in out
    assert (
        "diverged: the runs diverge at seq 14 (step 6 of Client[1]): A has RECEIVE 12, B has "
        "DROP {'id': 8, 'msg': {'id': 100, 'from': 0, 'to': 1, 'result': 1}, 'reason': 'fork'}"
    ) in out
    with open_recording(fork) as reader:
        assert reader.metadata["fork"] == {
            "of": "recordings/client_server.cfl",
            "at": 11,
            "change": {"kind": "drop", "id": 8},
            "text": "drop message #8",
        }
        assert reader.metadata["workflow"] == "sample_workflows/client_server.py"
    with _end(fork) as timeline:
        client = timeline.state_at(len(timeline) - 1).process(1)
        assert client.status is Status.WAITING  # for the reply that was dropped
        assert client.inbox == ()
    assert _replays(fork, "sample_workflows/client_server.py").endswith(
        "all 18 recorded signals matched"
    )
    # The debugger's live frames (Source panel) run the fork past its fork point too.
    frames = LiveSession(fork, "sample_workflows/client_server.py").goto(17)
    assert frames.frames[1].waiting_on == "select reply_to(100)"


def test_replace_a_waiting_message(tmp_path: Path) -> None:
    fork = tmp_path / "replaced.cfl"
    value = json.dumps({"id": 101, "from": 0, "to": 1, "result": 99})
    code, out, err = _fork(
        *CLIENT_SERVER, "--at", "11", "--replace", f"10={value}", "-o", str(fork)
    )
    assert code == 0, err
    assert "  replaced the inbox of Client[1]: #10 is now #15" in out
    with _end(fork) as timeline:
        assert timeline.signal(14).type == SignalType.DROP
        assert timeline.signal(15).data == {"msg": json.loads(value), "into": [1]}
        assert timeline.state_at(len(timeline) - 1).process(1).result == ["error", 99, 1]
    assert any(
        line.startswith("      1 Client[1]: ")
        and "result: ['error', 2, 1] vs ['error', 99, 1]" in line
        for line in out
    )
    _replays(fork, "sample_workflows/client_server.py")


def test_reorder_an_inbox(tmp_path: Path) -> None:
    fork = tmp_path / "reordered.cfl"
    code, out, err = _fork(*CLIENT_SERVER, "--at", "11", "--reorder", "1=10,8", "-o", str(fork))
    assert code == 0, err
    assert "  reordered the inbox of Client[1]: #10 is now #16, #8 is now #17" in out
    with _end(fork) as timeline:
        kinds = [timeline.signal(seq).type for seq in range(14, 18)]
        assert kinds == [SignalType.DROP, SignalType.DROP, SignalType.DELIVER, SignalType.DELIVER]
        assert [timeline.signal(seq).data["msg"]["id"] for seq in (16, 17)] == [101, 100]
        # Selective receives take replies by id: the order does not change the result.
        assert timeline.state_at(len(timeline) - 1).process(1).result == ["error", 2, 1]
    _replays(fork, "sample_workflows/client_server.py")


def test_give_a_use_another_result(tmp_path: Path) -> None:
    fork = tmp_path / "result.cfl"
    code, out, err = _fork(*ECHO, "--at", "6", "--use-result", "5=42", "-o", str(fork))
    assert code == 0, err
    assert "forked recordings/echo.cfl at seq 6 (it begins at seq 9): use @5 returns 42" in out
    assert (
        "diverged: the runs diverge at seq 9 (step 6 of Echo[0]): A has RESULT {'use': 5, "
        "'value': None}, B has RESULT {'use': 5, 'value': 42}"
    ) in out
    with open_recording(fork) as reader:
        assert reader.metadata["fork"]["change"] == {"kind": "use-result", "use": 5, "value": 42}
    _replays(fork, "sample_workflows/echo.py")


def test_give_a_use_an_error(tmp_path: Path) -> None:
    fork = tmp_path / "error.cfl"
    code, out, err = _fork(
        *ECHO, "--at", "6", "--use-error", "8=OSError:disk full", "-o", str(fork)
    )
    assert code == 0, err
    assert any(line.endswith(": use @8 fails with OSError: disk full") for line in out)
    with _end(fork) as timeline:
        echo = timeline.state_at(len(timeline) - 1).process(1)
        assert echo.status is Status.CRASHED
        assert echo.crash is not None
        assert (echo.crash.error, echo.crash.message) == ("OSError", "disk full")
    assert any(
        "status: stopped vs crashed" in line and line.startswith("      1 Echo[1]") for line in out
    )
    _replays(fork, "sample_workflows/echo.py")


def test_a_use_after_the_fork_point_is_changed_when_the_fork_makes_it(tmp_path: Path) -> None:
    fork = tmp_path / "later.cfl"
    code, out, err = _fork(*ECHO, "--at", "6", "--use-result", "12=7", "-o", str(fork))
    assert code == 0, err
    with _end(fork) as timeline:
        assert timeline.signal(12).type == SignalType.USE
        results = [
            s.data for s in timeline.signals(13, len(timeline)) if s.type == SignalType.RESULT
        ]
        assert {"use": 12, "value": 7} in results
    assert not any(line.startswith("note:") for line in out)
    never = tmp_path / "never.cfl"
    code, out, err = _fork(*ECHO, "--at", "6", "--use-result", "11=7", "-o", str(never))
    assert code == 0, err
    assert (
        "note: the fork made no use at seq 11, so the change was never applied "
        "(a use's seq is the seq of its USE signal)"
    ) in out


@pytest.fixture
def counter(tmp_path: Path) -> tuple[Path, Path]:
    workflow = tmp_path / "counter.py"
    workflow.write_text(COUNTER)
    recording = tmp_path / "counter.cfl"
    recorder = Recorder(recording, workflow=str(workflow))

    async def go() -> None:
        async with SimpleScheduler(record=recorder) as scheduler:
            await run_workflow(load_workflow(workflow), scheduler, [])

    asyncio.run(go())
    return recording, workflow


def test_the_signal_limit_stops_a_live_run(counter: tuple[Path, Path], tmp_path: Path) -> None:
    recording, workflow = counter
    fork = tmp_path / "long.cfl"
    code, out, err = _fork(
        str(recording), "-w", str(workflow), "--at", "1", "--use-result", "1=99",
        "--max-signals", "50", "-o", str(fork),
    )  # fmt: skip
    assert code == 0, err
    assert any("the live run stopped by the signal limit (50 signals)" in line for line in out)
    with _end(fork) as timeline:
        # Two signals before the fork point, then at least the limit; a running
        # step finishes first, so a little more, but not the ~300 of the whole run.
        assert 52 <= len(timeline) < 200
        assert timeline.state_at(len(timeline) - 1).process(0).status is not Status.STOPPED
        last = len(timeline) - 1
    # Replayed against itself, the workflow wants more than the limit let it record.
    replayed = runner.invoke(app, ["replay", str(fork), "-w", str(workflow)], env=WIDE)
    assert replayed.exit_code == 3, replayed.output
    whole = runner.invoke(
        app, ["replay", str(fork), "-w", str(workflow), "--to", str(last)], env=WIDE
    )
    assert whole.exit_code == 0, whole.output


def test_the_time_limit_stops_a_live_run(counter: tuple[Path, Path], tmp_path: Path) -> None:
    recording, workflow = counter
    fork = tmp_path / "slow.cfl"
    code, out, err = _fork(
        str(recording), "-w", str(workflow), "--at", "1", "--use-result", "1=100",
        "--timeout", "0.5", "-o", str(fork),
    )  # fmt: skip
    assert code == 0, err
    assert any("the live run stopped by the time limit (0.5 s)" in line for line in out)
    with _end(fork) as timeline:
        # The counter sent itself its 100 messages and waits in the 30 s use.
        assert timeline.state_at(len(timeline) - 1).process(0).status is Status.USING


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            [*CLIENT_SERVER, "--at", "11", "--drop", "99"],
            "error: message #99 is not waiting in any inbox at seq 13, where the fork begins "
            "(the step running at seq 11 finished first: a step is atomic)",
        ),
        (
            [*CLIENT_SERVER, "--at", "18", "--drop", "8"],
            "error: seq 18 is out of range: recordings/client_server.cfl has seqs 0 to 17",
        ),
        (
            ["recordings/client_server.cfl", "-w", "sample_workflows/echo.py", "--at", "3",
             "--drop", "8"],
            "error: recordings/client_server.cfl runs template 'Server' (seq 0), which "
            "sample_workflows/echo.py does not define",
        ),
        ([*CLIENT_SERVER, "--at", "11"], "error: give exactly one change: one of --drop,"),
        (
            [*CLIENT_SERVER, "--at", "11", "--drop", "8", "--reorder", "1=10,8"],
            "error: give exactly one change",
        ),
        ([*CLIENT_SERVER, "--at", "11", "--drop", "x"],
         "error: --drop's message id must be a number"),
        ([*CLIENT_SERVER, "--at", "11", "--replace", "10={oops"],
         "error: --replace's value is not JSON"),
        ([*CLIENT_SERVER, "--at", "11", "--reorder", "1=3,12"],
         "error: message #3 is not in the inbox of process 1"),
        ([*CLIENT_SERVER, "--at", "13", "--drop", "12"],
         "error: Client[1]'s receive has already matched message #12"),
        ([*ECHO, "--at", "6", "--use-result", "4=1"], "error: seq 4 is not a USE"),
        ([*ECHO, "--at", "12", "--use-result", "5=1"],
         "error: the use @5 got its result at seq 9, before the fork point 12"),
        ([*ECHO, "--at", "6", "--use-error", "5=no such type:x"],
         "error: --use-error needs an exception type name"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(tmp_path: Path, args: list[str], error: str) -> None:
    fork = tmp_path / "fork.cfl"
    code, _, err = _fork(*args, "-o", str(fork))
    assert code == (2 if "give exactly one change" in error else 1)
    assert err.startswith(error), err
    assert len(err.splitlines()) == 1, err
    assert not fork.exists()
    assert list(tmp_path.iterdir()) == []  # no partial file left behind


def test_a_fork_that_diverges_before_its_seq_says_where(tmp_path: Path) -> None:
    """A workflow that defines the same templates but behaves otherwise."""
    changed = tmp_path / "client_server.py"
    changed.write_text(
        (SAMPLES / "client_server.py").read_text().replace('"command": "STOP"', '"command": "HALT"')
    )
    code, _, err = _fork(
        "recordings/client_server.cfl", "-w", str(changed), "--at", "11", "--drop", "8",
        "-o", str(tmp_path / "fork.cfl"),
    )  # fmt: skip
    assert code == 1
    assert err.startswith(
        "error: before the fork point: recordings/client_server.cfl: replay diverged at seq 5"
    )
    assert err.rstrip().endswith(
        f"(chronoflow replay recordings/client_server.cfl -w {changed} gives the whole report)"
    )
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "fork.cfl").exists()


def test_an_existing_output_needs_force(tmp_path: Path) -> None:
    fork = tmp_path / "fork.cfl"
    fork.write_bytes(b"keep me")
    code, _, err = _fork(*CLIENT_SERVER, "--at", "11", "--drop", "8", "-o", str(fork))
    assert code == 1
    assert "already exists; add --force" in err
    assert fork.read_bytes() == b"keep me"
    code, _, err = _fork(*CLIENT_SERVER, "--at", "11", "--drop", "8", "-o", str(fork), "--force")
    assert code == 0, err
    assert fork.read_bytes() != b"keep me"


@pytest.mark.parametrize(
    "entry",
    [
        {"at": "11", "change": {"kind": "drop", "id": 8}},
        {"at": 11, "change": {"kind": "drop"}},
        {"at": 11, "change": {"kind": "reorder", "pid": 1, "ids": [10, 8], "extra": 1}},
    ],
)
def test_a_malformed_fork_entry_is_one_line_when_replayed(
    tmp_path: Path, entry: dict[str, object]
) -> None:
    """A recording whose metadata claims to be a fork, wrongly (written by hand)."""
    fake = tmp_path / "fake.cfl"
    recorder = Recorder(
        fake, workflow="sample_workflows/client_server.py", metadata={"fork": entry}
    )
    with recorder, open_recording(RECORDINGS / "client_server.cfl") as reader:
        for signal in reader.signals():
            recorder(signal)
    result = runner.invoke(
        app, ["replay", str(fake), "-w", "sample_workflows/client_server.py"], env=WIDE
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "fork" in result.stderr
    assert len(result.stderr.splitlines()) == 1
