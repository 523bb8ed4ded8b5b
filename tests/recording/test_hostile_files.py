"""Untrusted files: each kind of bad input gets its own clear error, in bounded memory."""

from __future__ import annotations

import math
import os
import random
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import msgpack
import pytest

from chronoflow.recording import (
    NotARecording,
    ReadMode,
    RecordingCorrupt,
    RecordingError,
    UnsupportedVersion,
    open_recording,
)
from chronoflow.recording.format import (
    FORMAT_MAJOR,
    SYNC,
    RecordKind,
    file_header,
    frame,
    parse_header,
)
from chronoflow.recording.raw import CUT, SHOWN_DEPTH, from_raw, to_raw
from chronoflow.recording.records import Metadata
from chronoflow.recording.summary import check, summarize
from chronoflow.recording.values import MAX_SAME_HASH, Opaque, ValueEncoder
from chronoflow.signals import SignalType
from tests.recording.conftest import (
    chunk_payload,
    crafted,
    make_signals,
    same_signals,
    write_recording,
)

MEMORY_BOUND = 8 * 1024 * 1024


@pytest.fixture
def bounded_memory() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
        assert peak < MEMORY_BOUND, f"reading used {peak:,} bytes"
    finally:
        tracemalloc.stop()


def read_all(path: Path, mode: ReadMode = ReadMode.STRICT) -> list[object]:
    return list(open_recording(path, mode).signals())


def test_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.cfl").write_bytes(b"")
    with pytest.raises(NotARecording, match="the file is empty") as caught:
        open_recording(tmp_path / "e.cfl")
    assert caught.value.offset == 0
    assert caught.value.path == tmp_path / "e.cfl"


@pytest.mark.format_rule("signature")
def test_a_file_that_is_not_a_recording(tmp_path: Path) -> None:
    (tmp_path / "notes.cfl").write_text("hello, this is text\n")
    with pytest.raises(NotARecording, match="signature is missing"):
        open_recording(tmp_path / "notes.cfl")


@pytest.mark.format_rule("signature")
def test_a_recording_copied_as_text_is_recognised(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "r.cfl", make_signals(3))
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
    with pytest.raises(NotARecording, match="copied as text"):
        open_recording(path)


@pytest.mark.format_rule("header-check")
def test_a_header_cut_short(tmp_path: Path) -> None:
    (tmp_path / "h.cfl").write_bytes(file_header()[:10])
    with pytest.raises(RecordingCorrupt, match="inside its 20-byte header"):
        open_recording(tmp_path / "h.cfl")
    (tmp_path / "h1.cfl").write_bytes(file_header(1, 0)[:10])
    with pytest.raises(RecordingCorrupt, match="inside its 12-byte header"):
        open_recording(tmp_path / "h1.cfl")


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="cannot open"):
        open_recording(tmp_path / "absent.cfl")


@pytest.mark.format_rule("older-files")
def test_a_future_major_version(tmp_path: Path) -> None:
    path = crafted(tmp_path / "v4.cfl", version=(4, 0))
    with pytest.raises(UnsupportedVersion, match=r"version 4\.0 is not supported"):
        open_recording(path)


@pytest.mark.format_rule("unknown-kinds", "trailing-fields")
def test_a_newer_minor_version_is_read_and_unknown_kinds_are_skipped(tmp_path: Path) -> None:
    signals = make_signals(4)
    good = write_recording(tmp_path / "g.cfl", signals, chunk=2, close=False).read_bytes()
    header, _ = parse_header(good)
    chunks = [(v.offset, v.end) for v in open_recording(tmp_path / "g.cfl").chunks()]
    unknown = frame(0x21, msgpack.packb({"something": "new"}), header.salt)
    mid = chunks[1][0]
    data = (
        file_header(FORMAT_MAJOR, 7, header.salt) + good[header.size : mid] + unknown + good[mid:]
    )
    (tmp_path / "v27.cfl").write_bytes(data)
    for mode in ReadMode:
        reader = open_recording(tmp_path / "v27.cfl", mode)
        assert reader.format_version == (FORMAT_MAJOR, 7)
        assert same_signals(reader.signals(), signals)
        assert reader.warnings == []


@pytest.mark.format_rule("unknown-kinds")
def test_an_unknown_critical_record_kind(tmp_path: Path) -> None:
    path = crafted(tmp_path / "c.cfl", (0x90, msgpack.packb([1])), version=(1, 3))
    for mode in ReadMode:
        with pytest.raises(UnsupportedVersion, match="record kind 144 is required"):
            read_all(path, mode)


