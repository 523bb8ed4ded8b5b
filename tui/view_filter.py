"""ViewFilter: which signals the timeline shows, as an engine query.

A person hides signal types (say WAIT and RESULT, to see only the message
traffic) or keeps one process. The filter is expressed in the engine's own
query syntax (``-type:WAIT,RESULT pid:3``, see ``docs/engine.md``), so the
engine does the matching and the status bar can show the query as is.
A type newer than this program is hidden by its number (``-type:TYPE#42``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from chronoflow.inspect import type_name


@dataclass(frozen=True)
class ViewFilter:
    """Hidden signal types (their numbers) and an optional single process."""

    hidden: frozenset[int] = field(default_factory=frozenset)
    pid: int | None = None

    @property
    def active(self) -> bool:
        """True when the filter hides anything."""
        return bool(self.hidden) or self.pid is not None

    def query(self) -> str:
        """The engine query the shown signals match (empty: every signal)."""
        terms = []
        if self.hidden:
            names = ",".join(type_name(kind) for kind in sorted(self.hidden))
            terms.append(f"-type:{names}")
        if self.pid is not None:
            terms.append(f"pid:{self.pid}")
        return " ".join(terms)

    def only(self, pid: int | None) -> ViewFilter:
        """The same filter, keeping only ``pid`` (None: every process)."""
        return replace(self, pid=pid)
