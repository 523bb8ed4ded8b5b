"""Where a recording's chunks are: the footer's index, and what a scan adds to it.

A reader seeks through this index (the last chunk starting at or before a
seq), resumes after damage at the next chunk it knows, and, while it reads
a file without a footer, adds each chunk it meets. Entries from the footer
are not taken on faith: each is checked against the chunk it names the
first time that chunk is read (its first seq and count), and one that does
not match makes the reader drop every footer entry and read by a scan.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable

from chronoflow.recording.records import ChunkEntry


class ChunkIndex:
    """The chunks a reader knows of, by first seq and by offset (thread-safe)."""

    def __init__(self, entries: Iterable[ChunkEntry] = ()) -> None:
        self._lock = threading.Lock()
        self._entries: list[ChunkEntry] = []
        self._seqs: list[int] = []
        self._at: dict[int, ChunkEntry] = {}
        #: Offsets of entries not yet checked against their chunk (from a footer).
        self._unchecked: set[int] = set()
        self.replace(entries)

    def replace(self, entries: Iterable[ChunkEntry]) -> None:
        """Take ``entries`` (a footer's, in order) as the whole index, unchecked."""
        with self._lock:
            self._entries = list(entries)
            self._seqs = [entry.first_seq for entry in self._entries]
            self._at = {entry.offset: entry for entry in self._entries}
            self._unchecked = set(self._at)

    def __len__(self) -> int:
        return len(self._entries)

    def seek_point(self, start: int) -> ChunkEntry | None:
        """The last chunk starting at or before seq ``start``, if one is known."""
        with self._lock:
            at = bisect.bisect_right(self._seqs, start) - 1
            return self._entries[at] if at >= 0 else None

    def after(self, offset: int) -> ChunkEntry | None:
        """The first known chunk that starts after byte ``offset`` (to resume at)."""
        with self._lock:
            for entry in self._entries:  # why a walk: called only after damage
                if entry.offset > offset:
                    return entry
        return None

    def check(self, offset: int, first: int, count: int) -> bool:
        """Whether the chunk read at ``offset`` (``first``, ``count``) agrees with
        what the index says of it; a chunk the index does not name is added."""
        with self._lock:
            entry = self._at.get(offset)
            if entry is None:
                self._insert(ChunkEntry(first, offset, count))
                return True
            self._unchecked.discard(offset)
            if entry.first_seq == first and entry.count == count:
                return True
            # The chunk read here is a fact: it replaces the entry that lied about it.
            at = self._entries.index(entry)
            del self._entries[at], self._seqs[at], self._at[offset]
            self._insert(ChunkEntry(first, offset, count))
            return False

    def visited(self, offset: int) -> None:
        """A scan met a damaged frame at ``offset``: an entry naming it did not lie."""
        with self._lock:
            self._unchecked.discard(offset)

    def unchecked(self) -> int:
        """How many footer entries no read has met yet (after a whole scan:
        entries naming a place where no frame is)."""
        with self._lock:
            return len(self._unchecked)

    def _insert(self, entry: ChunkEntry) -> None:
        at = bisect.bisect_right(self._seqs, entry.first_seq)
        self._entries.insert(at, entry)
        self._seqs.insert(at, entry.first_seq)
        self._at[entry.offset] = entry

    def drop_unchecked(self) -> None:
        """Forget every entry not yet checked against its chunk (the footer lied)."""
        with self._lock:
            kept = [entry for entry in self._entries if entry.offset not in self._unchecked]
            self._unchecked = set()
        self.replace(kept)
        with self._lock:
            self._unchecked = set()
