"""Shared helpers for runtime tests: a scheduler whose signals are kept."""

from __future__ import annotations

from typing import Any

import pytest

from chronoflow import Signal, SignalType
from chronoflow.runtime import SimpleScheduler


class Tape:
    """An observer that keeps every signal it is handed."""

    def __init__(self) -> None:
        self.signals: list[Signal] = []

    def __call__(self, signal: Signal) -> None:
        self.signals.append(signal)

    def brief(self) -> list[tuple[int, str, Any]]:
        """(pid, TYPE, data) for each signal: the shape most assertions use."""
        return [(s.pid, SignalType(s.type).name, s.data) for s in self.signals]

    def types(self, pid: int | None = None) -> list[str]:
        """The type names, optionally of one process only."""
        return [SignalType(s.type).name for s in self.signals if pid is None or s.pid == pid]


@pytest.fixture
def tape() -> Tape:
    """A fresh signal tape."""
    return Tape()


@pytest.fixture
def scheduler(tape: Tape) -> SimpleScheduler:
    """A scheduler with a fixed clock whose signals go to ``tape``."""
    return SimpleScheduler(clock=lambda: 1.5, observers=[tape])
