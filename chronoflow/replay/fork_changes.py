"""The changes a fork makes to a recorded world: what ``chronoflow fork`` can alter.

A fork re-executes a recording up to a seq and changes one thing there
(see :mod:`chronoflow.replay.fork`). The change is one of:

- :class:`DropMessage`: a message waiting in an inbox is dropped (a DROP
  signal with ``"reason": "fork"`` in every inbox that holds it);
- :class:`ReplaceMessage`: a waiting message gets another value;
- :class:`ReorderInbox`: one process's waiting messages in another order;
- :class:`UseResult` / :class:`UseError`: a ``use`` call whose result has
  not arrived yet gets another value, or fails.

A message is named by its id, the seq of the SEND or DELIVER that created
it (``#12`` in the debugger); a ``use`` by the seq of its USE (``@5``).

Why replaced and reordered messages get new ids: an inbox only grows at
its end, and every message's identity is the seq of the signal that put
it there. So the messages from the first one that changes to the end of
the inbox are dropped (DROP, ``"reason": "fork"``) and delivered again in
the new order and with the new value (DELIVER signals, new seqs, new
ids), and the recording folds to exactly the inbox the fork runs with.
A process's children each hold their own copy of what it received; a
re-delivery into a process with live children that inherit its messages
would reach them too, so it is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chronoflow.errors import ReplayError
from chronoflow.signals import SignalType

if TYPE_CHECKING:
    from chronoflow.runtime import Kernel, Process


class ForkError(ReplayError):
    """A fork cannot be made as asked (an unknown message, a seq out of range...)."""


@dataclass(frozen=True)
class DropMessage:
    """Drop message ``id`` from every inbox it waits in."""

    id: int

    @property
    def text(self) -> str:
        return f"drop message #{self.id}"


@dataclass(frozen=True)
class ReplaceMessage:
    """Give message ``id`` the value ``value`` in every inbox it waits in."""

    id: int
    value: Any

    @property
    def text(self) -> str:
        return f"replace message #{self.id} with {json.dumps(self.value)}"


@dataclass(frozen=True)
class ReorderInbox:
    """Put ``ids`` first in ``pid``'s inbox, in this order; the others follow."""

    pid: int
    ids: tuple[int, ...]

    @property
    def text(self) -> str:
        order = ", ".join(f"#{i}" for i in self.ids)
        return f"reorder the inbox of process {self.pid}: {order} first"


@dataclass(frozen=True)
class UseResult:
    """The ``use`` whose USE is at seq ``use`` returns ``value``."""

    use: int
    value: Any

    @property
    def text(self) -> str:
        return f"use @{self.use} returns {json.dumps(self.value)}"


@dataclass(frozen=True)
class UseError:
    """The ``use`` whose USE is at seq ``use`` fails with ``error: message``."""

    use: int
    error: str
    message: str

    @property
    def text(self) -> str:
        return f"use @{self.use} fails with {self.error}: {self.message}"


Change = DropMessage | ReplaceMessage | ReorderInbox | UseResult | UseError
InboxChange = DropMessage | ReplaceMessage | ReorderInbox
UseChange = UseResult | UseError

_KINDS: dict[str, type[Change]] = {
    "drop": DropMessage,
    "replace": ReplaceMessage,
    "reorder": ReorderInbox,
    "use-result": UseResult,
    "use-error": UseError,
}


def as_metadata(change: Change) -> dict[str, Any]:
    """The change as plain data for the fork's metadata (``kind`` plus its fields)."""
    kind = next(name for name, cls in _KINDS.items() if isinstance(change, cls))
    data: dict[str, Any] = {"kind": kind, **vars(change)}
    if isinstance(change, ReorderInbox):
        data["ids"] = list(change.ids)
    return data


def from_metadata(data: Mapping[str, Any]) -> Change:
    """The change a fork's metadata names (see :func:`as_metadata`)."""
    cls = _KINDS.get(str(data.get("kind")))
    if cls is None:
        raise ForkError(f"unknown fork change {data.get('kind')!r}")
    fields = {k: v for k, v in data.items() if k != "kind"}
    if cls is ReorderInbox:
        fields["ids"] = tuple(fields.get("ids") or ())
    try:
        return cls(**fields)
    except TypeError as error:
        raise ForkError(
            f"a fork change of kind {data.get('kind')!r} is malformed: {error}"
        ) from None


# -- parsing what a person typed ------------------------------------------------------------


def _int(text: str, what: str) -> int:
    try:
        return int(text.strip().lstrip("#@"))
    except ValueError:
        raise ForkError(f"{what} must be a number, got {text!r}") from None


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ForkError(f"{what} is not JSON ({error.msg}): {text!r}") from None


