"""The reader: streams a recording's signals lazily, seeks by seq, and reports damage.

``open_recording(path)`` reads the file header, the metadata record and,
when the file was closed cleanly, the trailer and footer index. Nothing
else is read until :meth:`RecordingReader.signals` is iterated; each
iterator has its own file handle, so iterators are independent and can be
used from different threads at once. A file that is still being written
can be read again later from the last seq + 1.

Modes: ``STRICT`` raises :class:`RecordingCorrupt` at the first damage;
``TOLERANT`` (the default) yields every complete record before the first
damage and records a :class:`RecordingWarning`; ``SALVAGE`` skips each
damaged span, resumes at the next valid record and records each gap
(:mod:`chronoflow.recording.damage`).
"""

from __future__ import annotations

import itertools
import operator
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from chronoflow.recording.chunk_index import ChunkIndex
from chronoflow.recording.damage import DamageLog, ReadMode, StopReading
from chronoflow.recording.errors import RecordingCorrupt, RecordingWarning, UnsupportedVersion
from chronoflow.recording.format import (
    CRITICAL_KIND,
    MAX_RECORD_LENGTH,
    Frame,
    FrameStatus,
    RecordKind,
    frame_starts_at,
    read_frame,
)
from chronoflow.recording.opening import Opening, read_opening
from chronoflow.recording.records import Chunk, ChunkColumns, PayloadError
from chronoflow.recording.values import describe_decode_error
from chronoflow.signals import Signal

_CACHED_CHUNKS = 12
_COLUMNS_OF = operator.attrgetter("columns")


@dataclass(frozen=True)
class ChunkView:
    """One chunk record, decoded, and where its frame lies in the file."""

    offset: int
    end: int
    columns: ChunkColumns

    @property
    def signals(self) -> list[Signal]:
        """The chunk's signals (built once, on first use)."""
        return self.columns.signals()


def open_recording(
    path: str | os.PathLike[str],
    mode: ReadMode = ReadMode.TOLERANT,
    *,
    max_record_length: int = MAX_RECORD_LENGTH,
) -> RecordingReader:
    """Open a recording: header, metadata and footer only; cheap for any file size."""
    return RecordingReader(path, mode, max_record_length=max_record_length)


