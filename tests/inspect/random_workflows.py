"""Random workflows for property tests: processes that follow a drawn plan.

One template, :func:`Actor`, interprets a plan, a list of steps drawn by
hypothesis: send to a pid, receive, select or filter on a payload, spawn a
child with its own plan (inheriting its inbox or not), join a child,
``use`` (succeeding or failing), crash, transition to a new plan, link,
unlink, monitor, demonitor, trap exits, send an exit signal, receive with a
timeout, or sleep; register itself or another pid under a name from a
small pool, unregister a name, send to a name or to any pid (one that
ended or never existed too), and call a name or a pid (a receive answers
the calls it takes). Roots receive pushes from outside too, and names
given from outside.
Some payloads are objects that marshal cannot store, so checkpoints take
their fallback path. Programs may block forever (two calls
waiting for each other, too), crash, leave children unjoined (which kills
them) or fill small inboxes (BACKOFF): every kind of signal the runtime
emits shows up. A step the runtime refuses (a name taken, a name nobody
holds, a call that fails or times out) raises in the process, which
carries on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from chronoflow import Process, Transition, template
from chronoflow.errors import CallError, MisuseError, NameNotRegisteredError
from chronoflow.runtime import SimpleScheduler

#: The names processes register under.
NAMES = ("a", "b", "c")


@dataclass(frozen=True)
class Token:
    """A message value that is not plain data."""

    n: int


def _route(message: Any) -> int | None:
    return message[0] if isinstance(message, tuple) and message[0] >= 0 else None


async def _value(value: Any) -> Any:
    return value


async def _fail(value: Any) -> Any:
    raise RuntimeError(f"failed {value}")


def _payload_is(value: Any) -> Any:
    def match(message: Any) -> bool:
        return isinstance(message, tuple) and message[1] == value

    match.__qualname__ = f"payload_is({value!r})"
    return match


@template(route=_route, inbox_limit=3)
def Actor(self: Process, plan: list[Any]) -> Generator[Any, Any, Any]:
    """Follow ``plan`` step by step (see the module docstring)."""
    children: list[Process] = []
    refs: list[int] = []
    for step in plan:
        op = step[0]
        if op == "send":
            self.send((step[1], step[2]))
        elif op == "receive":
            _answer(self, (yield self.receive()), len(plan))
        elif op == "select":
            self.select(_payload_is(step[1]))
            yield self.receive()
        elif op == "filter":
            self.filter(_payload_is(step[1]))
            yield self.receive()
        elif op == "spawn":
            children.append(self.spawn(Actor, step[1]))
        elif op == "spawn_solo":
            children.append(self.spawn(Actor, step[1], inherit=False))
        elif op == "link":
            self.link(step[1])
        elif op == "unlink":
            self.unlink(step[1])
        elif op == "monitor":
            refs.append(self.monitor(step[1]))
        elif op == "demonitor" and refs:
            self.demonitor(refs.pop(0))
        elif op == "trap":
            self.trap_exits(step[1])
        elif op == "exit":
            self.exit(step[1], step[2])
        elif op == "wait_for":
            yield self.receive(timeout=step[1])
        elif op == "sleep":
            yield self.sleep(step[1])
        elif op == "join" and children:
            with contextlib.suppress(Exception):
                yield from children.pop(0).join()
        elif op == "use":
            with contextlib.suppress(RuntimeError):
                yield self.use(_value if step[1] % 2 else _fail, step[1])
        elif op == "crash":
            raise ValueError(f"planned crash {step[1]}")
        elif op == "register":
            # A taken name, or a process that has a name already, is refused
            # (NameTakenError, a MisuseError), as is a pid that is not alive.
            with contextlib.suppress(MisuseError):
                self.register(step[1], *step[2:])
        elif op == "unregister":
            with contextlib.suppress(NameNotRegisteredError):
                self.unregister(step[1])
        elif op == "send_to":
            with contextlib.suppress(NameNotRegisteredError):
                self.send_to(step[1], (-1, step[2]))
        elif op == "call":
            # The callee ended, never existed or did not answer in time; a
            # call to itself is a misuse.
            with contextlib.suppress(CallError, MisuseError):
                yield from self.call(step[1], "request", timeout=step[2])
        elif op == "transition":
            return Transition(Actor, step[1])
    return len(plan)


def _answer(self: Process, message: Any, value: Any) -> None:
    """Reply to ``message`` if it is a call's request."""
    if isinstance(message, tuple) and len(message) == 3 and message[0] == "$call":
        self.reply(message[1], value)


payloads = st.one_of(
    st.integers(0, 3),
    st.sampled_from(["a", "b"]),
    st.builds(Token, st.integers(0, 2)),
    # Nested containers, and a value a recording keeps only as an Opaque.
    st.sampled_from([[1, (2,)], {"k": (1, [2])}, ...]),
)


names = st.sampled_from(NAMES)


def plans(depth: int = 2) -> st.SearchStrategy[list[Any]]:
    """A plan: up to eight steps; spawn and transition nest up to ``depth``."""
    simple = st.one_of(
        st.tuples(st.just("send"), st.integers(-1, 5), payloads),
        st.tuples(st.just("receive")),
        st.tuples(st.just("select"), payloads),
        st.tuples(st.just("filter"), payloads),
        st.tuples(st.just("join")),
        st.tuples(st.just("use"), st.integers(0, 3)),
        st.tuples(st.just("crash"), st.integers(0, 3)),
        st.tuples(st.sampled_from(["link", "unlink", "monitor"]), st.integers(0, 5)),
        st.tuples(st.just("demonitor")),
        st.tuples(st.just("trap"), st.booleans()),
        st.tuples(st.just("exit"), st.integers(0, 5), st.sampled_from(["normal", "kill", "boom"])),
        st.tuples(st.sampled_from(["wait_for", "sleep"]), st.sampled_from([0.0, 0.5, 2.0])),
        st.tuples(st.just("register"), names),
        st.tuples(st.just("register"), names, st.integers(0, 6)),
        st.tuples(st.just("unregister"), names),
        st.tuples(st.just("send_to"), st.one_of(names, st.integers(0, 7)), payloads),
        st.tuples(
            st.just("call"), st.one_of(names, st.integers(0, 3)), st.sampled_from([0.5, None])
        ),
    )
    if depth > 0:
        nested = plans(depth - 1)
        simple = st.one_of(
            simple,
            st.tuples(st.sampled_from(["spawn", "spawn_solo"]), nested),
            st.tuples(st.just("transition"), nested),
        )
    return st.lists(simple, max_size=8)


@dataclass(frozen=True)
class Program:
    """Root plans, messages pushed to roots from outside, in order, and names
    given to roots from outside once they have run."""

    roots: list[list[Any]]
    pushes: list[tuple[int, Any]]
    names: list[tuple[int, str]] = field(default_factory=list)

    async def __call__(self, scheduler: SimpleScheduler) -> None:
        procs = [scheduler.create(Actor, plan) for plan in self.roots]
        for proc in procs:
            proc.start()
        await scheduler.update()
        for index, name in self.names:
            proc = procs[index % len(procs)]
            with contextlib.suppress(MisuseError):
                scheduler.register(name, proc.pid)
        for index, payload in self.pushes:
            proc = procs[index % len(procs)]
            if proc.alive:
                await proc.push((-1, payload))


programs = st.builds(
    Program,
    roots=st.lists(plans(), min_size=1, max_size=4),
    pushes=st.lists(st.tuples(st.integers(0, 3), payloads), max_size=6),
    names=st.lists(st.tuples(st.integers(0, 3), names), max_size=2),
)
