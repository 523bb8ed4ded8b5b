"""What every test shares: Python's cycle collector as each test found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _collector_as_found() -> Iterator[None]:
    """Undo a front end's ``tune_collector()`` (the CLI and the debugger call it)."""
    thresholds = gc.get_threshold()
    yield
    if gc.get_threshold() != thresholds:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
