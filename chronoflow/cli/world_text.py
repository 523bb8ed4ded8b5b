"""Text for ``chronoflow state``: the world at a seq, and what it waits on.

Every string that comes from a recording is put in a :class:`rich.text.Text`
as it is, never parsed as markup (:class:`~chronoflow.cli.terminal.Output`
escapes its control characters when it is written). Both reports are lists
of lines, one fact a line: the tree draws its own guides (``├── ``) instead
of using :class:`rich.tree.Tree`.

Why not ``rich.tree.Tree``: it wraps each label to the terminal's width,
also when the output goes to a pipe, and laying out a tree of 100,000
processes took Rich about 10 s of the 35 s ``chronoflow state`` needed;
lines with guides cost a few microseconds each.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.text import Text

from chronoflow.inspect import (
    Examination,
    Pending,
    ProcessState,
    Status,
    Timeline,
    World,
    addressee,
)
from chronoflow.inspect.summary import seq_among, short

STATUS_STYLES = {
    Status.RUNNING: "green",
    Status.READY: "bold green",
    Status.WAITING: "yellow",
    Status.USING: "cyan",
    Status.JOINING: "yellow",
    Status.SLEEPING: "blue",
    Status.STOPPED: "dim",
    Status.CRASHED: "bold red",
    Status.KILLED: "red",
}

EXAMINATION_STYLES = {
    Examination.UNEXAMINED: "dim",
    Examination.PASSED_OVER: "yellow",
    Examination.MATCHES: "bold green",
    Examination.RAISED: "bold red",
}


def _status(timeline: Timeline, proc: ProcessState, seq: int) -> Text:
    text = Text(timeline.why(proc.pid, seq).sentence, style=STATUS_STYLES[proc.status])
    if proc.status is Status.STOPPED:
        text.append(f" = {short(proc.result)}")
    if proc.status is Status.KILLED and proc.killed_by is not None:
        text.append(f" (by process {proc.killed_by})")
    if proc.links:
        text.append(f"  linked to {', '.join(map(str, proc.links))}", style="dim")
    if proc.monitors:
        watched = ", ".join(f"{pid} (ref {ref})" for ref, pid in proc.monitors)
        text.append(f"  monitors {watched}", style="dim")
    if proc.trap_exit:
        text.append("  traps exits", style="dim")
    return text


def _label(timeline: Timeline, proc: ProcessState, seq: int) -> Text:
    label = Text(proc.name, style="bold")
    label.append(f"({', '.join(short(a) for a in proc.args)}) ")
    label.append_text(_status(timeline, proc, seq))
    if proc.transitions:
        label.append(
            f"  started as {proc.started_as}, {proc.transitions} transition(s); "
            f"runs {proc.template} since seq {proc.template_since}",
            style="dim",
        )
    return label


def world_tree(timeline: Timeline, world: World) -> list[Text]:
    """The process tree at ``world.seq``, a line per node: why each process is
    not running, and every non-empty inbox with what its receive makes of
    each message."""
    root = Text(f"world at {seq_among(world.seq, len(timeline))}", style="bold")
    if not len(world):
        return [root, *tree_lines([(0, Text("no processes yet", style="dim"))])]
    return [root, *tree_lines(_nodes(timeline, world))]


def _nodes(timeline: Timeline, world: World) -> Iterator[tuple[int, Text]]:
    """``(depth, label)`` in pre-order: each process, then its inbox and
    messages, then its children."""
    seq = world.seq
    for depth, proc in world.tree():
        yield depth, _label(timeline, proc, seq)
        if not proc.inbox:
            continue
        yield depth + 1, Text(f"inbox: {len(proc.inbox)} message(s)", style="italic")
        for mark in timeline.mailbox(proc.pid, seq).entries:
            entry = mark.entry
            sender = "outside" if entry.sender is None else f"process {entry.sender}"
            line = Text(f"#{entry.id} ", style="bold")
            line.append(short(entry.message))
            note = f"  from {sender}, arrived at {entry.arrived}"
            line.append(note + (" (inherited)" if entry.inherited else ""), style="dim")
            line.append("  ")
            line.append(mark.label, style=EXAMINATION_STYLES[mark.examination])
            if mark.new:
                line.append("  (new)", style="bold")
            yield depth + 2, line


def tree_lines(nodes: Iterable[tuple[int, Text]]) -> list[Text]:
    """``(depth, label)`` nodes in pre-order as lines with tree guides, under a
    root line the caller prints first (depth 0 are the root's children)."""
    listed = list(nodes)
    # Why backwards: a node is its parent's last child when no sibling
    # follows before the tree climbs above it.
    last = [False] * len(listed)
    sibling_below: list[bool] = []
    for index in range(len(listed) - 1, -1, -1):
        depth = listed[index][0]
        del sibling_below[depth + 1 :]
        sibling_below.extend([False] * (depth + 1 - len(sibling_below)))
        last[index] = not sibling_below[depth]
        sibling_below[depth] = True
    lines = []
    open_levels: list[bool] = []  # per depth: does the ancestor there have siblings below?
    for (depth, label), is_last in zip(listed, last, strict=True):
        del open_levels[depth:]
        guides = "".join("│   " if more else "    " for more in open_levels)
        line = Text(guides + ("└── " if is_last else "├── "))
        line.append_text(label)
        lines.append(line)
        open_levels.append(not is_last)
    return lines


def pending_report(timeline: Timeline, pending: Pending) -> list[Text]:
    """What the world at ``pending.seq`` waits on, one fact a line."""
    world = timeline.state_at(pending.seq)

    def name(pid: int) -> str:
        return world.process(pid).name if pid in world else f"process {pid}"

    def when(ts: float | None) -> str:
        return "" if ts is None else f", due at +{ts - timeline.origin:.3f}s"

    lines = [Text(f"pending at {seq_among(pending.seq, len(timeline))}", style="bold")]
    if len(world) and all(proc.status.ended for proc in world):
        lines.append(Text(f"every process has ended ({len(world)})", style="green"))
    standstill = pending.standstill
    if standstill is not None:
        style = "bold red" if standstill.deadlock else "bold yellow"
        lines.append(Text(standstill.describe(), style=style))
        if standstill.cycle:
            cycle = " → ".join(name(pid) for pid in (*standstill.cycle, standstill.cycle[0]))
            lines.append(Text(f"  wait-for cycle: {cycle}", style="red"))
        for edge in (*standstill.edges, *standstill.dead_ends):
            lines.append(Text(f"  {name(edge.pid)} waits for {name(edge.on)} ({edge.how})"))
    elif pending.quiet:
        quiet = "quiet: every live process is blocked and nothing pending can wake one"
        if pending.resumed_at is not None:
            quiet += f"; input from outside went on at seq {pending.resumed_at}"
        lines.append(Text(quiet, style="yellow"))

    def section(title: str, items: list[Text]) -> None:
        lines.append(Text(f"{title} ({len(items)})" if items else f"{title}: none", style="bold"))
        lines.extend(items)

    section(
        "blocked",
        [Text(f"  {name(why.pid)} {why.sentence}") for why in pending.blocked],
    )
    section("ready", [Text(f"  {name(why.pid)} {why.sentence}") for why in pending.ready])
    section(
        "use calls in flight",
        [
            Text(f"  {name(use.pid)}: {use.fn}({', '.join(short(a) for a in use.args)})").append(
                f" since seq {use.seq}", style="dim"
            )
            for use in pending.uses
        ],
    )
    section(
        "timers",
        [
            Text(
                f"  {name(timer.pid)}: "
                f"{'sleep' if timer.sleep else 'receive timeout'} {timer.seconds:g} s"
                f" armed at seq {timer.wait}{when(timer.due)}"
            )
            for timer in pending.timers
        ],
    )
    unreceived: list[Text] = []
    for pid, entries in pending.inboxes:
        for entry in entries:
            sender = "outside" if entry.sender is None else name(entry.sender)
            line = Text(f"  {name(pid)}: #{entry.id} ")
            line.append(short(entry.message))
            line.append(f"  from {sender}, arrived at {entry.arrived}", style="dim")
            unreceived.append(line)
    section("messages not yet received", unreceived)
    section(
        "outbox (reached no inbox)",
        [
            Text(f"  #{item.id} ")
            .append(short(item.message))
            .append(
                f"  from {name(item.sender)}, routed to {addressee(timeline, item.to, item.id)}",
                style="dim",
            )
            for item in pending.outbox
        ],
    )
    return lines