class RecordingReader:
    """Lazy, seekable access to the signals of one ``.cfl`` file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        mode: ReadMode = ReadMode.TOLERANT,
        *,
        max_record_length: int = MAX_RECORD_LENGTH,
    ) -> None:
        self.path = Path(path)
        self.mode = ReadMode(mode)
        self.max_record_length = max_record_length
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[int, bool], ChunkColumns] = OrderedDict()
        self._scan_count: int | None = None
        opening = read_opening(
            self.path,
            self.mode is ReadMode.STRICT,
            max_record_length,
            salvage=self.mode is ReadMode.SALVAGE,
        )
        self._adopt(opening)
        self._damage = DamageLog(
            self.path, self.mode, max_record_length, opening.warnings, opening.salt
        )

    def _adopt(self, opening: Opening) -> None:
        self.metadata: dict[str, Any] = opening.metadata
        self.format_version: tuple[int, int] = opening.version
        #: Whether chunks have format 3's layout (see Chunk.decode).
        self._compact = opening.version[0] >= 3
        self._salt = opening.salt
        self._data_start = opening.data_start
        self._data_end = opening.data_end
        self._footer = opening.footer
        self._index = ChunkIndex(opening.footer.chunks if opening.footer is not None else ())

    # -- what the file says about itself ------------------------------------------------

    @property
    def complete(self) -> bool:
        """True when the file has a valid footer and trailer (it was closed cleanly)."""
        return self._footer is not None

    def count(self) -> int | None:
        """Signals in the file: from the footer, else from the last full scan, else None."""
        if self._footer is not None:
            return self._footer.count
        return self._scan_count

    @property
    def warnings(self) -> list[RecordingWarning]:
        """Damage found so far, in file order (a torn tail last)."""
        return self._damage.warnings()

    @property
    def time_span(self) -> tuple[float, float] | None:
        """``(first ts, last ts)`` from the footer, if the file is complete."""
        footer = self._footer
        if footer is None or footer.first_ts is None or footer.last_ts is None:
            return None
        return footer.first_ts, footer.last_ts

    # -- signals ----------------------------------------------------------------------

    def signals(self, start: int = 0, stop: int | None = None) -> Iterator[Signal]:
        """Signals with ``start <= seq < stop``, in seq order, up to the current end."""
        if start < 0:
            raise ValueError(f"start must be a seq (>= 0), got {start}")
        return self._signals(start, stop)

    def _signals(self, start: int, stop: int | None) -> Iterator[Signal]:
        # Why chain: whole chunks are handed on in C, one list at a time.
        return itertools.chain.from_iterable(self._runs(start, stop))

    def _runs(self, start: int, stop: int | None) -> Iterator[list[Signal]]:
        """The chunks' signals from ``start`` to before ``stop``, one list per chunk."""
        for columns in self.columns(start, stop, raw=False):
            signals = columns.signals()
            if columns.first >= start and (stop is None or columns.last < stop):
                yield signals
            else:
                yield [s for s in signals if s.seq >= start and (stop is None or s.seq < stop)]

    def signal(self, seq: int) -> Signal:
        """The signal with this seq; IndexError if the file has none."""
        if seq >= 0:
            for signal in self._signals(seq, seq + 1):
                return signal
        raise IndexError(f"{self.path}: no signal with seq {seq}")

    def chunks(
        self, start: int = 0, *, keep: bool = False, raw: bool = False
    ) -> Iterator[ChunkView]:
        """Every readable chunk from the one holding ``start`` on, with its offsets.

        With ``keep`` the decoded chunks stay in a small cache for later
        reads nearby. Why not always: a pass over the whole file (indexing,
        ``info``, ``check``) would only churn the cache, and chunks kept
        alive make Python's cycle collector walk them again and again
        (indexing ran 15% faster without). With ``raw`` the chunks' datas
        are decoded in the raw form (see :class:`ChunkColumns`).
        """
        with open(self.path, "rb") as handle:
            yield from self._scan(handle, start, keep, raw)

    def columns(
        self, start: int = 0, stop: int | None = None, *, raw: bool = True
    ) -> Iterator[ChunkColumns]:
        """The chunks holding seqs ``start`` to before ``stop``, as their columns.

        What a fold over many signals wants (an indexer, a seek): no
        :class:`Signal` is built unless asked for, and the datas come in the
        raw form unless ``raw`` is False (see
        :func:`~chronoflow.recording.raw.unpack_raw`). Whole chunks are
        handed over, so the first may begin before ``start`` and the last end
        after ``stop``. As with :meth:`signals`, a bounded read keeps the
        chunks it decodes for the next read nearby; a read to the end does not.
        """
        if stop is None:
            # Why map: it keeps no reference to a chunk it has handed over.
            return map(_COLUMNS_OF, self.chunks(start, raw=raw))
        return self._columns_to(start, stop, raw)

    def _columns_to(self, start: int, stop: int, raw: bool) -> Iterator[ChunkColumns]:
        for view in self.chunks(start, keep=True, raw=raw):
            columns = view.columns
            if columns.first >= stop:
                return
            yield columns
            if columns.last >= stop - 1:
                return  # why: the next chunk would be decoded only to find it is past stop

    def _seek_point(self, start: int) -> tuple[int, int | None]:
        entry = self._index.seek_point(start)
        if entry is None:
            return self._data_start, None
        return entry.offset, entry.first_seq

    def _scan(self, handle: BinaryIO, start: int, keep: bool, raw: bool) -> Iterator[ChunkView]:
        offset, expected = self._seek_point(start)
        from_start = offset == self._data_start and start == 0
        indexed = self._footer is not None  # a footer met on the way is checked later
        seen = 0
        yielded = False
        lost_from: int | None = None
        while True:
            end = self._data_end
            if end is None:
                end = os.fstat(handle.fileno()).st_size
            found = read_frame(handle, offset, end, self.max_record_length, self._salt)
            try:
                if found.status is FrameStatus.END:
                    break
                if found.status is not FrameStatus.OK:
                    if (
                        not yielded
                        and offset != self._data_start
                        and not frame_starts_at(
                            handle, offset, end, self.max_record_length, self._salt
                        )
                        and self._index_lied(offset)
                    ):
                        offset, expected, from_start = self._data_start, None, start == 0
                        continue
                    self._index.visited(offset)
                    lost_from = expected if lost_from is None else lost_from
                    offset = self._resume(handle, found, end)
                    continue
                self._damage.clear_tail(found.offset)
                kind = found.kind
                if kind == RecordKind.CHUNK:
                    # Why not before the first chunk: the seek point's seq is the index's
                    # claim, which ChunkIndex.check tests just below.
                    columns = self._chunk(found, expected if seen else None, lost_from, keep, raw)
                    if columns is None:  # skipped as damaged
                        self._index.visited(found.offset)
                        lost_from = expected if lost_from is None else lost_from
                        offset = self._after_bad_chunk(found)
                        continue
                    if (
                        not self._index.check(found.offset, columns.first, columns.count)
                        and self._index_lied(found.offset)
                        and not yielded
                    ):
                        offset, expected, from_start = self._data_start, None, start == 0
                        continue
                    offset = found.end
                    lost_from = None
                    seen += columns.count
                    expected = columns.last + 1
                    if expected > start:
                        yielded = True
                        # Why a one-slot list: this frame keeps no reference
                        # to the chunk it hands over, so a reader that drops
                        # it frees it before the next chunk is decoded.
                        handing = [ChunkView(found.offset, found.end, columns)]
                        del columns
                        yield handing.pop()
                    continue
                if kind in (RecordKind.FOOTER, RecordKind.TRAILER):
                    if kind == RecordKind.FOOTER and (self._data_end is None or self.strict):
                        self._after_footer(handle, found, os.fstat(handle.fileno()).st_size)
                    break  # the signals end at the footer
                if kind & CRITICAL_KIND:
                    raise UnsupportedVersion(
                        self.path,
                        found.offset,
                        f"record kind {kind} is required but unknown to this reader; "
                        "upgrade chronoflow",
                    )
                offset = found.end  # metadata repeated, or a kind from a newer minor version
            except StopReading:
                break
        if from_start:
            self._scan_count = seen
            if indexed and self._index.unchecked():  # a whole scan met no frame there
                self._index_lied(
                    self._data_end or offset,
                    "the footer index names chunks where there are none; read by a scan",
                )

    @property
    def strict(self) -> bool:
        """True in strict mode."""
        return self.mode is ReadMode.STRICT

    def _resume(self, handle: BinaryIO, found: Frame, end: int) -> int:
        """Where to go on after the bad or torn frame ``found``: the next chunk
        the index knows, else what the read mode says (see DamageLog)."""
        known = None if self.strict else self._index.after(found.offset)
        if known is None or known.offset >= end:
            return self._damage.bad_frame(handle, found, end, found.reason)
        self._damage.skipped(found, known.offset, found.reason)
        return known.offset

    def _after_bad_chunk(self, found: Frame) -> int:
        """Go on after a chunk that does not decode (tolerant: only where the
        index knows what follows)."""
        if self.mode is ReadMode.TOLERANT and self._index.after(found.offset) is None:
            raise StopReading
        return found.end

    def _index_lied(
        self,
        offset: int,
        why: str = "the footer index does not match the chunk at this offset; reading by a scan",
    ) -> bool:
        """The footer index named a chunk at ``offset`` that is not there (or not
        that chunk): forget its unchecked entries and read by a scan. False
        when the index did not name ``offset``."""
        if self._footer is None:
            return False
        if self.strict:
            raise RecordingCorrupt(self.path, offset, why)
        self._damage.warn(RecordingWarning(offset, 0, why, self.path))
        with self._lock:
            self._footer = None
        self._index.drop_unchecked()
        return True

    def _after_footer(self, handle: BinaryIO, footer: Frame, end: int) -> None:
        """A footer met by a scan: the file was closed while read, or its trailer is torn."""
        trailer = read_frame(handle, footer.end, end, self.max_record_length, self._salt)
        if trailer.status in (FrameStatus.OK, FrameStatus.END):
            self._damage.clear_tail(footer.end)
        if trailer.status is FrameStatus.OK and trailer.kind == RecordKind.TRAILER:
            if trailer.end == end:
                self._reopen()
                return
            why = f"{end - trailer.end:,} bytes follow the trailer"
            if self.strict:
                raise RecordingCorrupt(self.path, trailer.end, why)
            self._damage.warn(RecordingWarning(trailer.end, end - trailer.end, why, self.path))
            return
        if trailer.status is not FrameStatus.END:
            why = f"the trailer after the footer: {trailer.reason or 'not a trailer record'}"
            if self.strict:
                raise RecordingCorrupt(self.path, footer.end, why)
            self._damage.torn_tail(RecordingWarning(footer.end, end - footer.end, why, self.path))

    def _reopen(self) -> None:
        opening = read_opening(
            self.path,
            self.mode is ReadMode.STRICT,
            self.max_record_length,
            salvage=self.mode is ReadMode.SALVAGE,
        )
        footer = opening.footer
        if footer is not None:
            with self._lock:
                self._footer = footer
                self._data_end = opening.data_end
            self._index.replace(footer.chunks)

    def _chunk(
        self, found: Frame, expected: int | None, lost_from: int | None, keep: bool, raw: bool
    ) -> ChunkColumns | None:
        """The chunk in ``found``, decoded; None if it holds no signals or was
        skipped as damaged."""
        key = (found.offset, raw)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is None:
            try:
                columns = Chunk.decode(found.payload, raw=raw, compact=self._compact)
            except PayloadError as error:
                self._damage.bad_chunk(found, str(error))
                return None
            except Exception as error:  # any decoder failure is damage, never a traceback
                self._damage.bad_chunk(found, describe_decode_error(error))
                return None
            if not columns.count:
                return None
            if expected is not None and columns.first < expected:
                self._damage.bad_chunk(
                    found, f"chunk starts at seq {columns.first}, before seq {expected}"
                )
                return None
            self._remember(found, columns, keep, raw)
        else:
            columns = cached
        if lost_from is not None and columns.first > lost_from:
            self._damage.note_lost(lost_from, columns.first)
        return columns

    def _remember(self, found: Frame, columns: ChunkColumns, keep: bool, raw: bool) -> None:
        """Keep the chunk for a read nearby, if asked."""
        if keep:
            with self._lock:
                self._cache[found.offset, raw] = columns
                if len(self._cache) > _CACHED_CHUNKS:
                    self._cache.popitem(last=False)

    # -- lifetime ---------------------------------------------------------------------

    def close(self) -> None:
        """Drop cached chunks. Iterators hold their own file handles and stay usable."""
        with self._lock:
            self._cache.clear()

    def __enter__(self) -> RecordingReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "complete" if self.complete else "incomplete"
        return f"<RecordingReader {self.path} {self.mode.value} {state}>"
