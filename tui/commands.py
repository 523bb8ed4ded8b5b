"""The command palette's debugger commands (ctrl+p).

Every action of :data:`tui.keys.KEYMAP` is a command, named by its
description and run exactly as its key runs it. Typing a number offers
"Go to seq N"; typing part of a process name offers to select it.

Why no ``Matcher.highlight`` for process names: it parses its argument as
markup, and process names come from the recording. Names are shown as
:class:`rich.text.Text` with the matched characters styled by offset.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import KEYMAP, key_display
from tui.literal import literal

if TYPE_CHECKING:
    from tui.app import ChronoflowApp

#: How many processes the palette offers to select (the first in START order).
MAX_PROCESSES = 500


class DebuggerCommands(Provider):
    """Actions, go-to-seq and process selection; see the module docstring."""

    @property
    def debugger(self) -> ChronoflowApp:
        """The app these commands act on."""
        from tui.app import ChronoflowApp

        assert isinstance(self.app, ChronoflowApp)
        return self.app

    def _actions(self) -> list[tuple[str, str, str]]:
        return [
            (binding.description, binding.action, f"{binding.tooltip} ({key_display(binding.key)})")
            for _, bindings in KEYMAP
            for binding in bindings
            if binding.action not in ("command_palette", "focus_next", "focus_previous")
        ]

    async def discover(self) -> Hits:
        """Every action, in the order of the help screen."""
        for name, action, help_text in self._actions():
            yield DiscoveryHit(name, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        """Actions matching ``query``; a number gives "Go to seq"; process names too."""
        matcher = self.matcher(query)
        text = query.strip()
        if text.isdigit():
            seq = int(text)
            yield Hit(
                1.0,
                f"Go to seq {seq}",
                partial(self.debugger.go_to, seq),
                help="jump straight to this seq",
            )
        for name, action, help_text in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.app.run_action, action),
                    help=help_text,
                )
        world = self.debugger.world
        if world is None:
            return
        for index, proc in enumerate(world):
            if index >= MAX_PROCESSES:
                break
            candidate = f"Select process {proc.name}"
            score, offsets = matcher.fuzzy_search.match(query, candidate)
            if score > 0:
                display = Text("Select process ")
                display.append_text(literal(proc.name))
                for offset in offsets:
                    display.stylize("bold reverse", offset, offset + 1)
                yield Hit(
                    score * 0.9,
                    display,
                    partial(self.debugger.select_process, proc.pid),
                    text=candidate,
                    help="show its mailbox; n / p step through its signals",
                )