def test_random_bytes(tmp_path: Path) -> None:
    noise = random.Random(7).randbytes(64 * 1024)
    (tmp_path / "noise.cfl").write_bytes(noise)
    with pytest.raises(NotARecording):
        open_recording(tmp_path / "noise.cfl")
    path = tmp_path / "noisy-body.cfl"
    path.write_bytes(crafted(path).read_bytes() + noise)
    with pytest.raises(RecordingCorrupt, match="bad sync bytes"):
        read_all(path)
    tolerant = open_recording(path)
    assert list(tolerant.signals()) == []
    assert tolerant.warnings[0].dropped_bytes == len(noise)
    assert list(open_recording(path, ReadMode.SALVAGE).signals()) == []


@pytest.mark.format_rule("length-cap")
def test_a_length_field_claiming_4_gib(tmp_path: Path, bounded_memory: None) -> None:
    path = crafted(tmp_path / "big.cfl")
    with open(path, "ab") as out:
        out.write(SYNC + (0xFFFFFFFF).to_bytes(4, "little") + bytes([2]) + b"\0" * 4 + b"x" * 100)
    with pytest.raises(RecordingCorrupt, match="length 4,294,967,295 exceeds the cap"):
        read_all(path)
    reader = open_recording(path)
    assert list(reader.signals()) == []
    assert "exceeds the cap" in reader.warnings[0].reason


HOSTILE_VALUES: dict[str, tuple[bytes, str]] = {
    "str-4g": (b"\x91\xdb\xff\xff\xff\xff" + b"a" * 64, "claims more than the record"),
    "bin-4g": (b"\x91\xc6\xff\xff\xff\xff" + b"a" * 64, "claims more than the record"),
    "array-4g": (b"\x91\xdd\xff\xff\xff\xff" + b"\x00" * 64, "larger than its record"),
    "map-4g": (b"\x91\xdf\xff\xff\xff\xff" + b"\x00" * 64, "larger than its record"),
    "ext-4g": (b"\x91\xc9\xff\xff\xff\xff\x03" + b"\x00" * 64, "larger than its record"),
    "deep": (b"\x91" + b"\x91" * 10_000 + b"\xc0", "nests deeper"),
    "utf8": (b"\x91\xa2\xff\xfe", "not valid UTF-8"),
    "ends-early": (b"\x91\x92\x01", "ends early"),
    "extra": (b"\x91\xc0\xc0", "extra bytes"),
}


@pytest.mark.parametrize("name", list(HOSTILE_VALUES))
@pytest.mark.format_rule("bounded-decoding")
def test_hostile_payloads_are_clear_errors_in_bounded_memory(
    tmp_path: Path, name: str, bounded_memory: None
) -> None:
    datas, reason = HOSTILE_VALUES[name]
    path = crafted(tmp_path / f"{name}.cfl", (RecordKind.CHUNK, chunk_payload(datas)))
    with pytest.raises(RecordingCorrupt, match=reason) as caught:
        read_all(path)
    assert caught.value.offset > 12
    assert str(path) in str(caught.value)
    with pytest.raises(RecordingCorrupt, match=reason):  # the same for a fold's raw columns
        list(open_recording(path, ReadMode.STRICT).columns())
    tolerant = open_recording(path)
    assert list(tolerant.signals()) == []
    assert list(tolerant.columns()) == []
    assert reason in str(tolerant.warnings[0])


def test_an_array_map_key_reads_as_a_tuple_in_both_forms(tmp_path: Path) -> None:
    # {[1]: 2}: no Python writer makes one; a list cannot be a key, a tuple can.
    path = crafted(tmp_path / "key.cfl", (RecordKind.CHUNK, chunk_payload(b"\x91\x81\x91\x01\x02")))
    (signal,) = read_all(path)
    assert signal.data == {(1,): 2}
    (columns,) = open_recording(path, ReadMode.STRICT).columns()
    assert columns.datas == ({(1,): 2},)


BAD_CHUNKS: dict[str, tuple[Callable[[], bytes], str]] = {
    "not-array": (lambda: msgpack.packb({"a": 1}), "not an array of 7 fields"),
    "columns": (lambda: msgpack.packb([0, 2, 0, [1], b"\x05", [0], [None]]), "do not all hold"),
    "pids": (lambda: msgpack.packb([0, 1, 0, ["x"], b"\x05", [0], [None]]), "not all integers"),
}


@pytest.mark.parametrize("name", list(BAD_CHUNKS))
@pytest.mark.format_rule("bounded-decoding")
def test_chunks_of_the_wrong_shape(tmp_path: Path, name: str) -> None:
    payload, reason = BAD_CHUNKS[name]
    path = crafted(tmp_path / f"{name}.cfl", (RecordKind.CHUNK, payload()))
    with pytest.raises(RecordingCorrupt, match=reason):
        read_all(path)
    with pytest.raises(RecordingCorrupt, match=reason):
        list(open_recording(path, ReadMode.STRICT).columns())


