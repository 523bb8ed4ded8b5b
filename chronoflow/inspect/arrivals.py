"""Where messages entered one process's inbox, read from the index's columns.

A SEND or DELIVER names the inboxes it fills in its data, and the index
keeps no column of targets. But a message that enters an inbox leaves it
only by a RECEIVE or DROP of that inbox's own process, whose answered seq
(the refs column) is the message's id, or it stays there for good (an
ended process keeps its last inbox). So the ids named by a process's
RECEIVEs and DROPs, with the ids left in its inbox at the end of the
index, are every seq at which a message entered that inbox: a few more,
never fewer. A DROP of a full inbox's newest message names one that never
entered it, and a copy a child inherited entered at the child's START,
not at its id; a caller folds the signal at each of these seqs to see
what it really did (:mod:`chronoflow.inspect.watch`).

Why cached per pid: the scan reads every signal of the process in the pid
column once (a server of the engine benchmark makes 240,000 of them);
after that a question costs a ``bisect``. A growing index is scanned on
from where the last scan stopped; only the inbox left at the end is read
again, from one seek to the index's last seq shared by every pid.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Iterable

from chronoflow.inspect.index import NO_REF, Index
from chronoflow.inspect.source import Run
from chronoflow.inspect.state import FoldState
from chronoflow.signals import SignalType

#: Processes whose answers are kept (the oldest asked about go first).
KEPT = 64
#: The types whose answered seq is a message that left the signal's own inbox.
_TAKES = frozenset({SignalType.RECEIVE, SignalType.DROP})

RunReader = Callable[[int, int], Iterable[Run]]


class Arrivals:
    """Per pid, the seqs at which a message may have entered its inbox (see the
    module docstring). Safe to use from several threads."""

    def __init__(self, index: Index, runs: RunReader) -> None:
        self._index = index
        self._runs = runs
        self._lock = threading.Lock()
        #: pid -> (seqs scanned so far, ids its RECEIVEs and DROPs named there).
        self._taken: dict[int, tuple[int, array[int]]] = {}
        #: pid -> (indexed, the sorted answer) for the last answer given.
        self._answers: dict[int, tuple[int, array[int]]] = {}
        #: The fold state at the index's last seq, and that index length.
        self._end: tuple[int, FoldState] | None = None

    def of(self, pid: int) -> array[int]:
        """The candidate arrival seqs of ``pid``, ascending, all indexed."""
        end = self._index.indexed
        with self._lock:
            answer = self._answers.get(pid)
            if answer is not None and answer[0] == end:
                return answer[1]
            # Why popped and put back: the newest asked about go last, the
            # oldest are dropped past KEPT.
            scanned, taken = self._taken.pop(pid, (0, array("q")))
            if scanned < end:
                taken.extend(self._scan(pid, scanned, end))
                scanned = end
            self._taken[pid] = (scanned, taken)
            found = set(taken)
            found.update(self._left(pid, end))
            sorted_ids = array("q", sorted(seq for seq in found if 0 <= seq < end))
            self._answers.pop(pid, None)
            self._answers[pid] = (end, sorted_ids)
            for kept in (self._answers, self._taken):
                if len(kept) > KEPT:
                    del kept[next(iter(kept))]
            return sorted_ids

    def _scan(self, pid: int, start: int, stop: int) -> list[int]:
        """The ids the RECEIVEs and DROPs of ``pid`` in ``[start, stop)`` name."""
        index = self._index
        types, refs = index.types, index.refs
        found = []
        for seq in index.pids.positions(pid, start, stop):
            if types[seq] in _TAKES:
                ref = refs[seq]
                if ref != NO_REF:
                    found.append(ref)
        return found

    def _left(self, pid: int, end: int) -> list[int]:
        """The ids in ``pid``'s inbox after seq ``end - 1``."""
        if end <= 0:
            return []
        if self._end is None or self._end[0] != end:
            self._end = (end, self._index.seek(end - 1, self._runs))
        record = self._end[1].procs.get(pid)
        return [] if record is None else list(record.inbox)
