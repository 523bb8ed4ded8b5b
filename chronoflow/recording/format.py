"""The byte layout of a ``.cfl`` recording: signature, version and record frames.

A recording of format 2 or 3 starts with a 20-byte file header: an 8-byte
signature, the format version as two little-endian u16 (major, minor), a
random 4-byte *salt* chosen for this file, and a CRC-32 of those 16 bytes.
Framed records follow. Each frame is a 13-byte header, ``sync`` (4 bytes),
``length`` (u32 LE, the payload size), ``kind`` (u8) and ``crc`` (u32 LE:
CRC-32 of the salt, the length and kind bytes, then the payload), then
``length`` bytes of msgpack. Files of format 1 have a 12-byte header (no
salt, no header check) and frames whose CRC starts at the length bytes:
the same rule with an empty salt. ``docs/format.md`` is the full
specification; this module is the only code that knows these bytes, and
:mod:`chronoflow.recording.records` the only code that knows the payloads.

Why a salt (as LevelDB's and SQLite's WAL checksums are seeded): a frame
copied from another file, or forged inside a recorded ``bytes`` value,
does not pass this file's checks, so a salvaging reader cannot be fooled
into taking it for a record.
"""

from __future__ import annotations

import os
import struct
import zlib
from dataclasses import dataclass
from enum import IntEnum
from typing import BinaryIO, Final

#: The signature. Like PNG's: a high-bit byte catches 7-bit transfers, CR LF
#: and LF catch newline conversion, and 0x1A stops a DOS ``type``.
MAGIC: Final = b"\x89CFL\r\n\x1a\n"
FORMAT_MAJOR: Final = 3
FORMAT_MINOR: Final = 0
FORMAT_VERSION: Final = f"{FORMAT_MAJOR}.{FORMAT_MINOR}"
#: Major versions this reader reads (format 1 without salt or header check).
READABLE_MAJORS: Final = (1, 2, 3)

#: What every version's header starts with: signature, major, minor.
FILE_HEADER: Final = struct.Struct("<8sHH")
#: The header of format 2 and 3: signature, major, minor, salt, CRC-32 of the 16 bytes before.
FILE_HEADER_2: Final = struct.Struct("<8sHH4sI")
SALT_SIZE: Final = 4


@dataclass(frozen=True, slots=True)
class Header:
    """A file's header: its version, its salt (empty for format 1) and size."""

    major: int
    minor: int
    salt: bytes
    size: int


def file_header(
    major: int = FORMAT_MAJOR, minor: int = FORMAT_MINOR, salt: bytes | None = None
) -> bytes:
    """The bytes every recording starts with: format 1's 12, format 2 and 3's 20
    (with ``salt``, a fresh random one when None)."""
    if major < 2:
        return FILE_HEADER.pack(MAGIC, major, minor)
    salt = os.urandom(SALT_SIZE) if salt is None else salt
    if len(salt) != SALT_SIZE:
        raise ValueError(f"a salt is {SALT_SIZE} bytes")
    head = FILE_HEADER.pack(MAGIC, major, minor) + salt
    return head + zlib.crc32(head).to_bytes(4, "little")


def header_size(major: int) -> int:
    """How many bytes the file header of ``major`` takes."""
    return FILE_HEADER.size if major < 2 else FILE_HEADER_2.size


def parse_header(data: bytes) -> tuple[Header, bool]:
    """The header at the start of ``data`` (at least :func:`header_size` bytes)
    and whether its check holds (always for format 1, which has none)."""
    _, major, minor = FILE_HEADER.unpack_from(data)
    if major < 2:
        return Header(major, minor, b"", FILE_HEADER.size), True
    _, _, _, salt, crc = FILE_HEADER_2.unpack_from(data)
    ok = zlib.crc32(data[: FILE_HEADER_2.size - 4]) == crc
    return Header(major, minor, salt, FILE_HEADER_2.size), ok


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


def record_crc(kind: int, payload: bytes, salt: bytes = b"") -> int:
    """The CRC-32 a frame stores: over the file's salt, the frame's length and
    kind bytes, then the payload (format 1: no salt)."""
    start = zlib.crc32(_LENGTH_KIND.pack(len(payload), kind), zlib.crc32(salt))
    return zlib.crc32(payload, start)


