"""Live frames: real generators brought to a seq, with their lines and locals."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from chronoflow import SimpleScheduler
from chronoflow.inspect import Timeline
from chronoflow.recording import Recorder
from chronoflow.replay.live import LiveSession, safe_repr
from chronoflow.replay.workflow import load_workflow, run_workflow, scheduler_options

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workflows"


@pytest.fixture(scope="module")
def client_server(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("live") / "client_server.cfl"
    recorder = Recorder(out, workflow="client_server", chunk_size=4)

    async def go() -> None:
        async with SimpleScheduler(record=recorder) as scheduler:
            await run_workflow(load_workflow(SAMPLES / "client_server.py"), scheduler, [])

    asyncio.run(go())
    return out


def _line(text: str) -> int:
    source = (SAMPLES / "client_server.py").read_text().splitlines()
    return next(n for n, line in enumerate(source, 1) if text in line)


def test_frames_show_the_suspended_line_the_effect_and_the_locals(client_server: Path) -> None:
    session = LiveSession(client_server, SAMPLES / "client_server.py")
    at = session.goto(3)
    assert at.reached >= 3
    client = at.frames[1]
    assert (client.template, client.status) == ("Client", "waiting")
    assert client.waiting_on == "select reply_to(102)"
    assert client.file == str(SAMPLES / "client_server.py")
    assert client.line == _line("reply = yield self.receive()")
    assert dict(client.locals)["request_id"] == "102"
    assert dict(client.locals)["replies"] == "[]"
    first, lines = client.source
    assert lines[client.line - first].strip() == "reply = yield self.receive()"
    server = at.frames[0]
    # Request 100 (seq 3) has reached its plain receive: it is ready, as the
    # engine says too.
    assert (server.status, server.waiting_on) == (
        "ready",
        "receive: a message arrived, it takes it next",
    )
    assert server.line == _line("request = yield self.receive()")


def test_going_forward_and_back_gives_each_seq_its_own_state(client_server: Path) -> None:
    session = LiveSession(client_server, SAMPLES / "client_server.py")
    later = session.goto(10)
    assert dict(later.frames[0].locals)["served"] == "3"
    earlier = session.goto(3)
    assert dict(earlier.frames[0].locals)["served"] == "0"
    end = session.goto(len(session) - 1)
    assert 1 not in end.frames  # the client has ended; ended processes have no frame
    assert end.reached == len(session) - 1


def test_safe_repr_shortens_and_never_raises() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert safe_repr(Broken()).startswith("<Broken instance at 0x")
    assert len(safe_repr("x" * 1000)) <= 80
    assert safe_repr(list(range(100))).endswith("...]")


STATEFUL = """
from chronoflow import Transition, template
from chronoflow.runtime import TIMEOUT

SCHEDULER_OPTIONS = {"clock": "virtual"}


async def double(n):
    return 2 * n


def to_first(message):
    return 0


@template
def Counter(self, total, step):
    got = yield self.receive(timeout=5.0)
    if got is TIMEOUT:
        return total
    doubled = yield self.use(double, got)
    if step == 3:
        yield self.sleep(1.0)
    return Transition(Counter, total + doubled, step + 1)


@template(route=to_first)
def Feeder(self, count):
    for n in range(1, count + 1):
        self.send(n)
        yield self.sleep(0.5)
    return count


def main(scheduler):
    scheduler.create(Counter, 0, 1).start()
    scheduler.create(Feeder, 5).start()
"""


def test_a_process_alone_from_its_last_transition_matches_the_whole_rerun(
    tmp_path: Path,
) -> None:
    workflow = tmp_path / "stateful.py"
    workflow.write_text(STATEFUL)
    recording = tmp_path / "stateful.cfl"
    module = load_workflow(workflow)
    recorder = Recorder(recording, chunk_size=4)

    async def go() -> None:
        options = scheduler_options(module)
        async with SimpleScheduler(record=recorder, **options) as scheduler:
            await run_workflow(module, scheduler, [])

    asyncio.run(go())
    worlds = Timeline.open(recording)
    worlds.wait()
    session = LiveSession(recording, workflow, worlds)
    alone_count = 0
    for seq in range(len(session)):
        whole = session.goto(seq)
        alone = session.goto(seq, pid=0)
        if session.started_from.startswith("from the TRANSITION"):
            alone_count += 1
        expected, actual = whole.frames.get(0), alone.frames.get(0)
        if expected is None:
            assert actual is None, seq
            continue
        assert actual is not None, seq
        assert (actual.template, actual.line, actual.locals, actual.waiting_on) == (
            expected.template,
            expected.line,
            expected.locals,
            expected.waiting_on,
        ), seq
    assert alone_count > len(session) // 2
    session.close()
