"""Producer/consumer with a bounded mailbox: backpressure you can see.

Lesson: an inbox is a queue, and queues need limits. The consumer's
template allows three waiting messages. When the producer outpaces it, the
next send is refused: a BACKOFF signal is recorded and ``self.send`` returns
False, so the producer waits a little and tries again. With
``overflow="drop-oldest"`` (see the Sampler) a full inbox instead makes
room by dropping its oldest message, each drop recorded with the message.

What to look for in the debugger: the consumer's inbox filling to three,
the BACKOFF when it is full, the producer's SLEEP before it tries again;
for the sampler, the DROP signals of readings that were overtaken.

    chronoflow run sample_workflows/bounded_mailbox.py [ITEMS]
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from chronoflow import Process, SimpleScheduler, template

SCHEDULER_OPTIONS = {"clock": "virtual"}


def to_field(message: dict[str, Any]) -> int:
    """Route a message to the pid in its ``to`` field."""
    return int(message["to"])


@template(inbox_limit=3)
def Consumer(self: Process, items: int) -> Generator[Any, Any, list[int]]:
    """Take ``items`` items, spending one second on each."""
    done = []
    for _ in range(items):
        item = yield self.receive()
        yield self.sleep(1.0)
        done.append(item["n"])
    print("consumed", done)
    return done


@template(inbox_limit=2, overflow="drop-oldest")
def Sampler(self: Process, items: int) -> Generator[Any, Any, list[int]]:
    """Keep only the freshest readings: a full inbox drops its oldest one."""
    kept = []
    while len(kept) < items:
        reading = yield self.receive(timeout=10.0)
        if not isinstance(reading, dict):
            break
        yield self.sleep(1.0)
        kept.append(reading["n"])
    print("sampled", kept)
    return kept


@template(route=to_field)
def Producer(self: Process, consumer: int, sampler: int, items: int) -> Generator[Any, Any, int]:
    """Send ``items`` items as fast as the consumer lets it; back off when refused."""
    refusals = 0
    for n in range(items):
        self.send({"to": sampler, "n": n})
        while not self.send({"to": consumer, "n": n}):
            refusals += 1
            yield self.sleep(0.5)
    print("producer was refused", refusals, "times")
    return refusals


def main(scheduler: SimpleScheduler, items: str = "8") -> None:
    """A consumer (limit 3, backoff), a sampler (limit 2, drop-oldest), a producer."""
    count = int(items)
    consumer = scheduler.create(Consumer, count)
    sampler = scheduler.create(Sampler, count)
    consumer.start()
    sampler.start()
    scheduler.create(Producer, consumer.pid, sampler.pid, count).start()
