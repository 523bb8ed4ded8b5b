"""Playback: stepping forward on a timer, at a speed the person adjusts.

Speeds are in signals per second. The timer never fires more than
:data:`MAX_TICKS` times a second (more repaints than a terminal shows are
wasted); faster speeds advance several signals per tick instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

#: The speeds ``+`` and ``-`` move between, in signals per second.
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000, 100000)
DEFAULT_SPEED = SPEEDS.index(5)
MAX_TICKS = 30


@dataclass
class Playback:
    """Whether playback runs, and how fast."""

    playing: bool = False
    speed_index: int = DEFAULT_SPEED

    @property
    def speed(self) -> int:
        """Signals per second."""
        return SPEEDS[self.speed_index]

    def faster(self) -> None:
        """The next speed up (stays at the fastest)."""
        self.speed_index = min(self.speed_index + 1, len(SPEEDS) - 1)

    def slower(self) -> None:
        """The next speed down (stays at the slowest)."""
        self.speed_index = max(self.speed_index - 1, 0)

    def tick(self) -> tuple[float, int]:
        """``(seconds between ticks, signals per tick)`` for the current speed."""
        ticks = min(self.speed, MAX_TICKS)
        return 1.0 / ticks, math.ceil(self.speed / ticks)

    def advance(self, seq: int, after: Callable[[int], int | None]) -> int:
        """Where one tick leads from ``seq``: a tick's worth of steps, each to
        ``after(seq)``, stopping early where that is None (the end)."""
        _, stride = self.tick()
        for _ in range(stride):
            following = after(seq)
            if following is None:
                break
            seq = following
        return seq

    def label(self) -> str:
        """``▶ 5/s`` while playing, ``⏸ 5/s`` when paused."""
        return f"{'▶ playing' if self.playing else '⏸ paused'} {self.speed:,}/s"
