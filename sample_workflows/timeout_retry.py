"""Request with timeout and retry: waiting for an answer that may not come.

Lesson: a receive can give up. ``yield self.receive(match=..., timeout=s)``
returns ``TIMEOUT`` if no matching reply arrives in time (Erlang's
``receive ... after``); the client then tries again, waiting longer each
time. The server here is slow: it answers the first requests too late. A
side effect that may fail is retried by the runtime itself:
``self.use(fn, timeout=..., retries=..., backoff=...)`` records every
attempt.

The workflow runs on a virtual clock: time jumps to the next timer when
every process waits, so the seconds below pass instantly, and the same
program always gives the same recording.

What to look for in the debugger: the client's WAIT with its timeout, the
TIMEOUT that ends it, the late reply left in the inbox, and the USE /
RESULT / RETRY sequence of the flaky lookup.

    chronoflow run sample_workflows/timeout_retry.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template
from chronoflow.runtime import TIMEOUT

SCHEDULER_OPTIONS = {"clock": "virtual"}

FAILURES = {"left": 2}


async def flaky_lookup(key: str) -> str:
    """A service that fails twice before it answers."""
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise ConnectionError("service unavailable")
    return f"{key}=42"


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


@template(route=to_field)
def SlowServer(self: Process, delays: list[float]) -> Generator[Any, Any, None]:
    """Answer each request after the next delay of ``delays``."""
    for delay in delays:
        request = yield self.receive()
        yield self.sleep(delay)
        self.send({"to": request["from"], "id": request["id"], "answer": "pong"})


def is_reply(request_id: int) -> Any:
    """A select predicate for the reply to ``request_id`` (named, for the debugger)."""

    def reply(message: dict[str, Any]) -> bool:
        return bool(message.get("id") == request_id)

    reply.__qualname__ = f"is_reply({request_id})"
    return reply


@template(route=to_field)
def Client(self: Process, server: int, attempts: int) -> Generator[Any, Any, Any]:
    """Ask up to ``attempts`` times, doubling the timeout; then use a flaky service."""
    timeout = 1.0
    answer: Any = None
    for attempt in range(1, attempts + 1):
        self.send({"to": server, "from": self.pid, "id": attempt})
        answer = yield self.receive(match=is_reply(attempt), timeout=timeout)
        if answer is not TIMEOUT:
            print(f"attempt {attempt}: {answer['answer']} within {timeout} s")
            break
        print(f"attempt {attempt}: no answer within {timeout} s")
        timeout *= 2
    value = yield self.use(flaky_lookup, "answer", retries=3, backoff=0.01)
    print("lookup:", value)
    return value


def main(scheduler: SimpleScheduler) -> None:
    """A server that answers after 3 s, 3 s and 1 s; a client that retries."""
    FAILURES["left"] = 2
    server = scheduler.create(SlowServer, [3.0, 3.0, 1.0])
    server.start()
    scheduler.create(Client, server.pid, 3).start()
