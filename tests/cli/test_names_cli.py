"""``chronoflow state`` and ``find`` with registered names, calls and late messages.

The bank of ``tests/tui/test_names.py``, recorded to a file: ``alice`` is
an account its bank registered, a client calls it twice and then sends to
it after it has ended, and ``ping`` and ``pong`` call each other.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chronoflow.cli import app
from tests.inspect.conftest import record_file
from tests.tui.test_names import ALICE_STOPS, FIRST_CALL_WAITS, LAST, TOO_LATE, _main

runner = CliRunner()
WIDE = {"COLUMNS": "200", "NO_COLOR": "1"}


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return record_file(_main, tmp_path / "bank.cfl", virtual_time=True)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_state_names_registered_processes_and_calls(bank: Path) -> None:
    at = str(FIRST_CALL_WAITS)
    result = runner.invoke(app, ["state", str(bank), "--at", at], env=WIDE)
    assert result.exit_code == 0, result.output
    shown = _lines(result.output)
    assert "│   └── alice: Account[4](0) is running" in shown
    assert (
        "├── Client[1]() waits for a reply from alice: Account[4] since seq 10  monitors 4 (ref 8)"
    ) in shown
    assert shown[-1] == "seq 10: wait call 4 (select reply | down)"


def test_state_pending_shows_a_deadlock_of_calls_and_the_late_message(bank: Path) -> None:
    result = runner.invoke(app, ["state", str(bank), "--pending"], env=WIDE)
    assert result.exit_code == 0, result.output
    shown = _lines(result.output)
    assert shown[1] == f"deadlock: 2 processes blocked forever since seq {LAST}"
    assert shown[2] == "  wait-for cycle: ping: Caller[2] → pong: Caller[3] → ping: Caller[2]"
    assert "  ping: Caller[2] waits for pong: Caller[3] (calls it)" in shown
    assert (
        f"  #{TOO_LATE} 'too late'  from Client[1], routed to alice: Account[4], "
        f"which ended at seq {ALICE_STOPS}"
    ) in shown


def test_find_says_a_message_went_to_a_process_that_had_ended(bank: Path) -> None:
    result = runner.invoke(app, ["find", str(bank), "type:SEND pid:1"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert _lines(result.output)[-1].split(maxsplit=3)[3] == (
        f"send 'too late' to alice: Account[4], which ended at seq {ALICE_STOPS}"
    )
    found = runner.invoke(app, ["find", str(bank), "type:REGISTER"], env=WIDE)
    assert [line.split(maxsplit=3)[3] for line in _lines(found.output)] == [
        "register alice (by Bank[0])",
        "register ping",
        "register pong",
    ]
