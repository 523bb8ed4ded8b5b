"""The thread that builds a timeline's index, following a growing recording, and its progress.

:class:`IndexThread` runs :meth:`Index.extend <chronoflow.inspect.index.Index.extend>`
over the source's runs, in a daemon thread (or in the caller's, once), and
keeps polling a recording that is still being written when it follows one.
It knows how far indexing has come (:attr:`IndexThread.progress`), tells
listeners as it goes, and lets any thread wait for a seq.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from chronoflow.inspect.index import Index
from chronoflow.inspect.model import Progress
from chronoflow.inspect.sidecar import Sidecar
from chronoflow.inspect.source import Run, SignalSource, stated_length

ProgressListener = Callable[[Progress], None]

#: Seconds between polls of a followed recording for new signals.
FOLLOW_POLL = 0.2
#: Seconds between progress reports while indexing.
REPORT_EVERY = 0.05


class IndexThread:
    """The thread that builds ``index`` from ``source`` (read as ``runs(start)``).

    ``caught_up`` is True once the index holds every signal the source has
    (for now, if it follows a growing one); ``finished`` once indexing has
    stopped for good; ``error`` says why it stopped early, if the source
    failed; ``total`` is the length the source states (None: unknown).
    """

    def __init__(
        self,
        index: Index,
        source: SignalSource,
        runs: Callable[[int], Iterable[Run]],
        *,
        follow: bool = False,
        on_progress: ProgressListener | None = None,
        sidecar: Sidecar | None = None,
    ) -> None:
        """With a ``sidecar``, the index is read back from it when it is valid,
        and written to it once a complete recording is indexed."""
        self._index = index
        self._sidecar = sidecar
        self._source = source
        self._runs = runs
        self._follow = follow
        self._listeners: list[ProgressListener] = [] if on_progress is None else [on_progress]
        self._stop = threading.Event()
        self.caught_up = False
        self.finished = False
        self.error: str | None = None
        self.total = stated_length(source)
        self._last_report = 0.0
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()

    def start(self) -> None:
        """Start the indexing thread, unless it has started (or indexing has stopped)."""
        with self._thread_lock:
            if self._thread is not None or self.finished or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self.run, name="chronoflow-index", daemon=True)
            self._thread.start()

    @property
    def started(self) -> bool:
        """True once indexing has begun (in a thread, or in :meth:`run`)."""
        return self._thread is not None or self.finished

    def run(self) -> None:
        """Index in this thread until caught up (or, following, until stopped)."""
        index = self._index
        sidecar = self._sidecar
        try:
            if sidecar is not None and not index.indexed:
                sidecar.restore(index)
            while not self._stop.is_set():
                self.caught_up = False
                index.extend(self._runs(index.indexed), self._stop.is_set, self._report)
                self.caught_up = True
                self.total = stated_length(self._source)
                if not self._follow or self._source.complete:
                    # Why stop following a complete source: its recorder
                    # closed it (footer and trailer written); it will not grow.
                    break
                self._report(force=True)
                self._stop.wait(FOLLOW_POLL)
            if sidecar is not None and not self._stop.is_set():
                # Why after telling the listeners: the index is complete;
                # writing it down is for the next opening.
                self._report(force=True)
                # Why only a clean recording: the reader's own warnings about
                # damage come from reading every chunk, which a sidecar skips.
                clean = self._source.complete and not self._source.warnings
                sidecar.keep(index, clean, self._stop.is_set)
        except Exception as error:  # the source failed: keep what was indexed, say why
            self.error = f"{type(error).__name__}: {error}"
        finally:
            self.finished = True
            self.caught_up = True
            with index.changed:
                index.changed.notify_all()
            self._report(force=True)

    def ready(self, seq: int) -> bool:
        """True when the world at ``seq`` can be built without waiting for the indexer.

        Why not only indexed seqs: within one interval of the index's end a
        fold from its last checkpoint is as short as any seek, so the first
        screen needs no index at all.
        """
        index = self._index
        return self.caught_up or seq < index.indexed + index.interval

    def length(self) -> int:
        """How many seqs the recording has, as far as is known now."""
        indexed = self._index.indexed
        if self.caught_up or self.total is None:
            return indexed
        return max(indexed, self.total)

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
                self._index.warnings.append(f"progress listener failed: {error!r}")
                self._listeners.remove(listener)

    @property
    def progress(self) -> Progress:
        """How far indexing has come."""
        return Progress(
            indexed=self._index.indexed,
            total=self.total,
            done=self.caught_up,
            following=self._follow and not self.finished,
            error=self.error,
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
        index = self._index
        if not (seq is not None and index.indexed > seq):
            self.start()
        with index.changed:
            while True:
                if seq is None:
                    if self.caught_up:
                        return True
                elif index.indexed > seq:
                    return True
                elif self.finished or (self.caught_up and not self._follow):
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                index.changed.wait(0.1 if left is None else min(left, 0.1))

    def stop(self) -> None:
        """Stop indexing (and following); the index is closed once no thread uses it."""
        self._stop.set()
        with self._thread_lock:  # why: no thread starts once stop is set
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        if thread is None or not thread.is_alive():
            self._index.close()
