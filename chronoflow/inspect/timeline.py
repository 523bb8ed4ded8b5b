"""The :class:`Timeline`: one recording, indexed in the background, queried by seq.

``Timeline.open(path)`` returns at once; a daemon thread folds the
recording into an :class:`~chronoflow.inspect.index.Index` and reports
progress. Signals themselves are read straight from the source, so the
first screen (``signals(0, 50)``, ``state_at`` of an early seq) is ready
long before the index is complete. A following timeline keeps polling a
recording that is still being written.

A salvaged copy may lack some seqs (:attr:`Timeline.gaps`): the world goes
on across a gap as if nothing happened there, every search and step skips
it, and :meth:`Timeline.signal` of a missing seq raises
:class:`~chronoflow.inspect.errors.MissingSeqError`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from chronoflow.inspect import blocked, causality, inbox
from chronoflow.inspect.blocked import Pending, Standstill, Why
from chronoflow.inspect.errors import MissingSeqError, SeqOutOfRangeError
from chronoflow.inspect.excerpt import NAME_LIMIT, text_of
from chronoflow.inspect.gaps import Gap, gaps_warning
from chronoflow.inspect.inbox import Mailbox
from chronoflow.inspect.index import (
    DEFAULT_CHECKPOINT_MEMORY,
    DEFAULT_INTERVAL,
    DEFAULT_SPILL_LIMIT,
    Index,
)
from chronoflow.inspect.model import CausalLink, MessageTrace, Progress
from chronoflow.inspect.query import Query
from chronoflow.inspect.searching import QueryLike, Searching
from chronoflow.inspect.source import SignalSource, stated_length
from chronoflow.inspect.state import TEMPLATE
from chronoflow.inspect.summary import summary
from chronoflow.inspect.world import World
from chronoflow.inspect.worlds import Worlds
from chronoflow.recording import ReadMode, open_recording
from chronoflow.signals import Signal

ProgressListener = Callable[[Progress], None]


def examines_on_arrival(source: SignalSource) -> bool:
    """Whether the runtime that recorded ``source`` examined each message as it
    arrived at a blocked selective receive: from format 1.1 on (and for any
    source that is not a file, which today's runtime made)."""
    version = getattr(source, "format_version", None)
    return not (isinstance(version, tuple) and tuple(version) < (1, 1))


#: Seconds between polls of a followed recording for new signals.
FOLLOW_POLL = 0.2
#: Seconds between progress reports while indexing.
REPORT_EVERY = 0.05


class Timeline(Searching, Worlds):
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
        """
        if follow and not background:
            raise ValueError("a following timeline indexes in the background")
        self.source = source
        self.index = Index(
            interval, checkpoint_memory, spill_limit, examines=examines_on_arrival(source)
        )
        self._follow = follow
        self._listeners: list[ProgressListener] = [] if on_progress is None else [on_progress]
        self._stop = threading.Event()
        self._caught_up = False
        self._finished = False
        self._error: str | None = None
        self._total = stated_length(source)
        self._last_report = 0.0
        self._gaps: tuple[Gap, ...] = ()
        self._cache: OrderedDict[int, World] = OrderedDict()
        self._cache_lock = threading.Lock()
        #: The last signal a seek read (see :meth:`signal`).
        self._last_read: Signal | None = None
        self._origin: float | None = None
        #: The standstill found for a recording of that many signals.
        self._standstill: tuple[int, Standstill | None] | None = None
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        if not background:
            self._run()
        elif start or self._total is None:
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
    ) -> Timeline:
        """Open the recording at ``path`` (tolerantly: a torn file gives its prefix).

        Indexing starts at once, or with ``start=False`` at
        :meth:`start_indexing` (see :class:`Timeline`).
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
        )

    # -- indexing ---------------------------------------------------------------

    def start_indexing(self) -> None:
        """Start the indexing thread, unless it has started (or the timeline is closed)."""
        with self._thread_lock:
            if self._thread is not None or self._finished or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._run, name="chronoflow-index", daemon=True)
            self._thread.start()

    def ready(self, seq: int) -> bool:
        """True when :meth:`state_at` answers ``seq`` without waiting for the indexer.

        Why not only indexed seqs: within one interval of the index's end a
        fold from its last checkpoint is as short as any seek, so the first
        screen needs no index at all.
        """
        index = self.index
        return self._caught_up or seq < index.indexed + index.interval

    @property
    def indexing_started(self) -> bool:
        """True once indexing has begun (always, unless opened with ``start=False``)."""
        return self._thread is not None or self._finished

    def _run(self) -> None:
        index = self.index
        try:
            while not self._stop.is_set():
                self._caught_up = False
                index.extend(self._read_runs(index.indexed), self._stop.is_set, self._report)
                self._caught_up = True
                self._total = stated_length(self.source)
                if not self._follow:
                    break
                self._report(force=True)
                self._stop.wait(FOLLOW_POLL)
        except Exception as error:  # the source failed: keep what was indexed, say why
            self._error = f"{type(error).__name__}: {error}"
        finally:
            self._finished = True
            self._caught_up = True
            with index.changed:
                index.changed.notify_all()
            self._report(force=True)

    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_report < REPORT_EVERY:
            return
        self._last_report = now
        progress = self.progress
        for listener in list(self._listeners):
            try:
                listener(progress)
            except Exception as error:  # a front end's bug must not stop indexing
                self.index.warnings.append(f"progress listener failed: {error!r}")
                self._listeners.remove(listener)

    @property
    def progress(self) -> Progress:
        """How far indexing has come."""
        return Progress(
            indexed=self.index.indexed,
            total=self._total,
            done=self._caught_up,
            following=self._follow and not self._finished,
            error=self._error,
        )

    def add_listener(self, listener: ProgressListener) -> None:
        """Call ``listener(progress)`` from the indexing thread as indexing advances."""
        self._listeners.append(listener)

    def remove_listener(self, listener: ProgressListener) -> None:
        """Stop calling ``listener`` (nothing happens if it is not listening)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def wait(self, seq: int | None = None, timeout: float | None = None) -> bool:
        """Block until ``seq`` is indexed (None: until indexing is done); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        index = self.index
        if not (seq is not None and index.indexed > seq):
            self.start_indexing()
        with index.changed:
            while True:
                if seq is None:
                    if self._caught_up:
                        return True
                elif index.indexed > seq:
                    return True
                elif self._finished or (self._caught_up and not self._follow):
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                index.changed.wait(0.1 if left is None else min(left, 0.1))

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
        if self._error is not None:
            found.append(f"indexing stopped at seq {self.index.indexed}: {self._error}")
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
        indexed = self.index.indexed
        if self._caught_up or self._total is None:
            return indexed
        return max(indexed, self._total)

    def _check(self, seq: int) -> None:
        if not 0 <= seq < len(self):
            raise SeqOutOfRangeError(seq, len(self))

    def signal(self, seq: int) -> Signal:
        """The signal at ``seq``; :class:`MissingSeqError` (a
        :class:`SeqOutOfRangeError`) for a seq the recording lacks."""
        last = self._last_read
        if last is not None and last.seq == seq:
            # Why: a seek to ``seq`` has just read it; reading it again from
            # the source would decode its whole chunk a second time.
            return last
        gap = self.index.gaps.gap_at(seq)
        if gap is not None:
            raise MissingSeqError(seq, gap, len(self))
        if seq >= len(self) and not self._caught_up and seq >= 0:
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
        signals = self.source.signals(start) if stop is None else self._read(start, stop)
        if match is None:
            return signals
        query = Query.of(match)
        return (signal for signal in signals if query.matches(signal))

    def _read(self, start: int, stop: int) -> Iterator[Signal]:
        """The signals ``start <= seq < stop``, leaving as soon as ``stop - 1`` is read.

        Why not simply exhaust the source's iterator: to learn that nothing
        more lies below ``stop``, a chunked reader decodes the *next* chunk,
        which would double the cost of every seek.
        """
        signals = self.source.signals(start, stop)
        # Why: past the last signal below ``stop`` (before a gap) nothing more is read.
        last = self.index.gaps.present_before(stop) - 1
        try:
            for signal in signals:
                yield signal
                if signal.seq >= last:
                    self._last_read = signal
                    return
        finally:
            close = getattr(signals, "close", None)
            if close is not None:
                close()

    def summary(self, seq: int) -> str:
        """The one-line text of signal ``seq``."""
        return summary(self.signal(seq))

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
        return self.index.template_at(pid, seq)

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
        recording ends in, if it does (see :mod:`chronoflow.inspect.blocked`);
        it needs the whole index, so without ``wait`` it is None until
        indexing is done."""
        if not self._caught_up:
            if not wait:
                return None
            self.wait()
        key = len(self)
        if self._standstill is None or self._standstill[0] != key:
            self._standstill = (key, blocked.find_standstill(self))
        return self._standstill[1]

    # -- causality --------------------------------------------------------------------

    def trace(self, message_id: int) -> MessageTrace:
        """Where message ``message_id`` came from and everywhere it went."""
        return causality.trace(self, message_id)

    def links(self, seq: int) -> tuple[CausalLink, ...]:
        """Jump targets from signal ``seq`` to its causal counterparts."""
        return causality.links(self, seq)

    def name_of(self, pid: int) -> str:
        """``"Template[pid]"`` by the template the process runs at the indexed end."""
        record = self.index.live_record(pid)
        if record is None:
            return f"process {pid}"
        template = record[TEMPLATE]
        if type(template) is not str or len(template) > NAME_LIMIT:
            template = text_of(template, NAME_LIMIT, raw=True)
        return f"{template}[{pid}]"

    # -- lifetime ---------------------------------------------------------------------

    def close(self) -> None:
        """Stop indexing (and following) and close the source."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        if self._thread is None or not self._thread.is_alive():
            self.index.close()
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
