"""The byte layout of a ``.cfl`` recording: signature, version and record frames.

A recording is a 12-byte file header (an 8-byte signature, then the format
version as two little-endian u16, major and minor) followed by framed
records. Each frame is a 13-byte header, ``sync`` (4 bytes), ``length``
(u32 LE, the payload size), ``kind`` (u8) and ``crc`` (u32 LE, CRC-32 of
the length and kind bytes followed by the payload), then ``length`` bytes
of msgpack. ``docs/format.md`` is the full specification; this module is
the only code that knows these bytes, and :mod:`chronoflow.recording.records`
the only code that knows the payloads.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from enum import IntEnum
from typing import BinaryIO, Final

#: The signature. Like PNG's: a high-bit byte catches 7-bit transfers, CR LF
#: and LF catch newline conversion, and 0x1A stops a DOS ``type``.
MAGIC: Final = b"\x89CFL\r\n\x1a\n"
FORMAT_MAJOR: Final = 1
FORMAT_MINOR: Final = 1
FORMAT_VERSION: Final = f"{FORMAT_MAJOR}.{FORMAT_MINOR}"

FILE_HEADER: Final = struct.Struct("<8sHH")
#: Every frame starts with these bytes, so that a salvaging reader can find
#: the next frame after a damaged span.
SYNC: Final = b"\x8dCFR"
RECORD_HEADER: Final = struct.Struct("<4sIBI")
_LENGTH_KIND: Final = struct.Struct("<IB")

#: No record is longer than this; a reader checks a length against its cap
#: before it allocates anything.
MAX_RECORD_LENGTH: Final = 64 * 1024 * 1024

#: Record kinds with this bit set are *critical*: a reader that does not know
#: one must stop. Other unknown kinds are skipped.
CRITICAL_KIND: Final = 0x80


class RecordKind(IntEnum):
    """The kinds of record this version writes."""

    METADATA = 1
    CHUNK = 2
    FOOTER = 3
    TRAILER = 4


def file_header(major: int = FORMAT_MAJOR, minor: int = FORMAT_MINOR) -> bytes:
    """The 12 bytes every recording starts with."""
    return FILE_HEADER.pack(MAGIC, major, minor)


def record_crc(kind: int, payload: bytes) -> int:
    """The CRC-32 a frame stores: over its length and kind bytes, then the payload."""
    return zlib.crc32(payload, zlib.crc32(_LENGTH_KIND.pack(len(payload), kind)))


def frame(kind: int, payload: bytes) -> bytes:
    """``payload`` framed as one record of ``kind``."""
    if len(payload) > MAX_RECORD_LENGTH:
        raise ValueError(f"record of {len(payload)} bytes exceeds {MAX_RECORD_LENGTH}")
    header = RECORD_HEADER.pack(SYNC, len(payload), kind, record_crc(kind, payload))
    return header + payload


class FrameStatus(IntEnum):
    """What :func:`read_frame` found at an offset."""

    OK = 0
    END = 1  # exactly at the end of the readable bytes
    TORN = 2  # the frame runs past the end (a crash, or a frame being written)
    BAD = 3  # the bytes there are not a valid frame


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame read from a file, or why there is none at ``offset``."""

    status: FrameStatus
    offset: int
    kind: int = 0
    payload: bytes = b""
    reason: str = ""

    @property
    def end(self) -> int:
        """The offset just after this frame."""
        return self.offset + RECORD_HEADER.size + len(self.payload)


def read_frame(handle: BinaryIO, offset: int, end: int, max_length: int) -> Frame:
    """Read and check the frame at ``offset``; never read at or past ``end``.

    The length is checked against ``max_length`` and the bytes left before
    anything is allocated for the payload.
    """
    if offset >= end:
        return Frame(FrameStatus.END, offset)
    if end - offset < RECORD_HEADER.size:
        handle.seek(offset)
        head = handle.read(end - offset)
        if not SYNC.startswith(head[: len(SYNC)]):
            return Frame(FrameStatus.BAD, offset, reason="no record starts here (bad sync bytes)")
        return Frame(FrameStatus.TORN, offset, reason="the record header is cut off")
    handle.seek(offset)
    head = handle.read(RECORD_HEADER.size)
    if len(head) < RECORD_HEADER.size:
        return Frame(FrameStatus.TORN, offset, reason="the record header is cut off")
    sync, length, kind, crc = RECORD_HEADER.unpack(head)
    if sync != SYNC:
        return Frame(FrameStatus.BAD, offset, reason="no record starts here (bad sync bytes)")
    if length > max_length:
        return Frame(
            FrameStatus.BAD,
            offset,
            kind,
            reason=f"record length {length:,} exceeds the cap of {max_length:,} bytes",
        )
    start = offset + RECORD_HEADER.size
    if length > end - start:
        return Frame(
            FrameStatus.TORN,
            offset,
            kind,
            reason=f"the record claims {length:,} bytes but only {end - start:,} follow",
        )
    payload = handle.read(length)
    if len(payload) < length:
        return Frame(FrameStatus.TORN, offset, kind, reason="the record is cut off")
    if record_crc(kind, payload) != crc:
        return Frame(FrameStatus.BAD, offset, kind, reason="checksum mismatch (damaged record)")
    return Frame(FrameStatus.OK, offset, kind, payload)


def find_sync(handle: BinaryIO, start: int, end: int, block: int = 1 << 20) -> int | None:
    """The offset of the next sync bytes at or after ``start`` (before ``end``), if any."""
    position = start
    overlap = len(SYNC) - 1
    while position < end:
        handle.seek(position)
        data = handle.read(min(block, end - position))
        if not data:
            return None
        found = data.find(SYNC)
        if found >= 0:
            return position + found
        if len(data) <= overlap:
            return None
        position += len(data) - overlap
    return None


def next_valid_frame(handle: BinaryIO, position: int, end: int, max_length: int) -> int | None:
    """The offset of the first valid frame at or after ``position``, if any (salvage)."""
    while True:
        candidate = find_sync(handle, position, end)
        if candidate is None:
            return None
        if read_frame(handle, candidate, end, max_length).status is FrameStatus.OK:
            return candidate
        position = candidate + 1
