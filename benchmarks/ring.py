"""Ring benchmark: a token passed 1,000,000 hops around 1000 processes.

Runs three rings in the same process, so that the ratios hold on a noisy
shared machine: the Chronoflow SimpleScheduler (no observers, i.e.
unrecorded), an ``asyncio.Queue`` ring of tasks, and a bare hand-written
generator ring (the ceiling for any generator-based runtime).

    python benchmarks/ring.py [--processes 1000] [--hops 1000000] [--repeat 3]

Budget (DESIGN.md): the scheduler ring must reach at least 10x the asyncio
ring and at least 40% of the bare generator ring.
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


async def _scheduler_ring(processes: int, hops: int) -> None:
    scheduler = SimpleScheduler(inbox_limit=None)
    nodes = [scheduler.create(RingNode, (i + 1) % processes, hops) for i in range(processes)]
    for node in nodes:
        node.start()
    await scheduler.update()
    nodes[0].send((0, 0))
    scheduler.run_ready()


def scheduler_ring(processes: int, hops: int) -> None:
    """Chronoflow: the ring through SimpleScheduler, unrecorded."""
    asyncio.run(_scheduler_ring(processes, hops))


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
    aio = measure(asyncio_ring, args.processes, args.hops // 10, args.repeat)
    ours = measure(scheduler_ring, args.processes, args.hops, args.repeat)
    print(
        f"ring of {args.processes} processes, {args.hops:,} hops "
        f"(asyncio ring: {args.hops // 10:,} hops)"
    )
    print(f"  bare generator ring   {bare:>12,.0f} hops/s")
    print(f"  asyncio.Queue ring    {aio:>12,.0f} hops/s")
    print(f"  SimpleScheduler ring  {ours:>12,.0f} hops/s")
    print(f"  ratio vs asyncio ring {ours / aio:>12.1f}x   (budget >= 10x)")
    print(f"  ratio vs bare ring    {ours / bare:>12.0%}   (budget >= 40%)")


if __name__ == "__main__":
    main()
