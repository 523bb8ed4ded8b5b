"""Exports: a recording (or a range of it) as JSON lines, Mermaid or a Chrome trace.

- **jsonl**: one signal per line, ``{"seq", "pid", "type", "data", "ts"}``;
  what JSON lacks is tagged (``{"$tuple": [...]}``, ``{"$bytes": hex}``,
  ``{"$map": [[k, v], ...]}`` for non-string keys, ``{"$opaque": type,
  "repr": text}``, ``{"$float": "nan"}``).
- **mermaid**: a sequence diagram for slides and notes: a participant per
  process, labelled ``Template[pid]``; an arrow per delivered message with a
  short, escaped summary; spawns, crashes, exits and kills as notes.
- **chrome-trace**: the Trace Event Format that Perfetto and
  chrome://tracing open: a track per process, a span per stretch of
  running, waiting, using, joining or sleeping, and a flow arrow from each
  SEND to the RECEIVE that took the message.

The range ``start .. stop`` (inclusive) and the ``pids`` filter choose what
is shown; the world before ``start`` is still folded, so names and statuses
are right from the first signal shown.
"""

from __future__ import annotations

import json
import math
import reprlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronoflow.inspect.fold import apply_in_place
from chronoflow.inspect.state import STATUSES, TEMPLATE, FoldState, status_code
from chronoflow.recording import Opaque, open_recording
from chronoflow.recording.values import from_raw
from chronoflow.signals import Signal, SignalType

FORMATS = ("mermaid", "jsonl", "chrome-trace")

_S = SignalType
_SHORT = reprlib.Repr()
_SHORT.maxstring = 30
_SHORT.maxother = 30
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = 4
_SHORT.maxlevel = 2


def plain(value: Any) -> Any:
    """``value`` as JSON data; what JSON lacks is tagged (see the module docstring)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, tuple):
        return {"$tuple": [plain(item) for item in value]}
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: plain(item) for key, item in value.items()}
        return {"$map": [[plain(key), plain(item)] for key, item in value.items()]}
    if isinstance(value, Opaque):
        return {"$opaque": value.type_name, "repr": value.repr}
    return {"$repr": repr(value)}


def json_line(signal: Signal) -> str:
    """One signal as a JSON object on one line."""
    record = {
        "seq": signal.seq,
        "pid": signal.pid,
        "type": SignalType(signal.type).name,
        "data": plain(signal.data),
        "ts": signal.ts,
    }
    return json.dumps(record, ensure_ascii=False)


def mermaid_text(text: str, limit: int = 40) -> str:
    """``text`` made safe for a Mermaid label: one line, entities for its syntax."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    out = []
    for char in flat:
        if char in '#;<>:&%{}[]"`\\|':
            out.append(f"#{ord(char)};")
        elif ord(char) < 32 or ord(char) == 127:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def _short(value: Any) -> str:
    try:
        return _SHORT.repr(value)
    except Exception:  # a recorded value's repr cannot fail, but be safe
        return "?"


@dataclass
class _Walk:
    """The signals to show, with the fold state as it was at each of them."""

    shown: list[tuple[Signal, str]] = field(default_factory=list)  # (signal, status after)
    names: dict[int, str] = field(default_factory=dict)


def _walk(path: Path, start: int, stop: int | None, pids: Collection[int] | None) -> _Walk:
    walk = _Walk()
    state = FoldState()
    with open_recording(path) as reader:
        end = None if stop is None else stop + 1
        for signal in reader.signals(0, end):
            apply_in_place(state, signal)
            record = state.procs.get(signal.pid)
            if record is not None:
                walk.names.setdefault(signal.pid, f"{from_raw(record[TEMPLATE])}[{signal.pid}]")
            if signal.seq < start or (pids is not None and signal.pid not in pids):
                continue
            status = STATUSES[status_code(record)].value if record is not None else ""
            walk.shown.append((signal, status))
    return walk


def export(
    path: str | Path,
    fmt: str,
    *,
    start: int = 0,
    stop: int | None = None,
    pids: Collection[int] | None = None,
) -> Iterator[str]:
    """The export of ``path`` in ``fmt``, as lines of text."""
    if fmt == "jsonl":
        with open_recording(path) as reader:
            end = None if stop is None else stop + 1
            for signal in reader.signals(start, end):
                if pids is None or signal.pid in pids:
                    yield json_line(signal)
        return
    walk = _walk(Path(path), start, stop, pids)
    if fmt == "mermaid":
        yield from _mermaid(walk, pids)
    elif fmt == "chrome-trace":
        yield json.dumps(_chrome_trace(walk), ensure_ascii=False)
    else:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}: {fmt!r}")


# -- Mermaid -----------------------------------------------------------------------


