"""A recording of a program using ``send_to``, per-process inbox options, a
multi-clause receive, refs and ``demonitor(flush=True)`` replays faithfully."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

from chronoflow.recording import Recorder
from chronoflow.replay import Outcome, Reexecution
from chronoflow.replay.workflow import load_workflow, run_workflow
from chronoflow.runtime import SimpleScheduler, VirtualClock

WORKFLOW = textwrap.dedent(
    '''
    """Erlang parity features, for a replay test."""

    from chronoflow import ANY, TIMEOUT, Pattern, template


    def is_stop(message):
        return message == "stop"


    @template
    def Quick(self):
        return "done"
        yield


    @template
    def Server(self):
        seen = []
        while True:
            got = yield self.receive_clauses(
                ping=Pattern(("ping", int, ANY)), stop=is_stop, timeout=None if seen else 1
            )
            if got is TIMEOUT:
                seen.append("timeout")
                continue
            if got.clause == "stop":
                return seen
            _, n, sender = got.msg
            seen.append(n)
            self.send_to(sender, ("pong", n))


    @template
    def Client(self):
        server = self.spawn(Server, inherit=False, inbox_limit=2, overflow="drop-newest")
        ref = self.make_ref()
        yield self.sleep(2)  # the server's first receive times out meanwhile
        self.send_to(server.pid, ("ping", 1, self.pid))
        reply = yield self.receive()
        watched = self.spawn(Quick, inherit=False)
        mref = self.monitor(watched.pid)
        yield self.sleep(1)
        self.demonitor(mref, flush=True)
        self.send_to(99, "nobody")
        self.send_to(server.pid, "stop")
        result = yield from server.join()
        return [ref, reply, result]


    async def main(scheduler):
        scheduler.create(Client).start()
        scheduler.send_to(77, "from outside, to no one")
    '''
)


def _record(tmp_path: Path) -> tuple[Path, Path]:
    workflow = tmp_path / "parity.py"
    workflow.write_text(WORKFLOW)
    recording = tmp_path / "parity.cfl"

    async def go() -> None:
        recorder = Recorder(recording, workflow="parity", args=())
        async with SimpleScheduler(record=recorder, clock=VirtualClock()) as scheduler:
            await run_workflow(load_workflow(workflow), scheduler)
            assert scheduler.processes[0].result == ["#Ref<0.1>", ("pong", 1), ["timeout", 1]]

    asyncio.run(go())
    return recording, workflow


def test_the_parity_program_replays(tmp_path: Path) -> None:
    recording, workflow = _record(tmp_path)
    report = asyncio.run(Reexecution(recording, workflow).run())
    assert report.outcome is Outcome.MATCHED, report.describe()