def test_a_damaged_metadata_record(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "m.cfl", make_signals(20), chunk=10)
    data = bytearray(path.read_bytes())
    data[30] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(RecordingCorrupt, match="metadata record: checksum mismatch"):
        open_recording(path, ReadMode.STRICT)
    salvage = open_recording(path, ReadMode.SALVAGE)
    assert salvage.metadata["workflow"] is None
    assert len(list(salvage.signals())) == 20
    assert salvage.warnings[0].offset == 20  # the metadata record follows the header


@pytest.mark.format_rule("chunk-order")
def test_a_seq_going_backwards_is_damage(tmp_path: Path) -> None:
    one = msgpack.packb([5, 1, 0, [1], b"\x0b", [0], [None]])
    two = msgpack.packb([3, 1, 0, [1], b"\x0b", [0], [None]])
    path = crafted(tmp_path / "back.cfl", (RecordKind.CHUNK, one), (RecordKind.CHUNK, two))
    with pytest.raises(RecordingCorrupt, match="before seq 6"):
        read_all(path)
    assert [s.seq for s in open_recording(path, ReadMode.SALVAGE).signals()] == [5]


def test_no_traceback_for_any_single_byte_damage(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "r.cfl", make_signals(30), chunk=10)
    whole = path.read_bytes()
    damaged = tmp_path / "d.cfl"
    rng = random.Random(3)
    for offset in range(len(whole)):
        data = bytearray(whole)
        data[offset] ^= 1 << rng.randrange(8)
        damaged.write_bytes(bytes(data))
        for mode in ReadMode:
            # Whatever is read, a fold's raw columns read the same seqs.
            assert _seqs_read(damaged, mode, raw=True) == _seqs_read(damaged, mode, raw=False)
    assert os.path.getsize(damaged) == len(whole)


def _seqs_read(path: Path, mode: ReadMode, *, raw: bool) -> list[int] | str:
    """The seqs read from ``path`` in ``mode``, or the error's type if it raised."""
    try:
        reader = open_recording(path, mode)
        if raw:
            return [seq for run in reader.columns() for seq in range(run.first, run.last + 1)]
        return [signal.seq for signal in reader.signals()]
    except RecordingError as error:
        return type(error).__name__


@pytest.mark.parametrize(
    ("name", "ext", "shown"),
    [
        ("bad-opaque", b"\xc7\x01\x03\x01", Opaque("msgpack ext 3", "01")),
        ("marker-with-payload", b"\xc7\x01\x01\x00", Opaque("msgpack ext 1", "00")),
        ("empty-bigint", b"\xc7\x00\x02", Opaque("msgpack ext 2", "")),
        ("bad-surrogates", b"\xc7\x01\x04\xff", Opaque("msgpack ext 4", "ff")),
    ],
)
@pytest.mark.format_rule("ext-rules")
def test_an_ext_whose_payload_is_not_its_shape_is_shown_not_fatal(
    tmp_path: Path, name: str, ext: bytes, shown: Opaque
) -> None:
    """A value that is not its ext's shape (a msgpack.ExtType a program sent, say)
    is shown as an unknown ext: its chunk stays readable."""
    path = crafted(tmp_path / f"{name}.cfl", (RecordKind.CHUNK, chunk_payload(b"\x91" + ext)))
    (signal,) = read_all(path)
    assert signal.data == shown
    (columns,) = open_recording(path, ReadMode.STRICT).columns()
    assert columns.datas == (shown,)


@pytest.mark.format_rule("nesting")
def test_opaques_nested_inside_opaques_cannot_crash_the_decoder(tmp_path: Path) -> None:
    # Each level used to start a new decoder on the C stack: a few hundred
    # crashed the interpreter. An Opaque holds two strings and nothing else.
    value = msgpack.packb(["int", "1"])
    for _ in range(5000):
        value = msgpack.packb(["x", msgpack.ExtType(3, value)])
    ext = msgpack.packb(msgpack.ExtType(3, value))
    path = crafted(tmp_path / "nested.cfl", (RecordKind.CHUNK, chunk_payload(b"\x91" + ext)))
    (signal,) = read_all(path)
    assert isinstance(signal.data, Opaque)
    assert signal.data.type_name == "msgpack ext 3"


@pytest.mark.format_rule("big-int-hashes")
def test_big_integers_with_one_hash_are_refused_in_bounded_time(tmp_path: Path) -> None:
    # A map of such keys takes quadratic time to build (10 s for 40 k keys): the
    # decoder gives up at the first key past the limit instead.
    prime = 2**61 - 1
    keys = [(k * prime) << 64 for k in range(1, 40_000)]
    body = b"\x91\xde" + len(keys).to_bytes(2, "big")
    body += b"".join(ValueEncoder().pack(key) + b"\x00" for key in keys)
    path = crafted(tmp_path / "hash.cfl", (RecordKind.CHUNK, chunk_payload(body)))
    with pytest.raises(RecordingCorrupt, match="same hash"):
        read_all(path)
    few = dict.fromkeys(keys[: MAX_SAME_HASH - 1], 0)
    payload = chunk_payload(ValueEncoder().pack([few]))
    path = crafted(tmp_path / "few.cfl", (RecordKind.CHUNK, payload))
    (signal,) = read_all(path)
    assert signal.data == few


