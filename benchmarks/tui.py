"""TUI benchmark: first paint, key-to-repaint latency and memory on big recordings.

Uses the engine benchmark's recordings (1 M and 10 M signals, 225
processes with real inbox backlogs; ``benchmarks/engine.py`` generates
them into ``--dir`` if they are missing) and drives the real app headless
(``App.run_test``) at 120 x 40, each size in a fresh child process so that
peak memory is the debugger's alone. Reports:

- first paint: from ``Timeline.open`` (the app's imports done) until the
  main screen has been painted once, with every panel filled (the indexer
  is still running then); also how long ``import tui.app`` takes, which a
  person waits for too;
- key press to repaint: a key event is posted to the app and the time
  taken until the screen has been repainted, for a step (``right``), a step
  of the selected process (``n``), and jumps (``end``, ``home`` and a go-to
  to a random seq), after indexing is complete: median, p90 and max;
- peak memory (``ru_maxrss``) against the budget: half the file size plus
  100 MB.

    python benchmarks/tui.py [--sizes 1000000 10000000] [--dir /tmp/chronoflow-bench]
                             [--compare ROUNDS]

With ``--compare``, each size runs ROUNDS pairs of fresh processes, a
baseline (every signal after a jump read from the recording again, as
before a seek's last chunk was kept) then the code as it is, and prints
each run's medians and the jump ratio per pair. The app keeps the index
sidecar of these recordings (``engine-N.cfl.idx``) like any other, so
after the first run the index is read back instead of built; a run waits
until the sidecar is written before it measures.

Budgets (DESIGN.md): first paint under 0.5 s at any size; a step from key
press to repaint under 16 ms (median); memory under half the file size
plus 100 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZE = (120, 40)
HERE = Path(__file__).resolve().parent
# Why: Python puts this script's folder first on the path, where this very
# file would shadow the ``tui`` package it measures.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]


def _engine_benchmark() -> Any:
    spec = importlib.util.spec_from_file_location("engine_benchmark", HERE / "engine.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(values) * 1000,
        "p90_ms": _percentile(values, 0.9) * 1000,
        "max_ms": max(values) * 1000,
        "n": len(values),
    }


def _without_kept_rows() -> None:
    """The baseline of ``--compare``: every signal read from the recording,
    as before a jump's rows came from the chunk its seek folded."""
    from chronoflow.inspect.source import SourceReader

    SourceReader.kept_signals = lambda self, start, stop: None  # type: ignore[method-assign]


