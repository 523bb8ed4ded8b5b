"""The index sidecar: a finished index kept on disk, so that a big recording reopens at once.

Indexing 100 M signals takes minutes; reading back what it built (the
columns, the checkpoints, the final fold state and the history of names)
takes about a second of CPU. When a timeline has indexed a complete
recording, read without a warning, of at least :data:`MIN_SIGNALS`
signals, it writes the index to
``NAME.cfl.idx`` next to the recording, or, when that folder is not
writable, to a file named after the recording's absolute path in the
cache folder (``$XDG_CACHE_HOME/chronoflow/index``, by default
``~/.cache/chronoflow/index``). The next timeline of that recording loads
it instead of indexing.

A sidecar is a cache, never trusted blindly:

- it names the recording it was built from by a *fingerprint*: the
  file's size and a hash of its first 64 KiB (the header with its
  per-file salt) and last 2 MiB (the last chunks, the footer with every
  chunk's offset, the trailer), plus the sidecar's own layout version,
  the Chronoflow version and the fold's record layout. A recording that
  was appended to, rewritten or replaced, or an index built by another
  engine, does not match: the timeline indexes afresh and replaces the
  sidecar;
- the table, the final state and every 8 MiB block of the columns are
  checked against their CRC-32 when loaded, and each checkpoint against
  its own CRC-32 when a seek
  restores it (:class:`StoredBytes`); a damaged checkpoint makes the seek
  fall back to an earlier one (see
  :meth:`Index.seek <chronoflow.inspect.index.Index.seek>`);
- any error while loading (a truncated or damaged file, an unreadable
  one, a value of the wrong shape) means "no sidecar": the timeline
  indexes as if there were none, and says nothing.

Layout (all integers little-endian)::

    b"CFLINDEX" | sections ... | table | table offset u64 | table CRC u32 | b"CFLINDEX"

The table is a marshalled dict (plain values only) holding the
fingerprint, the index's scalar facts and, per section, its ``(offset,
length, crc)`` (for a column, a CRC per block). The sections are the
three columns as raw array bytes, the final fold state (zlib of marshal),
and the checkpoints' compressed bytes one after another. It is written
to a temporary file in the same folder and renamed into place, so a
reader never sees half a sidecar.

Why marshal is acceptable for a file here: marshal builds only data (no
code runs when it loads), and the bytes are checked for damage before
they are read; nothing in a sidecar is ever unpickled (a state that only
pickle can freeze is not written at all).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import marshal
import os
import struct
import tempfile
import zlib
from array import array
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, BinaryIO

from chronoflow.inspect.checkpoint import Checkpoint, freeze, thaw
from chronoflow.inspect.state import ProcessRecord

#: A complete recording with fewer signals is indexed each time (it is quicker).
MIN_SIGNALS = 1_000_000
#: Bump when what the sidecar holds, or what an index means, changes.
LAYOUT = 2
MAGIC = b"CFLINDEX"
_TAIL = struct.Struct("<QI8s")
#: Bytes of the recording's beginning and end that its fingerprint hashes.
HEAD_BYTES = 64 * 1024
TAIL_BYTES = 2 * 1024 * 1024
#: Bytes copied per write while saving (so that a stop request is heard).
_BLOCK = 8 * 1024 * 1024


def sidecar_path(recording: Path) -> Path:
    """Where the sidecar of ``recording`` goes when its folder is writable."""
    return recording.with_name(recording.name + ".idx")


def cache_path(recording: Path) -> Path:
    """Where the sidecar of ``recording`` goes when its folder is not writable."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = hashlib.blake2b(str(recording.resolve()).encode(), digest_size=16).hexdigest()
    return Path(base) / "chronoflow" / "index" / f"{recording.name}.{key}.idx"


def candidates(recording: Path) -> list[Path]:
    """The places a sidecar of ``recording`` may be, the preferred first."""
    return [sidecar_path(recording), cache_path(recording)]


@functools.cache
def _engine_version() -> str:
    """The installed Chronoflow's version (an index built by another may differ)."""
    try:
        return version("chronoflow")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0.0.0+unknown"


def fingerprint(recording: Path) -> tuple[Any, ...]:
    """What identifies ``recording``'s bytes (see the module docstring)."""
    with recording.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        digest = hashlib.blake2b(digest_size=20)
        digest.update(handle.read(HEAD_BYTES))
        handle.seek(max(0, size - TAIL_BYTES))
        digest.update(handle.read(TAIL_BYTES))
    return (LAYOUT, _engine_version(), ProcessRecord.__slots__, size, digest.digest())


