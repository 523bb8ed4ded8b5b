"""Ring benchmark: a token passed 1,000,000 hops around 1000 processes.

Five rings run interleaved (A B C D E, A B C D E, ...) for ``--rounds``
rounds in one process, so that a noisy shared machine slows them alike:

- the Chronoflow ``SimpleScheduler`` with no observers (unrecorded);
- an ``asyncio.Queue`` ring of 1000 tasks (``--hops / 10`` hops; the rate
  is per hop);
- a *scheduler-shaped* bare generator ring: an inbox deque per process, a
  ready queue, and two generator resumes per hop (the send and the receive
  are both yielded to the loop), with nothing else. It is the fair floor
  for any scheduler with Chronoflow's process API;
- the shared-deque bare generator ring (one deque, one resume per hop),
  kept as a second reference;
- the smallest scheduler with Chronoflow's process API (``self.receive()``
  yielded, ``self.send()`` called, a ``route``, a FIFO run queue);
- the ``SimpleScheduler`` ring on the opt-in compiled kernel, when
  ``.venv-compiled`` exists (``tools/compiled_tests.sh`` builds it; it is
  an install, so rebuild it after changing the runtime): a
  process imports one build of Chronoflow, so that ring runs in a child
  process on the compiled build's interpreter, once per round in its turn,
  and times its own hop phase the same way.

Each figure is the CPU time (``time.process_time``) of the hop phase only:
from the moment the token is handed to the first process until it stops.
Creating the processes or tasks, starting them and tearing them down is
not timed. The script prints each ring's median and spread (min-max) of
hops/s over the rounds, and the ratios the budgets use.

    python benchmarks/ring.py [--processes 1000] [--hops 1000000] [--rounds 5]
                              [--compiled-python .venv-compiled/bin/python]

Budgets (DESIGN.md, revised 2026-12-03): the unrecorded scheduler ring at
least 9x the asyncio ring and at least 35% of the scheduler-shaped bare
generator ring; the opt-in compiled kernel at least 15x and 55%.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sysconfig
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronoflow import SimpleScheduler, template

#: Budgets from DESIGN.md (revised 2026-12-03).
UNRECORDED_VS_ASYNCIO = 9.0
UNRECORDED_VS_SCHEDULER_SHAPED = 0.35
COMPILED_VS_ASYNCIO = 15.0
COMPILED_VS_SCHEDULER_SHAPED = 0.55

#: The compiled build's interpreter, as tools/compiled_tests.sh makes it.
COMPILED_PYTHON = Path(__file__).resolve().parent.parent / ".venv-compiled" / "bin" / "python"


class HopClock:
    """CPU time of one ring's hop phase.

    A ring calls :meth:`start` once its processes are set up and waiting,
    and :meth:`stop` when the token has stopped. Why a collection before
    the start: garbage left by the ring run before (or by this ring's
    setup) would otherwise be collected, and charged, inside the hop phase.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def start(self) -> None:
        """Begin timing the hop phase."""
        gc.collect()
        self._started = time.process_time()

    def stop(self) -> None:
        """End timing the hop phase."""
        self.seconds = time.process_time() - self._started


#: A ring: runs ``hops`` hops around ``processes`` processes, timing its
#: hop phase with the clock it is handed.
Ring = Callable[[int, int, HopClock], None]


def _route(message: tuple[int, int]) -> int:
    return message[0]


@template(route=_route)
def RingNode(self: Any, next_pid: int, hops: int) -> Generator[Any, Any, None]:
    """Forward the token to the next pid until it has made ``hops`` hops."""
    while True:
        _, token = yield self.receive()
        if token >= hops:
            return
        self.send((next_pid, token + 1))


async def run_ring(
    scheduler: SimpleScheduler, processes: int, hops: int, clock: HopClock | None = None
) -> None:
    """Start the ring on ``scheduler``, hand node 0 the token, run until it stops.

    With a ``clock``, only handing over the token and the hops are timed.
    """
    nodes = [scheduler.create(RingNode, (i + 1) % processes, hops) for i in range(processes)]
    for node in nodes:
        node.start()
    await scheduler.update()
    if clock is not None:
        clock.start()
    nodes[0].send((0, 0))
    scheduler.run_ready()
    if clock is not None:
        clock.stop()