async def _measure(path: Path, samples: int) -> dict[str, Any]:
    # The app's package first, as when chronoflow-tui starts: importing it
    # sets Textual's frame rate, which Textual reads when it is imported.
    from tui.app import ChronoflowApp

    # isort: split
    from textual import events

    from chronoflow.inspect import Timeline, tune_collector

    tune_collector()  # as chronoflow-tui does before it starts the app
    painted = asyncio.Event()
    started = time.perf_counter()
    timeline = Timeline.open(path, start=False)  # as chronoflow-tui opens it
    app = ChronoflowApp(timeline)
    first_paint = 0.0

    def on_first_paint() -> None:
        nonlocal first_paint
        first_paint = time.perf_counter() - started
        painted.set()

    result: dict[str, Any] = {"file_mb": path.stat().st_size / 1e6}
    async with app.run_test(size=SIZE):
        app.call_after_refresh(on_first_paint)
        await painted.wait()
        result["first_paint_s"] = first_paint
        result["indexed_at_first_paint"] = timeline.progress.indexed
        waited = time.perf_counter()
        await asyncio.get_running_loop().run_in_executor(None, timeline.wait)
        result["index_s"] = time.perf_counter() - waited + first_paint
        while not timeline.indexer.finished:  # why: the index sidecar is written now
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # let the last progress message land
        total = len(timeline)
        result["signals"] = total
        rng = random.Random(7)

        async def press(key: str, character: str | None, expected: int) -> float:
            # Why wait for the seq: a key travels from the app to the focused
            # widget and back through several message queues, so "after the
            # next refresh" could come before the key was handled.
            done = asyncio.Event()
            begun = time.perf_counter()
            app.post_message(events.Key(key, character))
            while app.seq != expected:
                await asyncio.sleep(0)
                if time.perf_counter() - begun > 5:
                    raise AssertionError(f"{key} did not reach seq {expected}")
            app.call_after_refresh(done.set)
            await done.wait()
            return time.perf_counter() - begun

        async def jump(seq: int) -> float:
            done = asyncio.Event()
            begun = time.perf_counter()
            app.go_to(seq)  # what the go-to prompt does on enter
            app.call_after_refresh(done.set)
            await done.wait()
            return time.perf_counter() - begun

        steps: list[float] = []
        process_steps: list[float] = []
        jumps: list[float] = []
        ends: list[float] = []
        per_place = max(1, samples // 20)
        for _ in range(20):
            await jump(rng.randrange(total - per_place - 1))
            pid = app.signal.pid if app.signal is not None else 0
            app.select_process(pid)
            for _ in range(per_place):
                steps.append(await press("right", None, app.seq + 1))
            for _ in range(max(1, per_place // 4)):
                following = timeline.next_for(pid, app.seq)
                if following is None:
                    break
                process_steps.append(await press("n", "n", following))
        for _ in range(max(5, samples // 4)):
            jumps.append(await jump(rng.randrange(total)))
        for _ in range(5):
            ends.append(await press("end", None, total - 1))
            ends.append(await press("home", None, 0))
        result["step"] = _summary(steps)
        result["process_step"] = _summary(process_steps)
        result["jump"] = _summary(jumps)
        result["end_home"] = _summary(ends)
    timeline.close()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["repaint_floor"] = _summary(await _repaint_floor(samples // 4))
    return result


async def _repaint_floor(samples: int) -> list[float]:
    """Baseline: Textual repainting four bordered panels of plain text, nothing else.

    The same layout as the debugger's main screen at the same size, each
    panel a Line-API widget whose lines are prebuilt strips: a jump that
    repaints every panel cannot be faster than this on the same machine,
    so the ratio of the two shows what the debugger adds, whatever the
    machine's load at the time.
    """
    from rich.segment import Segment
    from rich.style import Style
    from textual.app import App, ComposeResult
    from textual.containers import Horizontal, Vertical
    from textual.strip import Strip
    from textual.widget import Widget

    line = Strip([Segment("x" * 200, Style(color="white", bgcolor="black"))], 200)

    class Panel(Widget):
        DEFAULT_CSS = "Panel { border: round gray; height: 1fr; }"

        def render_line(self, y: int) -> Strip:
            return line.crop(0, self.size.width)

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            with Horizontal():
                with Vertical():
                    yield Panel()
                    yield Panel()
                with Vertical():
                    yield Panel()
                    yield Panel()

    app = Floor()
    times = []
    async with app.run_test(size=SIZE):
        panels = list(app.query(Panel))
        for _ in range(max(5, samples)):
            done = asyncio.Event()
            begun = time.perf_counter()
            for panel in panels:
                panel.refresh()
            app.call_after_refresh(done.set)
            await done.wait()
            times.append(time.perf_counter() - begun)
    return times


def _import_time() -> float:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; t = time.perf_counter(); import tui.app; print(time.perf_counter() - t)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _report(r: dict[str, Any]) -> None:
    budget_mb = r["file_mb"] / 2 + 100
    print(f"  signals: {r['signals']:,}, file {r['file_mb']:.0f} MB")
    print(
        f"  first paint: {r['first_paint_s'] * 1000:.0f} ms after Timeline.open "
        f"({r['indexed_at_first_paint']:,} signals indexed by then; "
        f"import tui.app {r['import_s'] * 1000:.0f} ms before that)"
    )
    print(f"  indexing done after {r['index_s']:.1f} s (the app stays responsive meanwhile)")
    for name in ("step", "process_step", "jump", "end_home"):
        s = r[name]
        print(
            f"  {name:>12}: median {s['median_ms']:.1f} ms, p90 {s['p90_ms']:.1f} ms, "
            f"max {s['max_ms']:.1f} ms (n={s['n']})"
        )
    floor = r["repaint_floor"]["median_ms"]
    print(
        f"  baseline, Textual repainting four panels of plain text: median {floor:.1f} ms "
        f"(jump / baseline {r['jump']['median_ms'] / floor:.1f}x, "
        f"step / baseline {r['step']['median_ms'] / floor:.1f}x)"
    )
    print(f"  peak memory: {r['peak_rss_mb']:.0f} MB (budget {budget_mb:.0f} MB)")
    print(
        f"  budgets: first paint < 500 ms {_met(r['first_paint_s'] < 0.5)}; "
        f"step median < 16 ms {_met(r['step']['median_ms'] < 16)}; "
        f"jump median < 16 ms {_met(r['jump']['median_ms'] < 16)}; "
        f"memory {_met(r['peak_rss_mb'] < budget_mb)}",
        flush=True,
    )


def main() -> None:
    """Generate what is missing, then measure each size in a fresh process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "chronoflow-bench"
    )
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument(
        "--compare",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="per size, ROUNDS pairs of runs alternating a baseline (the signals "
        "after a jump read from the recording again) and the code as it is",
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        if args.baseline:
            _without_kept_rows()
        print(json.dumps(asyncio.run(_measure(args.measure, args.samples))))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    import_s = _import_time()
    for size in args.sizes:
        path = args.dir / f"engine-{size}.cfl"
        print(f"{size:,} signals: {path}", flush=True)
        if not path.exists():
            _engine_benchmark().generate(path, size)
        if args.compare:
            _compare(path, args.samples, args.compare)
            continue
        report = _child(path, args.samples, baseline=False)
        report["import_s"] = import_s
        _report(report)


def _child(path: Path, samples: int, *, baseline: bool) -> dict[str, Any]:
    """Every figure of one run of the app on ``path``, in a fresh process."""
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            *("--measure", str(path), "--samples", str(samples)),
            *(["--baseline"] if baseline else []),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _compare(path: Path, samples: int, rounds: int) -> None:
    """Baseline and current runs alternated; each run's medians, then the ratios."""
    ratios = []
    for _ in range(rounds):
        pair = {}
        for baseline in (True, False):
            r = _child(path, samples, baseline=baseline)
            pair[baseline] = r["jump"]["median_ms"]
            print(
                f"  {'baseline' if baseline else 'current ':>8}: jump {r['jump']['median_ms']:.1f} "
                f"ms, step {r['step']['median_ms']:.1f} ms, first paint "
                f"{r['first_paint_s'] * 1000:.0f} ms, floor "
                f"{r['repaint_floor']['median_ms']:.1f} ms",
                flush=True,
            )
        ratios.append(pair[False] / pair[True])
    print(f"  jump median, current / baseline: {', '.join(f'{r:.2f}' for r in ratios)}")


if __name__ == "__main__":
    main()
