"""What a process does next, in words: the answers of predict mode.

Predict mode (:mod:`tui.predict`) hides the next signal and asks what it
does. Its answers are phrases built here: :func:`action_of` words what a
signal does (``receive #3 {'data': 'hello'}``, ``block: wait for any
message``, ``send 'ping' to Pong[1]``), and :func:`likely_actions` words
what the process could plausibly do next, judged from the world before the
signal alone (the messages in its inbox, how it waits, its last send), so
the wrong answers offered come from the actual world and never depend on
the hidden signal. Both use the same phrases, so the right answer reads
like any other. :func:`explain` says why it was this process and this
action, from the engine's explanations (``Timeline.why``, the causal
links). Everything shown comes from :mod:`chronoflow.inspect`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chronoflow.inspect import (
    ProcessState,
    Signal,
    SignalType,
    Status,
    Timeline,
    Wait,
    WaitMode,
    World,
    excerpt,
    type_name,
)

#: Signals that happen to a process without it running: something else caused them.
HAPPENS_TO = frozenset(
    {SignalType.DELIVER, SignalType.BACKOFF, SignalType.EXIT, SignalType.DOWN, SignalType.KILL}
)
#: Signals that end a process.
ENDINGS = frozenset({SignalType.STOP, SignalType.CRASH, SignalType.KILL})

#: What the process before did when it let another run (an IntEnum key matches its int).
GAVE_WAY = {
    SignalType.WAIT: "blocked",
    SignalType.USE: "waits on a use call",
    SignalType.STOP: "ended",
    SignalType.CRASH: "ended",
    SignalType.KILL: "ended",
}

STOP_TEXT = "stop (its function returns)"
CRASH_TEXT = "crash (raise an exception)"
PLAIN_WAIT_TEXT = "block: wait for any message"
TIMEOUT_TEXT = "time out: the timer of its wait fires"
RESULT_TEXT = "get the result of its use call"


@dataclass(frozen=True, order=True)
class Action:
    """One answer to "what does it do?": ``rank`` orders answers of different
    kinds the same way on every question (the signal type's number)."""

    rank: int
    text: str


def message_text(value: Any) -> str:
    """A message, short enough for one answer line."""
    return excerpt(value, 36, depth=2, items=4, string=16, sort=True)


def _get(data: Any, key: str, default: Any = None) -> Any:
    return data.get(key, default) if isinstance(data, dict) else default


def _label(world: World, pid: Any) -> str:
    return world.label_of(pid) if isinstance(pid, int) else str(excerpt(pid, 20))


def _args(values: Any) -> str:
    if not isinstance(values, list | tuple):
        return message_text(values)
    shown = ", ".join(excerpt(v, 16, depth=1, string=10) for v in values[:3])
    return shown + (", ..." if len(values) > 3 else "")


def _wait_text(world: World, mode: str, wait: dict[str, Any]) -> str:
    """``block: ...`` for a receive, select, filter, join, sleep or call."""
    if wait.get("join") is not None:
        return f"block: join its child {_label(world, wait['join'])}"
    if wait.get("sleep") is not None:
        return f"block: sleep {wait['sleep']:g} s"
    if wait.get("call") is not None:
        text = f"block: wait for the reply of {_label(world, wait['call'])}"
    elif wait.get("match") is None:
        text = PLAIN_WAIT_TEXT
    else:
        kind = ", dropping others" if mode == "filter" else ""
        text = f"block: wait for a message matching {wait['match']}{kind}"
    timeout = wait.get("timeout")
    return text if timeout is None else f"{text}, at most {timeout:g} s"


def _wait_of(world: World, wait: Wait) -> str:
    """The same words for a wait the world holds."""
    if wait.mode is WaitMode.JOIN:
        return _wait_text(world, "join", {"join": wait.child})
    if wait.mode is WaitMode.SLEEP:
        return _wait_text(world, "sleep", {"sleep": wait.timeout})
    fields = {"match": wait.match, "timeout": wait.timeout, "call": wait.call}
    return _wait_text(world, wait.mode.value, fields)


def _receive_text(message_id: Any, message: Any, found: bool) -> str:
    return f"receive #{message_id} {message_text(message)}" if found else f"receive #{message_id}"


def _send_text(world: World, data: Any) -> str:
    message = message_text(_get(data, "msg"))
    to = _get(data, "to")
    return f"send {message} to {_label(world, to)}" if to is not None else f"send {message}"


def _inbox_message(world: World, pid: int, message_id: Any) -> tuple[bool, Any]:
    if pid in world:
        for entry in world.process(pid).inbox:
            if entry.id == message_id:
                return True, entry.message
    return False, None


def action_of(world: World, signal: Signal) -> Action:
    """What ``signal`` does, in words, named as ``world`` (the world before it) names things."""
    # Why an int: a type newer than this program comes as a plain int.
    data, kind = signal.data, int(signal.type)
    text: str
    if kind == SignalType.START:
        text = f"start as {_get(data, 'template', '?')}({_args(_get(data, 'args', ()))})"
    elif kind == SignalType.SPAWN:
        text = f"spawn a child {_get(data, 'template', '?')}"
    elif kind == SignalType.JOIN:
        text = f"collect the result of its child {_label(world, _get(data, 'child'))}"
    elif kind == SignalType.TRANSITION:
        text = f"turn into {_get(data, 'template', '?')} (a transition)"
    elif kind == SignalType.USE:
        text = f"call use {_get(data, 'fn', '?')} and wait for it"
    elif kind == SignalType.SEND:
        text = _send_text(world, data)
    elif kind == SignalType.STOP:
        text = STOP_TEXT
    elif kind == SignalType.BACKOFF:
        text = f"refuse message #{_get(data, 'id')}: its inbox is full"
    elif kind == SignalType.DROP:
        text = f"drop message #{_get(data, 'id')}"
    elif kind == SignalType.DELIVER:
        text = f"get {message_text(_get(data, 'msg'))} pushed in from outside"
    elif kind == SignalType.RECEIVE:
        found, message = _inbox_message(world, signal.pid, data)
        text = _receive_text(data, message, found)
    elif kind == SignalType.WAIT:
        fields = data if isinstance(data, dict) else {}
        text = _wait_text(world, str(fields.get("mode", "receive")), fields)
    elif kind == SignalType.RESULT:
        text = RESULT_TEXT
    elif kind == SignalType.CRASH:
        text = CRASH_TEXT
    elif kind == SignalType.KILL:
        text = "get killed (ended from outside)"
    elif kind in (SignalType.LINK, SignalType.UNLINK):
        verb = "link with" if kind == SignalType.LINK else "unlink from"
        text = f"{verb} {_label(world, _get(data, 'with'))}"
    elif kind == SignalType.MONITOR:
        text = f"monitor {_label(world, _get(data, 'target'))}"
    elif kind == SignalType.DEMONITOR:
        text = "stop monitoring (demonitor)"
    elif kind == SignalType.EXIT:
        text = f"get an exit signal from {_label(world, _get(data, 'from'))}"
    elif kind == SignalType.DOWN:
        text = f"get a down message: {_label(world, _get(data, 'target'))} ended"
    elif kind == SignalType.TRAP:
        text = "trap exits" if _get(data, "trap") else "stop trapping exits"
    elif kind == SignalType.TIMEOUT:
        text = TIMEOUT_TEXT
    elif kind == SignalType.NOW:
        text = "read the clock (now)"
    elif kind == SignalType.RESTART:
        text = "restart a child (it is a supervisor)"
    elif kind == SignalType.RETRY:
        text = "retry its failed use call"
    elif kind == SignalType.STUCK:
        text = "run too long without yielding (stuck)"
    elif kind in (SignalType.REGISTER, SignalType.UNREGISTER):
        verb = "take the name" if kind == SignalType.REGISTER else "give up the name"
        text = f"{verb} {excerpt(_get(data, 'name'), 20)}"
    else:
        text = f"a {type_name(kind)} signal"
    return Action(int(kind), text)


def _last_send(timeline: Timeline, pid: int, at: int) -> Signal | None:
    if at < 0:
        return None
    seq = timeline.find(f"type:SEND pid:{pid}", at, backward=True)
    return None if seq is None else timeline.signal(seq)


def likely_actions(timeline: Timeline, world: World, pid: int) -> list[Action]:
    """What process ``pid`` could plausibly do next, judged from ``world`` alone,
    most plausible first (the hidden signal is not looked at)."""
    if pid not in world:  # about to start: as one of the templates running now?
        seen: dict[str, Action] = {}
        for other in world:
            text = f"start as {other.template}({_args(other.args)})"
            seen.setdefault(text, Action(int(SignalType.START), text))
        return list(seen.values())
    process: ProcessState = world.process(pid)
    actions = [
        Action(int(SignalType.RECEIVE), _receive_text(entry.id, entry.message, True))
        for entry in process.inbox[:3]
    ]
    status = process.status
    if status in (Status.RUNNING, Status.READY):
        wait = _wait_of(world, process.wait) if process.wait is not None else PLAIN_WAIT_TEXT
        actions.append(Action(int(SignalType.WAIT), wait))
        sent = _last_send(timeline, pid, world.seq)
        if sent is not None:
            actions.append(Action(int(SignalType.SEND), _send_text(world, sent.data)))
        actions.append(Action(int(SignalType.STOP), STOP_TEXT))
    elif status is Status.USING:
        actions.append(Action(int(SignalType.RESULT), RESULT_TEXT))
    elif status is Status.JOINING and process.wait is not None:
        child = _label(world, process.wait.child)
        actions.append(Action(int(SignalType.JOIN), f"collect the result of its child {child}"))
    if process.wait is not None and process.wait.timeout is not None:
        actions.append(Action(int(SignalType.TIMEOUT), TIMEOUT_TEXT))
    for text, kind in (
        (STOP_TEXT, SignalType.STOP),
        (CRASH_TEXT, SignalType.CRASH),
        (PLAIN_WAIT_TEXT, SignalType.WAIT),
    ):
        actions.append(Action(int(kind), text))
    return actions


def _why(timeline: Timeline, world: World, pid: int, seq: int) -> str | None:
    """The engine's sentence on ``pid`` at ``seq`` (None before it exists)."""
    if pid not in world:
        return None
    return timeline.why(pid, seq).sentence


def _overflow(signal: Signal) -> bool:
    """A DROP to make room in a full inbox: it happens to the process."""
    return signal.type == SignalType.DROP and _get(signal.data, "reason") == "inbox full"


def _who(timeline: Timeline, before: World, signal: Signal, previous: Signal | None) -> str:
    """Why it was this process that acted."""
    pid, actor = signal.pid, before.label_of(signal.pid)
    if signal.type == SignalType.START:
        parent = _get(signal.data, "parent")
        if isinstance(parent, int):
            return (
                f"{before.label_of(parent)} spawned it: a new child's START follows its "
                "parent's SPAWN at once."
            )
        return "The program created it: a process's START comes before anything it does."
    if signal.type in HAPPENS_TO or _overflow(signal):
        causes = [link.label for link in timeline.links(signal.seq)][:1]
        cause = f" ({causes[0]})" if causes else ""
        if signal.type == SignalType.DELIVER:
            return f"This happens to {actor} without it running: a message pushed in from outside."
        return f"This happens to {actor} without it running{cause}."
    if previous is not None and previous.pid == pid:
        return f"{actor} acted last too: a running process goes on until it blocks or ends."
    reason = _why(timeline, before, pid, before.seq)
    if previous is None:
        lead = "It is the first process to run"
    else:
        did = GAVE_WAY.get(previous.type)
        prev = before.label_of(previous.pid)
        lead = (
            f"{prev} {did} at seq {previous.seq}, so the scheduler runs the next process "
            "in its queue (first in, first out)"
            if did
            else f"The scheduler runs its processes in turn, first in, first out: after {prev}"
        )
    return f"{lead}, {actor}, which {reason}." if reason else f"{lead}, {actor}."


def _what(timeline: Timeline, before: World, after: World, signal: Signal) -> str | None:
    """Why it did this, or what it did to the world."""
    pid, actor = signal.pid, after.label_of(signal.pid)
    if signal.type == SignalType.RECEIVE and pid in before:
        process = before.process(pid)
        ids = [entry.id for entry in process.inbox]
        place = ids.index(signal.data) if signal.data in ids else None
        wait = process.wait
        if wait is None or wait.mode is WaitMode.RECEIVE:
            if place == 0:
                return "A plain receive takes the oldest message in the inbox first (FIFO)."
            return None
        if place:
            older = "message" if place == 1 else "messages"
            return (
                f"Its {wait.mode.value} takes the first message matching {wait.match}; "
                f"the {place} older {older} before it did not match and stay."
            )
        return f"Its {wait.mode.value} takes the first message matching {wait.match}."
    if signal.type == SignalType.SEND:
        into = [after.label_of(p) for p in _get(signal.data, "into", ()) if isinstance(p, int)]
        matched = [
            after.label_of(p) for p in _get(signal.data, "matched", ()) if isinstance(p, int)
        ]
        where = (
            f"It goes into the inbox of {', '.join(into)}."
            if into
            else "It reaches no inbox: it stays in the outbox."
        )
        if matched:
            where += f" It is what {', '.join(matched)} waits for: now ready."
        return where
    if signal.type == SignalType.BACKOFF:
        return f"{actor}'s inbox is full, so the message is refused: it never enters it."
    if _overflow(signal):
        return f"{actor}'s inbox is full, so a message is dropped to make room."
    sentence = _why(timeline, after, pid, signal.seq)
    if sentence is None:
        return None
    if signal.type == SignalType.TIMEOUT:
        return f"The timer of its wait fired; now {actor} {sentence}."
    if signal.type == SignalType.WAIT:
        return f"Nothing lets it go on now, so it blocks: it {sentence}."
    return f"Now {actor} {sentence}."


def explain(
    timeline: Timeline, before: World, signal: Signal, previous: Signal | None
) -> list[str]:
    """A few sentences on the signal that was hidden: what it is, why this
    process acted, and why it did this."""
    after = timeline.state_at(signal.seq)
    lines = [f"seq {signal.seq}: {after.label_of(signal.pid)} {timeline.describe(signal)}"]
    lines.append(_who(timeline, before, signal, previous))
    what = _what(timeline, before, after, signal)
    if what:
        lines.append(what)
    return lines