def _pair(text: str, option: str, form: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep:
        raise ForkError(f"{option} takes {form}, got {text!r}")
    return key, value


def parse_drop(text: str) -> DropMessage:
    """``--drop ID``."""
    return DropMessage(_int(text, "--drop's message id"))


def parse_replace(text: str) -> ReplaceMessage:
    """``--replace ID=JSON``."""
    key, value = _pair(text, "--replace", "ID=JSON")
    return ReplaceMessage(_int(key, "--replace's message id"), _json(value, "--replace's value"))


def parse_reorder(text: str) -> ReorderInbox:
    """``--reorder PID=ID,ID,...``."""
    key, value = _pair(text, "--reorder", "PID=ID,ID,...")
    ids = tuple(_int(part, "--reorder's message id") for part in value.split(",") if part.strip())
    if len(ids) < 1 or len(set(ids)) != len(ids):
        raise ForkError(f"--reorder needs distinct message ids after '=', got {value!r}")
    return ReorderInbox(_int(key, "--reorder's pid"), ids)


def parse_use_result(text: str) -> UseResult:
    """``--use-result SEQ=JSON``."""
    key, value = _pair(text, "--use-result", "SEQ=JSON")
    return UseResult(_int(key, "--use-result's seq"), _json(value, "--use-result's value"))


def parse_use_error(text: str) -> UseError:
    """``--use-error SEQ=TYPE:MESSAGE``."""
    key, value = _pair(text, "--use-error", "SEQ=TYPE:MESSAGE")
    error, _, message = value.partition(":")
    if not error.strip().isidentifier():
        raise ForkError(f"--use-error needs an exception type name before ':', got {value!r}")
    return UseError(_int(key, "--use-error's seq"), error.strip(), message.strip())


# -- applying an inbox change to a paused kernel --------------------------------------------


def _holders(kernel: Kernel, mid: int) -> list[Process]:
    return [
        proc
        for _, proc in sorted(kernel.processes.items())
        if proc.alive and any(m == mid for m, _ in proc.inbox)
    ]


def _not_waiting(mid: int, seq: int, at: int) -> ForkError:
    step = f" (the step running at seq {at} finished first: a step is atomic)" if at < seq else ""
    return ForkError(
        f"message #{mid} is not waiting in any inbox at seq {seq}, where the fork "
        f"begins{step}; a message's id is the seq of its SEND or DELIVER, and "
        f"'chronoflow state RECORDING --at {seq}' lists the inboxes there"
    )


def apply_inbox_change(
    kernel: Kernel, change: InboxChange, seq: int, at: int | None = None
) -> list[str]:
    """Make ``change`` on ``kernel``, paused after ``seq``; what it did, as phrases.

    ``at``: the seq the fork was asked for, when the running step went on past it.
    """
    at = seq if at is None else at
    if isinstance(change, ReorderInbox):
        proc = kernel.processes.get(change.pid)
        if proc is None or not proc.alive:
            raise ForkError(f"process {change.pid} is not alive at seq {seq}")
        waiting = [m for m, _ in proc.inbox]
        for mid in change.ids:
            if mid not in waiting:
                raise ForkError(
                    f"message #{mid} is not in the inbox of process {change.pid} at seq "
                    f"{seq} (it holds: {', '.join(f'#{m}' for m in waiting) or 'nothing'})"
                )
        rest = [m for m in waiting if m not in change.ids]
        return _redeliver(kernel, proc, [*change.ids, *rest], {})
    holders = _holders(kernel, change.id)
    if not holders:
        raise _not_waiting(change.id, seq, at)
    done: list[str] = []
    for proc in holders:
        if proc.matched_id == change.id:
            raise ForkError(
                f"{proc.template.name}[{proc.pid}]'s receive has already matched message "
                f"#{change.id} (it takes it when it runs); fork at an earlier seq"
            )
        if isinstance(change, DropMessage):
            index = next(i for i, (m, _) in enumerate(proc.inbox) if m == change.id)
            _, message = proc.inbox[index]
            del proc.inbox[index]
            data = {"id": change.id, "msg": message, "reason": "fork"}
            kernel.emit(proc, SignalType.DROP, data)
            done.append(f"dropped #{change.id} from {proc.template.name}[{proc.pid}]")
        else:
            order = [m for m, _ in proc.inbox]
            done += _redeliver(kernel, proc, order, {change.id: change.value})
    return done


def _redeliver(
    kernel: Kernel, proc: Process, order: Sequence[int], values: Mapping[int, Any]
) -> list[str]:
    """Give ``proc``'s inbox the order ``order`` (message ids) with the values in
    ``values`` changed: drop from the first message that changes, deliver again."""
    current = list(proc.inbox)
    first = next(
        (i for i, (mid, _) in enumerate(current) if order[i] != mid or mid in values),
        None,
    )
    if first is None:
        return [f"the inbox of {proc.template.name}[{proc.pid}] is already in that order"]
    if any(child.alive and child.inherits for child in proc.children):
        raise ForkError(
            f"{proc.template.name}[{proc.pid}] has live children that get a copy of every "
            "message it receives: a message delivered to it again would reach them too; "
            "fork at a seq before it spawned them, or change a child's inbox"
        )
    matched = proc.matched_id
    if matched is not None and matched in values:
        raise ForkError(
            f"{proc.template.name}[{proc.pid}]'s receive has already matched message "
            f"#{matched} (it takes it when it runs); fork at an earlier seq"
        )
    # Why the matched message stays: the receive takes it by id when it runs,
    # wherever it is in the inbox.
    messages = dict(current)
    moved = [mid for mid in order[first:] if mid != matched]
    proc.inbox.clear()
    proc.inbox.extend(
        entry for index, entry in enumerate(current) if index < first or entry[0] == matched
    )
    for mid, message in current[first:]:
        if mid != matched:
            kernel.emit(proc, SignalType.DROP, {"id": mid, "msg": message, "reason": "fork"})
    renamed: list[str] = []
    for mid in moved:
        new = kernel.seq
        kernel.deliver_external(proc, values.get(mid, messages[mid]))
        renamed.append(f"#{mid} is now #{new}")
    what = "replaced" if values else "reordered"
    return [f"{what} the inbox of {proc.template.name}[{proc.pid}]: {', '.join(renamed)}"]
