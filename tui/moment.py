"""Moment: everything the panels show about one seq, asked of the engine once.

The debugger screen's ``seq`` watcher builds one :class:`Moment` per change
and hands its parts to the panels, so each engine question (the signal, the
world, what changed) is asked once per repaint, never once per panel. The
causal links and the message a RECEIVE names come later: the detail pane
asks for them in a worker (:func:`causes_at`).
"""

from __future__ import annotations

from dataclasses import dataclass

from chronoflow.inspect import (
    CausalLink,
    ChronoflowError,
    MessageTrace,
    MissingSeqError,
    ProcessState,
    Signal,
    SignalType,
    Timeline,
    World,
    WorldDiff,
)

#: Signal types whose data names a message by its id.
NAMES_A_MESSAGE = frozenset({SignalType.RECEIVE, SignalType.DROP, SignalType.BACKOFF})
#: The causal links of a signal, and the message it names.
Causes = tuple[tuple[CausalLink, ...], MessageTrace | None]
#: Signal types that change a process's template (and so the timeline's names).
RENAMES = frozenset({SignalType.START, SignalType.TRANSITION})


@dataclass(frozen=True)
class Moment:
    """The answers about ``seq``; ``world`` is None while the index has not reached it."""

    seq: int
    signal: Signal | None = None
    world: World | None = None
    changed: WorldDiff | None = None
    #: None when they are still to be looked for (see :func:`causes_at`).
    links: tuple[CausalLink, ...] | None = ()
    #: When the recording lacks ``seq`` (a gap the screen has not stepped past
    #: yet, as the index had not reached it): the missing seqs, and no signal.
    gap: tuple[int, int] | None = None

    @property
    def process(self) -> ProcessState | None:
        """The process the signal belongs to, after the signal."""
        signal, world = self.signal, self.world
        if signal is None or world is None or signal.pid not in world:
            return None
        return world.process(signal.pid)

    def is_step_from(self, other: Moment) -> bool:
        """True when this moment is one signal away from ``other`` and renamed nobody.

        Then the timeline repaints only its two cursor rows: no template
        column of another row can have changed.
        """
        if self.signal is None or other.signal is None:
            return False
        return (
            abs(self.seq - other.seq) == 1 and not {self.signal.type, other.signal.type} & RENAMES
        )


def message_of(timeline: Timeline, signal: Signal) -> MessageTrace | None:
    """The message a RECEIVE, DROP or BACKOFF names by id, to show it in full."""
    if signal.type not in NAMES_A_MESSAGE:
        return None
    data = signal.data
    message_id = data.get("id") if isinstance(data, dict) else data
    if not isinstance(message_id, int):
        return None
    try:
        return timeline.trace(message_id)
    except ChronoflowError:  # a damaged recording may name a message it lacks
        return None


def causes_at(
    timeline: Timeline, signal: Signal
) -> tuple[tuple[CausalLink, ...], MessageTrace | None]:
    """The causal links of ``signal`` and the message it names, if any.

    Why apart from :func:`moment_at`: finding where a message went may scan
    the rest of the recording (a message nobody ever received: tens of
    milliseconds on ten million signals), so the detail pane asks for these
    in a worker thread once the rest of the moment is painted.
    """
    return timeline.links(signal.seq), message_of(timeline, signal)


def moment_at(timeline: Timeline, seq: int, *, indexed: bool) -> Moment:
    """Ask the engine about ``seq`` (``-1``: the empty world before the first signal).

    ``indexed`` says whether the index has reached ``seq``; if not, only the
    signal is read (straight from the recording) and the world is left for
    later, so the screen never waits for the indexer. The links are left
    for :func:`causes_at` (``links`` is None until then).
    """
    if seq < 0:
        return Moment(seq, world=timeline.state_at(-1))
    if not indexed:
        try:
            return Moment(seq, timeline.signal(seq))
        except MissingSeqError as missing:
            return Moment(seq, gap=missing.gap or (seq, seq))
    # Why changed_at first: it folds seq - 1 and then seq from it, so the
    # world at seq is then in the engine's cache (asking for it first would
    # make a jump seek twice), and so is the signal itself (reading it first
    # would decode its chunk once more).
    changed = timeline.changed_at(seq)
    world = timeline.state_at(seq)
    try:
        signal = timeline.signal(seq)
    except MissingSeqError as missing:
        return Moment(seq, None, world, changed, gap=missing.gap or (seq, seq))
    return Moment(seq, signal, world, changed, links=None)
