"""Recordings: the ``.cfl`` file format, the recorder that writes it, and the reader.

This package is the only code in Chronoflow that touches recording bytes;
the runtime hands signals to observers and the :class:`Recorder` is one of
them. ``docs/format.md`` specifies the format.

    from chronoflow.recording import open_recording, ReadMode

    with open_recording("recordings/echo.cfl") as reader:
        for signal in reader.signals():
            ...
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from chronoflow.recording.damage import ReadMode
from chronoflow.recording.errors import (
    NotARecording,
    RecordingCorrupt,
    RecordingError,
    RecordingWarning,
    UnrecordableValue,
    UnsupportedVersion,
)
from chronoflow.recording.format import FORMAT_VERSION, MAGIC
from chronoflow.recording.reader import ChunkView, RecordingReader, open_recording
from chronoflow.recording.values import Opaque

if TYPE_CHECKING:
    from chronoflow.recording.recorder import Recorder
    from chronoflow.recording.scheduler import SimpleScheduler
    from chronoflow.recording.writer import RecordingWriter

#: The writing side, imported on first use: a program that only reads
#: recordings does not load the runtime and the recorder.
_LAZY = {
    "Recorder": "chronoflow.recording.recorder",
    "SimpleScheduler": "chronoflow.recording.scheduler",
    "RecordingWriter": "chronoflow.recording.writer",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'chronoflow.recording' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "ChunkView",
    "NotARecording",
    "Opaque",
    "ReadMode",
    "Recorder",
    "RecordingCorrupt",
    "RecordingError",
    "RecordingReader",
    "RecordingWarning",
    "RecordingWriter",
    "SimpleScheduler",
    "UnrecordableValue",
    "UnsupportedVersion",
    "open_recording",
]
