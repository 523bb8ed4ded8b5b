"""Rewrite the worked example of ``docs/format.md``: the tiny recording and its hex dump.

A developer tool, not part of the installed package. :func:`write_example`
writes the same bytes every time (fixed metadata, salt, clock and
signals) to ``tests/fixtures/recording-tiny.cfl``; the annotated dump of
that file (:func:`chronoflow.recording.hexdump.annotated_dump`) replaces
the block between the ``hexdump`` markers in the document.
``tests/recording/test_format_doc.py`` regenerates both and fails if they
differ from what is committed, so the document cannot drift from the code.

    .venv/bin/python tools/update_format_doc.py [--check]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chronoflow.recording import FORMAT_VERSION, RecordingWriter
from chronoflow.recording.hexdump import annotated_dump
from chronoflow.signals import Signal, SignalType

#: The checkout this script belongs to.
ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "format.md"
FIXTURE = ROOT / "tests" / "fixtures" / "recording-tiny.cfl"
BEGIN = "<!-- hexdump:begin -->"
END = "<!-- hexdump:end -->"

EXAMPLE_METADATA: dict[str, Any] = {
    "format_version": FORMAT_VERSION,
    "chronoflow_version": "0.1.0",
    "python_version": "3.11.7",
    "created": 1700000000.0,
    "workflow": "hello.py",
    "args": [],
    "templates": [{"name": "Hello", "module": "hello", "qualname": "Hello"}],
}

#: The example's salt, fixed so that the file comes out the same every time.
EXAMPLE_SALT = bytes.fromhex("5a17c0de")

EXAMPLE_SIGNALS = [
    Signal(
        0,
        0,
        SignalType.START,
        {"template": "Hello", "module": "hello", "qualname": "Hello", "args": [], "parent": None},
        1700000000.0,
    ),
    Signal(1, 0, SignalType.WAIT, None, 1700000000.000010),
    Signal(2, 0, SignalType.DELIVER, {"msg": ("hi", 1), "into": [0]}, 1700000000.000025),
    Signal(3, 0, SignalType.RECEIVE, 2, 1700000000.000031),
    Signal(4, 0, SignalType.SEND, {"msg": "hi", "to": 0, "into": [0]}, 1700000000.000031),
    Signal(5, 0, SignalType.RECEIVE, 4, 1700000000.000035),
    Signal(6, 0, SignalType.STOP, {"result": "hi"}, 1700000000.000040),
]


def write_example(path: Path) -> Path:
    """Write the example recording: one process that receives a message and
    sends it on to itself."""
    writer = RecordingWriter(path, EXAMPLE_METADATA, salt=EXAMPLE_SALT)
    writer.write_signals(EXAMPLE_SIGNALS)
    writer.close()
    return path


def doc_with_dump(doc_text: str, dump: str) -> str:
    """``doc_text`` with the block between the hexdump markers replaced by ``dump``."""
    if BEGIN not in doc_text or END not in doc_text:
        raise ValueError(f"the document has no {BEGIN} ... {END} block")
    head, rest = doc_text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n```text\n{dump}```\n{END}{tail}"


def _stale(doc: Path, fixture: Path) -> list[str]:
    """Which of ``doc`` and ``fixture`` differ from what this script would write."""
    with tempfile.TemporaryDirectory() as folder:
        example = write_example(Path(folder) / fixture.name)
        fresh = example.read_bytes()
        text = doc.read_text("utf-8")
        stale = [] if fixture.is_file() and fixture.read_bytes() == fresh else [str(fixture)]
        if doc_with_dump(text, annotated_dump(example)) != text:
            stale.append(str(doc))
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the example file and the document's dump, or with ``--check`` only compare."""
    parser = argparse.ArgumentParser(
        prog="tools/update_format_doc.py",
        description=(
            "Rewrite tests/fixtures/recording-tiny.cfl and the annotated hex dump of it "
            "in docs/format.md."
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name the files that are out of date",
    )
    options = parser.parse_args(argv)
    try:
        if options.check:
            stale = _stale(DOC, FIXTURE)
            for name in stale:
                print(f"out of date: {name}", file=sys.stderr)
            return 1 if stale else 0
        write_example(FIXTURE)
        DOC.write_text(doc_with_dump(DOC.read_text("utf-8"), annotated_dump(FIXTURE)), "utf-8")
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {FIXTURE.relative_to(ROOT)} and its dump in {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
