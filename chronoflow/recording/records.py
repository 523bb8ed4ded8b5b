"""The record kinds of a recording: metadata, signal chunks, footer index and trailer.

Each kind is a small class that writes its msgpack payload and reads it
back with checks; :mod:`chronoflow.recording.format` frames the payloads.
A chunk stores many consecutive signals column by column, so that one
``unpackb`` and a few C-level ``map`` calls rebuild them:

    [first_seq, count, base_us, pids, types, ts_deltas, datas, tos]

``types`` is a byte string (one byte per signal), timestamps are integer
microseconds (``base_us`` plus the running sum of ``ts_deltas``), and the
seq of signal ``i`` is ``first_seq + i``. Format 3 stores pids as steps
and the commonest SEND and RECEIVE data in compact forms
(:mod:`chronoflow.recording.compact`); format 1 and 2 chunks have the
first seven fields with plain pids and data.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

from chronoflow.recording.chunk_columns import ChunkColumns as ChunkColumns  # re-exported
from chronoflow.recording.collector import pause_collector, resume_collector
from chronoflow.recording.compact import CompactError, compact, expand, pid_steps
from chronoflow.recording.format import FORMAT_VERSION, RecordKind
from chronoflow.recording.raw import from_raw, unpack_raw
from chronoflow.recording.values import ValueEncoder, decoded_big_integers, unpack_value
from chronoflow.signals import Signal, SignalType


class PayloadError(ValueError):
    """A payload decoded as msgpack but does not have its kind's shape."""


_KNOWN_TYPE_BYTES: Final = bytes(range(len(SignalType)))


def unknown_types(types: bytes) -> bytes:
    """The type bytes of ``types`` that this reader does not know (a newer
    writer's signal types), in order.

    Why translate: deleting every known type byte in C is ten times quicker
    than a comparison per byte.
    """
    return types.translate(None, _KNOWN_TYPE_BYTES)


_to_micros: Final = (1e6).__mul__


#: Seqs and pids are below 2**63 (and pids fit a 64-bit column); times are
#: microseconds within ±2**62, so every sum of them still converts to a float.
_SEQ_LIMIT: Final = 2**63
_PID_LIMIT: Final = 2**63
_TIME_LIMIT: Final = 2**62
#: A stamp further from 0 than this (µs) is written as 0, as a non-finite one
#: is: any two stamps within it differ by less than _TIME_LIMIT.
STAMP_LIMIT: Final = 2**61


def _is_int(value: object) -> bool:
    return type(value) is int


def _in_time_range(deltas: Sequence[int]) -> bool:
    """Every running sum of ``deltas`` (after the base) stays a sane time."""
    return all(-_TIME_LIMIT < total < _TIME_LIMIT for total in itertools.accumulate(deltas))


def _all_ints(values: Sequence[Any]) -> bool:
    # Why count: counting in a list of types is twice as quick as a set of them.
    return list(map(type, values)).count(int) == len(values)


@dataclass(frozen=True)
class Metadata:
    """What was recorded: versions, time, workflow, arguments and templates (display only)."""

    kind: ClassVar[int] = RecordKind.METADATA
    values: dict[str, Any] = field(default_factory=dict)

    #: Documented keys and the value a reader uses when a key is missing.
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "format_version": FORMAT_VERSION,
        "chronoflow_version": None,
        "python_version": None,
        "created": None,
        "workflow": None,
        "args": [],
        "templates": [],
    }

    def write(self, encoder: ValueEncoder) -> bytes:
        """The payload: a msgpack map with str keys."""
        return encoder.pack(self.values)

    @classmethod
    def read(cls, payload: bytes) -> Metadata:
        """Decode and check a metadata payload; missing documented keys get defaults.

        A documented key whose value has the wrong type or range (a
        ``created`` that is not a finite time between 1970 and 9999, a
        ``templates`` that is not a list of ``{name, module, qualname}``
        strings) raises :class:`PayloadError`; :meth:`read_lenient` keeps
        the rest instead.
        """
        metadata, problems = cls.read_lenient(payload)
        if problems:
            raise PayloadError(problems[0])
        return metadata

    @classmethod
    def read_lenient(cls, payload: bytes) -> tuple[Metadata, list[str]]:
        """Decode a metadata payload; a documented key with a bad value gets its
        default, and each such key is named in the list of problems."""
        values = unpack_value(payload)
        if type(values) is not dict or not all(type(k) is str for k in values):
            raise PayloadError("metadata is not a map with string keys")
        merged = dict(cls.DEFAULTS)
        merged.update(values)
        bad = [key for key, ok in _METADATA_CHECKS.items() if key in values and not ok(values[key])]
        for key in bad:
            merged[key] = cls.DEFAULTS.get(key)
        if not bad:
            return cls(merged), []
        names = ", ".join(repr(key) for key in bad)
        field_s = "field" if len(bad) == 1 else "fields"
        return cls(merged), [f"metadata {field_s} {names} not valid; ignored"]


