"""Registered names (register, unregister, whereis, send_to a name) and
gen_server-style calls (call, reply): what they do, what they record, and
each error case."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from chronoflow import (
    CallError,
    CallTimeoutError,
    ChildSpec,
    MisuseError,
    NameNotRegisteredError,
    NameTakenError,
    Process,
    SignalType,
    Supervisor,
    template,
    which_children,
)
from chronoflow.runtime import SimpleScheduler, VirtualClock
from tests.runtime.conftest import Tape

_S = SignalType


def run(scheduler: SimpleScheduler) -> None:
    asyncio.run(scheduler.run())


@template
def Named(self: Process, name: str) -> Generator[Any, Any, Any]:
    self.register(name)
    got = []
    while True:
        message = yield self.receive()
        if message == "stop":
            return got
        got.append(message)


@template
def Holder(self: Process) -> Generator[Any, Any, Any]:
    """Serves calls: ("add", n) adds, "get" reads, "mute" never replies,
    "die" crashes before replying."""
    total = 0
    while True:
        message = yield self.receive()
        match message:
            case ("$call", from_, ("add", n)):
                total += n
                self.reply(from_, total)
            case ("$call", from_, "get"):
                self.reply(from_, total)
            case ("$call", _, "mute"):
                pass
            case ("$call", _, "die"):
                raise RuntimeError("holder failed")
            case "stop":
                return total


def _started(scheduler: SimpleScheduler, tmpl: Any, *args: Any) -> Process:
    proc = scheduler.create(tmpl, *args)
    proc.start()
    return proc


# -- names -----------------------------------------------------------------------------


def test_a_name_is_a_signal_and_send_to_a_name_reaches_its_process(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    alice = _started(scheduler, Named, "alice")

    @template
    def Sender(self: Process) -> Generator[Any, Any, Any]:
        assert self.whereis("alice") == alice.pid
        assert self.whereis("nobody") is None
        self.send_to("alice", "hello")
        self.send_to("alice", "stop")
        return None
        yield

    run(scheduler)
    _started(scheduler, Sender)
    run(scheduler)
    assert alice.result == ["hello"]
    assert (alice.pid, "REGISTER", {"name": "alice"}) in tape.brief()
    sends = [s.data for s in tape.signals if s.type == _S.SEND]
    assert [d["to"] for d in sends] == [alice.pid, alice.pid]
    assert alice.registered_name is None  # freed when it stopped
    assert scheduler.whereis("alice") is None


def test_a_name_is_freed_when_its_process_ends_and_can_be_taken_again(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    first = _started(scheduler, Named, "svc")
    run(scheduler)
    scheduler.send_to("svc", "stop")
    run(scheduler)
    assert first.status.name == "STOPPED"
    second = _started(scheduler, Named, "svc")
    run(scheduler)
    assert scheduler.whereis("svc") == second.pid
    registers = [(s.pid, s.data) for s in tape.signals if s.type == _S.REGISTER]
    assert registers == [(first.pid, {"name": "svc"}), (second.pid, {"name": "svc"})]
    assert not any(s.type == _S.UNREGISTER for s in tape.signals)


def test_a_crash_or_a_kill_frees_the_name_too(scheduler: SimpleScheduler) -> None:
    @template
    def Crasher(self: Process) -> Generator[Any, Any, Any]:
        self.register("c")
        yield self.receive()
        raise ValueError("boom")

    crasher = _started(scheduler, Crasher)
    victim = _started(scheduler, Named, "k")
    run(scheduler)
    assert (scheduler.whereis("c"), scheduler.whereis("k")) == (crasher.pid, victim.pid)
    scheduler.send_to("c", "go")

    @template
    def Killer(self: Process) -> Generator[Any, Any, Any]:
        self.exit(self.whereis("k"), "kill")
        return None
        yield

    _started(scheduler, Killer)
    run(scheduler)
    assert (scheduler.whereis("c"), scheduler.whereis("k")) == (None, None)


def test_a_transition_keeps_the_name(scheduler: SimpleScheduler) -> None:
    from chronoflow import Transition

    @template
    def Before(self: Process) -> Generator[Any, Any, Any]:
        self.register("t")
        yield self.receive()
        return Transition(After)

    @template
    def After(self: Process) -> Generator[Any, Any, Any]:
        yield self.receive()

    proc = _started(scheduler, Before)
    run(scheduler)
    scheduler.send_to("t", "next")
    run(scheduler)
    assert proc.template is After
    assert scheduler.whereis("t") == proc.pid


def test_registering_a_taken_name_or_a_second_name_is_refused(
    scheduler: SimpleScheduler,
) -> None:
    errors: list[str] = []

    @template
    def Greedy(self: Process) -> Generator[Any, Any, Any]:
        for name in ("alice", "mine", "other", "", 5):
            try:
                self.register(name)
            except MisuseError as error:  # NameTakenError is one
                errors.append(f"{type(error).__name__}: {error}")
        return None
        yield

    alice = _started(scheduler, Named, "alice")
    run(scheduler)
    greedy = _started(scheduler, Greedy)
    run(scheduler)
    assert errors == [
        f"NameTakenError: register(): the name 'alice' is taken by Named[{alice.pid}]",
        f"NameTakenError: register('other'): Greedy[{greedy.pid}] is already registered "
        "as 'mine'; unregister it first",
        "MisuseError: register(): a name is a non-empty str, got ''",
        "MisuseError: register(): a name is a non-empty str, got 5",
    ]
    assert issubclass(NameTakenError, MisuseError)


def test_unregister_records_who_and_an_unknown_name_is_an_error(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    caught: list[str] = []

    @template
    def Boss(self: Process, worker: int) -> Generator[Any, Any, Any]:
        self.register("w", worker)
        self.unregister("w")
        try:
            self.unregister("w")
        except NameNotRegisteredError as error:
            caught.append(str(error))
        try:
            self.send_to("w", "x")
        except NameNotRegisteredError as error:
            caught.append(str(error))
        return None
        yield

    worker = _started(scheduler, Holder)
    run(scheduler)
    boss = _started(scheduler, Boss, worker.pid)
    run(scheduler)
    names = [(s.pid, _S(s.type).name, s.data) for s in tape.signals if s.type >= _S.REGISTER]
    assert names == [
        (worker.pid, "REGISTER", {"name": "w", "by": boss.pid}),
        (worker.pid, "UNREGISTER", {"name": "w", "by": boss.pid}),
    ]
    assert caught == [
        "unregister(): no process is registered as 'w' (whereis('w') tells whether one is)",
        "send_to(): no process is registered as 'w' (whereis('w') tells whether one is)",
    ]
    with pytest.raises(NameNotRegisteredError):
        scheduler.send_to("w", "x")


def test_the_outside_registers_with_by_none_and_a_dead_pid_cannot_be_registered(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    proc = _started(scheduler, Holder)
    run(scheduler)
    scheduler.register("h", proc.pid)
    assert tape.signals[-1].data == {"name": "h", "by": None}
    scheduler.unregister("h")
    assert _S(tape.signals[-1].type) is _S.UNREGISTER
    with pytest.raises(MisuseError, match="process 42 never existed"):
        scheduler.register("x", 42)
    scheduler.send_to(proc.pid, "stop")
    run(scheduler)
    with pytest.raises(MisuseError, match="stopped"):
        scheduler.register("x", proc.pid)


# -- calls -------------------------------------------------------------------------------


def _caller(scheduler: SimpleScheduler, body: Any, outcome: list[Any]) -> tuple[Process, Process]:
    holder = _started(scheduler, Holder)

    @template
    def Caller(self: Process) -> Generator[Any, Any, Any]:
        try:
            outcome.append((yield from body(self, holder.pid)))
        except CallError as error:
            outcome.append((type(error).__name__, error.reason, str(error)))
        return None

    return holder, _started(scheduler, Caller)


def test_a_call_returns_the_reply_and_leaves_other_messages_in_the_inbox(
    tape: Tape,
) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    outcome: list[Any] = []

    def body(self: Process, holder: int) -> Generator[Any, Any, Any]:
        self.send_to(self.pid, "unrelated")  # waits in the inbox meanwhile
        total = yield from self.call(holder, ("add", 5))
        total = yield from self.call(holder, ("add", 2))
        rest = yield self.receive()
        return total, rest, self.monitors, self.inbox_size

    holder, caller = _caller(scheduler, body, outcome)
    run(scheduler)
    assert outcome == [(7, "unrelated", {}, 0)]
    mine = [(_S(s.type).name, s.data) for s in tape.signals if s.pid == caller.pid]
    kinds = [kind for kind, _ in mine]
    assert kinds[:8] == [
        "START",
        "SEND",
        "MONITOR",
        "SEND",
        "WAIT",
        "RECEIVE",
        "DEMONITOR",
        "MONITOR",
    ]
    ref = mine[2][1]["ref"]
    assert mine[3][1] == {
        "msg": ("$call", (caller.pid, ref), ("add", 5)),
        "to": holder.pid,
        "into": [holder.pid],
    }
    assert mine[4][1] == {
        "mode": "select",
        "match": "reply | down",
        "call": holder.pid,
        "timeout": 5.0,
    }


def test_a_call_times_out_with_a_clear_error_and_leaves_no_monitor(tape: Tape) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    outcome: list[Any] = []

    def body(self: Process, holder: int) -> Generator[Any, Any, Any]:
        try:
            yield from self.call(holder, "mute", timeout=2)
        except CallTimeoutError as error:
            outcome.append((error.reason, str(error), dict(self.monitors)))
        self.send_to(holder, "stop")
        yield self.sleep(1)  # the holder ends meanwhile: no DOWN may come
        return self.inbox_size

    holder, _ = _caller(scheduler, body, outcome)
    run(scheduler)
    assert outcome == [
        ("timeout", f"call to pid {holder.pid} got no reply within 2 s", {}),
        0,
    ]
    assert not any(s.type == _S.DOWN for s in tape.signals)


def test_a_call_to_a_process_that_dies_or_never_existed_raises_call_error(
    tape: Tape,
) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    outcome: list[Any] = []

    def body(self: Process, holder: int) -> Generator[Any, Any, Any]:
        for target in (holder, holder, 99, "nobody"):
            try:
                yield from self.call(target, "die")
            except CallError as error:
                outcome.append((error.reason, str(error)))
        return self.inbox_size

    holder, _ = _caller(scheduler, body, outcome)
    run(scheduler)
    crash = {"error": "RuntimeError", "message": "holder failed"}
    assert outcome[:-1] == [
        (crash, f"call to pid {holder.pid} failed: the callee ended with reason {crash!r}"),
        ("noproc", f"call to pid {holder.pid} failed: the callee did not exist"),
        ("noproc", "call to pid 99 failed: the callee did not exist"),
        ("noproc", "call to 'nobody': no such name"),
    ]
    # The caller crashed neither time; nothing is left in its inbox.
    assert outcome[-1] == 0


def test_a_call_by_name_and_a_reply_misuse() -> None:
    scheduler = SimpleScheduler(clock=VirtualClock())
    outcome: list[Any] = []

    @template
    def Server(self: Process) -> Generator[Any, Any, Any]:
        self.register("srv")
        message = yield self.receive()
        with pytest.raises(MisuseError, match="reply"):
            self.reply("not a from", 1)
        self.reply(message[1], "pong")

    @template
    def Client(self: Process) -> Generator[Any, Any, Any]:
        outcome.append((yield from self.call("srv", "ping", timeout=None)))

    _started(scheduler, Server)
    run(scheduler)
    _started(scheduler, Client)
    run(scheduler)
    assert outcome == ["pong"]


def test_call_outside_a_process_is_refused(scheduler: SimpleScheduler) -> None:
    holder = _started(scheduler, Holder)
    run(scheduler)
    with pytest.raises(MisuseError, match="call"):
        next(holder.call(0, "x"))


# -- supervisors -------------------------------------------------------------------------


@template
def Worker(self: Process) -> Generator[Any, Any, Any]:
    while True:
        message = yield self.receive()
        if message == "crash":
            raise RuntimeError("worker crashed")


def test_a_registered_child_keeps_its_name_across_restarts(tape: Tape) -> None:
    scheduler = SimpleScheduler(clock=VirtualClock(), observers=[tape])
    specs = [ChildSpec("db", Worker, register=True), ChildSpec("cache", Worker)]
    sup = _started(scheduler, Supervisor, "one_for_one", specs, 3, 5.0)
    run(scheduler)
    first = scheduler.whereis("db")
    assert first is not None
    assert scheduler.whereis("cache") is None
    scheduler.send_to("db", "crash")
    run(scheduler)
    second = scheduler.whereis("db")
    assert second is not None
    assert second != first
    registers = [(s.pid, s.data) for s in tape.signals if s.type == _S.REGISTER]
    assert registers == [
        (first, {"name": "db", "by": sup.pid}),
        (second, {"name": "db", "by": sup.pid}),
    ]


def test_which_children_lists_id_pid_and_template_in_start_order() -> None:
    scheduler = SimpleScheduler(clock=VirtualClock())
    specs = [ChildSpec("a", Worker, register=True), ChildSpec("b", Worker, restart="temporary")]
    seen: list[Any] = []

    @template
    def Asker(self: Process, sup: int) -> Generator[Any, Any, Any]:
        seen.append((yield from which_children(self, sup)))
        self.send_to(self.whereis("a"), "crash")
        yield self.sleep(0.1)
        seen.append((yield from which_children(self, sup)))
        seen.append((yield from self.call(sup, "no such request")))

    sup = _started(scheduler, Supervisor, "one_for_one", specs, 3, 5.0)
    run(scheduler)
    _started(scheduler, Asker, sup.pid)
    run(scheduler)
    a1, b = seen[0][0][1], seen[0][1][1]
    assert seen[0] == [("a", a1, "Worker"), ("b", b, "Worker")]
    a2 = seen[1][0][1]
    assert a2 not in (a1, None)
    assert seen[1] == [("a", a2, "Worker"), ("b", b, "Worker")]
    assert seen[2] == ("error", ("unknown_call", "no such request"))


def test_a_registered_child_whose_name_is_taken_fails_to_start() -> None:
    scheduler = SimpleScheduler(clock=VirtualClock())
    squatter = _started(scheduler, Named, "db")
    run(scheduler)
    sup = _started(
        scheduler, Supervisor, "one_for_one", [ChildSpec("db", Worker, register=True)], 1, 5.0
    )
    run(scheduler)
    assert scheduler.whereis("db") == squatter.pid
    assert [c.template.name for c in sup.children] == []
    with pytest.raises(ValueError, match="cannot be registered"):
        Supervisor.fn(
            sup, "simple_one_for_one", [ChildSpec("w", Worker, register=True)], 1, 5.0
        ).send(None)


def test_an_observer_of_the_ending_signal_finds_the_name_free() -> None:
    seen: list[tuple[str, int | None]] = []
    scheduler = SimpleScheduler()

    def watch(signal: Any) -> None:
        if signal.type in (_S.STOP, _S.CRASH, _S.KILL):
            seen.append((_S(signal.type).name, scheduler.whereis("n")))

    scheduler.add_observer(watch)
    _started(scheduler, Named, "n")
    run(scheduler)
    scheduler.send_to("n", "stop")
    run(scheduler)
    assert seen == [("STOP", None)]


def test_a_created_process_cannot_be_registered_before_it_starts(
    scheduler: SimpleScheduler, tape: Tape
) -> None:
    proc = scheduler.create(Holder)
    with pytest.raises(MisuseError, match="is not started"):
        scheduler.register("early", proc.pid)
    proc.start()
    scheduler.register("early", proc.pid)
    assert [_S(s.type).name for s in tape.signals] == ["START", "REGISTER"]


def test_every_public_name_and_every_error_class_is_importable_from_chronoflow() -> None:
    import inspect as pyinspect

    import chronoflow
    import chronoflow.errors

    for name in chronoflow.__all__:
        assert getattr(chronoflow, name) is not None, name
    errors = {
        name
        for name, value in vars(chronoflow.errors).items()
        if pyinspect.isclass(value) and issubclass(value, BaseException)
    }
    assert errors <= set(chronoflow.__all__)
    for name in ("Supervisor", "ChildSpec", "which_children", "VirtualClock", "CALL", "REPLY"):
        assert name in chronoflow.__all__
