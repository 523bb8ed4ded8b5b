"""Random recordings, randomly damaged: every read mode and every command holds up.

Hypothesis writes random signals (ints as big as Python's, strs with lone
surrogates, bytes, tuples, lists, dicts, nested) in small chunks, then cuts
the file, flips bits, inserts junk or overwrites a span with a forged frame
(valid sync bytes, a check computed without the file's salt). Whatever the
damage: reading ends, what is read is a subsequence of what was written, a
reader that read less says so, and the CLI answers with exit code 0 or 1,
never a traceback, and prints strict JSON.
"""

from __future__ import annotations

import itertools
import json
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from chronoflow.cli import app
from chronoflow.recording import (
    NotARecording,
    ReadMode,
    RecordingError,
    RecordingWriter,
    open_recording,
)
from chronoflow.recording.format import (
    FILE_HEADER_2,
    RECORD_HEADER,
    SYNC,
    Frame,
    RecordKind,
    read_frame,
)
from chronoflow.recording.records import Chunk
from chronoflow.recording.values import ValueEncoder
from chronoflow.signals import Signal, SignalType

runner = CliRunner()
FORGED_PID = 2**62 + 7

# -- what is written -----------------------------------------------------------------------

SURROGATE = st.integers(min_value=0xD800, max_value=0xDFFF).map(chr)
TEXT = st.text(max_size=10) | st.builds(
    "".join, st.lists(st.text(max_size=4) | SURROGATE, min_size=1, max_size=4)
)
INTS = st.integers(min_value=-(2**64), max_value=2**64) | st.integers(
    min_value=-(2**300), max_value=2**300
)
SCALARS = (
    st.none() | st.booleans() | INTS | st.floats(allow_nan=False) | TEXT | st.binary(max_size=24)
)
KEYS = st.none() | st.booleans() | INTS | TEXT | st.binary(max_size=8) | st.tuples(INTS, TEXT)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=6,
)


@dataclass(frozen=True)
class Written:
    """Signals as written: in chunks of ``chunk``, closed with a footer or not."""

    signals: list[Signal]
    chunk: int
    closed: bool

    def write(self, path: Path) -> int:
        """Write the recording to ``path``; the offset where its first chunk starts."""
        writer = RecordingWriter(path, {"workflow": "property"})
        signals_start = writer.size
        for start in range(0, len(self.signals), self.chunk):
            writer.write_signals(self.signals[start : start + self.chunk])
        if self.closed:
            writer.close()
        else:
            writer.abandon()
        return signals_start


@st.composite
def recordings(draw: st.DrawFn) -> Written:
    count = draw(st.integers(min_value=1, max_value=16))
    steps = draw(st.lists(st.sampled_from([1, 1, 1, 1, 2, 9]), min_size=count, max_size=count))
    first = draw(st.integers(min_value=0, max_value=2**40))
    seqs = list(itertools.accumulate(steps, initial=first))[1:]
    signals = [
        Signal(
            seq,
            draw(st.integers(min_value=0, max_value=2**63 - 1)),
            draw(st.sampled_from(list(SignalType))),
            draw(VALUES),
            draw(st.floats(min_value=0, max_value=4e9)),
        )
        for seq in seqs
    ]
    chunk = draw(st.integers(min_value=1, max_value=4))
    return Written(signals, chunk, closed=draw(st.sampled_from([True, True, False])))


# -- how it is damaged ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cut:
    """Keep the bytes before ``at`` (modulo the size)."""

    at: int

    def apply(self, data: bytes) -> bytes:
        return data[: self.at % (len(data) + 1)]


@dataclass(frozen=True)
class Flip:
    """Flip bit ``bit`` of the byte at ``at``."""

    at: int
    bit: int

    def apply(self, data: bytes) -> bytes:
        if not data:
            return data
        damaged = bytearray(data)
        damaged[self.at % len(data)] ^= 1 << self.bit
        return bytes(damaged)


@dataclass(frozen=True)
class Insert:
    """Insert ``junk`` before byte ``at``."""

    at: int
    junk: bytes

    def apply(self, data: bytes) -> bytes:
        at = self.at % (len(data) + 1)
        return data[:at] + self.junk + data[at:]


@dataclass(frozen=True)
class Forge:
    """Overwrite the bytes from ``at`` with a frame: valid sync, a length of
    ``claim`` (the payload's own when None), and a check salted with ``salt``."""

    at: int
    kind: int
    claim: int | None
    payload: bytes
    salt: bytes

    def frame(self) -> bytes:
        length = len(self.payload) if self.claim is None else self.claim
        length_kind = length.to_bytes(4, "little") + bytes([self.kind])
        crc = zlib.crc32(self.payload, zlib.crc32(length_kind, zlib.crc32(self.salt)))
        return SYNC + length_kind + crc.to_bytes(4, "little") + self.payload

    def apply(self, data: bytes) -> bytes:
        forged = self.frame()
        at = self.at % (len(data) + 1)
        return data[:at] + forged + data[at + len(forged) :]


