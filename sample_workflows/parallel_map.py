"""Parallel map: fan out to children, join their results in order.

Lesson: spawn one child per item, let them work at the same time, and join
them in the order of the input, whatever order they finish in. Each child
takes its time (a sleep: shorter words take longer) and then computes with
a ``use``; while one sleeps, the others run. Children are spawned with
``inherit=False``: they need their item, not their parent's messages.

What to look for in the debugger: the parent *joining* while its children
are *sleeping*; the children finishing in an order that is not the input's;
the JOINs in input order.

    chronoflow run sample_workflows/parallel_map.py [WORDS...]
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template

SCHEDULER_OPTIONS = {"clock": "virtual"}


async def measure(word: str) -> int:
    """The computation, as a side effect run on asyncio."""
    return len(word)


@template
def Mapper(self: Process, word: str) -> Generator[Any, Any, int]:
    """Think (shorter words take longer), then compute one item."""
    yield self.sleep(10 - len(word))
    length = yield self.use(measure, word)
    print(f"{word} done")
    return length


@template
def ParallelMap(self: Process, words: list[str]) -> Generator[Any, Any, list[int]]:
    """Spawn a Mapper per word and join them in order."""
    children = [self.spawn(Mapper, word, inherit=False) for word in words]
    lengths = yield from self.join_all(*children)
    print(dict(zip(words, lengths, strict=True)))
    return lengths


def main(scheduler: SimpleScheduler, *words: str) -> None:
    """Map word lengths over WORDS (default: five words)."""
    chosen = list(words) or ["actor", "mailbox", "spawn", "join", "supervisor"]
    scheduler.create(ParallelMap, chosen).start()