class StoredBytes:
    """Checkpoint bytes kept in a sidecar file, read with ``pread`` and checked.

    Plays the part of :class:`~chronoflow.inspect.checkpoint.SpillFile` for
    checkpoints loaded from a sidecar: :meth:`read` raises ``ValueError``
    when the bytes read are not the bytes written (their CRC-32 differs).
    """

    def __init__(self, handle: BinaryIO, crcs: dict[int, int]) -> None:
        self._handle = handle
        self._crcs = crcs

    def read(self, offset: int, length: int) -> bytes:
        """The checkpoint bytes at ``offset``; ValueError if damaged."""
        data = os.pread(self._handle.fileno(), length, offset)
        if len(data) != length or zlib.crc32(data) != self._crcs.get(offset):
            raise ValueError("a checkpoint in the index sidecar is damaged")
        return data

    def close(self) -> None:
        """Close the sidecar file."""
        self._handle.close()


class Loaded:
    """An index read back from a sidecar: what :meth:`Index.adopt
    <chronoflow.inspect.index.Index.adopt>` takes over."""

    def __init__(self, table: dict[str, Any], columns: dict[str, array[int]]) -> None:
        self.table = table
        self.columns = columns
        self.checkpoints: list[Checkpoint] = []
        self.stored: StoredBytes | None = None
        self.state: Any = None


def load(recording: Path, interval: int, examines: bool) -> Loaded | None:
    """The index kept for ``recording`` built with ``interval``, or None (no valid sidecar)."""
    try:
        expected = fingerprint(recording)
    except OSError:
        return None
    for path in candidates(recording):
        with contextlib.suppress(Exception):  # any damage means "no sidecar"
            loaded = _load(path, expected, interval, examines)
            if loaded is not None:
                return loaded
    return None


def _load(path: Path, expected: tuple[Any, ...], interval: int, examines: bool) -> Loaded | None:
    handle = path.open("rb")
    owned = False
    try:
        size = os.fstat(handle.fileno()).st_size
        if size < len(MAGIC) + _TAIL.size:
            return None
        tail = os.pread(handle.fileno(), _TAIL.size, size - _TAIL.size)
        table_at, table_crc, magic = _TAIL.unpack(tail)
        if magic != MAGIC or not len(MAGIC) <= table_at < size - _TAIL.size:
            return None
        raw = os.pread(handle.fileno(), size - _TAIL.size - table_at, table_at)
        if zlib.crc32(raw) != table_crc:
            return None
        table = marshal.loads(raw)
        if (
            type(table) is not dict
            or table.get("fingerprint") != expected
            or table.get("requested") != interval
            or table.get("examines") != examines
        ):
            return None
        columns = {}
        for name in ("pids", "types", "refs"):
            typecode, (offset, length, crc) = table[name]
            column = _read_column(handle, typecode, offset, length, crc)
            if column is None:
                return None
            columns[name] = column
        indexed = table["indexed"]
        if not len(columns["pids"]) == len(columns["types"]) == len(columns["refs"]) <= indexed:
            return None
        loaded = Loaded(table, columns)
        offset, length, crc = table["state"]
        packed = os.pread(handle.fileno(), length, offset)
        if zlib.crc32(packed) != crc:
            return None
        loaded.state = thaw(marshal.loads(zlib.decompress(packed)), indexed - 1, examines)
        crcs: dict[int, int] = {}
        stored = StoredBytes(handle, crcs)
        seqs = [-1]
        for seq, offset, length, crc in table["checkpoints"]:
            if not seqs[-1] < seq < indexed:
                return None
            seqs.append(seq)
            crcs[offset] = crc
            loaded.checkpoints.append(Checkpoint.stored(seq, examines, stored, offset, length))
        loaded.stored = stored
        owned = True  # the handle is now the StoredBytes' own
        return loaded
    finally:
        if not owned:
            handle.close()