def frame(kind: int, payload: bytes, salt: bytes = b"") -> bytes:
    """``payload`` framed as one record of ``kind`` for a file with ``salt``."""
    if len(payload) > MAX_RECORD_LENGTH:
        raise ValueError(f"record of {len(payload)} bytes exceeds {MAX_RECORD_LENGTH}")
    header = RECORD_HEADER.pack(SYNC, len(payload), kind, record_crc(kind, payload, salt))
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


def read_frame(
    handle: BinaryIO, offset: int, end: int, max_length: int, salt: bytes = b""
) -> Frame:
    """Read and check the frame at ``offset`` of a file with ``salt``; never
    read at or past ``end``.

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
    if record_crc(kind, payload, salt) != crc:
        return Frame(FrameStatus.BAD, offset, kind, reason="checksum mismatch (damaged record)")
    return Frame(FrameStatus.OK, offset, kind, payload)


def starts_a_frame(handle: BinaryIO, offset: int) -> bool:
    """Whether a frame's sync marker is at ``offset`` (a frame there that does
    not read is then damaged, not absent)."""
    handle.seek(offset)
    return handle.read(len(SYNC)) == SYNC


def frame_starts_at(
    handle: BinaryIO, offset: int, end: int, max_length: int, salt: bytes = b""
) -> bool:
    """Whether a frame starts at ``offset``: its sync bytes are there, or they are
    damaged but the rest of the frame (which its check covers) holds."""
    if starts_a_frame(handle, offset):
        return True
    handle.seek(offset)
    head = handle.read(RECORD_HEADER.size)
    if len(head) < RECORD_HEADER.size:
        return False
    _, length, kind, crc = RECORD_HEADER.unpack(head)
    if length > min(max_length, end - offset - RECORD_HEADER.size):
        return False
    return bool(record_crc(kind, handle.read(length), salt) == crc)


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


class Resync:
    """Looks for the next valid frame after damage, within a budget.

    Why a budget: every candidate (a place where the sync bytes occur) is
    checked by reading the payload its header claims, up to the record
    cap. A hostile file with candidates every few bytes, each claiming to
    run to the end, would cost time quadratic in its size. A :class:`Resync`
    checks at most ``budget`` bytes of claimed payloads in all (several
    times the file, so that a genuine damaged file is never cut short);
    after that it finds nothing more, and says so.
    """

    def __init__(self, size: int) -> None:
        self.budget = 8 * size + 2 * MAX_RECORD_LENGTH
        self.spent = 0
        #: The last block read while looking for sync bytes, and where it starts.
        self._window: tuple[int, bytes] = (0, b"")

    def _find_sync(self, handle: BinaryIO, position: int, end: int) -> int | None:
        """find_sync, but candidates close together are found in the block
        already read. Why: reading a new block per candidate made a file of
        false sync bytes every 16 bytes cost time quadratic in its size."""
        while position < end:
            start, data = self._window
            if start <= position and position + len(SYNC) <= start + len(data):
                found = data.find(SYNC, position - start)
                if found >= 0:
                    return start + found if start + found + len(SYNC) <= end else None
                if start + len(data) >= end:
                    return None
                position = start + len(data) - (len(SYNC) - 1)
            handle.seek(position)
            data = handle.read(min(1 << 20, end - position))
            if len(data) < len(SYNC):
                return None
            self._window = (position, data)
        return None

    @property
    def exhausted(self) -> bool:
        """True once the budget is spent."""
        return self.spent >= self.budget

    def next_valid_frame(
        self, handle: BinaryIO, position: int, end: int, max_length: int, salt: bytes = b""
    ) -> int | None:
        """The offset of the first valid frame at or after ``position``, if any."""
        while not self.exhausted:
            candidate = self._find_sync(handle, position, end)
            if candidate is None:
                return None
            found = read_frame(handle, candidate, end, max_length, salt)
            if found.status is FrameStatus.OK:
                return candidate
            handle.seek(candidate + 4)
            claimed = int.from_bytes(handle.read(4), "little")
            self.spent += RECORD_HEADER.size + min(claimed, max_length, end - candidate)
            position = candidate + 1
        return None


def next_valid_frame(
    handle: BinaryIO, position: int, end: int, max_length: int, salt: bytes = b""
) -> int | None:
    """The offset of the first valid frame at or after ``position``, if any, with
    the budget of one :class:`Resync` over the bytes from ``position`` on."""
    return Resync(end - position).next_valid_frame(handle, position, end, max_length, salt)
