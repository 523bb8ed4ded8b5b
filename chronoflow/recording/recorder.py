"""The recorder: a scheduler observer that writes every signal it sees to a ``.cfl`` file.

Attach it with ``recorder.attach(scheduler)`` (what
``SimpleScheduler(record=...)`` does), ``scheduler.add_observer(recorder)``
or ``proc.add_observer(recorder)``. Importing this module lends the runtime
:class:`Recorder` for ``record=PATH`` (``install_path_recorder``): the runtime
never imports the recording layer. It buffers signals and writes them as
one chunk record when the buffer holds ``chunk_size`` signals, when
``flush_interval`` seconds of wall time have passed since the last write
(checked as signals arrive: attached as a sink, every
:data:`~chronoflow.runtime.bus.TICK_EVERY` signals), and whenever the
kernel calls :meth:`flush` (before it waits for ``use`` results and when
``run()`` ends). All of this holds in the middle of a process's step too:
a step that sends a million messages is written as it runs, chunk by chunk
in seq order, and the recorder never holds more than one chunk. So another
program can follow a live file, and a crash loses at most that much.
:meth:`close` writes the footer index. While it holds signals the recorder
rests Python's cycle collector (a higher young-generation threshold, see
:class:`~chronoflow.recording.collector.CollectorRest`) and puts the
user's settings back whenever it has written them all out (also when a
write fails), on :meth:`close`, and if it is dropped unclosed.

Crash tracebacks are stored with file paths made relative to their root
(the workflow's directory, the directory holding the ``chronoflow``
package, the Python installation) and memory addresses masked, so that
recordings of the same program made in different checkouts compare equal.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
import weakref
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import chronoflow.signals
from chronoflow.errors import MisuseError
from chronoflow.recording.collector import CollectorRest
from chronoflow.recording.compact import COMPACT
from chronoflow.recording.errors import UnrecordableValue
from chronoflow.recording.format import FORMAT_VERSION
from chronoflow.recording.values import ValueEncoder, mask_addresses
from chronoflow.recording.writer import RecordingWriter
from chronoflow.runtime import Kernel, ProcessTemplate
from chronoflow.runtime.bus import install_path_recorder
from chronoflow.runtime.handover import RECEIVED, SENT, SinkColumns
from chronoflow.signals import Signal, SignalType

_monotonic = time.monotonic
_CRASH = SignalType.CRASH
_RESULT = SignalType.RESULT
#: Type bytes of the signals whose text the recorder rewrites (see _normalise).
_REWRITTEN = bytes((_CRASH, _RESULT))

# Why no translation: the short forms the bus hands a column sink are
# format 3's compact type bytes, so the recorder writes its columns as they are.
if (SENT, RECEIVED) != (COMPACT | SignalType.SEND, COMPACT | SignalType.RECEIVE):
    raise ImportError("the bus's short forms are not format 3's compact type bytes")
_FILE_IN_TRACEBACK = re.compile(r'File "([^"\n]+)"')

#: Signals per chunk record before the buffer is written.
DEFAULT_CHUNK_SIZE = 1024
#: Longest time, in seconds, a buffered signal waits while signals arrive.
DEFAULT_FLUSH_INTERVAL = 0.1


def _chronoflow_version() -> str:
    try:
        return version("chronoflow")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0.0.0+unknown"


def template_entries(templates: Iterable[ProcessTemplate]) -> list[dict[str, str]]:
    """``{name, module, qualname}`` for each distinct template, in order (display only)."""
    seen: set[int] = set()
    entries = []
    for item in templates:
        if id(item) not in seen:
            seen.add(id(item))
            entries.append({"name": item.name, "module": item.module, "qualname": item.qualname})
    return entries


def build_metadata(
    *,
    workflow: str | None = None,
    args: Iterable[Any] = (),
    templates: Iterable[ProcessTemplate] = (),
    created: float | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The metadata record's map, with every documented key."""
    metadata: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "chronoflow_version": _chronoflow_version(),
        "python_version": sys.version.split()[0],
        "created": time.time() if created is None else created,
        "workflow": workflow,
        "args": list(args),
        "templates": template_entries(templates),
    }
    if extra:
        metadata.update(extra)
    return metadata


