"""One piece of work to count instructions of, under valgrind (load-independent).

Wall-clock ratios move with the machine's load; instruction counts do not.
Run the same work twice under callgrind, with and without the part being
measured, and subtract (imports and start-up cancel out):

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg \\
        .venv/bin/python benchmarks/instructions.py record 100000
    callgrind_annotate /tmp/cg | grep "PROGRAM TOTALS"

Work:
    ring HOPS            an unrecorded ring of 300 processes (the hop of
                         docs/performance.md "Runtime hot path": run it at
                         20000 and 60000 hops, subtract, divide by 40000)
    record HOPS          a recorded ring of 300 processes
    record HOPS --read   the same, then a streaming read of the recording
    index FILE           a Timeline indexing FILE in the foreground
    open FILE            importing the engine and opening FILE only
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from ring import run_ring

from chronoflow import SimpleScheduler
from chronoflow.inspect import Timeline
from chronoflow.recording import ReadMode, open_recording


def record(hops: int, read: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ring.cfl"
        with SimpleScheduler(inbox_limit=None, record=path) as scheduler:
            asyncio.run(run_ring(scheduler, 300, hops))
        if read:
            deque(open_recording(path).signals(), maxlen=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("work", choices=["ring", "record", "index", "open"])
    parser.add_argument("what", help="hops (ring, record) or a .cfl file (index, open)")
    parser.add_argument("--read", action="store_true", help="record: read the file back too")
    args = parser.parse_args()
    if args.work == "ring":
        asyncio.run(run_ring(SimpleScheduler(inbox_limit=None), 300, int(args.what)))
        return
    if args.work == "record":
        record(int(args.what), args.read)
        return
    reader = open_recording(args.what, mode=ReadMode.TOLERANT)
    if args.work == "index":
        Timeline(reader, background=False).close()


if __name__ == "__main__":
    main()
