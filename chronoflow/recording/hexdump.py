"""An annotated hex dump of a recording, and the tiny example file ``docs/format.md`` shows.

:func:`write_example` writes the same bytes every time (fixed metadata,
clock and signals); :func:`annotated_dump` walks a file's structure and
prints each part in hex with what it means. A test regenerates both and
compares them with ``tests/fixtures/recording-tiny.cfl`` and the dump in
the format document, so the document cannot drift from the code.

    python -m chronoflow.recording.hexdump FILE.cfl     # print a dump
    python -m chronoflow.recording.hexdump --update-doc # rewrite the doc's example
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chronoflow.recording.format import (
    FILE_HEADER,
    FORMAT_VERSION,
    RECORD_HEADER,
    RecordKind,
    parse_header,
)
from chronoflow.recording.records import Trailer
from chronoflow.recording.values import unpack_value
from chronoflow.recording.writer import RecordingWriter
from chronoflow.signals import Signal, SignalType

DOC = Path("docs/format.md")
FIXTURE = Path("tests/fixtures/recording-tiny.cfl")
BEGIN = "<!-- hexdump:begin -->"
END = "<!-- hexdump:end -->"

EXAMPLE_METADATA: dict[str, Any] = {
    "format_version": FORMAT_VERSION,
    "chronoflow_version": "0.1.0",
    "python_version": "3.11.7",
    "created": 1700000000.0,
    "workflow": "hello.py",
    "args": [],
    "templates": [{"name": "Hello", "module": "hello", "qualname": "Hello"}],
}

#: The example's salt, fixed so that the file comes out the same every time.
EXAMPLE_SALT = bytes.fromhex("5a17c0de")

EXAMPLE_SIGNALS = [
    Signal(
        0,
        0,
        SignalType.START,
        {"template": "Hello", "module": "hello", "qualname": "Hello", "args": [], "parent": None},
        1700000000.0,
    ),
    Signal(1, 0, SignalType.WAIT, None, 1700000000.000010),
    Signal(2, 0, SignalType.DELIVER, {"msg": ("hi", 1), "into": [0]}, 1700000000.000025),
    Signal(3, 0, SignalType.RECEIVE, 2, 1700000000.000031),
    Signal(4, 0, SignalType.STOP, {"result": "hi"}, 1700000000.000040),
]


def write_example(path: Path) -> Path:
    """Write the example recording: one process that receives one message."""
    writer = RecordingWriter(path, EXAMPLE_METADATA, salt=EXAMPLE_SALT)
    writer.write_signals(EXAMPLE_SIGNALS)
    writer.close()
    return path


def _hex_lines(offset: int, data: bytes, label: str) -> list[str]:
    lines = []
    for start in range(0, len(data), 16):
        piece = data[start : start + 16]
        text = " ".join(f"{byte:02x}" for byte in piece)
        lines.append(f"{offset + start:08x}  {text:<47}  {label if start == 0 else ''}".rstrip())
    return lines


def _describe(kind: int, payload: bytes) -> str:
    if kind == RecordKind.TRAILER:
        return f"footer at offset {Trailer.read(payload)}"
    value = unpack_value(payload)
    if kind == RecordKind.CHUNK:
        first, count, base, pids, types, deltas, datas = value
        return f"[first_seq={first}, count={count}, base_us={base}, pids={pids}, types={types!r}, ts_deltas={deltas}, datas={datas!r}]"  # noqa: E501
    return repr(value)


def annotated_dump(path: Path) -> str:
    """The file at ``path`` in hex, part by part, with what each part means."""
    data = path.read_bytes()
    magic, major, minor = FILE_HEADER.unpack(data[: FILE_HEADER.size])
    lines = _hex_lines(0, data[:8], f"signature {magic!r}")
    lines += _hex_lines(8, data[8:12], f"format version {major}.{minor} (u16 LE major, minor)")
    header, _ = parse_header(data)
    if header.salt:
        lines += _hex_lines(12, data[12:16], f"salt 0x{header.salt.hex()}")
        check = int.from_bytes(data[16:20], "little")
        lines += _hex_lines(16, data[16:20], f"header check: CRC-32 of bytes 0-15 = 0x{check:08x}")
    offset = header.size
    while offset < len(data):
        _, length, kind, crc = RECORD_HEADER.unpack_from(data, offset)
        name = RecordKind(kind).name
        lines.append("")
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


def doc_with_dump(doc_text: str, dump: str) -> str:
    """``doc_text`` with the block between the hexdump markers replaced by ``dump``."""
    head, rest = doc_text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n```text\n{dump}```\n{END}{tail}"


def main(argv: Sequence[str] | None = None) -> None:
    """Print a dump of a file, or rewrite the example in ``docs/format.md``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--update-doc"]:
        write_example(FIXTURE)
        DOC.write_text(doc_with_dump(DOC.read_text("utf-8"), annotated_dump(FIXTURE)), "utf-8")
        return
    for name in args:
        sys.stdout.write(annotated_dump(Path(name)))


if __name__ == "__main__":
    main()
