"""Exports: a recording (or a range of it) as JSON lines, Mermaid or a Chrome trace.

- **jsonl**: one signal per line, ``{"seq", "pid", "type", "data", "ts"}``;
  what JSON lacks is tagged by :func:`plain` (the table is in
  ``docs/format.md``, "Tools"). A JSON object with a key that starts with
  ``$`` is always a tag, so a dict with such a key is itself written as a
  ``{"$map": [[k, v], ...]}``; a str holding lone surrogates becomes
  ``{"$str": [text, code point, text, ...]}``. :func:`json_text` writes
  JSON that is valid UTF-8 and strict JSON (no ``NaN``, no lone
  surrogates), with C1 controls, bidirectional and zero-width characters
  as ``\\uXXXX`` escapes so that no line can reorder or hide text in a
  terminal.
- **mermaid**: a sequence diagram for slides and notes: a participant per
  process, labelled ``Template[pid]``; an arrow per delivered message with a
  short, escaped summary; spawns, crashes, exits and kills as notes.
- **chrome-trace**: the Trace Event Format that Perfetto and
  chrome://tracing open: a track per process, a span per stretch of
  running, waiting, using, joining or sleeping, and a flow arrow from each
  SEND to the RECEIVE that took the message.

The range ``start .. stop`` (inclusive) and the ``pids`` filter choose what
is shown; the world before ``start`` is still folded, so names and statuses
are right from the first signal shown. An :class:`Exported` passed as
``report`` learns how many signals were shown and the reader's warnings.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import reprlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chronoflow.inspect.fold import MALFORMED, apply_in_place
from chronoflow.inspect.state import STATUSES, FoldState, status_code
from chronoflow.recording import Opaque, open_recording
from chronoflow.recording.raw import from_raw
from chronoflow.signals import Signal, SignalType

FORMATS = ("mermaid", "jsonl", "chrome-trace")

_S = SignalType
_SHORT = reprlib.Repr()
_SHORT.maxstring = 30
_SHORT.maxother = 30
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = 4
_SHORT.maxlevel = 2


#: Lone surrogates: a Python str may hold them, UTF-8 and strict JSON cannot.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What JSON text keeps raw but a terminal obeys: DEL and C1 controls,
#: zero-width and bidirectional formatting characters, line and paragraph
#: separators, the BOM. (``json.dumps`` itself escapes C0 controls.)
_JSON_HIDDEN = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
#: What a Mermaid label shows as an escape: every control character, and
#: the invisible and unencodable ones JSON text escapes too.
_LABEL_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
#: Ints this long may have more digits than Python writes in decimal
#: (``sys.get_int_max_str_digits``: 4,300 by default, never below 640, that
#: is about 2,100 bits); only these are tried.
_LONG_INT_BITS = 2_000


def plain(value: Any) -> Any:
    """``value`` as JSON data; what JSON lacks is tagged (see ``docs/format.md``).

    Why every ``$`` key is a tag: a reader tells a tag from data by that
    alone, so a dict that has such a key is written as a ``$map`` too.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"$str": _pieces(value)} if _SURROGATE.search(value) else value
    if isinstance(value, int):
        if value.bit_length() > _LONG_INT_BITS:
            try:
                str(value)
            except ValueError:  # more digits than Python writes in decimal
                return {"$int": hex(value)}
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
        if all(type(key) is str and _plain_key(key) for key in value):
            return {key: plain(item) for key, item in value.items()}
        return {"$map": [[plain(key), plain(item)] for key, item in value.items()]}
    if isinstance(value, Opaque):
        return {"$opaque": display(value.type_name), "repr": display(value.repr)}
    return {"$opaque": display(type(value).__name__), "repr": display(_repr(value))}


def _plain_key(key: str) -> bool:
    return not key.startswith("$") and _SURROGATE.search(key) is None


def _pieces(text: str) -> list[str | int]:
    """``text`` as runs of text and the code points of its lone surrogates."""
    pieces: list[str | int] = []
    position = 0
    for match in _SURROGATE.finditer(text):
        if match.start() > position:
            pieces.append(text[position : match.start()])
        pieces.append(ord(match.group()))
        position = match.end()
    if position < len(text):
        pieces.append(text[position:])
    return pieces


def _repr(value: Any) -> str:
    try:
        return repr(value)
    except Exception as error:  # a value to export must never break the export
        return f"<unrepresentable {type(value).__name__}: {type(error).__name__}>"


def display(text: str) -> str:
    """A string shown, not decoded (a name, an Opaque's repr): lone surrogates
    become U+FFFD, so that it stays a plain JSON string."""
    return _SURROGATE.sub("\ufffd", text)


def _escape_hidden(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any) -> str:
    """``value`` (already :func:`plain`) as one line of strict JSON, valid UTF-8.

    Non-ASCII text stays readable; only the characters a terminal would
    obey or hide are written as ``\\uXXXX`` escapes (see the module docstring).
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return _JSON_HIDDEN.sub(_escape_hidden, text)


def type_name(kind: int) -> str:
    """A signal type's name; ``TYPE#n`` for a type newer than this program."""
    try:
        return SignalType(kind).name
    except ValueError:
        return f"TYPE#{kind}"


