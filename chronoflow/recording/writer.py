"""The writer: appends framed records to a ``.cfl`` file and closes it with an index.

A :class:`RecordingWriter` writes the file header and the metadata record
when it opens, one chunk record per :meth:`~RecordingWriter.write_signals`
or :meth:`~RecordingWriter.write_columns` call (split where seqs jump or a
chunk would exceed the record cap), and
on :meth:`~RecordingWriter.close` the footer index and the trailer. Each
record goes to the operating system in one ``write`` call, so a crash of
the program loses at most what was not yet handed to the writer, and a
reader following the file sees only whole records or a torn tail.
"""

from __future__ import annotations

import itertools
import operator
import os
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chronoflow.errors import MisuseError
from chronoflow.recording.format import MAX_RECORD_LENGTH, file_header, frame, parse_header
from chronoflow.recording.records import (
    STAMP_LIMIT,
    Chunk,
    ChunkEntry,
    Footer,
    Metadata,
    Trailer,
    stored_micros,
)
from chronoflow.recording.values import Opaque, ValueEncoder
from chronoflow.signals import Signal


class RecordingWriter:
    """Writes one recording file. Not thread-safe: one writer per file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        metadata: dict[str, Any],
        *,
        strict_values: bool = False,
        salt: bytes | None = None,
    ) -> None:
        """Create ``path`` and write its header and ``metadata``.

        ``salt`` is the file's 4-byte salt (see
        :mod:`chronoflow.recording.format`); a fresh random one by default,
        a fixed one only for a file that must come out the same every time.
        """
        self.path = Path(path)
        self._encoder = ValueEncoder(strict=strict_values)
        metadata_payload = Metadata(metadata).write(self._encoder)
        header = file_header(salt=salt)
        self._salt = parse_header(header)[0].salt
        self._file = open(self.path, "wb", buffering=0)  # noqa: SIM115  closed by close()
        self._offset = 0
        self._chunks: list[ChunkEntry] = []
        self._count = 0
        self._next_seq: int | None = None
        self._first_ts: float | None = None
        self._last_ts: float | None = None
        self._write(header + frame(Metadata.kind, metadata_payload, self._salt))

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has written the footer."""
        return self._file.closed

    @property
    def count(self) -> int:
        """Signals written so far."""
        return self._count

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self._offset

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = self._file.write(view)
            if written is None:  # pragma: no cover - only for non-blocking files
                continue
            view = view[written:]
        self._offset += len(data)

    def write_signals(self, signals: Sequence[Signal]) -> None:
        """Append ``signals`` (increasing seqs) as one or more chunk records."""
        if not signals:
            return
        if self.closed:
            raise MisuseError(f"the recording {self.path} is closed; no more signals can be added")
        first = signals[0][0]
        if self._next_seq is not None and first < self._next_seq:
            raise MisuseError(
                f"recording {self.path}: seq {first} arrived after seq {self._next_seq - 1}; "
                "a recorder records one scheduler or one standalone process"
            )
        frames: list[bytes] = []
        entries: list[ChunkEntry] = []
        if signals[-1][0] - first == len(signals) - 1:
            self._frame_run(signals, frames, entries)
        else:
            for run in _consecutive_runs(signals):
                self._frame_run(run, frames, entries)
        self._write(b"".join(frames))
        self._chunks += entries
        self._count += len(signals)
        if self._first_ts is None:
            self._first_ts = _as_stored(signals[0][4])
        self._last_ts = _as_stored(signals[-1][4])
        self._next_seq = signals[-1][0] + 1

    def write_columns(
        self,
        pids: Sequence[int],
        types: bytes,
        datas: list[Any],
        tos: list[int],
        stamps: Sequence[tuple[int, int, float]],
    ) -> None:
        """Append consecutive signals given column by column, as one chunk record.

        The columns are those of :class:`~chronoflow.runtime.bus.SinkColumns`,
        with ``types`` as bytes: compact SENDs and RECEIVEs given as such
        (format 3's type bytes) with ``tos``. ``stamps`` holds ``(index,
        seq, ts)`` for the signals whose time was read, the first at index
        0: each signal has the time of the last stamp at or before it.
        """
        count = len(pids)
        if not count:
            return
        if self.closed:
            raise MisuseError(f"the recording {self.path} is closed; no more signals can be added")
        indices, seqs, times = zip(*stamps, strict=True)
        first = seqs[0]
        # Why only the last stamp: a seq missing or repeated anywhere before it shifts it.
        if indices[0] != 0 or seqs[-1] - indices[-1] != first:
            if len(stamps) == count and types.isascii():
                # Every signal has its own seq and time (an observer's): seqs
                # may jump (a salvaged copy's), as write_signals allows.
                rows = zip(seqs, pids, types, datas, times, strict=True)
                self.write_signals(list(map(Signal._make, rows)))
                return
            raise MisuseError(
                f"recording {self.path}: the signals handed over are not consecutive seqs"
            )
        if self._next_seq is not None and first < self._next_seq:
            raise MisuseError(
                f"recording {self.path}: seq {first} arrived after seq {self._next_seq - 1}; "
                "a recorder records one scheduler or one standalone process"
            )
        micros = stored_micros(times)
        deltas = _step_deltas(count, indices, micros)
        payload = Chunk.write_columns(
            first, pids, types, datas, micros[0], deltas, self._encoder, tos
        )
        if len(payload) > MAX_RECORD_LENGTH:
            # Rare: split the chunk (or stand in for one huge value) as signals.
            self.write_signals(Chunk.decode(payload).signals())
        else:
            entry = ChunkEntry(first, self._offset, count)
            self._write(frame(Chunk.kind, payload, self._salt))
            self._chunks.append(entry)
            self._count += count
            self._next_seq = first + count
        if self._first_ts is None:
            self._first_ts = micros[0] / 1e6
        self._last_ts = micros[-1] / 1e6

    def _frame_run(
        self, run: Sequence[Signal], frames: list[bytes], entries: list[ChunkEntry]
    ) -> None:
        payload = Chunk.write(run, self._encoder)
        if len(payload) > MAX_RECORD_LENGTH:
            if len(run) > 1:
                half = len(run) // 2
                self._frame_run(run[:half], frames, entries)
                self._frame_run(run[half:], frames, entries)
                return
            seq, pid, kind, data, ts = run[0]
            size = len(payload)
            stand_in = Opaque(type(data).__name__, f"<{size:,} bytes: too large to record>")
            payload = Chunk.write([Signal(seq, pid, kind, stand_in, ts)], self._encoder)
        offset = self._offset + sum(map(len, frames))
        entries.append(ChunkEntry(run[0][0], offset, len(run)))
        frames.append(frame(Chunk.kind, payload, self._salt))

    def close(self) -> None:
        """Write the footer index and the trailer, and close the file (idempotent)."""
        if self.closed:
            return
        try:
            footer = Footer(
                count=self._count,
                next_seq=self._next_seq if self._next_seq is not None else 0,
                chunks=self._chunks,
                first_ts=self._first_ts,
                last_ts=self._last_ts,
            )
            footer_offset = self._offset
            footer_frame = frame(Footer.kind, footer.write(self._encoder), self._salt)
            trailer = frame(Trailer.kind, Trailer.write(footer_offset), self._salt)
            self._write(footer_frame + trailer)
        finally:
            self._file.close()

    def abandon(self) -> None:
        """Close the file without a footer, as a crash would leave it (for tests and tools)."""
        if not self.closed:
            self._file.close()


