"""Exports: Mermaid checked by the official parser, JSON lines, Chrome traces."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chronoflow import Process, SimpleScheduler, template
from chronoflow.cli import app
from chronoflow.inspect.export import export, json_line, json_text, mermaid_text, plain
from chronoflow.recording import Opaque, Recorder, RecordingWriter, open_recording
from chronoflow.signals import Signal, SignalType

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
CHECKER = Path(__file__).resolve().parent / "mermaid"
runner = CliRunner()


@pytest.fixture(scope="session")
def mermaid_parser() -> Path:
    """The official Mermaid parser under Node, installed from the npm registry once."""
    npm, node = shutil.which("npm"), shutil.which("node")
    assert npm, "npm is needed to install the Mermaid parser"
    assert node, "Node.js is needed to run the Mermaid parser"
    if not (CHECKER / "node_modules" / "mermaid").exists():
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent"],
            cwd=CHECKER,
            check=True,
            timeout=600,
        )
    return CHECKER / "check.mjs"


def parse_mermaid(checker: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node
    return subprocess.run(
        [node, str(checker), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


NASTY = [
    "semi;colon",
    "hash #35 and %% comment",
    "new\nline -->> arrow",
    "end",
    "<b>html</b> & {braces} [brackets] : colon",
    "[@click=app.quit]q[/]",
    "\x1b[31mred\x1b[0m",
]


def to_zero(message: Any) -> int:
    return 0


@template(route=to_zero)
def Shouter(self: Process) -> Generator[Any, Any, None]:
    for text in NASTY:
        self.send(text)
    raise ValueError("bad; worse # and\nnew line")
    yield


@template
def Listener(self: Process) -> Generator[Any, Any, None]:
    while True:
        yield self.receive()


@pytest.fixture(scope="module")
def nasty_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "nasty.cfl"

    async def go() -> None:
        async with SimpleScheduler(record=Recorder(out)) as scheduler:
            scheduler.create(Listener).start()
            scheduler.create(Shouter).start()
            await scheduler.run()

    asyncio.run(go())
    return out


def test_every_shipped_recording_exports_to_mermaid_that_parses(
    mermaid_parser: Path, tmp_path: Path
) -> None:
    files = []
    for recording in sorted(RECORDINGS.glob("*.cfl")):
        target = tmp_path / f"{recording.stem}.mmd"
        target.write_text("\n".join(export(recording, "mermaid")) + "\n")
        files.append(target)
    assert len(files) >= 10
    done = parse_mermaid(mermaid_parser, *files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("OK ") == len(files)


def test_hostile_message_text_is_escaped(
    mermaid_parser: Path, nasty_recording: Path, tmp_path: Path
) -> None:
    lines = list(export(nasty_recording, "mermaid"))
    target = tmp_path / "nasty.mmd"
    target.write_text("\n".join(lines) + "\n")
    done = parse_mermaid(mermaid_parser, target)
    assert done.returncode == 0, done.stdout
    arrows = [line for line in lines if "->>" in line]
    assert len(arrows) == len(NASTY)
    assert all("\n" not in line for line in lines)
    assert all(";" not in re.sub(r"#\d+;", "", line) for line in lines)
    assert any(line.strip().startswith("Note over P1: crashed#58; ValueError") for line in lines)


def test_a_broken_diagram_is_caught_by_the_parser(mermaid_parser: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mmd"
    broken.write_text("sequenceDiagram\n    P0->>: missing target\n")
    done = parse_mermaid(mermaid_parser, broken)
    assert done.returncode == 1
    assert "ERROR" in done.stdout


def test_mermaid_shows_participants_messages_spawns_and_endings() -> None:
    lines = list(export(RECORDINGS / "parent_children.cfl", "mermaid"))
    assert lines[0] == "sequenceDiagram"
    participants = [line.strip() for line in lines if line.strip().startswith("participant")]
    assert participants[:2] == [
        "participant outside as outside",
        "participant P0 as Parent#91;0#93;",
    ]
    assert any(line.strip() == "P0-->>P1: spawn Child" for line in lines)
    # msg1 arrives before the parent first runs (its children inherit a copy);
    # msg2 and msg3 are delivered to the parent and its three children.
    assert sum(1 for line in lines if line.strip().startswith("outside->>")) == 1 + 4 + 4
    assert any("Note over P0: stopped" in line for line in lines)


def test_mermaid_range_and_pid_filter() -> None:
    lines = list(export(RECORDINGS / "ping_pong.cfl", "mermaid", start=2, stop=8, pids={1}))
    body = [line.strip() for line in lines[1:] if not line.strip().startswith("participant")]
    assert body
    assert all("P1" in line for line in body)


def test_jsonl_is_one_signal_per_line_with_tags() -> None:
    lines = list(export(RECORDINGS / "process_ring.cfl", "jsonl", start=5, stop=9))
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == [5, 6, 7, 8, 9]
    with open_recording(RECORDINGS / "process_ring.cfl") as reader:
        original = list(reader.signals(5, 10))
    assert [r["type"] for r in records] == [s.type.name for s in original]
    sends = [r for r in records if r["type"] == "SEND"]
    assert sends
    assert set(sends[0]["data"]["msg"]) == {"$tuple"}


def test_chrome_trace_has_tracks_spans_and_flows() -> None:
    [text] = list(export(RECORDINGS / "ping_pong.cfl", "chrome-trace"))
    trace = json.loads(text)
    events = trace["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in events if e["name"] == "thread_name"}
    assert names == {0: "Ponger[0]", 1: "Pinger[1]"}
    spans = [e for e in events if e["ph"] == "X"]
    assert {e["name"] for e in spans} >= {"running", "waiting"}
    assert all(e["dur"] >= 0 for e in spans)
    starts = {e["id"]: e for e in events if e["ph"] == "s"}
    finishes = {e["id"]: e for e in events if e["ph"] == "f"}
    assert starts.keys() == finishes.keys()
    assert len(starts) == 7  # 3 pings, 3 pongs, the stop
    for flow_id, finish in finishes.items():
        assert starts[flow_id]["ts"] <= finish["ts"]
        assert finish["bp"] == "e"
        assert finish["tid"] != starts[flow_id]["tid"]


def test_the_export_command(tmp_path: Path) -> None:
    out = tmp_path / "ring.mmd"
    result = runner.invoke(
        app,
        [
            "export",
            str(RECORDINGS / "process_ring.cfl"),
            "-f",
            "mermaid",
            "--to",
            "10",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("sequenceDiagram\n")
    dash = runner.invoke(
        app, ["export", str(RECORDINGS / "process_ring.cfl"), "--to", "10", "-o", "-"]
    )
    assert dash.exit_code == 0, dash.output
    assert dash.output == out.read_text()  # "-" is standard output, not a file named "-"
    assert not Path("-").exists()
    bad = runner.invoke(app, ["export", str(RECORDINGS / "process_ring.cfl"), "-f", "svg"])
    assert bad.exit_code == 1
    assert "--format must be one of mermaid, jsonl, chrome-trace, not 'svg'" in bad.output
    backwards = runner.invoke(
        app, ["export", str(RECORDINGS / "process_ring.cfl"), "--from", "9", "--to", "3"]
    )
    assert backwards.exit_code == 1
    assert "--to 3 is before --from 9" in backwards.output


def test_labels_are_one_safe_line() -> None:
    assert mermaid_text("a;b#c\nd") == "a#59;b#35;c d"
    assert len(mermaid_text("x" * 100)) == 40


# -- JSON: tags, escapes, strict UTF-8 ------------------------------------------------


def unplain(value: Any) -> Any:
    """The reader's side of the rules in docs/format.md ("Tools"): JSON data back
    to the recorded value."""
    if isinstance(value, list):
        return [unplain(item) for item in value]
    if not isinstance(value, dict):
        return value
    if not any(key.startswith("$") for key in value):
        return {key: unplain(item) for key, item in value.items()}
    [tag] = [key for key in value if key.startswith("$")]
    body = value[tag]
    if tag == "$tuple":
        return tuple(unplain(item) for item in body)
    if tag == "$map":
        return {unplain(key): unplain(item) for key, item in body}
    if tag == "$bytes":
        return bytes.fromhex(body)
    if tag == "$float":
        return float(body)
    if tag == "$int":
        return int(body, 16)
    if tag == "$str":
        return "".join(piece if isinstance(piece, str) else chr(piece) for piece in body)
    if tag == "$opaque":
        return Opaque(body, value["repr"])
    raise AssertionError(f"unknown tag {tag}")


def strict_json(text: str) -> Any:
    """Parse ``text`` as strict JSON: no NaN or Infinity, no lone surrogate escapes."""

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    assert not re.search(r"\\u[dD][89abAB]", text), "a surrogate escape"
    return json.loads(text, parse_constant=refuse)


HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


@pytest.mark.format_rule("json")
def test_a_dict_that_looks_like_a_tag_is_tagged_itself() -> None:
    assert plain((1,)) == {"$tuple": [1]}
    assert plain({"$tuple": [1]}) == {"$map": [["$tuple", [1]]]}
    assert plain({"$tuple": [1]}) != plain((1,))
    assert plain({"a": 1, "b": [2, (3,)]}) == {"a": 1, "b": [2, {"$tuple": [3]}]}
    assert plain({1: 2}) == {"$map": [[1, 2]]}
    assert plain({"k\ud800": 1}) == {"$map": [[{"$str": ["k", 0xD800]}, 1]]}


@pytest.mark.format_rule("json")
def test_lone_surrogates_big_ints_and_non_finite_floats_are_tagged() -> None:
    assert plain("a\ud800b\udc80") == {"$str": ["a", 0xD800, "b", 0xDC80]}
    assert plain("café ✓") == "café ✓"
    huge = 7**9000
    assert plain(huge) == {"$int": hex(huge)}
    assert plain(2**70) == 2**70
    assert plain(float("nan")) == {"$float": "nan"}
    assert plain(float("-inf")) == {"$float": "-inf"}
    assert plain(Opaque("T\ud800", "r\x1b")) == {"$opaque": "T\ufffd", "repr": "r\x1b"}


@pytest.mark.format_rule("json")
def test_json_text_escapes_what_a_terminal_would_obey() -> None:
    text = json_text(["\x1b[2J", "\x9b31m", "\u202eevil", "\u2028", "\ufeff", "café"])
    assert text == ('["\\u001b[2J", "\\u009b31m", "\\u202eevil", "\\u2028", "\\ufeff", "café"]')
    assert not HIDDEN.search(text)


#: Text with lone surrogates and control characters as often as anything else.
awkward_text = st.text(
    st.characters(exclude_categories=())
    | st.integers(min_value=0xD800, max_value=0xDFFF).map(chr)
    | st.sampled_from("\x1b\x9b\u202e\u2028\n$")
)

recordable = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**64, max_value=2**64 + 10)
    | st.floats(allow_nan=False)
    | st.sampled_from([float("inf"), float("-inf")])
    | awkward_text
    | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(
            awkward_text | st.integers() | st.sampled_from(["$map", "$tuple", "$str"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@given(recordable)
@settings(max_examples=300, deadline=None)
def test_every_value_round_trips_through_strict_utf8_json(value: Any) -> None:
    text = json_text(plain(value))
    text.encode("utf-8")  # strict: no lone surrogate reaches the output
    assert not HIDDEN.search(text)
    assert unplain(strict_json(text)) == value


def test_a_nan_timestamp_stays_strict_json() -> None:
    line = json_line(Signal(0, 0, SignalType.WAIT, None, float("nan")))
    assert strict_json(line)["ts"] == {"$float": "nan"}


@pytest.fixture
def unencodable(tmp_path: Path) -> Path:
    path = tmp_path / "unencodable.cfl"
    writer = RecordingWriter(path, {"workflow": "surrogates"})
    start = {"template": "T\x1b]0;x", "args": ["\ud800", "\udc80"], "parent": None}
    writer.write_signals(
        [
            Signal(0, 0, SignalType.START, start, 1.0),
            Signal(1, 0, SignalType.SEND, {"msg": {"$tuple": [1]}, "to": None, "into": []}, 1.0),
            Signal(2, 0, SignalType.SEND, {"msg": ("\u202e", "\x9b", 7**9000), "into": []}, 1.0),
        ]
    )
    writer.close()
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["dump", "--format", "jsonl"],
        ["export", "--format", "jsonl"],
        ["export", "-f", "chrome-trace"],
    ],
    ids=" ".join,
)
def test_json_outputs_are_strict_utf8_whatever_the_recording_holds(
    unencodable: Path, command: list[str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chronoflow", command[0], str(unencodable), *command[1:]],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8"},  # stdout would write a surrogate as a raw byte
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")  # strict
    assert not HIDDEN.search(text.replace("\n", ""))
    records = [strict_json(line) for line in text.splitlines()]
    if command[0] == "dump" or command[-1] == "jsonl":
        assert records[0]["data"]["args"] == [{"$str": [0xD800]}, {"$str": [0xDC80]}]
        assert records[1]["data"]["msg"] == {"$map": [["$tuple", [1]]]}
        assert unplain(records[2]["data"]["msg"]) == ("\u202e", "\x9b", 7**9000)


def test_dump_and_export_write_the_same_json_lines(unencodable: Path) -> None:
    dumped = runner.invoke(app, ["dump", str(unencodable), "--format", "jsonl"])
    exported = runner.invoke(app, ["export", str(unencodable), "--format", "jsonl"])
    assert dumped.exit_code == exported.exit_code == 0
    assert dumped.stdout == exported.stdout
    assert dumped.stdout.splitlines() == list(export(unencodable, "jsonl"))


def test_mermaid_labels_show_invisible_characters_as_escapes() -> None:
    assert mermaid_text("a\x1bb\u202ec\x9b") == "a#92;x1bb#92;u202ec#92;x9b"
    assert mermaid_text("lone \ud800") == "lone #92;ud800"