def json_line(signal: Signal) -> str:
    """One signal as a JSON object on one line."""
    record = {
        "seq": signal.seq,
        "pid": signal.pid,
        "type": type_name(signal.type),
        "data": plain(signal.data),
        "ts": plain(signal.ts),
    }
    return json_text(record)


def mermaid_text(text: str, limit: int = 40) -> str:
    """``text`` made safe for a Mermaid label: one line, entities for its syntax.

    Whitespace runs become one space; a control, invisible format character
    or lone surrogate is shown as its escape (``\\x1b`` written ``#92;x1b``).
    """
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    out = []
    for char in flat:
        code = ord(char)
        if char in '#;<>:&%{}[]"`\\|':
            out.append(f"#{code};")
        elif _LABEL_HIDDEN.match(char):
            out.append(f"#92;x{code:02x}" if code <= 0xFF else f"#92;u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _short(value: Any) -> str:
    try:
        return _SHORT.repr(value)
    except Exception:  # a recorded value's repr cannot fail, but be safe
        return "?"


@dataclass
class Exported:
    """What an export showed, complete once its lines have all been taken."""

    #: Signals in the range and the pid filter.
    signals: int = 0
    #: The reader's warnings: damage skipped, a recording not closed cleanly.
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Walk:
    """The signals to show, with the fold state as it was at each of them."""

    shown: list[tuple[Signal, str]] = field(default_factory=list)  # (signal, status after)
    names: dict[int, str] = field(default_factory=dict)


def _walk(
    path: Path, start: int, stop: int | None, pids: Collection[int] | None, report: Exported
) -> _Walk:
    walk = _Walk()
    state = FoldState()
    with open_recording(path) as reader:
        end = None if stop is None else stop + 1
        for signal in reader.signals(0, end):
            with contextlib.suppress(*MALFORMED):  # it changes nothing, as in every fold
                apply_in_place(state, signal)
            record = state.procs.get(signal.pid)
            if record is not None:
                walk.names.setdefault(signal.pid, f"{from_raw(record.template)}[{signal.pid}]")
            if signal.seq < start or (pids is not None and signal.pid not in pids):
                continue
            status = STATUSES[status_code(record)].value if record is not None else ""
            walk.shown.append((signal, status))
        report.warnings.extend(str(warning) for warning in reader.warnings)
    report.signals = len(walk.shown)
    return walk


def export(
    path: str | Path,
    fmt: str,
    *,
    start: int = 0,
    stop: int | None = None,
    pids: Collection[int] | None = None,
    report: Exported | None = None,
) -> Iterator[str]:
    """The export of ``path`` in ``fmt``, as lines of text (``report``: see :class:`Exported`)."""
    report = Exported() if report is None else report
    if fmt == "jsonl":
        with open_recording(path) as reader:
            end = None if stop is None else stop + 1
            for signal in reader.signals(start, end):
                if pids is None or signal.pid in pids:
                    report.signals += 1
                    yield json_line(signal)
            report.warnings.extend(str(warning) for warning in reader.warnings)
        return
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}: {fmt!r}")
    walk = _walk(Path(path), start, stop, pids, report)
    if fmt == "mermaid":
        yield from _mermaid(walk, pids)
    else:
        yield json_text(_chrome_trace(walk))


# -- Mermaid -----------------------------------------------------------------------


def _mermaid(walk: _Walk, pids: Collection[int] | None) -> Iterator[str]:
    yield "sequenceDiagram"
    declared: set[str] = set()
    participants: list[str] = []
    body: list[str] = []

    def who(pid: Any) -> str:
        """A participant's id, declared (in order of first appearance) on first use."""
        if type(pid) is not int:  # None, or what a damaged signal holds instead of a pid
            pid = None
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
            into = info.get("into")
            targets = into if isinstance(into, list | tuple) else []
            for target in targets:
                if pids is None or target in pids or sender in pids:
                    body.append(f"    {who(sender)}->>{who(target)}: {label}")
            if not targets:
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
    by_seq = (
        not stamps
        or not all(math.isfinite(stamp) for stamp in stamps)
        or max(stamps) - min(stamps) <= 0
    )
    origin = 0.0 if by_seq or not stamps else min(stamps)

    def at(signal: Signal) -> float:
        return float(signal.seq) if by_seq else (signal.ts - origin) * 1e6

    events: list[dict[str, Any]] = [
        {"name": "process_name", "ph": "M", "pid": 1, "args": {"name": "chronoflow"}},
    ]
    for pid, name in sorted(walk.names.items()):
        events.append(
            {
                "name": "thread_name",
                "ph": "M",
                "pid": 1,
                "tid": pid,
                "args": {"name": display(name)},
            }
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
                "name": type_name(signal.type),
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
