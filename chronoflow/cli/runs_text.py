"""Two recordings compared, as lines and as JSON: what ``diff A B`` and ``fork`` print.

The first divergence is worded as ``chronoflow replay`` words its error
(seq, the process's own step, its template, what A has and what B has);
then one line per process that differs, ``pid name: what differs``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from chronoflow.cli.terminal import visible
from chronoflow.inspect.two_runs import ProcessDifference, RunComparison


def comparison_lines(comparison: RunComparison, limit: int | None = None) -> list[Text]:
    """The comparison as lines: A and B, the first divergence, each differing process
    (at most ``limit``; a line counts the rest)."""
    found = [
        Text(visible(f"A: {comparison.a} ({comparison.length_a} signals)")),
        Text(visible(f"B: {comparison.b} ({comparison.length_b} signals)")),
    ]
    divergence = comparison.divergence
    if divergence is None:
        found.append(
            Text(f"no divergence: the runs agree on all {comparison.length_a} signals", "green")
        )
        return found
    found.append(Text.assemble(("diverged: ", "bold red"), visible(divergence.headline())))
    differing = comparison.differing
    found.append(
        Text(f"processes that differ: {len(differing)} of {len(comparison.processes)}", "bold")
    )
    shown = differing if limit is None else differing[:limit]
    found.extend(_process_line(process) for process in shown)
    if len(shown) < len(differing):
        rest = len(differing) - len(shown)
        found.append(Text(f"  … {rest} more (--limit lists more)", "dim"))
    return found


def _process_line(process: ProcessDifference) -> Text:
    line = Text(f"{process.pid:>7} ")
    line.append(visible(process.name), "bold")
    return line.append(": " + visible("; ".join(process.notes())))


def comparison_json(comparison: RunComparison) -> dict[str, Any]:
    """The comparison as one JSON object."""
    divergence = comparison.divergence
    first: dict[str, Any] | None = None
    if divergence is not None:
        first = {
            "seq": divergence.seq,
            "pid": divergence.pid,
            "step": divergence.step,
            "template": divergence.template,
            "other": divergence.other,
            "a": _signal(divergence.a),
            "b": _signal(divergence.b),
            "text": divergence.headline(),
        }
    return {
        "a": str(comparison.a),
        "b": str(comparison.b),
        "signals": {"a": comparison.length_a, "b": comparison.length_b},
        "same": comparison.same,
        "divergence": first,
        "processes": [
            {
                "pid": p.pid,
                "name": p.name,
                "signals": {"a": p.signals_a, "b": p.signals_b},
                "first_step": p.first_step,
                "seq": {"a": p.seq_a, "b": p.seq_b},
                "status": {"a": p.status_a, "b": p.status_b},
                "result": {"a": p.result_a, "b": p.result_b},
            }
            for p in comparison.differing
        ],
    }


def _signal(signal: Any) -> dict[str, Any] | None:
    if signal is None:
        return None
    kind = getattr(signal.type, "name", str(signal.type))
    return {"seq": signal.seq, "pid": signal.pid, "type": kind, "data": repr(signal.data)}
