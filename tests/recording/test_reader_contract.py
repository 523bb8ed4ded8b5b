"""The reader's contract, held by every reader mode on intact and growing files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from chronoflow.recording import (
    ReadMode,
    RecordingCorrupt,
    RecordingError,
    RecordingReader,
    RecordingWriter,
    open_recording,
)
from chronoflow.recording.format import FORMAT_MAJOR, FORMAT_MINOR, FORMAT_VERSION
from chronoflow.recording.raw import to_raw
from chronoflow.signals import Signal
from tests.recording.conftest import ALL_MODES, make_signals, same_signals, write_recording

pytestmark = pytest.mark.parametrize("mode", ALL_MODES, ids=[m.value for m in ALL_MODES])


def test_opening_reads_metadata_and_footer_only(
    recording: tuple[Path, list[Signal]], mode: ReadMode
) -> None:
    path, signals = recording
    with open_recording(path, mode) as reader:
        assert reader.path == path
        assert reader.complete
        assert reader.count() == len(signals)
        assert reader.metadata["workflow"] == "test"
        assert reader.metadata["format_version"] == FORMAT_VERSION
        assert reader.format_version == (FORMAT_MAJOR, FORMAT_MINOR)
        assert reader.metadata["templates"] == []
        assert reader.metadata["args"] == []
        assert reader.warnings == []


def test_streams_every_signal_in_seq_order(
    recording: tuple[Path, list[Signal]], mode: ReadMode
) -> None:
    path, signals = recording
    assert same_signals(open_recording(path, mode).signals(), signals)


@pytest.mark.parametrize(("start", "stop"), [(0, 1), (15, 17), (16, 48), (199, None), (150, 999)])
def test_a_range_of_seqs(
    recording: tuple[Path, list[Signal]], mode: ReadMode, start: int, stop: int | None
) -> None:
    path, signals = recording
    got = list(open_recording(path, mode).signals(start, stop))
    assert same_signals(got, signals[start:stop])


def test_random_access_by_seq(recording: tuple[Path, list[Signal]], mode: ReadMode) -> None:
    path, signals = recording
    reader = open_recording(path, mode)
    for seq in (0, 199, 17, 16, 100, 3):
        assert same_signals([reader.signal(seq)], [signals[seq]])
    with pytest.raises(IndexError):
        reader.signal(200)
    with pytest.raises(IndexError):
        reader.signal(-1)


def test_iterators_are_independent(recording: tuple[Path, list[Signal]], mode: ReadMode) -> None:
    path, _signals = recording
    reader = open_recording(path, mode)
    first, second = reader.signals(), reader.signals(100)
    assert next(first).seq == 0
    assert next(second).seq == 100
    assert next(first).seq == 1
    assert next(second).seq == 101


def test_iterators_work_from_threads_at_once(tmp_path: Path, mode: ReadMode) -> None:
    signals = make_signals(3000)
    path = write_recording(tmp_path / "t.cfl", signals, chunk=64, close=False)
    reader = open_recording(path, mode)
    results: dict[int, bool] = {}

    def read(worker: int) -> None:
        start = worker * 500
        results[worker] = same_signals(reader.signals(start, start + 700), signals[start:][:700])

    threads = [threading.Thread(target=read, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == dict.fromkeys(range(6), True)
    assert reader.count() is None
    assert same_signals(reader.signals(), signals)
    assert reader.count() == 3000


def test_a_file_without_footer_is_read_by_a_scan(tmp_path: Path, mode: ReadMode) -> None:
    signals = make_signals(100)
    path = write_recording(tmp_path / "crashed.cfl", signals, close=False)
    reader = open_recording(path, mode)
    assert not reader.complete
    assert reader.count() is None
    assert same_signals([reader.signal(90)], [signals[90]])
    assert reader.warnings == []
    assert same_signals(reader.signals(), signals)
    assert reader.count() == 100


def test_a_growing_file_is_read_again_from_the_last_seq(tmp_path: Path, mode: ReadMode) -> None:
    signals = make_signals(64)
    path = tmp_path / "live.cfl"
    writer = RecordingWriter(path, {})
    reader = open_recording(path, mode)
    read: list[Signal] = []
    for start in range(0, 64, 8):
        writer.write_signals(signals[start : start + 8])
        read += reader.signals(len(read))
    assert same_signals(read, signals)
    writer.close()
    assert same_signals(reader.signals(64), [])


def read_on(reader: RecordingReader, got: list[Signal]) -> RecordingCorrupt | None:
    """Append the signals after ``got[-1]``; return the error that stopped it, if any."""
    try:
        for signal in reader.signals(got[-1].seq + 1 if got else 0):
            got.append(signal)
    except RecordingCorrupt as error:
        return error
    return None


def test_decoding_a_file_growing_one_byte_at_a_time(tmp_path: Path, mode: ReadMode) -> None:
    signals = make_signals(12)
    whole = write_recording(tmp_path / "w.cfl", signals, chunk=3).read_bytes()
    growing = tmp_path / "g.cfl"
    got: list[Signal] = []
    reader = None
    with open(growing, "wb", buffering=0) as out:
        for size in range(1, len(whole) + 1):
            out.write(whole[size - 1 : size])
            if reader is None:
                try:
                    reader = open_recording(growing, mode)
                except RecordingError:
                    continue
                if reader.metadata.get("workflow") != "test":
                    reader = None  # opened before the metadata record was whole
                    continue
            failure = read_on(reader, got)
            # Strict mode: a record still being written is a torn record.
            assert failure is None or (mode is ReadMode.STRICT and failure.offset < size)
            assert [s.seq for s in got] == list(range(len(got)))
    assert reader is not None
    assert same_signals(got, signals)


def test_a_file_closed_while_it_is_read_becomes_complete(tmp_path: Path, mode: ReadMode) -> None:
    signals = make_signals(40)
    path = tmp_path / "closing.cfl"
    writer = RecordingWriter(path, {})
    writer.write_signals(signals)
    reader = open_recording(path, mode)
    assert not reader.complete
    assert reader.count() is None
    writer.close()
    assert same_signals(reader.signals(), signals)
    assert reader.complete
    assert reader.count() == 40
    assert reader.warnings == []


def test_bounded_reads_keep_their_chunks_and_passes_to_the_end_do_not(
    tmp_path: Path, mode: ReadMode
) -> None:
    signals = make_signals(200)
    reader = open_recording(write_recording(tmp_path / "r.cfl", signals, chunk=16), mode)
    assert same_signals(reader.signals(), signals)  # a pass to the end...
    assert len(reader._cache) == 0  # ...keeps nothing
    assert same_signals(list(reader.chunks(0))[3].signals, signals[48:64])
    assert len(reader._cache) == 0
    assert same_signals(reader.signals(34, 40), signals[34:40])  # a bounded read...
    assert len(reader._cache) == 1  # ...keeps the chunk it decoded, for the next read nearby
    assert same_signals([reader.signal(45)], [signals[45]])
    assert len(reader._cache) == 1
    # A read ending with a chunk does not decode the next one to find nothing in it.
    assert same_signals(reader.signals(32, 48), signals[32:48])
    assert len(reader._cache) == 1


def test_a_pass_to_the_end_still_indexes_a_file_without_footer(
    tmp_path: Path, mode: ReadMode
) -> None:
    signals = make_signals(100)
    reader = open_recording(write_recording(tmp_path / "torn.cfl", signals, close=False), mode)
    assert same_signals(reader.signals(), signals)
    assert len(reader._cache) == 0
    assert len(reader._index) == 100 // 16 + 1  # every chunk found, for random access
    assert same_signals([reader.signal(90)], [signals[90]])


def test_columns_hand_over_whole_chunks_covering_the_asked_seqs(
    tmp_path: Path, mode: ReadMode
) -> None:
    signals = make_signals(100)
    reader = open_recording(write_recording(tmp_path / "c.cfl", signals, chunk=16), mode)

    def rows(start: int, stop: int | None = None, raw: bool = True) -> list[tuple[object, ...]]:
        found = []
        for run in reader.columns(start, stop, raw=raw):
            assert run.raw is raw
            assert run.count == len(run.types) == len(run.datas) == run.last - run.first + 1
            found += zip(
                range(run.first, run.last + 1), run.pids, run.types, run.datas, strict=True
            )
        return found

    def expected(first: int, stop: int, raw: bool = True) -> list[tuple[object, ...]]:
        form = to_raw if raw else (lambda data: data)
        return [(s.seq, s.pid, int(s.type), form(s.data)) for s in signals[first:stop]]

    assert rows(0) == expected(0, 100)  # to the end: every chunk, datas in the raw form...
    assert len(reader._cache) == 0  # ...and none kept
    assert rows(20, 40) == expected(16, 48)  # the chunks holding 20..39, whole
    assert len(reader._cache) == 2  # a bounded read keeps them
    assert rows(32, 48) == expected(32, 48)  # ending with a chunk: the next is not read
    assert rows(99) == expected(96, 100)
    assert rows(0, raw=False) == expected(0, 100, raw=False)  # or as values
    assert rows(20, 40, raw=False) == expected(16, 48, raw=False)
    assert len(reader._cache) == 4  # each form cached apart
    run = next(reader.columns(50, 51))
    assert same_signals(run.signals(), signals[48:64])  # signals on demand, built once
    assert run.signals() is run.signals()
