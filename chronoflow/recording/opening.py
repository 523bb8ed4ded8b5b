"""Opening a recording: the checks on its signature, version, metadata and footer.

This is all :func:`~chronoflow.recording.open_recording` reads, so opening
is cheap for any file size: 12 header bytes, the metadata record, and,
when the file was closed cleanly, the fixed-size trailer at the end and
the footer index it points to. Problems with the signature or the major
version are errors in every mode; a damaged metadata record or footer is
an error in strict mode and a warning otherwise.
"""

from __future__ import annotations

import operator
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from chronoflow.recording.errors import (
    NotARecording,
    RecordingCorrupt,
    RecordingError,
    RecordingWarning,
    UnsupportedVersion,
)
from chronoflow.recording.format import (
    FILE_HEADER,
    FORMAT_MAJOR,
    MAGIC,
    RECORD_HEADER,
    FrameStatus,
    RecordKind,
    next_valid_frame,
    read_frame,
)
from chronoflow.recording.records import Footer, Metadata, PayloadError, Trailer
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


def read_opening(path: Path, strict: bool, max_length: int) -> Opening:
    """Check the header and read metadata and footer of the recording at ``path``."""
    try:
        handle = open(path, "rb")  # noqa: SIM115  closed below
    except OSError as error:
        raise RecordingError(path, 0, f"cannot open: {error.strerror or error}") from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        version = _check_header(path, handle.read(FILE_HEADER.size))
        opening = Opening(dict(Metadata.DEFAULTS), version, FILE_HEADER.size)
        _read_metadata(path, handle, size, strict, max_length, opening)
        _read_footer(path, handle, size, strict, max_length, opening)
    return opening


def _check_header(path: Path, head: bytes) -> tuple[int, int]:
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
        raise RecordingCorrupt(
            path, len(head), f"the file ends after {len(head)} bytes, inside its 12-byte header"
        )
    _, major, minor = FILE_HEADER.unpack(head)
    if major != FORMAT_MAJOR:
        raise UnsupportedVersion(
            path,
            len(MAGIC),
            f"recording format version {major}.{minor} is not supported; this chronoflow "
            f"reads version {FORMAT_MAJOR}.x",
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
    offset = FILE_HEADER.size
    found = read_frame(handle, offset, size, max_length)
    if found.status is FrameStatus.END:
        _problem(path, strict, opening, offset, 0, "the file ends before its metadata record")
        return
    if found.status is not FrameStatus.OK:
        why = f"metadata record: {found.reason}"
        if strict:
            raise RecordingCorrupt(path, offset, why)
        # Skip to the next valid frame: the metadata is for display only.
        resume = next_valid_frame(handle, offset + 1, size, max_length)
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
    trailer = read_frame(handle, trailer_at, size, max_length)
    if trailer.status is not FrameStatus.OK or trailer.kind != RecordKind.TRAILER:
        return  # not closed cleanly: the signals are found by a scan
    try:
        footer_at = Trailer.read(trailer.payload)
    except PayloadError:
        return
    if not opening.data_start <= footer_at < trailer_at:
        _problem(path, strict, opening, trailer_at, 0, "the trailer points outside the file")
        return
    found = read_frame(handle, footer_at, trailer_at, max_length)
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
            if not why:
                opening.footer = footer
                opening.data_end = footer_at
                return
    _problem(path, strict, opening, footer_at, 0, f"{why}; reading the signals by a scan")


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