def scheduler_ring(processes: int, hops: int, clock: HopClock | None = None) -> None:
    """Chronoflow: the ring through SimpleScheduler, unrecorded."""
    asyncio.run(run_ring(SimpleScheduler(inbox_limit=None), processes, hops, clock))


def compiled_ring(python: Path) -> Ring:
    """Chronoflow on the compiled kernel: the scheduler ring run by ``python``.

    The child process runs this script with ``--child``: one scheduler ring,
    timed as here, whose CPU seconds it prints; it refuses to run on a build
    whose run loop is not an extension module.
    """

    def ring(processes: int, hops: int, clock: HopClock) -> None:
        # Why -I: the child imports the build installed for ``python``, whatever
        # PYTHONPATH (which may point this process at a checkout) says.
        child = [str(python), "-I", __file__, "--child", "--processes", str(processes)]
        done = subprocess.run(
            [*child, "--hops", str(hops)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"the compiled ring failed:\n{done.stderr}")
        clock.seconds = float(done.stdout.split()[0])

    return ring


def child_ring(processes: int, hops: int) -> None:
    """``--child``: run the scheduler ring once here and print its CPU seconds."""
    from chronoflow.runtime import runloop

    if not str(runloop.__file__).endswith(str(sysconfig.get_config_var("EXT_SUFFIX"))):
        raise SystemExit(f"not the compiled kernel: {runloop.__file__}")
    clock = HopClock()
    scheduler_ring(processes, hops, clock)
    print(clock.seconds)


def asyncio_ring(processes: int, hops: int, clock: HopClock) -> None:
    """Baseline: one asyncio task per node, linked by asyncio.Queue."""

    async def node(
        inbox: asyncio.Queue[int], outbox: asyncio.Queue[int], done: asyncio.Event
    ) -> None:
        while True:
            token = await inbox.get()
            if token >= hops:
                done.set()
                return
            await outbox.put(token + 1)

    async def main() -> None:
        queues: list[asyncio.Queue[int]] = [asyncio.Queue() for _ in range(processes)]
        done = asyncio.Event()
        tasks = [
            asyncio.create_task(node(queues[i], queues[(i + 1) % processes], done))
            for i in range(processes)
        ]
        # Why: one pass of the loop runs every new task up to its first
        # ``inbox.get()``, so starting the tasks stays out of the hop phase.
        await asyncio.sleep(0)
        clock.start()
        await queues[0].put(0)
        await done.wait()
        clock.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())


def scheduler_shaped_ring(processes: int, hops: int, clock: HopClock) -> None:
    """Floor: the ring as a scheduler must run it, with nothing else.

    Each process has its own inbox deque; a ready queue holds the processes
    that can run. A process yields ``("send", message)`` and then
    ``("receive", None)``, so every hop resumes two generators' frames: the
    receiver is resumed with the token (it answers with its send), and
    resumed again once the send is delivered (it answers with its next
    receive, and waits). No signals, statuses, seqs or checks.
    """
    receive = ("receive", None)
    inboxes: list[deque[int]] = [deque() for _ in range(processes)]
    waiting = [False] * processes
    ready: deque[int] = deque()

    def node(next_pid: int) -> Generator[tuple[str, Any], Any, None]:
        while True:
            token = yield receive
            if token >= hops:
                return
            yield ("send", (next_pid, token + 1))

    gens = [node((i + 1) % processes) for i in range(processes)]
    for pid, gen in enumerate(gens):
        next(gen)
        waiting[pid] = True
    clock.start()
    inboxes[0].append(0)
    waiting[0] = False
    ready.append(0)
    while ready:
        pid = ready.popleft()
        gen, inbox = gens[pid], inboxes[pid]
        value: Any = inbox.popleft()
        try:
            while True:
                kind, data = gen.send(value)
                if kind == "send":
                    target, value = data
                    inboxes[target].append(value)
                    if waiting[target]:
                        waiting[target] = False
                        ready.append(target)
                    value = None
                elif inbox:
                    value = inbox.popleft()
                else:
                    waiting[pid] = True
                    break
        except StopIteration:
            break
    clock.stop()


