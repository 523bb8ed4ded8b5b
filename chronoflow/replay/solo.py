"""One process brought to a seq alone, from its last TRANSITION.

A TRANSITION rolls a process's state up into the arguments of its next
template, which is why only the last TRANSITION and what follows it are
needed to recover the process (the original's reason for transitions).
Here that is used for live frames: instead of re-running the whole
workflow from the beginning, the one process is started in the template
and with the arguments its last TRANSITION names, with the inbox it had at
that moment (from the engine's world), and is then fed exactly what the
recording says reached it — messages from other processes, pushes, exit
signals, monitors' DOWNs, ``use`` results and timer firings — each at the
point it arrived, while every signal it produces is checked against its
recorded one (the runtime's :class:`~chronoflow.runtime.replay.ProcessReplay`).
It drives the kernel through its public input API only (``deliver``,
``exit_arrives``, ``down_arrives``, ``kill``, ``fire_timer``, ``complete_use``).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from chronoflow.runtime import Kernel, Process
from chronoflow.runtime.replay import ProcessReplay
from chronoflow.signals import Signal, SignalType

if TYPE_CHECKING:
    from chronoflow.replay.live import LiveFrames, LiveSession, Worlds

_S = SignalType

#: Signals of the process itself that need the rest of the workflow: a replay
#: alone cannot reproduce them.
_NEEDS_OTHERS = {_S.SPAWN, _S.BACKOFF, _S.JOIN}

#: Signals that make registered names: a process alone has no registry to
#: read them back from (``whereis``, ``send_to(name)``, ``call(name)``), so
#: a recording holding any of them is re-run whole.
_NAMES = {_S.REGISTER, _S.UNREGISTER}


def _plan(
    recorded: list[Signal], pid: int, seq: int
) -> tuple[int, list[Signal], deque[tuple[int, Any]]] | None:
    """(TRANSITION seq, the process's signals from it on, messages reaching it)."""
    if any(signal.type in _NAMES for signal in recorded[: seq + 1]):
        return None
    start = None
    for index in range(min(seq, len(recorded) - 1), -1, -1):
        signal = recorded[index]
        if signal.pid == pid and signal.type == _S.TRANSITION:
            start = index
            break
        if signal.pid == pid and signal.type == _S.START:
            return None  # no TRANSITION since it started
    if start is None:
        return None
    own: list[Signal] = []
    arriving: deque[tuple[int, Any]] = deque()
    for signal in recorded[start:]:
        if signal.pid == pid:
            if signal.seq <= seq and (
                signal.type in _NEEDS_OTHERS
                or (
                    signal.type == _S.DROP
                    and isinstance(signal.data, dict)
                    and "reason" in signal.data
                )
            ):
                return None
            own.append(signal)
        elif (
            signal.seq <= seq
            and signal.type in (_S.SEND, _S.DELIVER)
            and isinstance(signal.data, dict)
            and pid in (signal.data.get("into") or ())
        ):
            arriving.append((signal.seq, signal.data.get("msg")))
    return start, own, arriving


def run_alone(session: LiveSession, timeline: Worlds, pid: int, seq: int) -> LiveFrames | None:
    """Bring ``pid`` to ``seq`` alone (see the module docstring); None if it cannot."""
    from chronoflow.replay.live import LiveFrames, frame_of

    runner = session.runner
    plan = _plan(runner.recorded, pid, seq)
    if plan is None:
        return None
    start, own, arriving = plan
    transition = runner.recorded[start]
    templates = {t.name: t for t in runner.templates}
    target = templates.get(transition.data.get("template"))
    if target is None:
        return None
    kernel = Kernel(first_pid=pid, inbox_limit=None)
    proc = kernel.create(target)
    at_transition = timeline.state_at(start).process(pid)
    inbox = [(entry.id, entry.message) for entry in at_transition.inbox]
    kernel.restore(proc, inbox, at_transition.trap_exit)
    replay = ProcessReplay(
        proc, read=lambda asked: own if asked == pid else [], templates=templates.values()
    )
    replay.attach(kernel)
    replay.stop_at = seq
    kernel.start(proc)
    stream = replay.stream(pid)
    last = start
    for _ in range(4 * len(own) + 4):
        upcoming = stream.peek()
        if upcoming is None or upcoming.seq > seq or not proc.alive or replay.paused:
            break
        while arriving and arriving[0][0] < upcoming.seq:
            mid, message = arriving.popleft()
            kernel.deliver(mid, message, proc)
        checked = replay.checked
        _feed(kernel, proc, upcoming)
        if replay.checked == checked:
            break  # nothing it could do matched: leave it where it is
        last = upcoming.seq
    if proc.alive:
        # Messages that arrived by ``seq`` but that it has not reached for yet.
        for mid, message in arriving:
            kernel.deliver(mid, message, proc)
    session.started_from = origin = f"from the TRANSITION at seq {start}"
    frame = frame_of(proc) if proc.alive else None
    frames = {} if frame is None else {pid: frame}
    return LiveFrames(seq=seq, reached=max(last, seq), frames=frames, origin=origin)


def _feed(kernel: Kernel, proc: Process, upcoming: Signal) -> None:
    """Make the recorded input ``upcoming`` happen, or let the process run to it.

    An input (a push, an exit signal, a DOWN, a kill, a timer, a ``use``
    result) is applied without running the process: at that seq it has not
    run yet, as in the recording.
    """
    data = upcoming.data if isinstance(upcoming.data, dict) else {}
    kind = upcoming.type
    if kind == _S.DELIVER:
        kernel.deliver_external(proc, data.get("msg"))
    elif kind == _S.EXIT:
        kernel.exit_arrives(proc, data.get("from", -1), data.get("reason"))
    elif kind == _S.DOWN:
        kernel.down_arrives(proc, data.get("ref", -1), data.get("target", -1), data.get("reason"))
    elif kind == _S.KILL:
        kernel.kill(proc, data.get("reason"), data.get("from"))
    elif kind == _S.TIMEOUT and (wait := kernel.armed_timer(proc)) is not None:
        kernel.fire_timer(proc, wait)
    elif kind == _S.RESULT and (pending := kernel.recorded_uses()):
        kernel.complete_use(pending[0])
    else:
        kernel.run_ready()


__all__ = ["run_alone"]