#: Seconds since the epoch that a recording's ``created`` may hold (1970–9999).
_LATEST_TIME: Final = 253_402_300_799.0


def _optional_str(value: Any) -> bool:
    return value is None or type(value) is str


def _time(value: Any) -> bool:
    return value is None or (type(value) in (int, float) and 0.0 <= float(value) <= _LATEST_TIME)


def _templates(value: Any) -> bool:
    return type(value) is list and all(
        type(entry) is dict
        and all(type(entry.get(name)) is str for name in ("name", "module", "qualname"))
        for entry in value
    )


#: What each documented metadata key must hold.
_METADATA_CHECKS: Final[dict[str, Any]] = {
    "format_version": _optional_str,
    "chronoflow_version": _optional_str,
    "python_version": _optional_str,
    "created": _time,
    "workflow": _optional_str,
    "args": lambda value: type(value) is list,
    "templates": _templates,
    "salvaged_from": _optional_str,
}


@dataclass(frozen=True)
class Chunk:
    """Consecutive signals ``first_seq .. first_seq + count - 1``."""

    kind: ClassVar[int] = RecordKind.CHUNK
    first_seq: int
    count: int

    @staticmethod
    def write(signals: Sequence[Signal], encoder: ValueEncoder) -> bytes:
        """The payload for ``signals``, whose seqs must be consecutive."""
        _, pids, types, datas, stamps = zip(*signals, strict=True)
        base, deltas = stamp_deltas(stamps)
        return Chunk.write_columns(
            signals[0][0], list(pids), bytes(types), list(datas), base, deltas, encoder
        )

    @staticmethod
    def write_columns(
        first_seq: int,
        pids: Sequence[int],
        types: bytes,
        datas: list[Any],
        base_us: int,
        deltas: list[int],
        encoder: ValueEncoder,
        tos: list[int] | None = None,
    ) -> bytes:
        """The payload for the signals ``first_seq, first_seq + 1, ...`` given column by
        column (``deltas`` as :func:`stamp_deltas` gives them).

        With ``tos`` the columns are in format 3's form already (compact
        type bytes, see :mod:`chronoflow.recording.compact`); without, the
        SENDs and RECEIVEs that have a compact form are put in it, changing
        ``datas`` in place.
        """
        if tos is None:
            types, tos = compact(first_seq, types, datas)
        return encoder.pack(
            [first_seq, len(pids), base_us, pid_steps(pids), types, deltas, datas, tos]
        )

    @staticmethod
    def read(payload: bytes, *, compact: bool = True) -> list[Signal]:
        """Decode a chunk payload into its signals, checking its shape."""
        return Chunk.decode(payload, compact=compact).signals()

    @staticmethod
    def decode(payload: bytes, *, raw: bool = False, compact: bool = True) -> ChunkColumns:
        """Decode a chunk payload into its columns, checking its shape.

        With ``raw`` the datas are left in the raw form
        (:func:`~chronoflow.recording.raw.unpack_raw`), which is what a
        fold wants: half the cost, and the same checks. ``compact`` says
        the chunk has format 3's layout (False for format 1 and 2 files).

        Why the collector is paused: decoding a chunk allocates thousands of
        containers that form no cycles; letting the cyclic collector run
        over them every 700 allocations costs a third of a full read.
        """
        paused = pause_collector()
        try:
            return Chunk._decode(payload, raw, compact)
        finally:
            resume_collector(paused)

    @staticmethod
    def _decode(payload: bytes, raw: bool, compact: bool) -> ChunkColumns:
        # Why both forms share these checks: a chunk the indexer folds must be
        # one the signal list shows, and the other way round.
        array = tuple if raw else list
        fields = unpack_raw(payload) if raw else _unpack_values(payload)
        size = 8 if compact else 7
        if type(fields) is not array or len(fields) < size:
            raise PayloadError(f"a chunk is not an array of {size} fields")
        first, count, base, pids, types, deltas, datas = fields[:7]
        if not (_is_int(first) and _is_int(count) and _is_int(base)):
            raise PayloadError("a chunk's first seq, count or base time is not an integer")
        if not (0 <= first < _SEQ_LIMIT and -_TIME_LIMIT < base < _TIME_LIMIT):
            raise PayloadError("a chunk's first seq or base time is out of range")
        if type(types) is not bytes or not (
            type(pids) is array and type(deltas) is array and type(datas) is array
        ):
            raise PayloadError("a chunk's columns have the wrong types")
        if not count == len(pids) == len(types) == len(deltas) == len(datas):
            raise PayloadError(f"a chunk's columns do not all hold {count} signals")
        if compact:
            # expand() checks the pids (each a sum of integer steps, in range).
            try:
                steps, types, datas = expand(first, pids, types, datas, fields[7], raw=raw)
            except CompactError as error:
                raise PayloadError(str(error)) from None
            pids = steps if array is list else tuple(steps)
            if type(datas) is not array:
                datas = array(datas)
        elif not _all_ints(pids):
            raise PayloadError("a chunk's pids or time deltas are not all integers")
        if not _all_ints(deltas):
            raise PayloadError("a chunk's pids or time deltas are not all integers")
        if (
            decoded_big_integers()
            and count
            and not (min(pids) >= 0 and max(pids) < _PID_LIMIT and _in_time_range(deltas))
        ):
            raise PayloadError("a chunk's pids or time deltas are out of range")
        if count:
            if raw:
                deltas = list(deltas)
            deltas[0] += base
        return ChunkColumns(first, pids, types, deltas, datas, raw=raw)


