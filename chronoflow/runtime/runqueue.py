"""The run queue: the FIFO of processes ready to run, and the one way onto it.

Every part of the kernel that makes a process ready (a message arrived, a
timer fired, a ``use`` call ended, a child it joins ended) calls
:meth:`RunQueue.ready`; only the run loop takes processes off it, in order
(:mod:`chronoflow.runtime.runloop`, whose hot path also wakes a receiver
inline).
"""

from __future__ import annotations

from collections import deque
from typing import Final

from chronoflow.runtime.process import Process, ProcessStatus

_READY: Final = ProcessStatus.READY


class RunQueue:
    """The FIFO of processes ready to run: :meth:`ready` is the one way onto it.

    Only the run loop takes processes off :attr:`queue`; its hot path also
    puts a woken receiver on it inline (see :mod:`chronoflow.runtime.runloop`).
    Why not a deque subclass: a subclass's ``append``/``popleft`` cost about
    twice the plain deque's, on every hop.
    """

    __slots__ = ("queue",)

    def __init__(self) -> None:
        self.queue: deque[Process] = deque()

    def __len__(self) -> int:
        return len(self.queue)

    def ready(self, proc: Process) -> None:
        """Mark ``proc`` READY and queue it behind every process already ready."""
        proc._status = _READY
        self.queue.append(proc)
