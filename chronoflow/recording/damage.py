"""Damage a reader meets, and what each read mode does about it.

``STRICT`` raises :class:`RecordingCorrupt` at the first damage;
``TOLERANT`` (the default) ends the scan there with a warning; ``SALVAGE``
skips each damaged span to the next valid record and warns of each gap.
A :class:`DamageLog` keeps one reader's warnings by file offset, and a torn
tail (a file cut while it was written) apart, since a later scan of a
growing file may find that tail complete after all.
"""

from __future__ import annotations

import threading
from enum import Enum
from pathlib import Path
from typing import BinaryIO

from chronoflow.recording.errors import RecordingCorrupt, RecordingWarning
from chronoflow.recording.format import Frame, FrameStatus, Resync


class ReadMode(Enum):
    """How a reader treats damage: raise, stop with a warning, or skip it."""

    STRICT = "strict"
    TOLERANT = "tolerant"
    SALVAGE = "salvage"


class StopReading(Exception):
    """Damage ends this scan (tolerant mode, or nothing valid follows)."""


class DamageLog:
    """The damage one reader has found, and its mode's answer to more."""

    def __init__(
        self,
        path: Path,
        mode: ReadMode,
        max_record_length: int,
        found: list[RecordingWarning],
        salt: bytes = b"",
    ) -> None:
        self.path = path
        self.mode = mode
        self.max_record_length = max_record_length
        self.salt = salt
        #: One budget for every resync of this reader (see Resync).
        self._resync: Resync | None = None
        self._lock = threading.Lock()
        self._found = {warning.offset: warning for warning in found}
        self._tail: RecordingWarning | None = None

    def warnings(self) -> list[RecordingWarning]:
        """Damage found so far, in file order (a torn tail last)."""
        with self._lock:
            found = [self._found[offset] for offset in sorted(self._found)]
            if self._tail is not None:
                found.append(self._tail)
        return found

    def bad_chunk(self, found: Frame, reason: str) -> None:
        """A chunk that does not decode: raise (strict), or note it (the reader
        decides whether to go on)."""
        reason = f"chunk record does not decode: {reason}"
        if self.mode is ReadMode.STRICT:
            raise RecordingCorrupt(self.path, found.offset, reason)
        self.warn(RecordingWarning(found.offset, found.end - found.offset, reason, self.path))

    def skipped(self, found: Frame, resume: int, reason: str) -> None:
        """A bad or torn frame skipped to ``resume``, the next chunk the index knows."""
        self.warn(
            RecordingWarning(
                found.offset,
                resume - found.offset,
                f"{reason}; resumed at the next chunk the footer index names, at byte {resume:,}",
                self.path,
            )
        )

    def bad_frame(self, handle: BinaryIO, found: Frame, end: int, reason: str) -> int:
        """A bad or torn frame: raise, stop, or return where the next valid
        record begins (salvage only)."""
        if self.mode is ReadMode.STRICT:
            raise RecordingCorrupt(self.path, found.offset, reason)
        resume = None
        if self.mode is ReadMode.SALVAGE:
            if self._resync is None:
                self._resync = Resync(end)
            resume = self._resync.next_valid_frame(
                handle, found.offset + 1, end, self.max_record_length, self.salt
            )
            if resume is None and self._resync.exhausted:
                reason += "; the search for the next valid record gave up (too many false starts)"
        if resume is None:
            warning = RecordingWarning(found.offset, end - found.offset, reason, self.path)
            if found.status is FrameStatus.TORN:
                self.torn_tail(warning)
            else:
                self.warn(warning)
            raise StopReading
        self.warn(
            RecordingWarning(
                found.offset,
                resume - found.offset,
                f"{reason}; skipped to the next valid record at byte {resume:,}",
                self.path,
            )
        )
        return resume

    def note_lost(self, lost_from: int, resumed_at: int) -> None:
        """Name the seqs lost in the last damaged span, once a scan resumes."""
        with self._lock:
            last = max(self._found) if self._found else None
            if last is None:
                return
            warning = self._found[last]
            if "lost" not in warning.reason:
                self._found[last] = RecordingWarning(
                    warning.offset,
                    warning.dropped_bytes,
                    f"{warning.reason} (seqs {lost_from}..{resumed_at - 1} lost)",
                    warning.path,
                )

    def warn(self, warning: RecordingWarning) -> None:
        """Keep ``warning`` (the first found at its offset)."""
        with self._lock:
            self._found.setdefault(warning.offset, warning)

    def torn_tail(self, warning: RecordingWarning) -> None:
        """The file ends in a torn record, as ``warning`` says."""
        with self._lock:
            self._tail = warning

    def clear_tail(self, offset: int) -> None:
        """A valid record at ``offset``: a torn tail before it has since been written."""
        tail = self._tail
        if tail is not None and offset >= tail.offset:
            with self._lock:
                self._tail = None