def _unpack_values(payload: bytes) -> Any:
    try:
        return unpack_value(payload)
    except TypeError:
        # Why: a map key that is an array (no writer of Python values makes
        # one) is a list, which cannot be a key; the raw form reads it as a
        # tuple, and so the chunk reads the same in both forms.
        return from_raw(unpack_raw(payload))


def _micros_or_zero(stamp: Any) -> int:
    try:
        return round(float(stamp) * 1e6)
    except (ValueError, OverflowError, TypeError):
        return 0


def stored_micros(stamps: Sequence[Any]) -> list[int]:
    """Each timestamp (seconds) as a chunk stores it: whole microseconds, 0 for
    one that is not a finite number or lies further than STAMP_LIMIT from 0."""
    try:
        # float.__round__: round() for a float, without round()'s dispatch.
        micros = list(map(float.__round__, map(operator.mul, stamps, itertools.repeat(1e6))))
    except (ValueError, OverflowError, TypeError):
        micros = [_micros_or_zero(t) for t in stamps]
    if max(micros) >= STAMP_LIMIT or min(micros) <= -STAMP_LIMIT:
        micros = [m if -STAMP_LIMIT < m < STAMP_LIMIT else 0 for m in micros]
    return micros


def stamp_deltas(stamps: Sequence[Any]) -> tuple[int, list[int]]:
    """``base_us`` and ``ts_deltas`` of a chunk whose signals have these timestamps."""
    micros = stored_micros(stamps)
    deltas = [0]
    deltas += map(operator.sub, itertools.islice(micros, 1, None), micros)
    return micros[0], deltas


