"""One decoded chunk, column by column: what a reader hands on, and the signals built from it.

:class:`ChunkColumns` is what :meth:`~chronoflow.recording.records.Chunk.decode`
gives for a chunk of any format version: pids, type numbers, microsecond
time deltas and datas (values, or the raw form of
:mod:`chronoflow.recording.raw`), with the signals built only on demand.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, Final

from chronoflow.recording.collector import pause_collector, resume_collector
from chronoflow.recording.raw import from_raw
from chronoflow.signals import Signal, SignalType

#: Every type byte's type: a :class:`SignalType`, or the bare number of a type
#: newer than this reader (shown as such; the engine's fold ignores it).
_SIGNAL_TYPES: Final[tuple[Any, ...]] = tuple(
    SignalType(number) if number < len(SignalType) else number for number in range(256)
)
_to_seconds: Final = (1e6).__rtruediv__


class ChunkColumns:
    """One decoded chunk, column by column: ``count`` signals from seq ``first``.

    Why columns: a pass that folds every signal (the debugger's indexer)
    needs seq, pid, type and data, and building a :class:`Signal` (and its
    timestamp) for each costs as much as decoding it. :meth:`signals` builds
    them once, on demand.

    When :attr:`raw` is set, ``pids`` and ``datas`` are tuples and each data
    is in the raw form (see :func:`~chronoflow.recording.raw.unpack_raw`);
    :meth:`signals` still gives the values.
    """

    __slots__ = ("_signals", "datas", "deltas", "first", "pids", "raw", "types")

    def __init__(
        self,
        first: int,
        pids: Sequence[int],
        types: bytes,
        deltas: list[int],
        datas: Sequence[Any],
        *,
        raw: bool = False,
    ) -> None:
        self.first = first
        self.pids = pids
        #: One byte per signal: the :class:`SignalType` numbers.
        self.types = types
        #: Microseconds: the first signal's time, then the change from the one before.
        self.deltas = deltas
        self.datas = datas
        self.raw = raw
        self._signals: list[Signal] | None = None

    @property
    def count(self) -> int:
        """How many signals the chunk holds."""
        return len(self.pids)

    @property
    def last(self) -> int:
        """The seq of the chunk's last signal (``first - 1`` when it is empty)."""
        return self.first + len(self.pids) - 1

    @property
    def first_ts(self) -> float:
        """The first signal's time, in seconds (the chunk must not be empty)."""
        return _to_seconds(self.deltas[0])

    @property
    def last_ts(self) -> float:
        """The last signal's time, in seconds (the chunk must not be empty)."""
        return _to_seconds(sum(self.deltas))

    def positions(self, *kinds: int) -> list[int]:
        """Where in the chunk signals of these type numbers are, ascending."""
        types = self.types
        found: list[int] = []
        for kind in kinds:
            mark = bytes((kind,))
            at = types.find(mark)
            while at != -1:
                found.append(at)
                at = types.find(mark, at + 1)
        found.sort()
        return found

    def signals(self) -> list[Signal]:
        """The chunk's signals (built on the first call, then kept)."""
        signals = self._signals
        if signals is None:
            # Why the collector is paused: as for decode().
            paused = pause_collector()
            try:
                signals = self._signals = self._build()
            finally:
                resume_collector(paused)
        return signals

    def _build(self) -> list[Signal]:
        first = self.first
        stamps = map(_to_seconds, itertools.accumulate(self.deltas))
        # Why tuple.__new__: a NamedTuple's own __new__ is a Python function;
        # building signals through the C constructor is several times faster.
        return list(
            map(
                tuple.__new__,
                itertools.repeat(Signal),
                zip(
                    range(first, first + len(self.pids)),
                    self.pids,
                    map(_SIGNAL_TYPES.__getitem__, self.types),
                    map(from_raw, self.datas) if self.raw else self.datas,
                    stamps,
                    strict=True,
                ),
            )
        )
