"""Read what the debugger's panels show, as plain text, for assertions."""

from __future__ import annotations

from typing import Any

from tui.app import ChronoflowApp
from tui.widgets.mailbox import MailboxPane
from tui.widgets.process_tree import ProcessTree
from tui.widgets.signal_detail import SignalDetail
from tui.widgets.signal_list import SignalList
from tui.widgets.status_bar import StatusBar
from tui.widgets.virtual_list import VirtualList

WIDE = 200


def rows(widget: VirtualList) -> list[str]:
    """Every row of a list panel (not only the visible ones), as plain text."""
    return [widget.render_row(row, WIDE).plain for row in range(widget.row_count())]


def screen_lines(widget: VirtualList) -> list[str]:
    """What the panel paints now, line by line, exactly as sent to the terminal."""
    height = widget.size.height
    return ["".join(s.text for s in widget.render_line(y)) for y in range(height)]


def tree(app: ChronoflowApp) -> dict[str, str]:
    """``{"Client[1]": "waiting ✉ 2 ..."}``: each process row after its name
    (``"alice: Account[5]"`` for a registered process)."""
    shown = {}
    for line in rows(app.query_one(ProcessTree)):
        words = line.strip("▸ ├─└│").split(" ", 2)
        if words[1].endswith(":"):  # a registered name, then the template
            template, rest = words[2].split(" ", 1)
            words = [words[0], f"{words[1]} {template}", rest]
        shown[words[1]] = words[2]
    return shown


def mailbox(app: ChronoflowApp) -> list[str]:
    """The mailbox panel's rows."""
    return rows(app.query_one(MailboxPane))


def detail(app: ChronoflowApp) -> str:
    """The detail pane's text."""
    return "\n".join(rows(app.query_one(SignalDetail)))


def timeline_rows(app: ChronoflowApp) -> list[str]:
    """The timeline panel's rows."""
    return rows(app.query_one(SignalList))


def status(app: ChronoflowApp) -> str:
    """The status bar's text."""
    return app.query_one(StatusBar).text.plain


async def settle(app: ChronoflowApp, pilot: Any) -> None:
    """Let background work finish (the causal links are found in a worker)."""
    await pilot.pause(SignalDetail.CAUSES_DELAY * 3)
    await app.workers.wait_for_complete()
    await pilot.pause()
