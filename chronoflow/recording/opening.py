"""Opening a recording: the checks on its signature, version, metadata and footer.

This is all :func:`~chronoflow.recording.open_recording` reads, so opening
is cheap for any file size: the 20 header bytes (12 in format 1), the
metadata record, and, when the file was closed cleanly, the fixed-size
trailer at the end, the footer index it points to and the chunks its first
and last entries name. Problems with the signature or the major
version are errors in every mode; a damaged metadata record or footer is
an error in strict mode and a warning otherwise.
"""

from __future__ import annotations

import operator
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import msgpack

from chronoflow.recording.errors import (
    NotARecording,
    RecordingCorrupt,
    RecordingError,
    RecordingWarning,
    UnsupportedVersion,
)
from chronoflow.recording.format import (
    FILE_HEADER,
    FILE_HEADER_2,
    FORMAT_MAJOR,
    MAGIC,
    READABLE_MAJORS,
    RECORD_HEADER,
    SYNC,
    FrameStatus,
    Header,
    RecordKind,
    Resync,
    header_size,
    parse_header,
    read_frame,
    starts_a_frame,
)
from chronoflow.recording.records import ChunkEntry, Footer, Metadata, PayloadError, Trailer
from chronoflow.recording.values import describe_decode_error

_TRAILER_FRAME_SIZE = RECORD_HEADER.size + Trailer.SIZE


@dataclass
class Opening:
    """What opening a recording found."""

    metadata: dict[str, Any]
    version: tuple[int, int]
    data_start: int
    data_end: int | None = None
    footer: Footer | None = None
    warnings: list[RecordingWarning] = field(default_factory=list)
    #: The file's salt, mixed into every frame's check (empty for format 1).
    salt: bytes = b""


def read_opening(path: Path, strict: bool, max_length: int, salvage: bool = False) -> Opening:
    """Check the header and read metadata and footer of the recording at ``path``."""
    try:
        handle = open(path, "rb")  # noqa: SIM115  closed below
    except OSError as error:
        raise RecordingError(path, 0, f"cannot open: {error.strerror or error}") from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        header, warning = _check_header(path, handle.read(FILE_HEADER_2.size), salvage)
        opening = Opening(
            dict(Metadata.DEFAULTS), (header.major, header.minor), header.size, salt=header.salt
        )
        if warning is not None:
            opening.warnings.append(warning)
        _read_metadata(path, handle, size, strict, max_length, opening)
        _read_footer(path, handle, size, strict, max_length, opening)
    return opening


def _check_header(path: Path, data: bytes, salvage: bool) -> tuple[Header, RecordingWarning | None]:
    """The file's header; a damaged one is an error, except when salvaging
    (its fields are then taken as they are, with a warning)."""
    head = data[: FILE_HEADER.size]
    if (
        len(data) >= FILE_HEADER_2.size
        and MAGIC.startswith(head[: len(MAGIC)])
        and data[FILE_HEADER.size : FILE_HEADER.size + len(SYNC)] != SYNC
    ):
        # Format 2's layout (format 1 has its first frame's sync bytes here):
        # check the header before acting on its version or salt.
        _, major, minor, salt, crc = FILE_HEADER_2.unpack_from(data)
        if zlib.crc32(data[: FILE_HEADER_2.size - 4]) != crc:
            named = "" if major in READABLE_MAJORS else f"; it names version {major}.{minor}"
            why = f"the file header is damaged (its check does not match{named})"
            if not salvage:
                raise RecordingCorrupt(path, 0, f"{why}; chronoflow check --salvage may recover it")
            repaired = _repair(data)
            if repaired is not None:
                return repaired, RecordingWarning(0, 0, f"{why}; one byte repaired", path)
            if major not in READABLE_MAJORS:
                major = FORMAT_MAJOR
            header = Header(major, minor, salt, header_size(major))
            return header, RecordingWarning(0, 0, f"{why}; read as it is", path)
    version = _check_start(path, head)
    size = header_size(version[0])
    if len(data) < size:
        raise RecordingCorrupt(
            path,
            len(data),
            f"the file ends after {len(data)} bytes, inside its {size}-byte header",
        )
    header, ok = parse_header(data)
    if ok:
        return header, None
    why = "the file header is damaged (its check does not match)"
    if not salvage:
        raise RecordingCorrupt(path, 0, f"{why}; chronoflow check --salvage may recover it")
    return header, RecordingWarning(0, 0, f"{why}; read as it is", path)


