"""The :class:`Timeline`: one recording, indexed in the background, queried by seq.

``Timeline.open(path)`` returns at once; a daemon thread folds the
recording into an :class:`~chronoflow.inspect.index.Index` and reports
progress. Signals themselves are read straight from the source, so the
first screen (``signals(0, 50)``, ``state_at`` of an early seq) is ready
long before the index is complete. A following timeline keeps polling a
recording that is still being written.

A timeline is made of parts it holds: the :class:`~chronoflow.inspect.index.Index`
(``timeline.index``), the :class:`~chronoflow.inspect.index_thread.IndexThread`
that builds it (``timeline.indexer``), a
:class:`~chronoflow.inspect.source.SourceReader` (``timeline.reader``), a
:class:`~chronoflow.inspect.world_cache.WorldCache` (``timeline.worlds``)
and a :class:`~chronoflow.inspect.search.Search` (``timeline.search``). Its
own methods check a seq against what exists and is indexed, then ask the
part that knows; the explanations (mailbox, why, pending, causality) are
functions of :mod:`~chronoflow.inspect.inbox`,
:mod:`~chronoflow.inspect.blocked` and :mod:`~chronoflow.inspect.causality`
over the timeline.

A salvaged copy may lack some seqs (:attr:`Timeline.gaps`): the world goes
on across a gap as if nothing happened there, every search and step skips
it, and :meth:`Timeline.signal` of a missing seq raises
:class:`~chronoflow.inspect.errors.MissingSeqError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from chronoflow.inspect import blocked, causal_links, causality, inbox, signal_text
from chronoflow.inspect.blocked import Pending, Why
from chronoflow.inspect.census import Census, census
from chronoflow.inspect.diff import diff_worlds
from chronoflow.inspect.errors import MissingSeqError, SeqOutOfRangeError
from chronoflow.inspect.event_counts import EventCounts
from chronoflow.inspect.excerpt import NAME_LIMIT, text_of
from chronoflow.inspect.gaps import Gap, gaps_warning
from chronoflow.inspect.inbox import Mailbox
from chronoflow.inspect.index import (
    DEFAULT_CHECKPOINT_MEMORY,
    DEFAULT_INTERVAL,
    DEFAULT_SPILL_LIMIT,
    Index,
)
from chronoflow.inspect.index_thread import IndexThread, ProgressListener
from chronoflow.inspect.model import (
    CausalLink,
    MessageTrace,
    Progress,
    WorldDiff,
    process_label,
)
from chronoflow.inspect.moment_diff import DEFAULT_DIFF_ROWS, MomentDiff, moment_diff
from chronoflow.inspect.overview import Overview, Overviews
from chronoflow.inspect.query import Query
from chronoflow.inspect.search import QueryLike, Search
from chronoflow.inspect.sidecar import MIN_SIGNALS as SIDECAR_MIN_SIGNALS
from chronoflow.inspect.sidecar import Sidecar
from chronoflow.inspect.signal_counts import SignalCounts
from chronoflow.inspect.source import SignalSource, SourceReader
from chronoflow.inspect.standstill import Standstill, find_standstill
from chronoflow.inspect.watch import Watch, Watches
from chronoflow.inspect.world import World
from chronoflow.inspect.world_cache import WorldCache
from chronoflow.recording import ReadMode, open_recording
from chronoflow.signals import Signal


def examines_on_arrival(source: SignalSource) -> bool:
    """Whether the runtime that recorded ``source`` examined each message as it
    arrived at a blocked selective receive: from format 1.1 on (and for any
    source that is not a file, which today's runtime made)."""
    version = getattr(source, "format_version", None)
    return not (isinstance(version, tuple) and tuple(version) < (1, 1))


class Timeline:
    """Answers about one recording at any seq (see ``docs/engine.md``)."""

    def __init__(
        self,
        source: SignalSource,
        *,
        follow: bool = False,
        on_progress: ProgressListener | None = None,
        interval: int = DEFAULT_INTERVAL,
        checkpoint_memory: int = DEFAULT_CHECKPOINT_MEMORY,
        spill_limit: int = DEFAULT_SPILL_LIMIT,
        background: bool = True,
        start: bool = True,
        sidecar: Sidecar | None = None,
    ) -> None:
        """Index ``source``: in a daemon thread, or before returning if not ``background``.

        Checkpoints are taken at most ``interval`` signals apart; beyond
        ``checkpoint_memory`` bytes they go to a temporary file of at most
        ``spill_limit`` bytes, and beyond that the interval grows.

        With ``start=False`` the thread waits for :meth:`start_indexing`
        (or for the first question that needs the index), so that a front
        end can draw its first screen without sharing the interpreter with
        the indexer. A recording without a footer (torn, or still being
        written) starts indexing at once: only the index knows its length.

        With a ``sidecar`` (:class:`~chronoflow.inspect.sidecar.Sidecar`),
        the indexer first reads the index back from it when it holds a
        valid one, and writes it there once a complete recording is indexed.
        """
        if follow and not background:
            raise ValueError("a following timeline indexes in the background")
        self.source = source
        self.index = Index(
            interval, checkpoint_memory, spill_limit, examines=examines_on_arrival(source)
        )
        self.reader = SourceReader(source, self.index.gaps)
        self.indexer = IndexThread(
            self.index,
            source,
            self.reader.runs,
            follow=follow,
            on_progress=on_progress,
            sidecar=sidecar,
        )
        self.worlds = WorldCache(self.index, self.reader.runs)
        self.search = Search(self.index, self.reader.signals, self.__len__, self.signal)
        self.overviews = Overviews(self.index, self.__len__)
        self.watches = Watches(self.index, self.reader.runs, self.state_at, self.trace)
        self.signal_counts = SignalCounts(self.index)
        self.event_counts = EventCounts(self.index)
        self._gaps: tuple[Gap, ...] = ()
        self._origin: float | None = None
        #: The standstill found for a recording of that many signals.
        self._standstill: tuple[int, Standstill | None] | None = None
        if not background:
            self.indexer.run()
        elif start or self.indexer.total is None:
            # Why a torn recording starts anyway: its length is known only
            # as far as it has been indexed.
            self.start_indexing()

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        follow: bool = False,
        on_progress: ProgressListener | None = None,
        interval: int = DEFAULT_INTERVAL,
        checkpoint_memory: int = DEFAULT_CHECKPOINT_MEMORY,
        spill_limit: int = DEFAULT_SPILL_LIMIT,
        start: bool = True,
        sidecar: bool = True,
        sidecar_min_signals: int = SIDECAR_MIN_SIGNALS,
    ) -> Timeline:
        """Open the recording at ``path`` (tolerantly: a torn file gives its prefix).

        Indexing starts at once, or with ``start=False`` at
        :meth:`start_indexing` (see :class:`Timeline`). With ``sidecar`` the
        index is kept in a sidecar file (``NAME.cfl.idx``, see
        :mod:`chronoflow.inspect.sidecar`) once a complete recording of at
        least ``sidecar_min_signals`` signals is indexed, and read back from
        it, when it is valid, instead of indexing again.
        """
        reader = open_recording(Path(path), mode=ReadMode.TOLERANT)
        return cls(
            reader,
            follow=follow,
            on_progress=on_progress,
            interval=interval,
            checkpoint_memory=checkpoint_memory,
            spill_limit=spill_limit,
            start=start,
            sidecar=Sidecar(Path(path), sidecar_min_signals) if sidecar else None,
        )

    # -- indexing ---------------------------------------------------------------

    def start_indexing(self) -> None:
        """Start the indexing thread, unless it has started (or the timeline is closed)."""
        self.indexer.start()

    def ready(self, seq: int) -> bool:
        """True when :meth:`state_at` answers ``seq`` without waiting for the indexer
        (see :meth:`IndexThread.ready <chronoflow.inspect.index_thread.IndexThread.ready>`)."""
        return self.indexer.ready(seq)

    @property
    def indexing_started(self) -> bool:
        """True once indexing has begun (always, unless opened with ``start=False``)."""
        return self.indexer.started

    @property
    def progress(self) -> Progress:
        """How far indexing has come."""
        return self.indexer.progress

    def add_listener(self, listener: ProgressListener) -> None:
        """Call ``listener(progress)`` from the indexing thread as indexing advances."""
        self.indexer.add_listener(listener)

    def remove_listener(self, listener: ProgressListener) -> None:
        """Stop calling ``listener`` (nothing happens if it is not listening)."""
        self.indexer.remove_listener(listener)

    def wait(self, seq: int | None = None, timeout: float | None = None) -> bool:
        """Block until ``seq`` is indexed (None: until indexing is done); False on timeout."""
        return self.indexer.wait(seq, timeout)

    # -- the source ---------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The recording's path."""
        return self.source.path

    @property
    def metadata(self) -> dict[str, Any]:
        """The recording's metadata record."""
        return self.source.metadata

    @property
    def complete(self) -> bool:
        """True when the recording was closed cleanly."""
        return self.source.complete

    @property
    def warnings(self) -> tuple[str, ...]:
        """Damage found in the recording, the seqs it lacks (one line, see
        :func:`gaps_warning`), then malformed signals the fold skipped."""
        found = [str(warning) for warning in self.source.warnings]
        error = self.indexer.error
        if error is not None:
            found.append(f"indexing stopped at seq {self.index.indexed}: {error}")
        gaps = self.gaps
        if gaps:
            found.append(gaps_warning(gaps))
        return (*found, *self.index.warnings)

    @property
    def gaps(self) -> tuple[Gap, ...]:
        """The seqs the recording lacks, as ``(first missing, last missing)``
        stretches in order, as far as it is indexed (a salvaged copy keeps the
        seqs of the signals it saved)."""
        spans = self.index.gaps.spans
        if len(self._gaps) != len(spans):
            self._gaps = tuple(spans)
        return self._gaps

    def gap_at(self, seq: int) -> Gap | None:
        """The gap holding ``seq``, or None (a seq with a signal, or not indexed yet)."""
        return self.index.gaps.gap_at(seq)

    @property
    def newer_types(self) -> tuple[int, ...]:
        """Type numbers newer than this program met so far, ascending: their
        signals are shown (as ``TYPE#n``) and fold nothing."""
        return tuple(sorted(self.index.newer_types))

    @property
    def interval(self) -> int:
        """The current checkpoint interval K (grows on huge recordings)."""
        return self.index.interval

    def __len__(self) -> int:
        return self.indexer.length()

    def _check(self, seq: int) -> None:
        if not 0 <= seq < len(self):
            raise SeqOutOfRangeError(seq, len(self))

    def signal(self, seq: int) -> Signal:
        """The signal at ``seq``; :class:`MissingSeqError` (a
        :class:`SeqOutOfRangeError`) for a seq the recording lacks."""
        last = self.reader.last_read
        if last is not None and last.seq == seq:
            # Why: a seek to ``seq`` has just read it; reading it again from
            # the source would decode its whole chunk a second time.
            return last
        kept = self.reader.kept_signals(seq, seq + 1)
        if kept is not None:
            return kept[0]
        gap = self.index.gaps.gap_at(seq)
        if gap is not None:
            raise MissingSeqError(seq, gap, len(self))
        if seq >= len(self) and not self.indexer.caught_up and seq >= 0:
            try:
                return self.source.signal(seq)
            except IndexError:
                pass
        self._check(seq)
        try:
            return self.source.signal(seq)
        except IndexError:
            raise MissingSeqError(seq, self.index.gaps.gap_at(seq), len(self)) from None

    def signals(
        self, start: int = 0, stop: int | None = None, match: QueryLike | None = None
    ) -> Iterator[Signal]:
        """The signals with ``start <= seq < stop``, optionally only those matching."""
        start = max(start, 0)
        signals = self.source.signals(start) if stop is None else self.reader.signals(start, stop)
        if match is None:
            return signals
        query = Query.of(match)
        return (signal for signal in signals if query.matches(signal))

    def summary(self, seq: int) -> str:
        """The one-line text of signal ``seq``: :meth:`describe` of it."""
        return self.describe(self.signal(seq))

    def describe(self, signal: Signal) -> str:
        """The one-line text of ``signal``, with what the index knows beyond it
        (a message to a process that had ended: ``send 'ping' to Worker[4],
        which ended at seq 80``; see :mod:`chronoflow.inspect.signal_text`)."""
        return signal_text.describe(self, signal)

    @property
    def origin(self) -> float:
        """The first signal's timestamp (0.0 for an empty recording): times on
        screen are relative to it."""
        if self._origin is None:
            # Why not signal(0): a salvaged copy may lack its first seqs.
            signals = self.source.signals(0, len(self))
            try:
                first = next(iter(signals), None)
            finally:
                close = getattr(signals, "close", None)
                if close is not None:
                    close()
            if first is None:
                return 0.0
            self._origin = first.ts
        return self._origin

    def template_at(self, pid: int, seq: int) -> str | None:
        """The template ``pid`` runs at ``seq`` (None: not started by then, or not
        indexed that far)."""
        return self.index.history.template_at(pid, seq)

    # -- worlds -----------------------------------------------------------------------

    def state_at(self, seq: int) -> World:
        """The world after signal ``seq`` (``-1``: before the first signal)."""
        if seq == -1:
            return World.empty()
        self._check(seq)
        if not self.ready(seq) and not self.wait(seq):
            raise SeqOutOfRangeError(seq, len(self))
        return self.worlds.world(seq)

    def diff(self, a: int, b: int, *, limit: int = DEFAULT_DIFF_ROWS) -> MomentDiff:
        """What differs from the world at seq ``a`` to the world at seq ``b``, and
        the seq at which each difference happened, at most ``limit`` rows per
        process and kind (see :mod:`chronoflow.inspect.moment_diff`)."""
        return moment_diff(self, a, b, limit)

    def changed_at(self, seq: int) -> WorldDiff:
        """What signal ``seq`` changed: the worlds at ``seq - 1`` and ``seq`` compared
        (the :class:`WorldDiff` part of ``diff(seq - 1, seq)``), with both worlds
        from one read when neither is at hand (see :meth:`WorldCache.around
        <chronoflow.inspect.world_cache.WorldCache.around>`)."""
        worlds = self.worlds
        if seq <= 0 or worlds.holds(seq - 1) or worlds.holds(seq) or seq >= self.index.indexed:
            return diff_worlds(self.state_at(seq - 1), self.state_at(seq))
        self._check(seq)
        return diff_worlds(*worlds.around(seq))

    # -- searches ---------------------------------------------------------------------

    def find_all(
        self, query: QueryLike, start: int | None = None, *, backward: bool = False
    ) -> Iterator[int]:
        """Every matching seq from ``start`` (inclusive), forward or backward."""
        return self.search.find_all(query, start, backward=backward)

    def find(self, query: QueryLike, start: int = 0, *, backward: bool = False) -> int | None:
        """The first matching seq ``>= start`` (the last ``<= start`` when ``backward``)."""
        return self.search.find(query, start, backward=backward)

    def next_match(self, seq: int, query: QueryLike) -> int | None:
        """The nearest matching seq after ``seq``."""
        return self.search.next_match(seq, query)

    def previous_match(self, seq: int, query: QueryLike) -> int | None:
        """The nearest matching seq before ``seq``."""
        return self.search.previous_match(seq, query)

    def next_for(self, pid: int, seq: int) -> int | None:
        """The nearest signal of ``pid`` after ``seq``."""
        return self.search.next_for(pid, seq)

    def previous_for(self, pid: int, seq: int) -> int | None:
        """The nearest signal of ``pid`` before ``seq``."""
        return self.search.previous_for(pid, seq)

    def next_of_process(self, seq: int) -> int | None:
        """The nearest signal after ``seq`` of the process that made signal ``seq``."""
        return self.search.next_of_process(seq)

    def previous_of_process(self, seq: int) -> int | None:
        """The nearest signal before ``seq`` of the process that made signal ``seq``."""
        return self.search.previous_of_process(seq)

    # -- explanations ------------------------------------------------------------------

    def mailbox(self, pid: int, seq: int) -> Mailbox:
        """``pid``'s inbox at ``seq``, each message with what its receive knows of
        it (see :mod:`chronoflow.inspect.inbox`)."""
        return inbox.mailbox(self, pid, seq)

    def why(self, pid: int, seq: int) -> Why:
        """Why ``pid`` is not running at ``seq``, in one sentence (or that it is)."""
        return blocked.timeline_why(self, pid, seq)

    def pending(self, seq: int) -> Pending:
        """What the world at ``seq`` waits on: blocked processes, ``use`` calls,
        timers, unreceived messages, the outbox, and a standstill."""
        return blocked.pending(self, seq)

    def standstill(self, *, wait: bool = True) -> Standstill | None:
        """The standstill (a deadlock, or processes left waiting forever) the
        recording ends in, if it does (see :mod:`chronoflow.inspect.standstill`);
        it needs the whole index, so without ``wait`` it is None until
        indexing is done."""
        if not self.indexer.caught_up:
            if not wait:
                return None
            self.wait()
        key = len(self)
        if self._standstill is None or self._standstill[0] != key:
            self._standstill = (key, find_standstill(self))
        return self._standstill[1]

    def overview(self, buckets: int) -> Overview:
        """The recording cut into ``buckets`` equal stretches of seqs: the signals
        and the first CRASH of each, from the index alone (see
        :mod:`chronoflow.inspect.overview`)."""
        return self.overviews.overview(buckets)

    # -- watches and the process table ----------------------------------------------

    def next_change(self, watch: Watch, seq: int) -> int | None:
        """The first indexed seq after ``seq`` at which ``watch`` changes: a
        process's status or inbox, or a message delivered, received or dropped
        (see :mod:`chronoflow.inspect.watch`)."""
        return self.watches.next_change(watch, seq)

    def previous_change(self, watch: Watch, seq: int) -> int | None:
        """The last seq before ``seq`` at which ``watch`` changes."""
        return self.watches.previous_change(watch, seq)

    def census(self, seq: int) -> Census:
        """Every process started by ``seq``: pid, template, name, status, inbox
        length and signals so far (see :mod:`chronoflow.inspect.census`)."""
        return census(self, seq)

    # -- causality --------------------------------------------------------------------

    def trace(self, message_id: int) -> MessageTrace:
        """Where message ``message_id`` came from and everywhere it went."""
        return causality.trace(self, message_id)

    def links(self, seq: int) -> tuple[CausalLink, ...]:
        """Jump targets from signal ``seq`` to its causal counterparts."""
        return causal_links.links(self, seq)

    def name_of(self, pid: int, seq: int | None = None) -> str:
        """``"Template[pid]"`` by the template the process runs at the indexed end,
        ``"alice: Template[pid]"`` if it is registered as ``alice`` at ``seq``
        (default: the indexed end), or ``"process 7"`` if it is unknown.

        A process that has ended by ``seq`` is named by the name it had when
        it ended (its end frees the name, but a link to it reads better with
        the name it was known by).
        """
        record = self.index.live_record(pid)
        if record is None:
            return f"process {pid}"
        template = record.template
        if type(template) is not str or len(template) > NAME_LIMIT:
            template = text_of(template, NAME_LIMIT, raw=True)
        history = self.index.history
        if seq is None:
            name = record.registered
            seq = self.index.indexed - 1
        else:
            name = history.name_at(pid, seq)
        ended = record.ended
        if name is None and ended is not None and ended <= seq:
            name = history.name_at(pid, ended - 1)
        if name is not None and len(name) > NAME_LIMIT:
            name = text_of(name, NAME_LIMIT)
        return process_label(template, pid, name)

    # -- lifetime ---------------------------------------------------------------------

    def close(self) -> None:
        """Stop indexing (and following) and close the source."""
        self.indexer.stop()
        self.source.close()

    def __enter__(self) -> Timeline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