Damage = Cut | Flip | Insert | Forge


def forged_payloads(written: Written) -> st.SearchStrategy[bytes]:
    """Random bytes, or a chunk of made-up signals with seqs among the written ones."""
    seqs = st.integers(min_value=written.signals[0].seq, max_value=written.signals[-1].seq)
    fake = st.builds(
        lambda first, count: Chunk.write(
            [
                Signal(seq, FORGED_PID, SignalType.SEND, {"forged": seq}, 0.0)
                for seq in range(first, first + count)
            ],
            ValueEncoder(),
        ),
        seqs,
        st.integers(min_value=1, max_value=5),
    )
    return st.binary(max_size=40) | fake


@st.composite
def damages(draw: st.DrawFn, written: Written) -> list[Damage]:
    # Why a third of the places in the first 40 bytes: the header and the start
    # of the metadata are a small target that every other byte depends on.
    anywhere = st.integers(min_value=0, max_value=1 << 16)
    places = st.integers(min_value=0, max_value=40) | anywhere | anywhere
    forge = st.builds(
        Forge,
        places,
        st.integers(min_value=0, max_value=255) | st.just(int(RecordKind.CHUNK)),
        st.none() | st.integers(min_value=0, max_value=2**32 - 1),
        forged_payloads(written),
        st.just(b"") | st.binary(min_size=4, max_size=4),
    )
    one = (
        st.builds(Cut, places)
        | st.builds(Flip, places, st.integers(min_value=0, max_value=7))
        | st.builds(Insert, places, st.binary(min_size=1, max_size=30))
        | forge
    )
    return draw(st.lists(one, min_size=1, max_size=3))


@dataclass(frozen=True)
class Case:
    written: Written
    damage: list[Damage]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    written = draw(recordings())
    return Case(written, draw(damages(written)))


def damaged_file(directory: Path, case: Case) -> tuple[Path, int]:
    """The case's recording, written and then damaged, at ``directory/damaged.cfl``,
    and the offset where its first chunk started before the damage."""
    path = directory / "damaged.cfl"
    signals_start = case.written.write(path)
    data = path.read_bytes()
    for damage in case.damage:
        data = damage.apply(data)
    path.write_bytes(data)
    return path, signals_start


# -- what must hold ------------------------------------------------------------------------


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1 is not True, a tuple not a list)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(same_value, a, b))
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same_value(ka, kb) and same_value(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, float):
        return math.copysign(1.0, a) == math.copysign(1.0, b) and a == b
    return bool(a == b)


def same_signal(read: Signal, written: Signal) -> bool:
    return (
        read[:2] == written[:2]
        and type(read.type) is SignalType
        and read.type == written.type
        and same_value(read.data, written.data)
    )


def is_subsequence(read: list[Signal], written: list[Signal]) -> bool:
    """``read`` is ``written`` with some signals left out, in the same order."""
    remaining = iter(written)
    return all(any(same_signal(signal, w) for w in remaining) for signal in read)


class Runaway(BaseException):
    """A read went on far past the file's worth of frames (a loop).

    Why a BaseException: no ``except Exception`` in the reader can swallow it.
    """


@dataclass
class Outcome:
    """What one read mode made of a damaged file."""

    signals: list[Signal]
    complete: bool
    warnings: int
    error: RecordingError | None
    #: Where the last chunk read ends (None when none was read).
    end: int | None