def _repair(data: bytes) -> Header | None:
    """The header with the one damaged byte among version and salt that makes
    its check hold again, if there is one."""
    head = bytearray(data[: FILE_HEADER_2.size])
    _, _, _, _, crc = FILE_HEADER_2.unpack_from(head)
    for at in range(len(MAGIC), FILE_HEADER_2.size - 4):
        kept = head[at]
        for value in range(256):
            head[at] = value
            if value != kept and zlib.crc32(head[: FILE_HEADER_2.size - 4]) == crc:
                header, _ = parse_header(bytes(head))
                if header.major in READABLE_MAJORS:
                    return header
        head[at] = kept
    return None


def _check_start(path: Path, head: bytes) -> tuple[int, int]:
    if not head:
        raise NotARecording(path, 0, "the file is empty, not a Chronoflow recording")
    signature = head[: len(MAGIC)]
    if not MAGIC.startswith(signature):
        if signature[1:4] == MAGIC[1:4] or signature.replace(b"\r\n", b"\n")[:4] == MAGIC[:4]:
            reason = (
                "the signature is damaged: the file was probably copied as text "
                "(line endings or high-bit bytes changed); copy it as binary"
            )
        else:
            reason = "not a Chronoflow recording (the .cfl signature is missing)"
        raise NotARecording(path, 0, reason)
    if len(head) < FILE_HEADER.size:
        # The major version (bytes 8-9) says how long the header is, if it is there.
        major = int.from_bytes(head[8:10], "little") if len(head) >= 10 else 2
        size = header_size(major)
        raise RecordingCorrupt(
            path, len(head), f"the file ends after {len(head)} bytes, inside its {size}-byte header"
        )
    _, major, minor = FILE_HEADER.unpack(head)
    if major not in READABLE_MAJORS:
        readable = " and ".join(f"{known}.x" for known in READABLE_MAJORS)
        raise UnsupportedVersion(
            path,
            len(MAGIC),
            f"recording format version {major}.{minor} is not supported; this chronoflow "
            f"reads versions {readable}",
        )
    return major, minor


def _problem(
    path: Path, strict: bool, opening: Opening, offset: int, dropped: int, why: str
) -> None:
    if strict:
        raise RecordingCorrupt(path, offset, why)
    opening.warnings.append(RecordingWarning(offset, dropped, why, path))


def _read_metadata(
    path: Path, handle: BinaryIO, size: int, strict: bool, max_length: int, opening: Opening
) -> None:
    offset = opening.data_start
    salt = opening.salt
    found = read_frame(handle, offset, size, max_length, salt)
    if found.status is FrameStatus.END:
        _problem(path, strict, opening, offset, 0, "the file ends before its metadata record")
        return
    if found.status is not FrameStatus.OK:
        why = f"metadata record: {found.reason}"
        if strict:
            raise RecordingCorrupt(path, offset, why)
        # Skip to the next valid frame: the metadata is for display only.
        resync = Resync(size - offset - 1)
        resume = resync.next_valid_frame(handle, offset + 1, size, max_length, salt)
        if resume is None and resync.exhausted:
            why += "; the search for the next valid record gave up (too many false starts)"
        resume = size if resume is None else resume
        _problem(path, strict, opening, offset, resume - offset, why)
        opening.data_start = resume
        return
    if found.kind != RecordKind.METADATA:
        _problem(path, strict, opening, offset, 0, "the first record is not the metadata record")
        return
    try:
        metadata, problems = Metadata.read_lenient(found.payload)
        opening.metadata = metadata.values
        for problem in problems:
            _problem(path, strict, opening, offset, 0, problem)
    except PayloadError as error:
        _problem(path, strict, opening, offset, found.end - offset, str(error))
    except Exception as error:  # any decoder failure is damage, never a traceback
        why = f"metadata record does not decode: {describe_decode_error(error)}"
        _problem(path, strict, opening, offset, found.end - offset, why)
    opening.data_start = found.end


