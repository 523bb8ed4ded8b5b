"""Torn and damaged files: a prefix and a warning, a clear error, or a reported gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from chronoflow.recording import ReadMode, RecordingCorrupt, open_recording
from chronoflow.recording.format import RECORD_HEADER
from chronoflow.recording.records import Trailer
from chronoflow.signals import Signal
from tests.recording.conftest import ALL_MODES, make_signals, same_signals, write_recording


def frame_ends(path: Path) -> list[tuple[int, int]]:
    """``(offset, end)`` of every chunk frame, from the footer index."""
    reader = open_recording(path, ReadMode.STRICT)
    return [(view.offset, view.end) for view in reader.chunks()]


def test_truncation_at_every_byte_of_the_last_records_keeps_the_complete_prefix(
    tmp_path: Path,
) -> None:
    signals = make_signals(60)
    path = write_recording(tmp_path / "full.cfl", signals, chunk=10)
    whole = path.read_bytes()
    chunks = frame_ends(path)
    cut_from = chunks[-3][0]  # the last three chunks, the footer and the trailer
    footer_end = len(whole) - RECORD_HEADER.size - Trailer.SIZE
    boundaries = {end for _, end in chunks} | {footer_end}
    starts = {offset for offset, _ in chunks} | {chunks[-1][1], footer_end}
    torn = tmp_path / "torn.cfl"
    for size in range(cut_from, len(whole)):
        torn.write_bytes(whole[:size])
        reader = open_recording(torn)
        got = list(reader.signals())
        whole_chunks = sum(1 for _, end in chunks if end <= size)
        assert same_signals(got, signals[: whole_chunks * 10]), size
        assert not reader.complete
        warnings = reader.warnings
        if size in boundaries:
            assert warnings == [], size
        else:
            (warning,) = warnings
            assert warning.offset + warning.dropped_bytes == size
            assert warning.offset in starts
            assert "bytes dropped" in str(warning)


@pytest.mark.format_rule("read-modes")
def test_a_torn_file_is_an_error_in_strict_mode(tmp_path: Path) -> None:
    signals = make_signals(40)
    path = write_recording(tmp_path / "f.cfl", signals, chunk=10)
    offset, end = frame_ends(path)[-1]
    path.write_bytes(path.read_bytes()[: end - 3])
    with pytest.raises(RecordingCorrupt) as caught:
        list(open_recording(path, ReadMode.STRICT).signals())
    assert caught.value.offset == offset
    assert str(path) in str(caught.value)


def flip_middle_chunk(path: Path, at: int = 20) -> tuple[int, int]:
    chunks = frame_ends(path)
    offset, end = chunks[len(chunks) // 2]
    data = bytearray(path.read_bytes())
    data[offset + RECORD_HEADER.size + at] ^= 0x40
    path.write_bytes(bytes(data))
    return offset, end


@pytest.mark.format_rule("frame-crc", "read-modes")
def test_a_flipped_bit_is_reported_at_its_record_in_strict_mode(tmp_path: Path) -> None:
    path = write_recording(tmp_path / "f.cfl", make_signals(100), chunk=10)
    offset, _ = flip_middle_chunk(path)
    reader = open_recording(path, ReadMode.STRICT)
    assert reader.complete
    with pytest.raises(RecordingCorrupt, match="checksum mismatch") as caught:
        list(reader.signals())
    assert caught.value.offset == offset


def test_tolerant_mode_stops_at_damage_it_cannot_see_past(tmp_path: Path) -> None:
    signals = make_signals(100)
    path = write_recording(tmp_path / "f.cfl", signals, chunk=10, close=False)
    offset, _ = flip_middle_chunk(path)
    reader = open_recording(path)
    assert same_signals(reader.signals(), signals[:50])
    (warning,) = reader.warnings
    assert warning.offset == offset
    assert "checksum mismatch" in warning.reason


@pytest.mark.format_rule("read-modes")
def test_tolerant_mode_resumes_where_the_footer_index_says_and_names_the_loss(
    tmp_path: Path,
) -> None:
    """Rule: a reader with a valid footer index resumes after a damaged chunk at
    the next chunk the index names, and says which seqs were lost."""
    signals = make_signals(100)
    path = write_recording(tmp_path / "f.cfl", signals, chunk=10)
    offset, end = flip_middle_chunk(path)
    reader = open_recording(path)
    assert same_signals(reader.signals(), signals[:50] + signals[60:])
    (warning,) = reader.warnings
    assert (warning.offset, warning.dropped_bytes) == (offset, end - offset)
    assert "resumed at the next chunk the footer index names" in warning.reason
    assert "seqs 50..59 lost" in warning.reason
    # Seeking past the damage goes straight to the chunk that holds the seq.
    assert reader.signal(75).seq == 75
    with pytest.raises(IndexError):
        reader.signal(55)


def test_a_bad_chunk_length_in_the_middle_loses_one_chunk_not_the_rest(tmp_path: Path) -> None:
    signals = make_signals(45)
    path = write_recording(tmp_path / "f.cfl", signals, chunk=9)
    (start, _), *_ = frame_ends(path)[2:3]
    data = bytearray(path.read_bytes())
    data[start + 4 : start + 8] = (10**6).to_bytes(4, "little")  # the third chunk's length
    path.write_bytes(bytes(data))
    reader = open_recording(path)
    assert [s.seq for s in reader.signals()] == list(range(18)) + list(range(27, 45))
    assert "seqs 18..26 lost" in reader.warnings[0].reason


def test_salvage_mode_resumes_after_the_damage_and_reports_the_gap(tmp_path: Path) -> None:
    signals = make_signals(100)
    path = write_recording(tmp_path / "f.cfl", signals, chunk=10, close=False)
    offset, end = flip_middle_chunk(path)
    reader = open_recording(path, ReadMode.SALVAGE)
    assert same_signals(reader.signals(), signals[:50] + signals[60:])
    (warning,) = reader.warnings
    assert (warning.offset, warning.dropped_bytes) == (offset, end - offset)
    assert "seqs 50..59 lost" in warning.reason
    assert f"{end:,}" in warning.reason


@pytest.mark.format_rule("read-modes")
def test_salvage_mode_skips_garbage_between_records(tmp_path: Path) -> None:
    signals = make_signals(40)
    path = write_recording(tmp_path / "f.cfl", signals, chunk=10, close=False)
    chunks = frame_ends(path)
    data = path.read_bytes()
    cut = chunks[2][0]
    garbage = b"\x8dCFR" + b"\xff" * 50  # even a false sync marker
    path.write_bytes(data[:cut] + garbage + data[cut:])
    salvage = open_recording(path, ReadMode.SALVAGE)
    assert same_signals(salvage.signals(), signals)
    (warning,) = salvage.warnings
    assert (warning.offset, warning.dropped_bytes) == (cut, len(garbage))
    tolerant = open_recording(path)
    assert same_signals(tolerant.signals(), signals[:20])
    assert len(tolerant.warnings) == 1


@pytest.mark.parametrize("mode", ALL_MODES, ids=[m.value for m in ALL_MODES])
def test_a_damaged_footer_falls_back_to_a_scan_except_in_strict_mode(
    tmp_path: Path, mode: ReadMode
) -> None:
    signals = make_signals(30)
    path = write_recording(tmp_path / "f.cfl", signals, chunk=10)
    data = bytearray(path.read_bytes())
    footer_at = frame_ends(path)[-1][1]
    data[footer_at + RECORD_HEADER.size + 2] ^= 0x01
    path.write_bytes(bytes(data))
    if mode is ReadMode.STRICT:
        with pytest.raises(RecordingCorrupt, match="footer record: checksum mismatch"):
            open_recording(path, mode)
        return
    reader = open_recording(path, mode)
    assert not reader.complete
    assert same_signals(reader.signals(), signals)
    assert any(w.offset == footer_at for w in reader.warnings)


def test_signals_of_an_undamaged_prefix_are_yielded_before_strict_raises(tmp_path: Path) -> None:
    signals = make_signals(100)
    path = write_recording(tmp_path / "f.cfl", signals, chunk=10)
    flip_middle_chunk(path)
    got: list[Signal] = []
    stream = open_recording(path, ReadMode.STRICT).signals()
    got.extend(next(stream) for _ in range(50))
    with pytest.raises(RecordingCorrupt):
        next(stream)
    assert same_signals(got, signals[:50])
