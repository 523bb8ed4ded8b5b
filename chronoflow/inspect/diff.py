"""Differences between two worlds: which processes, statuses and inbox entries changed.

Records are compared first (cheap: a record a step did not touch is the very
same record in both worlds, see :meth:`FoldState.fork
<chronoflow.inspect.state.FoldState.fork>`), so only processes that differ are
turned into :class:`~chronoflow.inspect.model.ProcessState` values.
"""

from __future__ import annotations

from dataclasses import fields

from chronoflow.inspect.fold import state_of
from chronoflow.inspect.model import InboxEntry, ProcessChange, ProcessState, WorldDiff
from chronoflow.inspect.world import World

#: ProcessState fields compared one by one (the inbox is compared by entry).
_FIELDS = tuple(f.name for f in fields(ProcessState) if f.name not in ("pid", "inbox"))


def diff_worlds(before: World, after: World) -> WorldDiff:
    """What differs from ``before`` to ``after`` (in either seq order)."""
    old, new = state_of(before).procs, state_of(after).procs
    changes = []
    for pid in sorted(old.keys() | new.keys()):
        a, b = old.get(pid), new.get(pid)
        if a is b or (
            a is not None and b is not None and a == b and list(a.inbox) == list(b.inbox)
        ):
            continue
        changes.append(
            _change(
                pid,
                None if a is None else before.process(pid),
                None if b is None else after.process(pid),
            )
        )
    return WorldDiff(before.seq, after.seq, tuple(changes))


def _change(pid: int, a: ProcessState | None, b: ProcessState | None) -> ProcessChange:
    old_inbox: tuple[InboxEntry, ...] = () if a is None else a.inbox
    new_inbox: tuple[InboxEntry, ...] = () if b is None else b.inbox
    old_ids = {entry.id for entry in old_inbox}
    new_ids = {entry.id for entry in new_inbox}
    if a is None or b is None:
        changed: tuple[str, ...] = ()
    else:
        changed = tuple(name for name in _FIELDS if getattr(a, name) != getattr(b, name))
    return ProcessChange(
        pid=pid,
        before=a,
        after=b,
        added=tuple(entry for entry in new_inbox if entry.id not in old_ids),
        removed=tuple(entry for entry in old_inbox if entry.id not in new_ids),
        fields=changed,
    )
