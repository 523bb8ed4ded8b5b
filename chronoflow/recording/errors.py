"""Errors of the recording layer: every failure names the file, the offset and the reason.

Reading a recording never lets a raw ``msgpack``, ``struct`` or ``zlib``
exception escape: each failure is a :class:`RecordingError` (a
:class:`~chronoflow.errors.ChronoflowError`), so the CLI prints it as one
line. Values a recorder cannot store exactly raise
:class:`UnrecordableValue` when the recorder was asked to be strict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chronoflow.errors import ChronoflowError


class RecordingError(ChronoflowError):
    """A recording file could not be read: ``path``, byte ``offset`` and ``reason``."""

    def __init__(self, path: str | Path, offset: int, reason: str) -> None:
        self.path = Path(path)
        self.offset = offset
        self.reason = reason
        super().__init__(f"{self.path}: at byte {offset:,}: {reason}")

    def __reduce__(self) -> tuple[type[RecordingError], tuple[Path, int, str]]:
        return (type(self), (self.path, self.offset, self.reason))


class NotARecording(RecordingError):
    """The file does not start with the Chronoflow recording signature."""


class UnsupportedVersion(RecordingError):
    """The recording needs a newer reader (another major version, or a critical record kind)."""


class RecordingCorrupt(RecordingError):
    """A record is damaged, torn or does not decode within the reader's limits."""


class UnrecordableValue(ChronoflowError):
    """A signal carried a value a strict recorder cannot store exactly."""

    def __init__(self, type_name: str, where: str) -> None:
        self.type_name = type_name
        self.where = where
        super().__init__(
            f"{where}: a value of type {type_name} cannot be recorded exactly "
            "(recordings store None, bool, int, float, str, bytes, list, tuple and dict); "
            "send plain data, or record without strict values to store it as Opaque"
        )


@dataclass(frozen=True)
class RecordingWarning:
    """Damage a tolerant or salvaging reader stepped over.

    ``offset`` is where the damage starts, ``dropped_bytes`` how many bytes
    were not used from there, ``reason`` what was wrong.
    """

    offset: int
    dropped_bytes: int
    reason: str
    path: Path | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        return (
            f"{where}at byte {self.offset:,}: {self.reason}; {self.dropped_bytes:,} bytes dropped"
        )
