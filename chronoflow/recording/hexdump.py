"""An annotated hex dump of a recording: every byte of a ``.cfl`` file, part by part.

:func:`annotated_dump` walks a file's structure (header, then each frame)
and prints each part in hex with what it means, and each payload decoded.
It shows the bytes as they are: it checks nothing, so it also shows a file
the reader refuses, up to the first span that is not a whole frame, which
it prints as it is. ``docs/format.md`` shows the dump of a tiny example.

    python -m chronoflow.recording.hexdump FILE.cfl [FILE.cfl ...]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from chronoflow.errors import ChronoflowError
from chronoflow.recording.errors import NotARecording
from chronoflow.recording.format import (
    FILE_HEADER,
    MAGIC,
    RECORD_HEADER,
    SYNC,
    RecordKind,
    header_size,
    parse_header,
)
from chronoflow.recording.records import Trailer
from chronoflow.recording.values import unpack_value


def _hex_lines(offset: int, data: bytes, label: str) -> list[str]:
    lines = []
    for start in range(0, len(data), 16):
        piece = data[start : start + 16]
        text = " ".join(f"{byte:02x}" for byte in piece)
        lines.append(f"{offset + start:08x}  {text:<47}  {label if start == 0 else ''}".rstrip())
    return lines


def _describe(kind: int, payload: bytes) -> str:
    try:
        if kind == RecordKind.TRAILER:
            return f"footer at offset {Trailer.read(payload)}"
        value = unpack_value(payload)
    except (ValueError, TypeError) as error:
        return f"(does not decode: {error})"
    if kind == RecordKind.CHUNK and isinstance(value, list) and len(value) == 7:
        first, count, base, pids, types, deltas, datas = value
        return f"[first_seq={first}, count={count}, base_us={base}, pids={pids}, types={types!r}, ts_deltas={deltas}, datas={datas!r}]"  # noqa: E501
    if kind == RecordKind.CHUNK and isinstance(value, list) and len(value) == 8:
        first, count, base, steps, types, deltas, datas, tos = value
        return f"[first_seq={first}, count={count}, base_us={base}, pid_steps={steps}, types={types!r}, ts_deltas={deltas}, datas={datas!r}, tos={tos}]"  # noqa: E501
    return repr(value)


def _kind_name(kind: int) -> str:
    try:
        return RecordKind(kind).name
    except ValueError:
        return f"unknown kind {kind}"


def _whole_frame(data: bytes, offset: int) -> bool:
    """Whether a frame header and the payload it announces fit from ``offset``."""
    if offset + RECORD_HEADER.size > len(data):
        return False
    sync, length, _, _ = RECORD_HEADER.unpack_from(data, offset)
    return bool(sync == SYNC and offset + RECORD_HEADER.size + length <= len(data))


def annotated_dump(path: Path) -> str:
    """The file at ``path`` in hex, part by part, with what each part means.

    Raises :class:`~chronoflow.recording.errors.NotARecording` when the file
    does not start with the signature and a whole header.
    """
    data = path.read_bytes()
    if not data.startswith(MAGIC) or len(data) < FILE_HEADER.size:
        raise NotARecording(path, 0, "no Chronoflow recording signature")
    magic, major, minor = FILE_HEADER.unpack(data[: FILE_HEADER.size])
    if len(data) < header_size(major):
        raise NotARecording(path, 0, "the file header is cut short")
    lines = _hex_lines(0, data[:8], f"signature {magic!r}")
    lines += _hex_lines(8, data[8:12], f"format version {major}.{minor} (u16 LE major, minor)")
    header, _ = parse_header(data)
    if header.salt:
        lines += _hex_lines(12, data[12:16], f"salt 0x{header.salt.hex()}")
        check = int.from_bytes(data[16:20], "little")
        lines += _hex_lines(16, data[16:20], f"header check: CRC-32 of bytes 0-15 = 0x{check:08x}")
    offset = header.size
    while offset < len(data):
        lines.append("")
        if not _whole_frame(data, offset):
            lines += _hex_lines(offset, data[offset:], "not a whole frame (damaged or torn)")
            break
        _, length, kind, crc = RECORD_HEADER.unpack_from(data, offset)
        name = _kind_name(kind)
        lines += _hex_lines(
            offset,
            data[offset : offset + RECORD_HEADER.size],
            f"{name} frame: sync, length={length}, kind={kind}, crc=0x{crc:08x}",
        )
        start = offset + RECORD_HEADER.size
        payload = data[start : start + length]
        lines += _hex_lines(start, payload, "payload (msgpack)")
        lines.append(f"{'':8}  = {_describe(kind, payload)}")
        offset = start + length
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the annotated dump of each file; an unreadable file is one error line (exit 1)."""
    parser = argparse.ArgumentParser(
        prog="python -m chronoflow.recording.hexdump",
        description="Print an annotated hex dump of each Chronoflow recording (.cfl).",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a .cfl recording")
    options = parser.parse_args(argv)
    for path in options.files:
        try:
            sys.stdout.write(annotated_dump(path))
        except ChronoflowError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        except OSError as error:
            print(f"error: cannot read {path}: {error.strerror or error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