def _read_footer(
    path: Path, handle: BinaryIO, size: int, strict: bool, max_length: int, opening: Opening
) -> None:
    trailer_at = size - _TRAILER_FRAME_SIZE
    if trailer_at < opening.data_start:
        return
    salt = opening.salt
    trailer = read_frame(handle, trailer_at, size, max_length, salt)
    if trailer.status is not FrameStatus.OK or trailer.kind != RecordKind.TRAILER:
        if strict and trailer.status is not FrameStatus.OK and starts_a_frame(handle, trailer_at):
            raise RecordingCorrupt(path, trailer_at, f"the trailer: {trailer.reason}")
        return  # not closed cleanly: the signals are found by a scan
    try:
        footer_at = Trailer.read(trailer.payload)
    except PayloadError as error:
        if strict:
            raise RecordingCorrupt(path, trailer_at, f"the trailer: {error}") from None
        return
    if not opening.data_start <= footer_at < trailer_at:
        _problem(path, strict, opening, trailer_at, 0, "the trailer points outside the file")
        return
    found = read_frame(handle, footer_at, trailer_at, max_length, salt)
    why = ""
    if found.status is not FrameStatus.OK:
        why = f"footer record: {found.reason}"
    elif found.kind != RecordKind.FOOTER or found.end != trailer_at:
        why = "the trailer does not point at the footer record"
    else:
        try:
            footer = Footer.read(found.payload)
        except PayloadError as error:
            why = f"footer record: {error}"
        except Exception as error:  # any decoder failure is damage, never a traceback
            why = f"footer record does not decode: {describe_decode_error(error)}"
        else:
            why = _check_index(footer, opening.data_start, footer_at)
            if not why and footer.chunks:
                ends = (footer.chunks[0], footer.chunks[-1])
                if not all(_names_its_chunk(handle, e, footer_at, max_length, salt) for e in ends):
                    why = "the footer index does not match the chunks it names"
            if not why:
                opening.footer = footer
                opening.data_end = footer_at
                return
    _problem(path, strict, opening, footer_at, 0, f"{why}; reading the signals by a scan")


def _names_its_chunk(
    handle: BinaryIO, entry: ChunkEntry, end: int, max_length: int, salt: bytes
) -> bool:
    """Whether the index ``entry`` points at a valid chunk record with its first
    seq and count. Why only the first and last entries at opening: checking
    all would read every chunk of a huge file before its first screen; the
    reader checks each other entry when it first reads that chunk."""
    found = read_frame(handle, entry.offset, end, max_length, salt)
    if found.status is not FrameStatus.OK:
        # A frame that starts there but does not read is a damaged chunk,
        # which the reader reports when it meets it; no frame at all is a lie.
        return starts_a_frame(handle, entry.offset)
    if found.kind != RecordKind.CHUNK:
        return False
    try:
        unpacker = msgpack.Unpacker(max_buffer_size=64)
        unpacker.feed(found.payload[:64])
        if unpacker.read_array_header() < 7:
            return False
        return bool(unpacker.unpack() == entry.first_seq and unpacker.unpack() == entry.count)
    except Exception:  # a payload that is not a chunk's: the entry lies
        return False


def _check_index(footer: Footer, data_start: int, data_end: int) -> str:
    if not footer.chunks:
        return "" if footer.count == 0 else "the footer's signal count does not match its index"
    # Why columns and C-level comparisons: see Footer.read.
    chunks = footer.chunks
    firsts = list(map(operator.attrgetter("first_seq"), chunks))
    offsets = list(map(operator.attrgetter("offset"), chunks))
    counts = list(map(operator.attrgetter("count"), chunks))
    if firsts[0] < 0 or offsets[0] < data_start:
        return "the footer index is not in order"
    if not (
        all(map(operator.lt, firsts, firsts[1:])) and all(map(operator.lt, offsets, offsets[1:]))
    ):
        return "the footer index is not in order"
    if offsets[-1] >= data_end or min(counts) < 1:
        return "the footer index points outside the signals"
    if sum(counts) != footer.count:
        return "the footer's signal count does not match its index"
    return ""
