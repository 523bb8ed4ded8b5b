"""The index reads a moment diff makes: counts per process, and when things happened.

:func:`~chronoflow.inspect.moment_diff.moment_diff` compares the worlds at
two seqs and says *when* each difference happened. The worlds say most of
it (a START, an end, the WAIT or USE a process blocks in, the seq each
message arrived); what they do not say is read here from the index's
columns (pid, type and answered seq of every signal), never by decoding
the signals between the two seqs:

- :func:`event_counts`: how many SEND, USE and RESULT signals each process
  made in a stretch of seqs, counted in C by the timeline's
  :class:`~chronoflow.inspect.event_counts.EventCounts`, with no Python
  step per signal.
- :func:`first_events`: the first few of them per process, from the type
  column (a rare type) or the process's own positions in the pid column
  (``bytes.find``).
- :func:`status_since`: the seq at which a process took the status it has
  at the later seq.
- :func:`removed_at`: the RECEIVE or DROP that took a message out of an
  inbox, from the answered-seq column.

Why a fold is the last resort: a few cases are not decided by the worlds
and the columns (a plain receive whose full inbox evicted a message, a
ready process whose matched message was evicted); for those the stretch
from the earliest seq the answer can be is folded again, watching the one
process (:func:`fold_watch`). Such cases are rare, and the stretch starts
where the process blocked, not at the earlier seq.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chronoflow.inspect.fold import fold_each
from chronoflow.inspect.model import ProcessState, Status, WaitMode
from chronoflow.inspect.state import STATUSES, FoldState, status_code
from chronoflow.signals import SignalType

if TYPE_CHECKING:
    from chronoflow.inspect.timeline import Timeline
    from chronoflow.inspect.world import World

_S = SignalType
#: Own signals that make a blocked process run again.
RESUMERS = frozenset({_S.START, _S.JOIN, _S.TRANSITION, _S.RECEIVE, _S.RESULT, _S.TIMEOUT})
#: Own signals that block a running process.
BLOCKERS = frozenset({_S.WAIT, _S.USE})
#: A type with at most this many signals in a stretch is found by the type
#: column rather than by each process's own positions (see :func:`first_events`).
RARE = 50_000


def event_counts(timeline: Timeline, start: int, stop: int) -> dict[tuple[int, int], int]:
    """``(pid, type) -> count`` of the SEND, USE and RESULT signals with
    ``start <= seq < stop`` (see :mod:`chronoflow.inspect.event_counts`)."""
    index = timeline.index
    size = len(index.types.data)
    gaps = index.gaps
    # Why positions: a salvaged copy's columns hold an entry per signal only;
    # the seqs of a stretch are one run of positions, whatever gaps it holds.
    segments = list(gaps.segments(start, stop)) if gaps else [(start, stop, 0)]
    if not segments:
        return {}
    low = segments[0][0] - segments[0][2]
    high = min(segments[-1][1] - segments[-1][2], size)
    return timeline.event_counts.between(low, high)


def first_events(
    timeline: Timeline, counts: dict[tuple[int, int], int], limit: int, start: int, stop: int
) -> dict[tuple[int, int], list[int]]:
    """The first ``limit`` seqs of each ``(pid, type)`` that ``counts`` (from
    :func:`event_counts` over the same stretch) counts, ascending.

    Why two ways: a type with few signals in the stretch (at most
    :data:`RARE`) is found in the type column, one pass serving every
    process; a common one (SENDs) in each process's own positions in the
    pid column, which stops once it has as many as wanted, a few times
    that many of the process's signals for a process that sends.
    """
    found: dict[tuple[int, int], list[int]] = {key: [] for key in counts}
    wanted = {key: min(count, limit) for key, count in counts.items()}
    totals: Counter[int] = Counter()
    for (_, kind), count in counts.items():
        totals[kind] += count
    pids, types = timeline.index.pids, timeline.index.types
    own: dict[int, set[int]] = {}
    for kind, total in totals.items():
        keys = [key for key in counts if key[1] == kind]
        if total > RARE:
            for pid, _ in keys:
                own.setdefault(pid, set()).add(kind)
            continue
        left = len(keys)
        for seq in types.positions(kind, start, stop):
            key = (pids[seq], kind)
            seqs = found.get(key)
            if seqs is not None and len(seqs) < wanted[key]:
                seqs.append(seq)
                left -= len(seqs) == wanted[key]
                if not left:
                    break
    for pid, kinds in own.items():
        left = sum(wanted[pid, kind] for kind in kinds)
        for seq in pids.positions(pid, start, stop):
            kind = types[seq]
            if kind in kinds and len(found[pid, kind]) < wanted[pid, kind]:
                found[pid, kind].append(seq)
                left -= 1
                if not left:
                    break
    return found


def _own(timeline: Timeline, pid: int, start: int, stop: int, kinds: frozenset[int]) -> int | None:
    """The first own signal of ``pid`` of one of ``kinds`` in ``[start, stop)``."""
    types = timeline.index.types
    for seq in timeline.index.pids.positions(pid, start, stop):
        if types[seq] in kinds:
            return seq
    return None


def _last_own(
    timeline: Timeline, pid: int, start: int, stop: int, kinds: frozenset[int]
) -> int | None:
    """The last own signal of ``pid`` of one of ``kinds`` in ``[start, stop)``."""
    types = timeline.index.types
    for seq in timeline.index.pids.positions(pid, start, stop, backward=True):
        if types[seq] in kinds:
            return seq
    return None


_DROPS = frozenset({_S.DROP})


def status_since(timeline: Timeline, before: ProcessState, after: World, lo: int, hi: int) -> int:
    """The seq in ``(lo, hi]`` at which ``before.pid`` took the status it has in
    ``after`` (the world at ``hi``): the last seq there at which its status
    changed. The caller knows that the status at ``lo`` (``before``) differs.
    """
    pid = before.pid
    proc = after.process(pid)
    found = _since_from_facts(timeline, proc, after, lo, hi)
    if found is not None:
        return found
    wait = proc.wait
    lower = lo + 1 if wait is None or wait.since <= lo else wait.since
    changes = fold_watch(timeline, lower, hi, lambda state: _status_of(state, pid))
    return changes[-1] if changes else lower


def _since_from_facts(
    timeline: Timeline, proc: ProcessState, after: World, lo: int, hi: int
) -> int | None:
    """:func:`status_since` from what the world at ``hi`` and the columns say,
    or None when they do not decide it."""
    pid, status, wait = proc.pid, proc.status, proc.wait
    since: int | None
    if status.ended:
        since = proc.ended
    elif status is Status.USING:
        since = None if proc.use is None else proc.use.seq
    elif status is Status.RUNNING:
        blocked = _last_own(timeline, pid, lo + 1, hi + 1, BLOCKERS)
        since = _own(timeline, pid, (lo if blocked is None else blocked) + 1, hi + 1, RESUMERS)
    elif wait is None:
        return None
    elif status in (Status.WAITING, Status.JOINING, Status.SLEEPING):
        since = wait.since
        # Why the DROPs: a plain receive is ready while its inbox holds a
        # message, so a full inbox evicting one may have made it wait again.
        plain = status is Status.WAITING and wait.match is None
        if plain and _own(timeline, pid, since + 1, hi + 1, _DROPS) is not None:
            return None
    elif wait.mode is WaitMode.JOIN:
        child = wait.child
        since = after.process(child).ended if child is not None and child in after else None
    elif wait.match is None:
        if not proc.inbox or _own(timeline, pid, wait.since + 1, hi + 1, _DROPS) is not None:
            return None
        since = proc.inbox[0].arrived  # the first message since the receive blocked
    else:
        since = proc.matched  # the arrival of the message its select matched
    if since is None or not lo < since <= hi or (wait is not None and since < wait.since):
        return None
    return since


def _status_of(state: FoldState, pid: int) -> Status | None:
    record = state.procs.get(pid)
    return None if record is None else STATUSES[status_code(record)]


def removed_at(timeline: Timeline, pid: int, message: int, lo: int, hi: int) -> int:
    """The seq in ``(lo, hi]`` of the RECEIVE or DROP that took message
    ``message`` out of ``pid``'s inbox (which held it at ``lo``, not at ``hi``)."""
    index = timeline.index
    pids, types = index.pids, index.types
    if index.refs.fits(message):
        for seq in index.refs.positions(message, lo + 1, hi + 1):
            if pids[seq] == pid and types[seq] in (_S.RECEIVE, _S.DROP):
                return seq

    def holds(state: FoldState) -> bool:
        record = state.procs.get(pid)
        return record is not None and message in record.inbox

    changes = fold_watch(timeline, lo + 1, hi, holds)
    return changes[0] if changes else hi


def fold_watch(
    timeline: Timeline, start: int, stop: int, probe: Callable[[FoldState], Any]
) -> list[int]:
    """The seqs in ``[start, stop]`` after which ``probe(state)`` differs from
    what it was before them: the stretch folded again from the world at
    ``start - 1`` (the last resort of this module, see its docstring)."""
    state = timeline.index.seek(start - 1, timeline.reader.runs)
    last = probe(state)
    changes = []
    for seq in fold_each(state, timeline.reader.runs(start, stop + 1), start, stop + 1):
        now = probe(state)
        if now != last:
            changes.append(seq)
            last = now
    return changes
