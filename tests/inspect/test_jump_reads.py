"""A jump decodes each chunk once: the signal at the seq and the rows around
it come from the chunk the seek folded, and equal what the reader gives."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronoflow.inspect import Timeline
from chronoflow.recording import open_recording
from chronoflow.recording.records import Chunk
from tests.inspect.conftest import record_file
from tests.inspect.random_workflows import Program, programs
from tests.inspect.test_sidecar import ping_pong


class Decodes:
    """Counts chunk decodes, by form (raw for a fold, values for signals)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.raw = 0
        self.values = 0
        decode = Chunk.decode

        def counted(payload: bytes, **options: Any) -> Any:
            if options.get("raw"):
                self.raw += 1
            else:
                self.values += 1
            return decode(payload, **options)

        monkeypatch.setattr(Chunk, "decode", staticmethod(counted))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(program=programs, chunk=st.integers(1, 12), data=st.data())
def test_signals_after_a_jump_equal_the_readers(
    program: Program, chunk: int, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = record_file(program, Path(folder) / "r.cfl", chunk_size=chunk, virtual_time=True)
        expected = list(open_recording(path).signals())
        timeline = Timeline(open_recording(path), background=False, interval=5)
        count = len(expected)
        seqs = data.draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=15))
        for seq in seqs:
            timeline.changed_at(seq)
            timeline.state_at(seq)
            assert timeline.signal(seq) == expected[seq]
            low = data.draw(st.integers(max(seq - 12, 0), seq))
            high = data.draw(st.integers(seq + 1, min(seq + 12, count)))
            assert list(timeline.signals(low, high)) == expected[low:high]
        timeline.close()


def test_a_jump_decodes_its_chunk_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = record_file(ping_pong(400), tmp_path / "r.cfl", chunk_size=64)
    timeline = Timeline(open_recording(path), background=False, interval=256)
    decodes = Decodes(monkeypatch)
    rng = random.Random(5)
    for _ in range(20):
        seq = rng.randrange(1, len(timeline))
        timeline.changed_at(seq)
        timeline.state_at(seq)
        timeline.signal(seq)
        chunk_first = seq - seq % 64  # every chunk holds 64 signals
        list(timeline.signals(max(chunk_first, seq - 10), min(chunk_first + 64, seq + 10)))
    # The folds decode chunks raw; the signal and the rows of its chunk
    # decode nothing more.
    assert decodes.raw >= 20
    assert decodes.values == 0
    timeline.close()