def bare_generator_ring(processes: int, hops: int, clock: HopClock) -> None:
    """Reference: generators resumed round-robin off one shared deque."""

    def node(next_index: int) -> Generator[Any, Any, None]:
        while True:
            token = yield
            if token >= hops:
                return
            mail.append((next_index, token + 1))

    mail: deque[tuple[int, int]] = deque()
    gens = [node((i + 1) % processes) for i in range(processes)]
    for gen in gens:
        next(gen)
    clock.start()
    mail.append((0, 0))
    while mail:
        index, token = mail.popleft()
        try:
            gens[index].send(token)
        except StopIteration:
            break
    clock.stop()


def minimal_scheduler_ring(processes: int, hops: int, clock: HopClock) -> None:
    """Reference: the smallest scheduler with Chronoflow's process API.

    Processes call ``self.receive()`` and ``self.send(...)`` with a ``route``,
    as in Chronoflow, and a FIFO run queue resumes them; nothing else (no
    signals, no statuses, no select, no children). ``send`` is a call, not
    a yield, so a hop resumes one generator.
    """
    receive_any = object()
    runq: deque[Any] = deque()
    table: dict[int, Any] = {}

    class Node:
        __slots__ = ("gen", "inbox", "waiting")
        gen: Generator[Any, Any, None]
        inbox: deque[tuple[int, int]]
        waiting: bool

    class Self:
        __slots__ = ("node",)
        node: Node

        def receive(self) -> object:
            return receive_any

        def send(self, message: tuple[int, int]) -> None:
            target = table[_route(message)]
            target.inbox.append(message)
            if target.waiting:
                target.waiting = False
                runq.append(target)

    def body(me: Self, next_pid: int) -> Generator[Any, Any, None]:
        while True:
            _, token = yield me.receive()
            if token >= hops:
                return
            me.send((next_pid, token + 1))

    for pid in range(processes):
        node, me = Node(), Self()
        me.node = node
        node.inbox, node.waiting = deque(), False
        node.gen = body(me, (pid + 1) % processes)
        table[pid] = node
    # Why: run every process up to its first receive before the clock
    # starts, so that only the hops are timed.
    for pid in range(processes):
        node = table[pid]
        next(node.gen)
        node.waiting = True
    clock.start()
    first = table[0]
    first.inbox.append((0, 0))
    first.waiting = False
    runq.append(first)
    while runq:
        node = runq.popleft()
        gen, inbox = node.gen, node.inbox
        effect = receive_any
        value = None
        while True:
            if effect is None:
                try:
                    effect = gen.send(value)
                except StopIteration:
                    clock.stop()
                    return
            if effect is receive_any:
                effect = None
                if inbox:
                    value = inbox.popleft()
                    continue
                node.waiting = True
                break
    clock.stop()


