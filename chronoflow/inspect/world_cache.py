"""A timeline's worlds: how the world at a seq is built, and the few kept for reuse.

A world is a checkpoint restored and at most one interval of signals folded
onto it (:meth:`Index.seek <chronoflow.inspect.index.Index.seek>`), read as
runs of columns so that no ``Signal`` is built for what is only folded; a
few recent worlds are kept, and one a little before the asked seq is folded
forward instead of seeking again: forked (:meth:`FoldState.fork
<chronoflow.inspect.state.FoldState.fork>`), so that the new world shares
every process the signals folded onto it did not touch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from chronoflow.inspect.fold import fold_runs, state_of
from chronoflow.inspect.index import Index
from chronoflow.inspect.source import Run
from chronoflow.inspect.world import World

#: Worlds kept for repeated or neighbouring requests.
CACHED_WORLDS = 8
#: A cached world this close before the asked seq is folded forward instead of seeking.
NEAR = 256

#: ``runs(start, stop)``: the signals ``start <= seq < stop`` as runs to fold.
RunReader = Callable[[int, int], Iterable[Run]]


class WorldCache:
    """Builds the world at any seq the index covers, keeping the last few built.

    Safe to use from several threads: the cache is guarded, and a world is
    built outside the lock (two threads may build the same one).
    """

    def __init__(self, index: Index, runs: RunReader) -> None:
        self._index = index
        self._runs = runs
        self._cache: OrderedDict[int, World] = OrderedDict()
        self._lock = threading.Lock()

    def world(self, seq: int) -> World:
        """The world after signal ``seq``, which the caller has checked exists
        and is ready (indexed, or within an interval of the index's end)."""
        with self._lock:
            world = self._cache.get(seq)
            if world is not None:
                self._cache.move_to_end(seq)
                return world
            near = max(
                (w for s, w in self._cache.items() if 0 < seq - s <= NEAR),
                key=lambda w: w.seq,
                default=None,
            )
        checkpoint = self._index.checkpoint_before(seq)
        if near is not None and near.seq > checkpoint.seq:
            state = state_of(near).fork()
            fold_runs(state, self._runs(near.seq + 1, seq + 1), near.seq + 1, seq + 1)
            state.settle()
            state.seq = seq
        else:
            state = self._index.seek(seq, self._runs)
        world = World(state)
        self.keep(world)
        return world

    def holds(self, seq: int) -> bool:
        """True when the world at ``seq`` is kept."""
        with self._lock:
            return seq in self._cache

    def around(self, seq: int) -> tuple[World, World]:
        """The worlds before and after signal ``seq`` (``0 < seq <`` the indexed
        end), from one read: a checkpoint restored, folded to ``seq - 1``,
        forked, and ``seq`` folded.

        Why: after a jump neither world is kept, and folding to ``seq - 1``
        and then reading ``seq`` again would read its chunk twice.
        """
        checkpoint = self._index.checkpoint_before(seq - 1)
        state = checkpoint.restore()
        found = list(self._runs(checkpoint.seq + 1, seq + 1))
        fold_runs(state, found, checkpoint.seq + 1, seq)
        state.seq = seq - 1
        before = World(state)
        state = state.fork()
        fold_runs(state, found, seq, seq + 1)
        state.settle()
        state.seq = seq
        after = World(state)
        self.keep(before, after)
        return before, after

    def keep(self, *worlds: World) -> None:
        """Remember ``worlds`` (the oldest remembered go first)."""
        with self._lock:
            for world in worlds:
                self._cache[world.seq] = world
            while len(self._cache) > CACHED_WORLDS:
                self._cache.popitem(last=False)
