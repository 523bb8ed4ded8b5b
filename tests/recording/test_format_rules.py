"""Every rule docs/format.md states has a test that names it, and the rules
no other test covers are checked here.

A rule is marked ``**[rule: name]**`` in docs/format.md; a test names the
rules it checks with the ``format_rule`` marker, giving each rule's name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgpack
import pytest

from chronoflow.inspect import MemorySource, Timeline
from chronoflow.recording import RecordingWriter, open_recording
from chronoflow.recording.format import FORMAT_MAJOR, FORMAT_MINOR
from chronoflow.recording.values import ValueEncoder, unpack_value
from chronoflow.signals import Signal, SignalType

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
S = SignalType


def documented_rules() -> set[str]:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    return set(re.findall(r"\*\*\[rule: ([a-z0-9-]+)\]\*\*", text))


def rules_named_by_tests() -> set[str]:
    named: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        for args in re.findall(r"format_rule\(([^)]*)\)", path.read_text(encoding="utf-8")):
            named.update(re.findall(r'"([a-z0-9-]+)"', args))
    return named


def test_every_documented_rule_has_a_test_that_names_it() -> None:
    rules = documented_rules()
    assert len(rules) >= 25  # the doc's rules were found at all
    assert rules - rules_named_by_tests() == set()


def test_every_named_rule_is_documented() -> None:
    assert rules_named_by_tests() - documented_rules() == set()


def round_trip(value: Any) -> Any:
    return unpack_value(ValueEncoder().pack(value))


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def depth_of(value: Any) -> int:
    depth = 0
    while isinstance(value, list) and value:
        value, depth = value[0], depth + 1
    return depth


@pytest.mark.format_rule("depth")
@pytest.mark.parametrize("depth", [256, 257, 1000, 1024])
def test_writer_and_reader_agree_on_1024_levels(depth: int) -> None:
    """A value as deep as the reader decodes is written exactly."""
    assert depth_of(round_trip(nested(depth))) == depth


@pytest.mark.format_rule("depth")
def test_a_value_deeper_than_the_reader_decodes_is_cut_at_256() -> None:
    back = round_trip(nested(1025))
    assert depth_of(back) == 256
    with pytest.raises(msgpack.exceptions.StackError):
        msgpack.unpackb(b"\x91" * 1025 + b"\x01")


@pytest.mark.format_rule("ext-rules")
def test_msgpack_timestamps_round_trip_and_a_malformed_one_is_damage() -> None:
    stamp = msgpack.Timestamp(1_700_000_000, 5)
    assert round_trip(stamp) == stamp
    assert round_trip({"at": [stamp]}) == {"at": [stamp]}
    malformed = b"\x92\xa1x\xc7\x03\xffabc"  # an ext -1 of 3 bytes inside an array
    with pytest.raises(ValueError, match="timestamp"):
        unpack_value(malformed)


@pytest.mark.format_rule("ext-rules")
def test_a_program_s_ext_type_is_written_verbatim_and_read_with_this_format_s_meaning() -> None:
    foreign = round_trip(msgpack.ExtType(42, b"\x01\x02"))
    assert (foreign.type_name, foreign.repr) == ("msgpack ext 42", "0102")
    # Code 2 is this format's big integer: a program that sends one gets an int.
    assert round_trip(msgpack.ExtType(2, b"\x01")) == 1
    stray = round_trip(msgpack.ExtType(1, b""))  # a tuple marker not first in an array
    assert stray.type_name == "msgpack ext 1"


def start(pid: int, parent: int | None) -> dict[str, Any]:
    return {
        "template": f"P{pid}",
        "module": "m",
        "qualname": f"P{pid}",
        "args": [],
        "parent": parent,
    }


@pytest.mark.format_rule("children")
def test_a_child_enters_its_parent_s_children_at_its_start_not_its_spawn() -> None:
    signals = [
        Signal(0, 0, S.START, start(0, None)),
        Signal(1, 0, S.SPAWN, {"child": 2, "template": "P2"}),
        Signal(2, 0, S.SPAWN, {"child": 1, "template": "P1"}),
        Signal(3, 1, S.START, start(1, 0)),
        Signal(4, 2, S.START, start(2, 0)),
    ]
    timeline = Timeline(MemorySource(signals), background=False)
    assert timeline.state_at(2).processes[0].children == ()
    assert timeline.state_at(3).processes[0].children == (1,)
    assert timeline.state_at(4).processes[0].children == (1, 2)  # in START order


@pytest.mark.format_rule("senders")
def test_who_each_message_is_from() -> None:
    signals = [
        Signal(0, 0, S.START, start(0, None)),
        Signal(1, 1, S.START, start(1, None)),
        Signal(2, 1, S.SEND, {"msg": "hi", "to": 0, "into": [0]}),
        Signal(3, 0, S.DELIVER, {"msg": "pushed", "into": [0]}),
        Signal(
            4,
            0,
            S.EXIT,
            {"from": 1, "reason": "boom", "action": "trap", "msg": ("EXIT", 1, "boom")},
        ),
        Signal(5, 0, S.MONITOR, {"ref": 5, "target": 1}),
        Signal(6, 1, S.STOP, {"result": None}),
        Signal(
            7,
            0,
            S.DOWN,
            {"ref": 5, "target": 1, "reason": "normal", "msg": ("DOWN", 5, 1, "normal")},
        ),
    ]
    timeline = Timeline(MemorySource(signals), background=False)
    senders = {seq: timeline.trace(seq).sender for seq in (2, 3, 4, 7)}
    assert senders == {2: 1, 3: None, 4: 1, 7: 1}


def write(path: Path, signals: list[Signal]) -> Path:
    writer = RecordingWriter(path, {})
    writer.write_signals(signals)
    writer.close()
    return path


def key(signal: Signal) -> tuple[int, int, int, Any]:
    return (signal.seq, signal.pid, int(signal.type), signal.data)


@pytest.mark.format_rule("older-files")
@pytest.mark.parametrize(
    "name",
    [
        "recording-tiny-1.0.cfl",
        "recording-tiny-1.1.cfl",
        "client_server-1.0.cfl",
        "client_server-1.1.cfl",
        "dining_philosophers-1.0.cfl",
    ],
)
def test_older_files_read_as_they_did_and_as_their_2_0_copy(name: str, tmp_path: Path) -> None:
    old = open_recording(FIXTURES / name)
    assert old.complete
    assert old.warnings == []
    assert old.format_version[0] == 1
    signals = list(old.signals())
    assert len(signals) == old.count() > 0
    copy = open_recording(write(tmp_path / "copy.cfl", signals))
    assert copy.format_version == (FORMAT_MAJOR, FORMAT_MINOR)
    assert [key(s) for s in copy.signals()] == [key(s) for s in signals]


@pytest.mark.format_rule("older-files")
@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("recording-tiny-2.0.cfl", (2, 0)),
        ("client_server-2.0.cfl", (2, 0)),
        ("recording-tiny-2.1.cfl", (2, 1)),
        ("client_server-2.1.cfl", (2, 1)),
        ("named_bank-2.1.cfl", (2, 1)),
    ],
)
def test_files_of_2_x_read_as_they_are_and_as_their_current_copy(
    name: str, version: tuple[int, int], tmp_path: Path
) -> None:
    old = open_recording(FIXTURES / name)
    assert old.complete
    assert old.warnings == []
    assert old.format_version == version != (FORMAT_MAJOR, FORMAT_MINOR)
    signals = list(old.signals())
    assert len(signals) == old.count() > 0
    copy = open_recording(write(tmp_path / "copy.cfl", signals))
    assert copy.format_version == (FORMAT_MAJOR, FORMAT_MINOR)
    assert [key(s) for s in copy.signals()] == [key(s) for s in signals]


@pytest.mark.format_rule("footer-times", "complete")
def test_footer_times_are_the_stored_times_of_the_first_and_last_signals(tmp_path: Path) -> None:
    stamps = [1_700_000_000.123456789, 1_700_000_001.0000004, 1_700_000_002.9999996]
    signals = [Signal(i, 0, S.WAIT, None, stamp) for i, stamp in enumerate(stamps)]
    reader = open_recording(write(tmp_path / "times.cfl", signals))
    assert reader.complete
    read = [signal.ts for signal in reader.signals()]
    assert reader.time_span == (read[0], read[-1])
    assert read != stamps  # the writer keeps microseconds, so the rule is not vacuous
