"""Ring benchmark: a token passed 1,000,000 hops around 1000 processes.

Runs three rings in the same process, so that the ratios hold on a noisy
shared machine: the Chronoflow SimpleScheduler (no observers, i.e.
unrecorded), an ``asyncio.Queue`` ring of tasks, and a bare hand-written
generator ring (the ceiling for any generator-based runtime).

    python benchmarks/ring.py [--processes 1000] [--hops 1000000] [--repeat 3]

Budget (DESIGN.md): the scheduler ring must reach at least 10x the asyncio
ring and at least 40% of the bare generator ring. A fourth ring, the
smallest possible scheduler with the same process API, shows the ceiling
for any scheduler with that API in CPython.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import deque
from collections.abc import Callable, Generator
from typing import Any

from chronoflow import SimpleScheduler, template


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


async def run_ring(scheduler: SimpleScheduler, processes: int, hops: int) -> None:
    """Start the ring on ``scheduler``, hand node 0 the token, run until it stops."""
    nodes = [scheduler.create(RingNode, (i + 1) % processes, hops) for i in range(processes)]
    for node in nodes:
        node.start()
    await scheduler.update()
    nodes[0].send((0, 0))
    scheduler.run_ready()


def scheduler_ring(processes: int, hops: int) -> None:
    """Chronoflow: the ring through SimpleScheduler, unrecorded."""
    asyncio.run(run_ring(SimpleScheduler(inbox_limit=None), processes, hops))


def asyncio_ring(processes: int, hops: int) -> None:
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
        await queues[0].put(0)
        await done.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(main())


def bare_generator_ring(processes: int, hops: int) -> None:
    """Baseline: generators resumed round-robin by a ten-line loop."""

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
    mail.append((0, 0))
    while mail:
        index, token = mail.popleft()
        try:
            gens[index].send(token)
        except StopIteration:
            break


def minimal_scheduler_ring(processes: int, hops: int) -> None:
    """Reference: the smallest scheduler with Chronoflow's process API.

    Processes call ``self.receive()`` and ``self.send(...)`` with a ``route``,
    as in Chronoflow, and a FIFO run queue resumes them; nothing else (no
    signals, no statuses, no select, no children). It shows how fast any
    scheduler with this API can go in CPython.
    """
    receive_any = object()
    runq: deque[Any] = deque()
    table: dict[int, Any] = {}

    class Node:
        __slots__ = ("gen", "inbox", "started", "waiting")

    class Self:
        __slots__ = ("node",)

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
        node.inbox, node.waiting, node.started = deque(), False, False
        node.gen = body(me, (pid + 1) % processes)
        table[pid] = node
        runq.append(node)
    table[0].inbox.append((0, 0))
    while runq:
        node = runq.popleft()
        gen, inbox = node.gen, node.inbox
        effect = receive_any if node.started else None
        node.started = True
        value = None
        while True:
            if effect is None:
                try:
                    effect = gen.send(value)
                except StopIteration:
                    return
            if effect is receive_any:
                effect = None
                if inbox:
                    value = inbox.popleft()
                    continue
                node.waiting = True
                break


def measure(run: Callable[[int, int], None], processes: int, hops: int, repeat: int) -> float:
    """Best hops/s over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run(processes, hops)
        best = min(best, time.perf_counter() - start)
    return hops / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=1000)
    parser.add_argument("--hops", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bare = measure(bare_generator_ring, args.processes, args.hops, args.repeat)
    minimal = measure(minimal_scheduler_ring, args.processes, args.hops, args.repeat)
    aio = measure(asyncio_ring, args.processes, args.hops // 10, args.repeat)
    ours = measure(scheduler_ring, args.processes, args.hops, args.repeat)
    print(
        f"ring of {args.processes} processes, {args.hops:,} hops "
        f"(asyncio ring: {args.hops // 10:,} hops)"
    )
    print(f"  bare generator ring   {bare:>12,.0f} hops/s")
    print(f"  asyncio.Queue ring    {aio:>12,.0f} hops/s")
    print(f"  minimal scheduler     {minimal:>12,.0f} hops/s   (reference: same API, no signals)")
    print(f"  SimpleScheduler ring  {ours:>12,.0f} hops/s")
    print(f"  ratio vs asyncio ring {ours / aio:>12.1f}x   (budget >= 10x)")
    print(f"  ratio vs bare ring    {ours / bare:>12.0%}   (budget >= 40%)")
    print(f"  minimal vs asyncio    {minimal / aio:>12.1f}x   minimal vs bare {minimal / bare:.0%}")


if __name__ == "__main__":
    main()