class PathNormaliser:
    """Rewrites absolute file paths in traceback text relative to known roots."""

    def __init__(self, source_root: str | os.PathLike[str] | None = None) -> None:
        package_home = Path(chronoflow.signals.__file__).resolve().parent.parent
        roots: list[tuple[str, str]] = []
        if source_root is not None:
            roots.append((str(Path(source_root).resolve()), ""))
        roots.append((str(package_home), ""))
        for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
            roots.append((str(Path(prefix).resolve()), "<python>/"))
        # Longest first, so that a workflow inside a checkout wins over the checkout.
        self._roots = sorted(roots, key=lambda root: len(root[0]), reverse=True)

    def path(self, text: str) -> str:
        """``text`` made relative to the first root it lies under, else unchanged."""
        for root, label in self._roots:
            if text.startswith(root + os.sep):
                return label + text[len(root) + 1 :].replace(os.sep, "/")
        return text

    def traceback(self, text: str) -> str:
        """``text`` with every ``File "..."`` path normalised and addresses masked."""
        text = _FILE_IN_TRACEBACK.sub(lambda m: f'File "{self.path(m.group(1))}"', text)
        return mask_addresses(text)


class Recorder:
    """An observer that records every signal to ``path`` (see the module docstring).

    ``workflow``, ``args`` and ``templates`` go into the metadata for
    display. ``strict_values`` makes a value that cannot be stored exactly
    an :class:`UnrecordableValue` error instead of an Opaque: it is raised
    in the process that produced it, recording stops there (the file keeps
    every signal before it) and :meth:`close` raises it again.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        workflow: str | None = None,
        args: Iterable[Any] = (),
        templates: Iterable[ProcessTemplate] = (),
        source_root: str | os.PathLike[str] | None = None,
        strict_values: bool = False,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if chunk_size < 1:
            raise MisuseError(f"chunk_size must be at least 1, got {chunk_size}")
        meta = build_metadata(workflow=workflow, args=args, templates=templates, extra=metadata)
        self._writer = RecordingWriter(path, meta, strict_values=strict_values)
        self.path = self._writer.path
        self._paths = PathNormaliser(source_root)
        self._strict = strict_values
        self._probe = ValueEncoder(strict=True) if strict_values else None
        self._failure: UnrecordableValue | None = None
        self._columns = SinkColumns()
        #: The seq and time of the last signal written: the time of the next
        #: buffer's first signals when the bus did not read its clock for them.
        self._last_stamp: tuple[int, float] | None = None
        self._chunk_size = chunk_size
        self._interval = flush_interval
        self._deadline = _monotonic() + flush_interval
        self._rest = CollectorRest()
        # A recorder dropped without close() must not leave the collector rested.
        weakref.finalize(self, self._rest.wake)

    @property
    def columns(self) -> SinkColumns:
        """Signals not yet written, column by column (the column sink protocol:
        the kernel appends here; see :meth:`~chronoflow.runtime.bus.SignalBus.add_sink`)."""
        return self._columns

    @property
    def buffered(self) -> int:
        """How many signals wait to be written."""
        return len(self._columns)

    @property
    def chunk_size(self) -> int:
        """How many signals make a chunk record."""
        return self._chunk_size

    def attach(self, kernel: Kernel) -> None:
        """Record everything ``kernel`` runs, the fastest way it allows.

        Why two ways: as a sink, the kernel appends each signal straight to the
        buffer with no Python call in between; strict recording must check each
        value as it arrives, so it stays an ordinary observer.
        """
        if self._probe is None:
            kernel.add_sink(self)
        else:
            kernel.add_observer(self)

    def tick(self) -> None:
        """Write a chunk if the buffer is full or the flush interval has passed.

        The kernel calls this as signals arrive, also in the middle of a step
        (see :meth:`~chronoflow.runtime.bus.SignalBus.add_sink`). Rests the
        collector while signals wait (see the module docstring).
        """
        held = len(self._columns)
        if held >= self._chunk_size or _monotonic() >= self._deadline:
            self.flush()
        elif held and not self._rest.resting and not self._writer.closed:
            self._rest.rest()

    def __call__(self, signal: Signal) -> None:
        """Record ``signal`` (the observer protocol: each signal keeps its own time)."""
        if self._probe is not None:
            self._check(signal)
            if self._failure is not None:
                return
        columns = self._columns
        columns.add(*signal)
        if len(columns) >= self._chunk_size or _monotonic() >= self._deadline:
            self.flush()
        elif not self._rest.resting and not self._writer.closed:
            self._rest.rest()

    def _check(self, signal: Signal) -> None:
        if self._failure is not None:
            return
        assert self._probe is not None
        try:
            self._probe.check(signal.data)
        except UnrecordableValue as error:
            where = f"seq {signal.seq} ({SignalType(signal.type).name} of pid {signal.pid})"
            self._failure = UnrecordableValue(error.type_name, where)
            raise self._failure from None

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._writer.closed

    @property
    def count(self) -> int:
        """Signals recorded so far (written or buffered)."""
        return self._writer.count + (0 if self._writer.closed else len(self._columns))

    def flush(self) -> None:
        """Write buffered signals as a chunk record (the kernel calls this when quiet).

        Whatever happens, the collector's settings go back to the user's
        here; the next tick rests it again if signals still wait.
        """
        columns = self._columns
        try:
            if columns.items and not self._writer.closed:
                self._write(columns)
        finally:
            columns.clear()  # written, or after close(): not recorded
            self._deadline = _monotonic() + self._interval
            self._rest.wake()

    def _write(self, columns: SinkColumns) -> None:
        """Hand the columns to the writer as they are: no copy, no transpose.

        Why: the bus appends every signal to these lists; the writer packs
        them as they stand (CRASH and RESULT texts rewritten in place).
        """
        stamps = columns.stamps
        if not stamps or stamps[0][0] != 0:
            if self._last_stamp is None:
                raise MisuseError("the recorder was handed signals without a time")
            seq, ts = self._last_stamp
            stamps.insert(0, (0, seq + 1, ts))
        elif len(stamps) > 1 and stamps[1][0] == 0:
            del stamps[0]
        items = columns.items
        types = bytes(items[1::3])
        datas = items[2::3]
        if types.find(_REWRITTEN[0]) >= 0 or types.find(_REWRITTEN[1]) >= 0:
            self._normalise(types, datas)
        last = stamps[-1]
        self._writer.write_columns(items[0::3], types, datas, columns.tos, stamps)
        self._last_stamp = (last[1] + len(types) - 1 - last[0], last[2])

    def _normalise(self, types: bytes, datas: list[Any]) -> None:
        """Rewrite CRASH tracebacks and RESULT error messages in ``datas`` in place."""
        for index, kind in enumerate(types):
            if kind != _CRASH and kind != _RESULT:
                continue
            data = datas[index]
            if type(data) is not dict:
                continue
            if kind == _CRASH:
                data = dict(data)
                for key in ("traceback", "message"):
                    if type(data.get(key)) is str:
                        data[key] = self._paths.traceback(data[key])
            elif type(data.get("message")) is str:
                data = {**data, "message": mask_addresses(data["message"])}
            datas[index] = data

    def close(self) -> None:
        """Write what is buffered, the footer index and the trailer (idempotent).

        Raises the :class:`UnrecordableValue` that stopped a strict recorder.
        """
        try:
            if not self.closed:
                self.flush()
                self._writer.close()
        finally:
            self._rest.wake()
        if self._failure is not None:
            raise self._failure

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
        if error is None:
            self.close()
        else:
            # The error already propagating is the one to report.
            with contextlib.suppress(UnrecordableValue):
                self.close()


install_path_recorder(Recorder)