def _mermaid(walk: _Walk, pids: Collection[int] | None) -> Iterator[str]:
    yield "sequenceDiagram"
    declared: set[str] = set()
    participants: list[str] = []
    body: list[str] = []

    def who(pid: int | None) -> str:
        """A participant's id, declared (in order of first appearance) on first use."""
        name = "outside" if pid is None else f"P{pid}"
        if name not in declared:
            declared.add(name)
            label = "outside" if pid is None else walk.names.get(pid, f"process {pid}")
            participants.append(f"    participant {name} as {mermaid_text(label)}")
        return name

    for signal, _status in walk.shown:
        kind, data, pid = signal.type, signal.data, signal.pid
        info = data if isinstance(data, dict) else {}
        if kind == _S.SEND or kind == _S.DELIVER:
            sender = pid if kind == _S.SEND else None
            label = mermaid_text(f"#{signal.seq} {_short(info.get('msg'))}")
            for target in info.get("into") or []:
                if pids is None or target in pids or sender in pids:
                    body.append(f"    {who(sender)}->>{who(target)}: {label}")
            if not info.get("into"):
                body.append(f"    Note over {who(pid)}: {label} reached no inbox")
        elif kind == _S.SPAWN:
            child = info.get("child")
            spawned = mermaid_text(f"spawn {info.get('template', '?')}")
            body.append(f"    {who(pid)}-->>{who(child)}: {spawned}")
        elif kind == _S.EXIT and info.get("action") == "trap":
            body.append(
                f"    {who(info.get('from'))}-)"
                f"{who(pid)}: {mermaid_text('EXIT ' + _short(info.get('reason')))}"
            )
        elif kind == _S.DOWN:
            body.append(
                f"    {who(info.get('target'))}-){who(pid)}: "
                f"{mermaid_text('DOWN ' + _short(info.get('reason')))}"
            )
        elif kind == _S.CRASH:
            text = f"crashed: {info.get('error', '?')}: {info.get('message', '')}"
            body.append(f"    Note over {who(pid)}: {mermaid_text(text, 60)}")
        elif kind == _S.STOP:
            text = f"stopped: {_short(info.get('result'))}"
            body.append(f"    Note over {who(pid)}: {mermaid_text(text)}")
        elif kind == _S.KILL:
            text = f"killed: {_short(info.get('reason'))}"
            body.append(f"    Note over {who(pid)}: {mermaid_text(text)}")
        elif kind == _S.RESTART:
            text = f"restart {info.get('child')}: {info.get('old')} to {info.get('new')}"
            body.append(f"    Note over {who(pid)}: {mermaid_text(text)}")
    yield from participants
    yield from body


# -- Chrome trace ------------------------------------------------------------------


def _chrome_trace(walk: _Walk) -> dict[str, Any]:
    """The Trace Event Format (JSON object form)."""
    shown = walk.shown
    stamps = [signal.ts for signal, _ in shown]
    # Why a fallback to seq: under a virtual clock many signals share one
    # timestamp; one microsecond per seq keeps every step visible.
    by_seq = not stamps or max(stamps) - min(stamps) <= 0
    origin = 0.0 if by_seq or not stamps else min(stamps)

    def at(signal: Signal) -> float:
        return float(signal.seq) if by_seq else (signal.ts - origin) * 1e6

    events: list[dict[str, Any]] = [
        {"name": "process_name", "ph": "M", "pid": 1, "args": {"name": "chronoflow"}},
    ]
    for pid, name in sorted(walk.names.items()):
        events.append(
            {"name": "thread_name", "ph": "M", "pid": 1, "tid": pid, "args": {"name": name}}
        )
    open_span: dict[int, tuple[str, float]] = {}
    sent_at: dict[int, tuple[int, float]] = {}

    def close(pid: int, when: float) -> None:
        if pid in open_span:
            status, begun = open_span.pop(pid)
            events.append(
                {
                    "name": status,
                    "cat": "status",
                    "ph": "X",
                    "pid": 1,
                    "tid": pid,
                    "ts": begun,
                    "dur": max(when - begun, 0.0),
                }
            )

    last = 0.0
    for signal, status in shown:
        when = at(signal)
        last = max(last, when)
        pid = signal.pid
        current = open_span.get(pid)
        if current is None or current[0] != status:
            close(pid, when)
            if status and status not in ("stopped", "crashed", "killed"):
                open_span[pid] = (status, when)
        events.append(
            {
                "name": SignalType(signal.type).name,
                "cat": "signal",
                "ph": "i",
                "s": "t",
                "pid": 1,
                "tid": pid,
                "ts": when,
                "args": {"seq": signal.seq, "data": plain(signal.data)},
            }
        )
        if signal.type in (_S.SEND, _S.DELIVER):
            sent_at[signal.seq] = (pid, when)
        elif signal.type == _S.RECEIVE and isinstance(signal.data, int):
            origin_of = sent_at.get(signal.data)
            if origin_of is not None:
                flow_id = f"{signal.data}-{pid}"  # one message can reach several inboxes
                flow = {"name": "message", "cat": "message", "id": flow_id, "pid": 1}
                events.append({**flow, "ph": "s", "tid": origin_of[0], "ts": origin_of[1]})
                events.append({**flow, "ph": "f", "bp": "e", "tid": pid, "ts": when})
    for pid in list(open_span):
        close(pid, last + 1.0)
    return {"traceEvents": events, "displayTimeUnit": "ms"}
