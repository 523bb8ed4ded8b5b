"""The kitchen fridge: a multi-clause receive that serves calls.

Lesson: Erlang's `receive` has several clauses, tried against each
message in inbox order, and an `after` for when nothing comes; a message
no clause matches stays in the inbox. Here the fridge (after Learn You
Some Erlang's) receives with three clauses, store, take and terminate,
each a Pattern, and hums when idle for a minute. The cook calls it by its
registered name. Asking it to defrost, which no clause matches, leaves
that request in the fridge's inbox for good, and the cook's call times
out (CallTimeoutError). A call made after "terminate" fails: the fridge
takes "terminate" first, ends, and the call's monitor reports it.

What to look for in the debugger: the fridge's WAIT naming its clauses
("store | take | terminate"); the defrost request still in its inbox at
the end, never examined as a match; the cook's TIMEOUT and the DOWN that
ends its last call.

    chronoflow run sample_workflows/fridge.py
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import (
    ANY,
    CALL,
    TIMEOUT,
    CallError,
    CallTimeoutError,
    Pattern,
    Process,
    SimpleScheduler,
    template,
)

SCHEDULER_OPTIONS = {"clock": "virtual"}


@template
def Fridge(self: Process, food: list[str]) -> Generator[Any, Any, list[str]]:
    """Store and hand out food until told to terminate; hum when idle."""
    while True:
        got = yield self.receive_clauses(
            store=Pattern((CALL, ANY, ("store", str))),
            take=Pattern((CALL, ANY, ("take", str))),
            terminate=Pattern("terminate"),
            timeout=60,
        )
        if got is TIMEOUT:
            print("fridge: hums")
            continue
        if got.clause == "terminate":
            return food
        _, from_, (_, item) = got.msg
        if got.clause == "store":
            food.append(item)
            self.reply(from_, "ok")
        elif item in food:
            food.remove(item)
            self.reply(from_, ("ok", item))
        else:
            self.reply(from_, "not_found")


@template
def Cook(self: Process) -> Generator[Any, Any, None]:
    """Use the fridge, then close the kitchen."""
    print("store milk:", (yield from self.call("fridge", ("store", "milk"))))
    print("take milk:", (yield from self.call("fridge", ("take", "milk"))))
    print("take bacon:", (yield from self.call("fridge", ("take", "bacon"))))
    try:
        yield from self.call("fridge", ("defrost",), timeout=2)
    except CallTimeoutError as error:
        print("defrost:", error)
    yield self.sleep(90)  # the fridge is idle meanwhile
    self.send_to("fridge", "terminate")
    try:
        yield from self.call("fridge", ("take", "juice"))
    except CallError as error:
        print("take juice:", error)


def main(scheduler: SimpleScheduler) -> None:
    """A fridge holding juice, registered as "fridge" before the cook starts, and a cook.

    Why register here and not in the fridge's own first step: Erlang's
    ``register(fridge, spawn(...))``. Registered by the fridge itself, the
    name exists only once the fridge has run; under another schedule the
    cook runs first, its call finds no "fridge" and crashes
    (``chronoflow explore`` finds that order).
    """
    fridge = scheduler.create(Fridge, ["juice"])
    fridge.start()
    scheduler.register("fridge", fridge.pid)
    scheduler.create(Cook).start()
