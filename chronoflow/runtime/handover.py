"""The hand-over to sinks: what the signal bus gives a recorder, with no call per signal.

A sink is an observer the bus appends to instead of calling
(:meth:`~chronoflow.runtime.bus.SignalBus.add_sink`): a :class:`ListSink`
is a list of ``(seq, pid, type, data, ts)`` tuples; a :class:`ColumnSink`
(the recorder) holds :class:`SinkColumns`, its signals column by column
with one clock reading per turn of a process, and a SEND or RECEIVE of
the run loop's hop in a short form (:data:`SENT`, :data:`RECEIVED`).
"""

from __future__ import annotations

from typing import Any, Final, Protocol

from chronoflow.signals import Signal, SignalType

#: The type a column sink is handed for a SEND of the run loop's hop (see
#: :meth:`SignalBus.publish_send`): its data is the message alone, its
#: ``to`` in :attr:`SinkColumns.tos`. The high bit marks a type given in
#: such a short form.
SENT: Final = 0x80 | SignalType.SEND
#: The type a column sink is handed for a plain RECEIVE (see
#: :meth:`SignalBus.publish_receive`): its data is ``seq - id``, how many
#: signals before it the message was made.
RECEIVED: Final = 0x80 | SignalType.RECEIVE


class SinkColumns:
    """What the bus hands a column sink: the columns of its signals, in seq order.

    ``items`` holds three entries per signal, its pid, type and data, one
    signal after another; :attr:`pids`, :attr:`types` and :attr:`datas`
    take them apart. The seq of signal ``i`` is the first signal's plus
    ``i``. A type of :data:`SENT` or :data:`RECEIVED` is a SEND or a
    RECEIVE in short form; ``tos`` holds the ``to`` of each :data:`SENT`,
    in order. ``stamps`` holds ``(i, seq, ts)`` for each signal at which
    the bus read its clock: the signals after it, up to the next stamp,
    have that time. The sink empties the lists in place (:meth:`clear`)
    once it has written them out: the bus keeps their methods.

    Why one list for three columns: the bus hands a signal over with one
    ``extend`` instead of three ``append`` calls (each call costs as much as
    the list work), and three strided slices, copies at C speed, take the
    columns apart when they are written.
    """

    __slots__ = ("items", "stamps", "tos")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.tos: list[int] = []
        self.stamps: list[tuple[int, int, float]] = []

    def __len__(self) -> int:
        return len(self.items) // 3

    @property
    def pids(self) -> list[int]:
        """Each signal's pid."""
        return self.items[0::3]

    @property
    def types(self) -> list[int]:
        """Each signal's type (SENT and RECEIVED for the short forms)."""
        return self.items[1::3]

    @property
    def datas(self) -> list[Any]:
        """Each signal's data (in short form for SENT and RECEIVED)."""
        return self.items[2::3]

    def add(self, seq: int, pid: int, kind: int, data: Any, ts: float) -> None:
        """Append one signal with its own time (what an observer is handed)."""
        self.stamps.append((len(self.items) // 3, seq, ts))
        self.items += (pid, kind, data)

    def clear(self) -> None:
        """Empty every column (in place)."""
        self.items.clear()
        self.tos.clear()
        self.stamps.clear()


class ColumnSink(Protocol):
    """A sink handed columns rather than signal tuples: see :meth:`SignalBus.add_sink`."""

    @property
    def columns(self) -> SinkColumns:
        """The lists the bus appends every signal to."""

    @property
    def chunk_size(self) -> int:
        """How many buffered signals make the bus call tick()."""

    def tick(self) -> None:
        """As :meth:`ListSink.tick`."""

    def flush(self) -> None:
        """Write the columns out now."""


class ListSink(Protocol):
    """An observer that is a list: see :meth:`SignalBus.add_sink`."""

    @property
    def buffer(self) -> list[Signal]:
        """The list the bus appends every signal to."""

    @property
    def chunk_size(self) -> int:
        """How many buffered signals make the bus call tick()."""

    def tick(self) -> None:
        """Called when the buffer holds ``chunk_size`` signals, and at least every
        :data:`~chronoflow.runtime.bus.TICK_EVERY` signals: write the buffer out if it is time."""

    def flush(self) -> None:
        """Write the buffer out now."""


#: What :meth:`SignalBus.add_sink` takes.
Sink = ListSink | ColumnSink