def _step_deltas(count: int, indices: Sequence[int], micros: list[int]) -> list[int]:
    """``ts_deltas`` of ``count`` signals whose times change at ``indices`` (the
    first 0) to ``micros``: each stamp's change at its index, 0 elsewhere.

    Why a slice when the stamps are evenly spaced: a program whose turns each
    produce as many signals (a ring's receive, send, wait) is common, and one
    strided slice assignment costs less than a call per stamp.
    """
    deltas = [0] * count
    steps = list(map(operator.sub, itertools.islice(micros, 1, None), micros))
    if len(indices) > 3:
        start, end, stride = indices[1], indices[-1] + 1, indices[2] - indices[1]
        if indices[1:] == tuple(range(start, end, stride)):
            deltas[start:end:stride] = steps
            return deltas
    deque(map(deltas.__setitem__, itertools.islice(indices, 1, None), steps), maxlen=0)
    return deltas


def _consecutive_runs(signals: Sequence[Signal]) -> list[Sequence[Signal]]:
    runs: list[Sequence[Signal]] = []
    start = 0
    for index in range(1, len(signals)):
        previous, current = signals[index - 1][0], signals[index][0]
        if current <= previous:
            raise MisuseError(
                f"seq {current} arrived after seq {previous}; a recorder records one "
                "scheduler or one standalone process"
            )
        if current != previous + 1:
            runs.append(signals[start:index])
            start = index
    runs.append(signals[start:])
    return runs


def _as_stored(stamp: Any) -> float:
    """A timestamp as a chunk stores it (whole microseconds; 0 for one that is
    not a finite number), so that the footer's first and last times equal the
    first and last signals' as read."""
    try:
        micros = round(float(stamp) * 1e6)
    except (ValueError, OverflowError, TypeError):
        return 0.0
    return float(micros) / 1e6 if -STAMP_LIMIT < micros < STAMP_LIMIT else 0.0
