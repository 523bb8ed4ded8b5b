"""The footer index: trusted when it is consistent, otherwise the file is scanned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgpack
import pytest

from chronoflow.recording import ReadMode, RecordingCorrupt, open_recording
from chronoflow.recording.format import RECORD_HEADER, RecordKind, frame, parse_header
from chronoflow.recording.records import Trailer
from tests.recording.conftest import make_signals, same_signals, write_recording

SIGNALS = make_signals(50)


def with_footer(tmp_path: Path, change: Any) -> Path:
    """A recording of SIGNALS whose footer map was passed through ``change``."""
    path = write_recording(tmp_path / "good.cfl", SIGNALS, chunk=10)
    whole = path.read_bytes()
    trailer_size = RECORD_HEADER.size + Trailer.SIZE
    footer_at = Trailer.read(whole[-Trailer.SIZE :])
    payload = whole[footer_at + RECORD_HEADER.size : len(whole) - trailer_size]
    footer = msgpack.unpackb(payload, strict_map_key=False)
    change(footer)
    bad = tmp_path / "changed.cfl"
    salt = parse_header(whole)[0].salt
    bad.write_bytes(
        whole[:footer_at]
        + frame(RecordKind.FOOTER, msgpack.packb(footer), salt)
        + frame(RecordKind.TRAILER, Trailer.write(footer_at), salt)
    )
    return bad


@pytest.mark.format_rule("complete")
def test_an_untouched_footer_is_used(tmp_path: Path) -> None:
    reader = open_recording(with_footer(tmp_path, lambda footer: None), ReadMode.STRICT)
    assert reader.complete
    assert reader.count() == 50
    assert [reader.signal(seq).seq for seq in (0, 9, 10, 49)] == [0, 9, 10, 49]


def _swap_two_entries(footer: dict[str, Any]) -> None:
    footer["chunks"][1], footer["chunks"][2] = footer["chunks"][2], footer["chunks"][1]


def _point_past_the_signals(footer: dict[str, Any]) -> None:
    footer["chunks"][-1][1] = 10**9


def _empty_chunk(footer: dict[str, Any]) -> None:
    footer["chunks"][0][2] = 0


def _wrong_count(footer: dict[str, Any]) -> None:
    footer["count"] = 49


def _short_entry(footer: dict[str, Any]) -> None:
    footer["chunks"][3] = footer["chunks"][3][:2]


def _entry_not_a_list(footer: dict[str, Any]) -> None:
    footer["chunks"][3] = 7


def _text_in_an_entry(footer: dict[str, Any]) -> None:
    footer["chunks"][2][1] = "12"


def _offset_before_the_signals(footer: dict[str, Any]) -> None:
    footer["chunks"][0][1] = 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_swap_two_entries, "the footer index is not in order"),
        (_offset_before_the_signals, "the footer index is not in order"),
        (_point_past_the_signals, "the footer index points outside the signals"),
        (_empty_chunk, "the footer index points outside the signals"),
        (_wrong_count, "the footer's signal count does not match its index"),
        (_short_entry, "a footer index entry is not [first_seq, offset, count]"),
        (_entry_not_a_list, "a footer index entry is not [first_seq, offset, count]"),
        (_text_in_an_entry, "a footer index entry is not [first_seq, offset, count]"),
    ],
)
@pytest.mark.format_rule("index-checked")
def test_an_inconsistent_footer_is_reported_and_the_signals_are_found_by_a_scan(
    tmp_path: Path, change: Any, reason: str
) -> None:
    path = with_footer(tmp_path, change)
    reader = open_recording(path)
    assert same_signals(list(reader.signals()), SIGNALS)
    assert any(reason in str(warning) for warning in reader.warnings), reader.warnings
    with pytest.raises(RecordingCorrupt, match=r"footer"):
        open_recording(path, ReadMode.STRICT)