def _read_column(
    handle: io.BufferedReader, typecode: str, offset: int, length: int, crcs: list[int]
) -> array[int] | None:
    """The column of ``length`` bytes at ``offset``, or None if the file is
    short or a block's CRC-32 is not in ``crcs`` (one per :data:`_BLOCK` bytes).

    Why read into a column made at its full size: growing it block by block
    copies it at every growth, and ``array.fromfile`` holds the whole length
    twice for a moment. Why the CRCs on another thread: ``zlib.crc32`` lets
    go of the interpreter lock, so it checks one block while the next is read.
    """
    itemsize = array(typecode).itemsize
    if length % itemsize or len(crcs) != -(-length // _BLOCK):
        return None
    column = array(typecode, bytes(itemsize)) * (length // itemsize)
    handle.seek(offset)
    blocks: list[memoryview] = []
    checks = []
    complete = True
    # Why every view is released: an array with a view on it cannot grow.
    with memoryview(column) as whole, whole.cast("B") as view:
        with ThreadPoolExecutor(1, thread_name_prefix="chronoflow-sidecar") as checker:
            for at in range(0, length, _BLOCK):
                block = view[at : at + _BLOCK]
                blocks.append(block)
                if handle.readinto(block) != len(block):
                    complete = False
                    break
                checks.append(checker.submit(zlib.crc32, block))
            found = [check.result() for check in checks]
        for block in blocks:
            block.release()
    return column if complete and found == crcs else None


def save(index: Any, recording: Path, should_stop: Callable[[], bool]) -> Path | None:
    """Write ``index`` (complete, of ``recording``) to its sidecar; the path, or None.

    Nothing is written when a checkpoint is not plain marshalled bytes, or
    when ``should_stop()`` turns True on the way; a folder that cannot be
    written is passed over for the cache folder. Never raises.
    """
    try:
        table: dict[str, Any] = {"fingerprint": fingerprint(recording)}
    except OSError:
        return None
    for path in candidates(recording):
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            mode = recording.stat().st_mode & 0o666
            done = _save(index, path, table, should_stop, mode)
            return path if done else None
    return None


def _save(
    index: Any, path: Path, table: dict[str, Any], should_stop: Callable[[], bool], mode: int
) -> bool:
    """Write the sidecar to ``path`` with the permission bits ``mode`` (the
    recording's: whoever may read the recording may read its index)."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed below
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    kept = False
    try:
        with handle:
            handle.write(MAGIC)

            def section(data: Any) -> tuple[int, int, int]:
                offset = handle.tell()
                view = memoryview(data).cast("B")
                for at in range(0, len(view), _BLOCK):
                    if should_stop():
                        raise _Stopped
                    handle.write(view[at : at + _BLOCK])
                return offset, len(view), zlib.crc32(view)

            for name in ("pids", "types", "refs"):
                column = getattr(index, name).data
                offset, length, _ = section(column)
                view = memoryview(column).cast("B")
                crcs = [zlib.crc32(view[at : at + _BLOCK]) for at in range(0, length, _BLOCK)]
                view.release()
                table[name] = (column.typecode, (offset, length, crcs))
            table["state"] = section(zlib.compress(marshal.dumps(freeze(index.final_state())), 1))
            checkpoints = []
            for checkpoint in index.checkpoints[1:]:
                packed = checkpoint.packed_bytes()
                if packed is None:
                    raise _Stopped
                offset, length, crc = section(packed)
                checkpoints.append((checkpoint.seq, offset, length, crc))
            table.update(
                checkpoints=checkpoints,
                requested=index.requested_interval,
                interval=index.interval,
                examines=index.examines,
                indexed=index.indexed,
                pid_missing=index.pids.missing,
                gaps=list(index.gaps.spans),
                newer_types=sorted(index.newer_types),
                warnings=list(index.warnings),
                malformed=index.malformed,
                templates={
                    pid: (seqs.tobytes(), names)
                    for pid, (seqs, names) in index.history.templates.items()
                },
                names={
                    pid: (seqs.tobytes(), names)
                    for pid, (seqs, names) in index.history.names.items()
                },
            )
            raw = marshal.dumps(table)
            table_at = handle.tell()
            handle.write(raw)
            handle.write(_TAIL.pack(table_at, zlib.crc32(raw), MAGIC))
        os.chmod(handle.name, mode)
        os.replace(handle.name, path)
        kept = True
        return True
    except (_Stopped, ValueError):  # stopped, or a value marshal cannot write
        return False
    finally:
        if not kept:
            with contextlib.suppress(OSError):
                os.unlink(handle.name)


class _Stopped(Exception):
    """Saving stopped: asked to, or a checkpoint it cannot write."""


class Sidecar:
    """The sidecar policy of one timeline's recording: load it before
    indexing, write it once a complete recording is indexed."""

    def __init__(self, recording: Path, min_signals: int = MIN_SIGNALS) -> None:
        """``min_signals``: a recording with fewer signals is not worth a sidecar."""
        self.recording = recording
        self.min_signals = min_signals
        #: Where the index was written, once it is.
        self.written: Path | None = None

    def restore(self, index: Any) -> bool:
        """Make the empty ``index`` the one kept for the recording, if a valid
        sidecar exists; True if it did."""
        loaded = load(self.recording, index.requested_interval, index.examines)
        if loaded is None:
            return False
        index.adopt(loaded)
        return True

    def keep(self, index: Any, clean: bool, should_stop: Callable[[], bool]) -> None:
        """Write ``index`` to the sidecar if it is worth keeping: the recording
        is ``clean`` (complete, so it will not grow, and read without a
        warning), big enough, and the index was not itself read from a sidecar."""
        if clean and not index.loaded and index.indexed >= self.min_signals:
            self.written = save(index, self.recording, should_stop)