@dataclass
class Contender:
    """One ring in the interleaved rounds and the hops/s of each round."""

    name: str
    ring: Ring
    hops_divisor: int = 1
    rates: list[float] = field(default_factory=list)

    def run(self, processes: int, hops: int) -> None:
        """Run the ring once and keep its hops/s."""
        clock = HopClock()
        own_hops = max(hops // self.hops_divisor, 1)
        self.ring(processes, own_hops, clock)
        self.rates.append(own_hops / clock.seconds)

    @property
    def median(self) -> float:
        """Median hops/s over the rounds."""
        return statistics.median(self.rates)

    def line(self, note: str = "") -> str:
        """The contender's median and spread, as printed."""
        low, high = min(self.rates), max(self.rates)
        text = f"  {self.name:<28} {self.median:>12,.0f} hops/s   ({low:,.0f}-{high:,.0f})"
        return f"{text}   {note}" if note else text


def run_rounds(contenders: Sequence[Contender], processes: int, hops: int, rounds: int) -> None:
    """Run the contenders interleaved: A B C ..., ``rounds`` times."""
    for _ in range(rounds):
        for contender in contenders:
            contender.run(processes, hops)


def ratio_line(name: str, ratio: float, target: float, percent: bool) -> str:
    """A ratio of medians next to its budget, as printed."""
    shown = f"{ratio:>12.0%}" if percent else f"{ratio:>11.1f}x"
    wanted = f">= {target:.0%}" if percent else f">= {target:g}x"
    met = "met" if ratio >= target else "NOT met"
    return f"  {name:<28} {shown}   (budget {wanted}: {met})"


def ring_parser(rounds_help: str) -> argparse.ArgumentParser:
    """The options every ring benchmark takes: its size, its length and its rounds
    (``--repeat``, the old name of ``--rounds``, still works)."""
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--processes", type=int, default=1000, help="processes in the ring")
    parser.add_argument(
        "--hops",
        type=int,
        default=1_000_000,
        help="hops per run of each ring (the asyncio ring makes a tenth of them)",
    )
    parser.add_argument("--rounds", type=int, default=5, help=rounds_help)
    parser.add_argument(
        "--repeat",
        type=int,
        dest="rounds",
        default=argparse.SUPPRESS,
        help="old name of --rounds, kept for old commands",
    )
    return parser


def main() -> None:
    parser = ring_parser("interleaved rounds; each round runs every ring once")
    parser.add_argument(
        "--compiled-python",
        type=Path,
        default=COMPILED_PYTHON,
        help="the interpreter of the compiled build (skipped when missing)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_ring(args.processes, args.hops)
        return
    ours = Contender("SimpleScheduler ring", scheduler_ring)
    aio = Contender("asyncio.Queue ring", asyncio_ring, hops_divisor=10)
    shaped = Contender("scheduler-shaped bare ring", scheduler_shaped_ring)
    bare = Contender("shared-deque bare ring", bare_generator_ring)
    minimal = Contender("minimal scheduler", minimal_scheduler_ring)
    contenders = [ours, aio, shaped, bare, minimal]
    compiled = None
    if args.compiled_python.exists():
        compiled = Contender("compiled kernel ring", compiled_ring(args.compiled_python))
        contenders.append(compiled)
    run_rounds(contenders, args.processes, args.hops, args.rounds)
    print(
        f"ring of {args.processes} processes, {args.hops:,} hops "
        f"(asyncio ring: {max(args.hops // 10, 1):,} hops); CPU time of the hop phase; "
        f"median (min-max) over {args.rounds} interleaved rounds"
    )
    print(ours.line())
    print(aio.line())
    print(shaped.line("(floor: inbox per process, ready queue, 2 resumes/hop)"))
    print(bare.line("(reference: one shared deque, 1 resume/hop)"))
    print(minimal.line("(reference: same API, no signals)"))
    if compiled is not None:
        print(compiled.line(f"(SimpleScheduler ring, compiled kernel: {args.compiled_python})"))
    else:
        missing = f"not measured, no {args.compiled_python}"
        print(f"  compiled kernel: {missing} (tools/compiled_tests.sh builds it)")
    print("ratios of medians")
    print(ratio_line("ours / asyncio", ours.median / aio.median, UNRECORDED_VS_ASYNCIO, False))
    print(
        ratio_line(
            "ours / scheduler-shaped",
            ours.median / shaped.median,
            UNRECORDED_VS_SCHEDULER_SHAPED,
            True,
        )
    )
    print(f"  {'ours / shared-deque bare':<28} {ours.median / bare.median:>12.0%}")
    print(f"  {'ours / minimal scheduler':<28} {ours.median / minimal.median:>12.0%}")
    print(
        f"  {'minimal / scheduler-shaped':<28} {minimal.median / shaped.median:>12.0%}"
        f"   minimal / asyncio {minimal.median / aio.median:.1f}x"
    )
    if compiled is not None:
        for name, ratio, target, percent in (
            ("compiled / asyncio", compiled.median / aio.median, COMPILED_VS_ASYNCIO, False),
            (
                "compiled / scheduler-shaped",
                compiled.median / shaped.median,
                COMPILED_VS_SCHEDULER_SHAPED,
                True,
            ),
        ):
            print(ratio_line(name, ratio, target, percent))
        print(f"  {'compiled / ours (pure)':<28} {compiled.median / ours.median:>11.2f}x")


if __name__ == "__main__":
    main()