def read(path: Path, mode: ReadMode) -> Outcome | RecordingError:
    """Every signal ``mode`` reads, or the error that stopped opening the file."""
    limit = 200 + 20 * (path.stat().st_size // RECORD_HEADER.size)
    calls = itertools.count()

    def counted(*args: Any, **kwargs: Any) -> Frame:
        if next(calls) > limit:
            raise Runaway(f"more than {limit:,} frames read from one small file")
        return read_frame(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patched:
        for module in ("chronoflow.recording.reader", "chronoflow.recording.opening"):
            patched.setattr(f"{module}.read_frame", counted)
        try:
            reader = open_recording(path, mode)
        except RecordingError as error:
            return error
        got: list[Signal] = []
        end: int | None = None
        stopped: RecordingError | None = None
        try:
            for view in reader.chunks():
                got.extend(view.signals)
                end = view.end
        except RecordingError as raised:
            if mode is not ReadMode.STRICT:
                raise
            stopped = raised
        return Outcome(got, reader.complete, len(reader.warnings), stopped, end)


def may_fail_to_open(mode: ReadMode, error: RecordingError, size: int) -> bool:
    """Whether ``mode`` may refuse to open a damaged file: strict and tolerant for
    any damage to the header; salvage only for a lost signature or a file that
    ends inside its header (nothing to salvage)."""
    if mode is not ReadMode.SALVAGE:
        return True
    return isinstance(error, NotARecording) or size < FILE_HEADER_2.size


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every example (each overwrites its files)."""
    return tmp_path_factory.mktemp("damage")


@pytest.mark.format_rule("read-modes", "salt", "frame-crc")
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_any_damage_reads_a_subsequence_and_says_so(workdir: Path, case: Case) -> None:
    """Every mode ends; it reads a subsequence of what was written; reading less is flagged."""
    written = case.written.signals
    path, signals_start = damaged_file(workdir, case)
    size = path.stat().st_size
    for mode in ReadMode:
        outcome = read(path, mode)
        if isinstance(outcome, RecordingError):
            assert may_fail_to_open(mode, outcome, size), (mode, outcome)
            continue
        got = outcome.signals
        seqs = [signal.seq for signal in got]
        assert seqs == sorted(set(seqs)), mode
        assert is_subsequence(got, written), mode
        if mode is ReadMode.STRICT:
            if outcome.error is None:  # strict skips nothing: what it read is a prefix
                assert all(map(same_signal, got, written[: len(got)]))
            continue
        if len(got) < len(written) and not outcome.warnings:
            # Why no warning can be right: a file cut exactly between two records
            # is a recording whose writer stopped there. Then, and only then, the
            # reader says no more than that the file was not closed cleanly.
            assert not outcome.complete, mode
            assert (signals_start if outcome.end is None else outcome.end) == size, mode


@given(written=recordings())
@settings(max_examples=25, deadline=None)
def test_an_undamaged_random_recording_reads_back_exactly(workdir: Path, written: Written) -> None:
    """Control: with no damage every mode reads back every signal, exactly, without warnings."""
    path = workdir / "intact.cfl"
    written.write(path)
    for mode in ReadMode:
        outcome = read(path, mode)
        assert not isinstance(outcome, RecordingError)
        assert len(outcome.signals) == len(written.signals)
        assert all(map(same_signal, outcome.signals, written.signals))
        assert outcome.warnings == 0
        assert outcome.complete is written.closed


# -- the command line on damaged files -----------------------------------------------------


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not strict JSON")


def strict_json_lines(text: str) -> Iterator[dict[str, Any]]:
    """Each line of ``text`` as a JSON object; NaN and Infinity are refused."""
    for line in text.splitlines():
        value = json.loads(line, parse_constant=_no_constants)
        assert isinstance(value, dict)
        yield value


def assert_answered(result: Result, command: list[str]) -> None:
    """Exit code 0 or 1, and no traceback or internal error, printed or raised."""
    assert result.exit_code in (0, 1), (command, result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        command,
        repr(result.exception),
    )
    for text in (result.output, result.stderr):
        assert "Traceback" not in text, (command, text)
        assert "internal error" not in text, (command, text)


@pytest.mark.format_rule("json")
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=cases())
def test_every_command_answers_a_damaged_file_without_a_traceback(
    workdir: Path, case: Case
) -> None:
    """check, info, dump, state, find and export: exit 0 or 1, no traceback, strict JSON."""
    path, _ = damaged_file(workdir, case)
    exported = workdir / "export.jsonl"
    exported.unlink(missing_ok=True)
    written_seqs = {signal.seq for signal in case.written.signals}
    commands = [
        ["check", str(path)],
        ["info", str(path)],
        ["dump", str(path), "--format", "jsonl"],
        ["state", str(path)],
        ["find", str(path), "type:SEND"],
        ["export", str(path), "--format", "jsonl", "-o", str(exported)],
    ]
    for command in commands:
        result = runner.invoke(app, command)
        assert_answered(result, command)
        if command[0] == "dump":
            seqs = [line["seq"] for line in strict_json_lines(result.stdout)]
            assert seqs == sorted(set(seqs))
            assert set(seqs) <= written_seqs
        if command[0] == "check" and result.exit_code == 0:
            strict = read(path, ReadMode.STRICT)
            assert not isinstance(strict, RecordingError)
            assert len(strict.signals) == len(case.written.signals)
    if exported.exists():
        assert all("seq" in line for line in strict_json_lines(exported.read_text("utf-8")))
