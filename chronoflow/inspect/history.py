"""What each process was called at every seq: its templates and registered names.

The indexer notes, per pid, every seq at which the process's template
changed (its START and TRANSITIONs) and every seq at which its registered
name changed (a REGISTER, an UNREGISTER, or its end, which frees the
name). A label for a row or a causal link at some seq then costs one
``bisect`` (:meth:`ProcessHistory.template_at`,
:meth:`ProcessHistory.name_at`), never a seek: the timeline names the
process of every row it shows.

Threads: the indexer thread appends, any thread reads. Each entry is
appended to its list of names before its seq, so a reader who finds a seq
finds its name too.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from chronoflow.signals import SignalType

#: A journal entry of the fold: ``(pid, seq, name from then on or None)``.
NameChange = tuple[int, int, "str | None"]

_START_BYTE = bytes([SignalType.START])
_TRANSITION_BYTE = bytes([SignalType.TRANSITION])
_RENAMES = frozenset({SignalType.START, SignalType.TRANSITION})


class ProcessHistory:
    """Per pid, the seqs at which its template and its registered name changed."""

    def __init__(self) -> None:
        #: Per pid, the seqs of its START and TRANSITIONs and the templates they name.
        self.templates: dict[int, tuple[array[int], list[str]]] = {}
        #: Per pid, the seqs at which its registered name changed and the name
        #: from then on (None: none).
        self.names: dict[int, tuple[array[int], list[str | None]]] = {}

    def note_templates(
        self, first: int, pids: Sequence[Any], types: Sequence[Any], datas: Sequence[Any]
    ) -> None:
        """Remember the template each START and TRANSITION of a run names, by pid
        and seq (the run's signals begin at seq ``first``).

        Why a search for the two type bytes: they are rare, and ``bytes.find``
        skips the rest of a chunk at C speed.
        """
        if type(types) is bytes:
            places = sorted(_where(types, _START_BYTE) + _where(types, _TRANSITION_BYTE))
        else:
            places = [i for i, kind in enumerate(types) if kind in _RENAMES]
        for i in places:
            data = datas[i]
            name = data.get("template") if type(data) is dict else None
            if type(name) is not str:
                name = "?"
            seqs, names = self.templates.setdefault(pids[i], (array("q"), []))
            names.append(name)
            seqs.append(first + i)

    def note_names(self, journal: list[NameChange]) -> None:
        """Remember the name changes the fold wrote to its journal, and empty it
        (see :class:`~chronoflow.inspect.state.FoldState`)."""
        for pid, seq, name in journal:
            seqs, names = self.names.setdefault(pid, (array("q"), []))
            names.append(name)
            seqs.append(seq)
        journal.clear()

    def template_at(self, pid: int, seq: int) -> str | None:
        """The template ``pid`` runs at ``seq`` (None: it has not started by then,
        or the index has not reached its START)."""
        name: str | None = _at(self.templates.get(pid), seq)
        return name

    def name_at(self, pid: int, seq: int) -> str | None:
        """The name ``pid`` is registered under at ``seq`` (None: none, as far as
        the index has reached)."""
        name: str | None = _at(self.names.get(pid), seq)
        return name

    def name_changes(self, pid: int) -> tuple[tuple[int, str | None], ...]:
        """``(seq, name from then on)`` for each change of ``pid``'s registered
        name indexed so far, in seq order."""
        found = self.names.get(pid)
        if found is None:
            return ()
        seqs, names = found
        return tuple(zip(seqs, names, strict=False))


def _at(found: tuple[array[int], list[Any]] | None, seq: int) -> Any:
    """The value of the last change at or before ``seq`` in ``found``, or None."""
    if found is None:
        return None
    seqs, values = found
    at = bisect_right(seqs, seq) - 1
    return None if at < 0 else values[at]


def _where(types: bytes, mark: bytes) -> list[int]:
    """The positions of the byte ``mark`` in ``types``."""
    found = []
    at = types.find(mark)
    while at != -1:
        found.append(at)
        at = types.find(mark, at + 1)
    return found