@dataclass(slots=True)
class ChunkEntry:
    """One footer index entry: a chunk's first seq, its frame's offset and its count.

    Not frozen: a frozen dataclass is built four times slower, and a big
    recording's footer has tens of thousands of entries.
    """

    first_seq: int
    offset: int
    count: int


@dataclass(frozen=True)
class Footer:
    """Written on clean close: the signal count, time span and the index of every chunk."""

    kind: ClassVar[int] = RecordKind.FOOTER
    count: int
    next_seq: int
    chunks: list[ChunkEntry]
    first_ts: float | None = None
    last_ts: float | None = None

    def write(self, encoder: ValueEncoder) -> bytes:
        """The payload: a msgpack map with str keys."""
        return encoder.pack(
            {
                "count": self.count,
                "next_seq": self.next_seq,
                "chunks": [[c.first_seq, c.offset, c.count] for c in self.chunks],
                "first_ts": None if self.first_ts is None else float(self.first_ts),
                "last_ts": None if self.last_ts is None else float(self.last_ts),
            }
        )

    @classmethod
    def read(cls, payload: bytes) -> Footer:
        """Decode and check a footer payload."""
        values = unpack_value(payload)
        if type(values) is not dict:
            raise PayloadError("the footer is not a map")
        count, next_seq, chunks = values.get("count"), values.get("next_seq"), values.get("chunks")
        if type(count) is not int or type(next_seq) is not int or type(chunks) is not list:
            raise PayloadError("the footer lacks count, next_seq or chunks")
        if not (0 <= count < _SEQ_LIMIT and 0 <= next_seq < _SEQ_LIMIT):
            raise PayloadError("the footer's count or next seq is out of range")
        # Why column by column: a footer of a big recording has tens of
        # thousands of entries, and the debugger reads it before its first
        # screen; C-level map/zip check and build them at once.
        entries: list[ChunkEntry] = []
        if chunks:
            if set(map(type, chunks)) != {list} or min(map(len, chunks)) < 3:
                raise PayloadError("a footer index entry is not [first_seq, offset, count]")
            firsts, offsets, counts = itertools.islice(zip(*chunks, strict=False), 3)
            if not (_all_ints(firsts) and _all_ints(offsets) and _all_ints(counts)):
                raise PayloadError("a footer index entry is not [first_seq, offset, count]")
            if decoded_big_integers() and not (
                max(firsts) < _SEQ_LIMIT and max(offsets) < _SEQ_LIMIT and max(counts) < _SEQ_LIMIT
            ):
                raise PayloadError("a footer index entry is out of range")
            entries = list(map(ChunkEntry, firsts, offsets, counts))
        first_ts, last_ts = values.get("first_ts"), values.get("last_ts")
        return cls(
            count,
            next_seq,
            entries,
            first_ts if isinstance(first_ts, float) else None,
            last_ts if isinstance(last_ts, float) else None,
        )


class Trailer:
    """The last record of a cleanly closed file: where the footer starts.

    Its payload has a fixed size (``[uint64]`` in msgpack, always as
    ``0x91 0xcf`` + 8 big-endian bytes), so a reader finds it at the end.
    """

    kind: ClassVar[int] = RecordKind.TRAILER
    PREFIX: ClassVar[bytes] = b"\x91\xcf"
    SIZE: ClassVar[int] = 10

    @classmethod
    def write(cls, footer_offset: int) -> bytes:
        """The payload pointing at the footer frame."""
        return cls.PREFIX + footer_offset.to_bytes(8, "big")

    @classmethod
    def read(cls, payload: bytes) -> int:
        """The footer offset a trailer payload holds."""
        if len(payload) != cls.SIZE or not payload.startswith(cls.PREFIX):
            raise PayloadError("the trailer is not [uint64 footer offset]")
        return int.from_bytes(payload[2:], "big")
