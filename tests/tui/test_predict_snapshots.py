"""Snapshots of predict mode at 80x24: a question, and a reveal with its explanation.

The client/server recording at seq 13: the server has just blocked, and the
client's select is about to take reply #12, past two older replies. Review
a changed snapshot in the report before accepting it with
``--snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chronoflow.inspect import Timeline
from tui.app import ChronoflowApp

Snap = Callable[..., bool]
CLIENT_SERVER = Path(__file__).resolve().parents[2] / "recordings" / "client_server.cfl"
SMALL = (80, 24)


@pytest.fixture
def client_server() -> Iterator[Timeline]:
    timeline = Timeline.open(CLIENT_SERVER)
    assert timeline.wait(timeout=30)
    yield timeline
    timeline.close()


def test_predict_question(snap_compare: Snap, client_server: Timeline) -> None:
    app = ChronoflowApp(client_server, at=13)
    assert snap_compare(app, terminal_size=SMALL, press=["e"])


def test_predict_reveal(snap_compare: Snap, client_server: Timeline) -> None:
    app = ChronoflowApp(client_server, at=13)
    # Client[1] (right), then a wrong "what": the first answer.
    assert snap_compare(app, terminal_size=SMALL, press=["e", "2", "1"])
