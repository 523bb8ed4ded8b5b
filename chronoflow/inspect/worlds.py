"""A Timeline's worlds: ``state_at``, ``diff`` and ``changed_at``.

A mixin of the Timeline, kept apart so that module stays readable. A world
is a checkpoint restored and at most one interval of signals folded onto
it (:meth:`Index.seek <chronoflow.inspect.index.Index.seek>`), read as runs
of columns so that no ``Signal`` is built for what is only folded; a few
recent worlds are kept, and one a little before the asked seq is folded
forward instead of seeking again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from chronoflow.inspect.diff import diff_worlds
from chronoflow.inspect.errors import SeqOutOfRangeError
from chronoflow.inspect.fold import fold_runs, state_of
from chronoflow.inspect.model import WorldDiff
from chronoflow.inspect.source import Run, SignalSource, runs
from chronoflow.inspect.world import World
from chronoflow.signals import Signal

if TYPE_CHECKING:
    from chronoflow.inspect.index import Index

#: Worlds kept for repeated or neighbouring requests.
CACHED_WORLDS = 8
#: A cached world this close before the asked seq is folded forward instead of seeking.
NEAR = 256


class Worlds:
    """``state_at``, ``diff`` and ``changed_at`` of a Timeline, with its world cache."""

    index: Index
    source: SignalSource
    _cache: OrderedDict[int, World]
    _cache_lock: threading.Lock

    if TYPE_CHECKING:

        def __len__(self) -> int: ...

        def _check(self, seq: int) -> None: ...

        def _read(self, start: int, stop: int) -> Iterator[Signal]: ...

        def ready(self, seq: int) -> bool: ...

        def wait(self, seq: int | None = None, timeout: float | None = None) -> bool: ...

    def state_at(self, seq: int) -> World:
        """The world after signal ``seq`` (``-1``: before the first signal)."""
        if seq == -1:
            return World.empty()
        self._check(seq)
        if not self.ready(seq) and not self.wait(seq):
            raise SeqOutOfRangeError(seq, len(self))
        with self._cache_lock:
            world = self._cache.get(seq)
            if world is not None:
                self._cache.move_to_end(seq)
                return world
            near = max(
                (w for s, w in self._cache.items() if 0 < seq - s <= NEAR),
                key=lambda w: w.seq,
                default=None,
            )
        checkpoint = self.index.checkpoint_before(seq)
        if near is not None and near.seq > checkpoint.seq:
            state = state_of(near).copy()
            fold_runs(state, self._read_runs(near.seq + 1, seq + 1), near.seq + 1, seq + 1)
            state.seq = seq
        else:
            state = self.index.seek(seq, self._read_runs)
        world = World(state)
        self._keep(world)
        return world

    def diff(self, a: int, b: int) -> WorldDiff:
        """What differs from the world at seq ``a`` to the world at seq ``b``."""
        return diff_worlds(self.state_at(a), self.state_at(b))

    def changed_at(self, seq: int) -> WorldDiff:
        """What signal ``seq`` changed: ``diff(seq - 1, seq)``.

        Why not simply ``diff``: after a jump neither world is cached, and
        folding to ``seq - 1`` and then reading ``seq`` again would read its
        chunk twice; here one read from the checkpoint gives both worlds.
        """
        with self._cache_lock:
            cached = (seq - 1) in self._cache or seq in self._cache
        if seq <= 0 or cached or seq >= self.index.indexed:
            return self.diff(seq - 1, seq)
        self._check(seq)
        checkpoint = self.index.checkpoint_before(seq - 1)
        state = checkpoint.restore()
        found = list(self._read_runs(checkpoint.seq + 1, seq + 1))
        fold_runs(state, found, checkpoint.seq + 1, seq)
        state.seq = seq - 1
        before = World(state.copy())
        fold_runs(state, found, seq, seq + 1)
        state.seq = seq
        after = World(state)
        self._keep(before, after)
        return diff_worlds(before, after)

    def _keep(self, *worlds: World) -> None:
        """Remember ``worlds`` (the oldest remembered go first)."""
        with self._cache_lock:
            for world in worlds:
                self._cache[world.seq] = world
            while len(self._cache) > CACHED_WORLDS:
                self._cache.popitem(last=False)

    def _read_runs(self, start: int, stop: int | None = None) -> Iterable[Run]:
        """The signals ``start <= seq < stop`` (to the end when ``stop`` is
        None) as runs, for a fold; runs may reach beyond both ends.

        Why runs: a recording reader decodes whole chunks and hands them over
        as columns, so the indexer and a seek build no :class:`Signal` for
        the signals they only fold. Any other source's signals are cut into
        runs of a chunk's size.
        """
        columns = getattr(self.source, "columns", None)
        if callable(columns):
            found: Iterable[Run] = columns(start, stop)
            return found
        if stop is None:
            return runs(self.source.signals(start))
        return runs(self._read(start, stop))
