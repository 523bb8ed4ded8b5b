"""Helpers for the recording tests: write signal streams and hand-craft hostile files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import msgpack
import pytest

from chronoflow.recording import ReadMode, RecordingWriter
from chronoflow.recording.format import RecordKind, file_header, frame
from chronoflow.signals import Signal, SignalType

ALL_MODES = list(ReadMode)


def make_signals(count: int, *, first_seq: int = 0) -> list[Signal]:
    """A plausible stream: SEND/RECEIVE pairs between a few pids, with tuples and dicts."""
    signals = []
    for index in range(count):
        seq = first_seq + index
        if index % 2 == 0:
            data: Any = {"msg": (seq, f"m{seq}"), "to": index % 5, "into": [index % 5]}
            kind = SignalType.SEND
        else:
            data, kind = seq - 1, SignalType.RECEIVE
        signals.append(Signal(seq, index % 5, kind, data, 1_700_000_000.0 + seq / 1000))
    return signals


def write_recording(
    path: Path,
    signals: Sequence[Signal],
    *,
    chunk: int = 16,
    close: bool = True,
    metadata: dict[str, Any] | None = None,
) -> Path:
    """Write ``signals`` in chunks of ``chunk``; leave the footer off unless ``close``."""
    writer = RecordingWriter(path, metadata or {"workflow": "test"})
    for start in range(0, len(signals), chunk):
        writer.write_signals(signals[start : start + chunk])
    if close:
        writer.close()
    else:
        writer.abandon()
    return path


def same_signals(actual: Iterable[Signal], expected: Iterable[Signal]) -> bool:
    """Equal seq, pid, type and data, and ts to the microsecond."""
    got, want = list(actual), list(expected)
    return len(got) == len(want) and all(
        a[:4] == b[:4] and type(a.type) is SignalType and abs(a.ts - b.ts) <= 1e-6
        for a, b in zip(got, want, strict=True)
    )


def chunk_payload(datas: bytes, count: int = 1, first_seq: int = 0) -> bytes:
    """A chunk payload with ``count`` signals whose data column is the raw bytes ``datas``."""
    head = msgpack.packb([first_seq, count, 0, [0] * count, bytes([5] * count), [0] * count])
    return b"\x97" + head[1:] + datas


def crafted(path: Path, *records: tuple[int, bytes], version: tuple[int, int] = (1, 0)) -> Path:
    """A file of hand-made frames after a valid header and metadata record."""
    metadata = frame(RecordKind.METADATA, msgpack.packb({"format_version": "1.0"}))
    body = b"".join(frame(kind, payload) for kind, payload in records)
    path.write_bytes(file_header(*version) + metadata + body)
    return path


@pytest.fixture
def recording(tmp_path: Path) -> tuple[Path, list[Signal]]:
    """A cleanly closed recording of 200 signals in chunks of 16."""
    signals = make_signals(200)
    return write_recording(tmp_path / "r.cfl", signals), signals