@pytest.mark.parametrize(
    ("name", "chunk"),
    [
        ("pid", [0, 1, 0, [2**70], b"\x05", [0], [None]]),
        ("first-seq", [2**70, 1, 0, [0], b"\x05", [0], [None]]),
        ("base-time", [0, 1, 2**70, [0], b"\x05", [0], [None]]),
        ("delta", [0, 2, 0, [0, 0], b"\x05\x05", [0, 2**1100], [None, None]]),
    ],
)
@pytest.mark.format_rule("chunk-ranges")
def test_big_integers_where_a_chunk_needs_64_bits_are_damage(
    tmp_path: Path, name: str, chunk: list[object]
) -> None:
    path = crafted(tmp_path / f"{name}.cfl", (RecordKind.CHUNK, ValueEncoder().pack(chunk)))
    with pytest.raises(RecordingCorrupt, match="out of range"):
        read_all(path)
    with pytest.raises(RecordingCorrupt, match="out of range"):
        list(open_recording(path, ReadMode.STRICT).columns())
    reader = open_recording(path)
    assert list(reader.signals()) == []
    assert "out of range" in str(reader.warnings[0])


@pytest.mark.format_rule("depth", "nesting")
def test_a_value_nested_as_deep_as_the_decoder_allows_reads_and_shows_cut(
    tmp_path: Path,
) -> None:
    deep = b"\x91" * 1000 + b"\xc0"
    path = crafted(tmp_path / "deep.cfl", (RecordKind.CHUNK, chunk_payload(b"\x91" + deep)))
    (signal,) = read_all(path)  # the values decoder builds it without recursing
    (columns,) = open_recording(path, ReadMode.STRICT).columns()
    value = from_raw(columns.datas[0])  # what the engine turns back: cut, not raised
    depth = 0
    while isinstance(value, list):
        value, depth = value[0], depth + 1
    assert (depth, value) == (SHOWN_DEPTH, CUT)
    assert to_raw(signal.data) is not None  # and back again, cut the same way


@pytest.mark.parametrize(
    ("metadata", "bad"),
    [
        ({"created": math.nan}, "'created'"),
        ({"created": 1e300}, "'created'"),
        ({"created": -1e12}, "'created'"),
        ({"templates": [1, 2]}, "'templates'"),
        ({"templates": "x", "workflow": 5}, "'workflow', 'templates'"),
    ],
)
@pytest.mark.format_rule("metadata-fields")
def test_metadata_of_the_wrong_type_or_range_is_damage(
    tmp_path: Path, metadata: dict[str, object], bad: str
) -> None:
    payload = msgpack.packb({"format_version": "1.0", **metadata})
    path = tmp_path / "meta.cfl"
    path.write_bytes(file_header(1, 0) + frame(RecordKind.METADATA, payload))
    with pytest.raises(RecordingCorrupt, match="not valid"):
        open_recording(path, ReadMode.STRICT)
    reader = open_recording(path)
    assert bad in str(reader.warnings[0])
    for key in metadata:
        assert reader.metadata[key] == Metadata.DEFAULTS[key]


@pytest.mark.format_rule("newer-types")
def test_a_signal_type_newer_than_the_reader_is_read_and_named(tmp_path: Path) -> None:
    """Rule: a signal type this reader does not know (a newer writer's) is not
    damage: it is read with its number and data, and a summary names it."""
    chunk = msgpack.packb([0, 3, 0, [1, 1, 1], bytes([0, 99, 6]), [0, 0, 0], [
        {"template": "T", "module": "m", "qualname": "T", "args": [], "parent": None},
        {"new": "thing"},
        {"result": None},
    ]])  # fmt: skip
    path = crafted(tmp_path / "newer.cfl", (RecordKind.CHUNK, chunk))
    signals = read_all(path)
    assert [(s.type, s.data) for s in signals][1] == (99, {"new": "thing"})
    assert repr(signals[1]) == "Signal(seq=1, pid=1, TYPE#99, data={'new': 'thing'})"
    summary = summarize(path, ReadMode.STRICT)
    assert summary.newer_types == {99: 1}
    assert summary.type_counts == {SignalType.START: 1, SignalType.STOP: 1}
    assert "newer signal types present: 99 (1)" in summary.verdict()
    assert check(path).warnings == []
