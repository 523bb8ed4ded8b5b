"""Search on a :class:`~chronoflow.inspect.timeline.Timeline`: matches, and a process's neighbours.

A mixin of the Timeline, kept apart so that module stays readable; the
work itself is :func:`chronoflow.inspect.search.find_all` over the index's
columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from chronoflow.inspect import search
from chronoflow.inspect.query import Predicate, Query
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.index import Index

QueryLike = Query | str | SignalType | Predicate


class Searching:
    """``find``, ``find_all``, ``next_match`` and the other searches of a Timeline."""

    index: Index

    if TYPE_CHECKING:

        def __len__(self) -> int: ...

        def _read(self, start: int, stop: int) -> Iterable[Signal]: ...

        def signal(self, seq: int) -> Signal: ...

    def find_all(
        self, query: QueryLike, start: int | None = None, *, backward: bool = False
    ) -> Iterator[int]:
        """Every matching seq from ``start`` (inclusive), forward or backward."""
        if start is None:
            start = len(self) - 1 if backward else 0
        return search.find_all(
            self.index, self._read, self.__len__, Query.of(query), start, backward=backward
        )

    def find(self, query: QueryLike, start: int = 0, *, backward: bool = False) -> int | None:
        """The first matching seq ``>= start`` (the last ``<= start`` when ``backward``)."""
        return next(self.find_all(query, start, backward=backward), None)

    def next_match(self, seq: int, query: QueryLike) -> int | None:
        """The nearest matching seq after ``seq``."""
        return self.find(query, seq + 1)

    def previous_match(self, seq: int, query: QueryLike) -> int | None:
        """The nearest matching seq before ``seq``."""
        return None if seq <= 0 else self.find(query, seq - 1, backward=True)

    def next_for(self, pid: int, seq: int) -> int | None:
        """The nearest signal of ``pid`` after ``seq``."""
        return self.find(Query.parse(f"pid:{pid}"), seq + 1)

    def previous_for(self, pid: int, seq: int) -> int | None:
        """The nearest signal of ``pid`` before ``seq``."""
        return None if seq <= 0 else self.find(Query.parse(f"pid:{pid}"), seq - 1, backward=True)

    def _pid_at(self, seq: int) -> int:
        if seq < self.index.indexed:
            pids = self.index.pids
            pid = pids[seq]
            if pid != pids.missing:
                return pid
        return self.signal(seq).pid

    def next_of_process(self, seq: int) -> int | None:
        """The nearest signal after ``seq`` of the process that made signal ``seq``."""
        return self.next_for(self._pid_at(seq), seq)

    def previous_of_process(self, seq: int) -> int | None:
        """The nearest signal before ``seq`` of the process that made signal ``seq``."""
        return self.previous_for(self._pid_at(seq), seq)
