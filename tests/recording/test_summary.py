"""summarize() agrees with a plain pass over every signal of every shipped recording."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from chronoflow.recording import open_recording
from chronoflow.recording.summary import summarize
from chronoflow.signals import SignalType

RECORDINGS = sorted((Path(__file__).resolve().parents[2] / "recordings").glob("*.cfl"))


@pytest.mark.parametrize("path", RECORDINGS, ids=[p.stem for p in RECORDINGS])
def test_a_summary_counts_what_a_plain_pass_counts(path: Path) -> None:
    signals = list(open_recording(path).signals())
    names: dict[int, str] = {}
    started: Counter[str] = Counter()
    for signal in signals:
        if signal.type in (SignalType.START, SignalType.TRANSITION):
            names[signal.pid] = signal.data["template"]
            started[signal.data["template"]] += signal.type is SignalType.START
    summary = summarize(path)
    assert summary.count == len(signals)
    assert summary.type_counts == Counter(signal.type for signal in signals)
    assert summary.processes == names
    assert +summary.template_counts == +started
    assert (summary.first_seq, summary.last_seq) == (0, len(signals) - 1)
    assert (summary.first_ts, summary.last_ts) == (signals[0].ts, signals[-1].ts)


def test_the_shipped_recordings_include_transitions() -> None:
    kinds = {s.type for path in RECORDINGS for s in open_recording(path).signals()}
    assert SignalType.TRANSITION in kinds  # so the renaming above is exercised
