"""docs/format.md and its worked example cannot drift from the code."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chronoflow.recording import open_recording
from chronoflow.recording.hexdump import annotated_dump
from chronoflow.recording.records import Chunk
from tests.recording.conftest import same_signals
from tools.update_format_doc import BEGIN, EXAMPLE_SIGNALS, doc_with_dump, main, write_example

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "format.md"
FIXTURE = ROOT / "tests" / "fixtures" / "recording-tiny.cfl"


def test_the_example_file_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    assert write_example(tmp_path / "tiny.cfl").read_bytes() == FIXTURE.read_bytes()


def test_the_documented_dump_is_the_dump_of_the_example_file() -> None:
    text = DOC.read_text("utf-8")
    assert BEGIN in text
    assert doc_with_dump(text, annotated_dump(FIXTURE)) == text, (
        "docs/format.md is stale: run 'python tools/update_format_doc.py'"
    )


def test_the_tool_finds_nothing_out_of_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_the_documented_dump_command_prints_the_dump() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "chronoflow.recording.hexdump", str(FIXTURE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == annotated_dump(FIXTURE)


def test_the_dump_of_a_file_that_is_not_a_recording_is_one_error_line(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not a recording")
    done = subprocess.run(
        [sys.executable, "-m", "chronoflow.recording.hexdump", str(other)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: {other}: at byte 0: no Chronoflow recording signature"
    ]


def test_the_dump_shows_a_torn_tail_as_it_is(tmp_path: Path) -> None:
    torn = tmp_path / "torn.cfl"
    torn.write_bytes(FIXTURE.read_bytes()[:-5])
    lines = annotated_dump(torn).splitlines()
    (footer,) = [n for n, line in enumerate(lines) if "FOOTER frame" in line]
    (tail,) = [n for n, line in enumerate(lines) if "not a whole frame" in line]
    assert footer < tail
    assert lines[tail].startswith("000001a3  8d 43 46 52")  # the torn trailer's first bytes


def test_the_example_file_reads_back() -> None:
    reader = open_recording(FIXTURE)
    assert reader.complete
    assert same_signals(reader.signals(), EXAMPLE_SIGNALS)
    assert reader.metadata["workflow"] == "hello.py"


def test_the_doc_names_every_record_kind_and_ext_type() -> None:
    text = DOC.read_text("utf-8")
    for needle in ("| 1 | METADATA", "| 2 | CHUNK", "| 3 | FOOTER", "| 4 | TRAILER"):
        assert needle in text
    for ext in ("ext 1 with an empty payload", "ext **2**", "ext **3**", "ext **4**"):
        assert ext in text
    assert "python tools/regenerate_recordings.py" in text
    assert Chunk.read.__doc__


def test_the_reader_never_imports_pickle_or_marshal_code(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, marshal
        from chronoflow.recording import open_recording, ReadMode
        from chronoflow.recording.summary import summarize
        sys.modules["pickle"] = None  # any import of pickle now fails
        sys.modules["_pickle"] = None

        def refuse(*args, **kwargs):
            raise AssertionError("marshal used while reading")

        marshal.loads = refuse
        marshal.load = refuse
        for mode in ReadMode:
            reader = open_recording({str(FIXTURE)!r}, mode)
            assert len(list(reader.signals())) == 7
        summarize({str(FIXTURE)!r})
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    imported = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, chronoflow.recording; print('pickle' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.stdout.strip() == "False"
