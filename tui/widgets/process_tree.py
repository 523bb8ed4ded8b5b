"""ProcessTree: every process at the current seq, as a parent/child tree.

Each row shows a process's registered name if it has one (``alice:``), its
template and pid, its status (a symbol and a
colour per status, and its short name: ``waiting``, ``ready``, ...), its
inbox size, what it waits for or what made it ready in a few words
(``select reply_to(102) ⏱3s``, ``join Child[3]``, ``#12 matches`` for a ready one),
and a mark on the processes the current signal changed (``« new``,
``« +1 msg``, ``« waiting→ready``). The row of the process the current signal belongs
to has a ``▸`` in the gutter; the selected process (whose mailbox is shown)
is highlighted.

Why a virtual list and not Textual's ``Tree``: a recording may hold
thousands of processes and every step repaints the tree. The tree's shape
(pre-order and guide lines) depends only on which processes exist, and
processes are only ever added, in START order, so the shape for ``n``
processes is computed once and reused; painting a step then costs only the
rows on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from chronoflow.inspect import ProcessChange, Status, World, WorldDiff, why
from tui.literal import literal
from tui.look import status_look
from tui.widgets.virtual_list import VirtualList

#: How many tree shapes (one per process count) are remembered.
_SHAPES_KEPT = 8


def tree_shape(world: World) -> tuple[tuple[int, str], ...]:
    """``(pid, guide)`` per process in pre-order; ``guide`` is the ``├─``/``└─`` prefix."""
    order = list(world.tree_order())
    last = [False] * len(order)
    sibling_follows: list[bool] = []
    for index in range(len(order) - 1, -1, -1):
        depth = order[index][0]
        del sibling_follows[depth + 1 :]
        while len(sibling_follows) <= depth:
            sibling_follows.append(False)
        last[index] = not sibling_follows[depth]
        sibling_follows[depth] = True
    shape = []
    open_levels: list[bool] = []  # per ancestor depth: does a later sibling follow?
    for index, (depth, pid) in enumerate(order):
        del open_levels[depth:]
        guide = "".join("│  " if more else "   " for more in open_levels[1:])
        if depth:
            guide += "└─ " if last[index] else "├─ "
        open_levels.append(not last[index])
        shape.append((pid, guide))
    return tuple(shape)


def change_mark(change: ProcessChange) -> str:
    """What a signal changed in one process, in a few words."""
    if change.created:
        return "new"
    parts = []
    before, after = change.before, change.after
    if change.status_changed and before is not None and after is not None:
        parts.append(f"{before.status.value}→{after.status.value}")
    if change.added:
        parts.append(f"+{len(change.added)} msg")
    if change.removed:
        parts.append(f"−{len(change.removed)} msg")
    if not parts:
        others = [name for name in change.fields if name not in ("status", "wait", "use")]
        parts.extend(others or ["changed"])
    return ", ".join(parts)


class ProcessTree(VirtualList):
    """The process tree; see the module docstring."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous process", show=False),
        Binding("down,j", "move(1)", "Next process", show=False),
    ]

    @dataclass
    class ProcessChosen(Message):
        """The person selected process ``pid`` (click or arrow key)."""

        pid: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.world: World | None = None
        self.changed: WorldDiff | None = None
        self.current_pid: int | None = None
        self.selected: int | None = None
        self._shape: tuple[tuple[int, str], ...] = ()
        self._shapes: dict[int, tuple[tuple[int, str], ...]] = {}
        self._rows: dict[int, int] = {}

    def show(
        self,
        world: World | None,
        changed: WorldDiff | None,
        current_pid: int | None,
        selected: int | None,
    ) -> None:
        """Show ``world`` (None: not indexed yet), marking ``changed`` and ``current_pid``.

        Why it works out which rows to repaint: when the new world is one
        signal away from the one shown, only the processes either signal
        changed (their marks come and go) and the two current-process rows
        can look different; repainting just those keeps a step cheap on a
        tree of thousands of processes.
        """
        old_world, old_changed, old_current = self.world, self.changed, self.current_pid
        old_shape, old_selected = self._shape, self.selected
        self.world, self.changed = world, changed
        self.current_pid, self.selected = current_pid, selected
        self._shape = self._shape_of(world) if world is not None else ()
        self.cursor_row = self.row_of(selected)
        step = (
            world is not None
            and old_world is not None
            and abs(world.seq - old_world.seq) == 1
            and self._shape is old_shape
            and selected == old_selected
        )
        if step:
            pids = {old_current, current_pid}
            for diff in (old_changed, changed):
                if diff is not None:
                    pids.update(diff.pids)
            self.refresh_some_rows(self._rows[pid] for pid in pids if pid in self._rows)
            return
        self.refresh_rows()
        if self.cursor_row >= 0:
            self.scroll_to_row(self.cursor_row)

    def _shape_of(self, world: World) -> tuple[tuple[int, str], ...]:
        count = len(world)
        shape = self._shapes.get(count)
        if shape is None:
            shape = tree_shape(world)
            if len(self._shapes) >= _SHAPES_KEPT:
                self._shapes.pop(next(iter(self._shapes)))
            self._shapes[count] = shape
        if shape is not self._shape:
            self._rows = {pid: row for row, (pid, _) in enumerate(shape)}
        return shape

    @property
    def pids(self) -> tuple[int, ...]:
        """The pids in the order shown."""
        return tuple(pid for pid, _ in self._shape)

    def row_of(self, pid: int | None) -> int:
        """The row of ``pid``, or -1."""
        return -1 if pid is None else self._rows.get(pid, -1)

    def row_count(self) -> int:
        """One row per process."""
        return len(self._shape)

    def render_row(self, row: int, width: int) -> Text:
        """``▸ ├─ ○ Client[1] waiting ✉ 2 · select reply_to(102)  « +1 msg``, or
        ``○ alice: Account[5] ...`` for a process registered as ``alice`` (the
        status's short name; the help screen and the mailbox give its full
        label), what it waits for (``⏱1s``: an armed timer), the mark of what
        this step changed, then what is known about supervision: ``↻2``
        restarts made, ``⚑trap``, ``⛓4,5`` links, and a crash or kill reason."""
        assert self.world is not None
        pid, guide = self._shape[row]
        proc = self.world.process(pid)
        look = status_look(proc.status)
        text = Text(no_wrap=True, end="")
        text.append("▸ " if pid == self.current_pid else "  ", "bold")
        text.append(guide, "dim")
        text.append(f"{look.symbol} ", look.style)
        if proc.registered_name is not None:
            text.append_text(literal(f"{proc.registered_name}: ", "bold"))
        text.append_text(literal(proc.template, "bold"))
        text.append(f"[{proc.pid}] ", "bold")
        text.append(proc.status.value, look.style)
        inbox = len(proc.inbox)
        text.append(f" ✉ {inbox}", "bold" if inbox else "dim")
        if not proc.status.ended and proc.status is not Status.RUNNING:
            # What it waits for, or what made it ready, in a few words.
            text.append(" · ", "dim")
            text.append_text(literal(why(self.world, pid).short, look.style))
        change = self.changed.get(pid) if self.changed is not None else None
        if change is not None:
            text.append("  ")
            text.append(f"« {change_mark(change)}", "bold black on yellow")
        # Supervision at a glance: restarts a supervisor made, exit trapping,
        # links, and an armed timer.
        if proc.restarts:
            text.append(f" ↻{proc.restarts}", "bold magenta")
        if proc.trap_exit:
            text.append(" ⚑trap", "cyan")
        if proc.links:
            text.append(" ⛓" + ",".join(str(link) for link in proc.links), "dim cyan")
        if proc.status.ended and proc.crash is not None:
            text.append(" ")
            text.append_text(literal(f"{proc.crash.error}: {proc.crash.message}", "red"))
        elif proc.status.ended and proc.kill_reason:
            text.append(" ")
            text.append_text(literal(str(proc.kill_reason), "dim"))
        return text

    def action_move(self, delta: int) -> None:
        """Select the process ``delta`` rows away from the selected one."""
        if self._shape:
            row = max(0, min(self.row_of(self.selected) + delta, len(self._shape) - 1))
            self.post_message(self.ProcessChosen(self._shape[row][0]))

    def on_row_clicked(self, row: int) -> None:
        """A click selects the process on that row."""
        self.post_message(self.ProcessChosen(self._shape[row][0]))
