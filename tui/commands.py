"""The command palette's debugger commands (ctrl+p).

Every action of :data:`tui.keys.KEYMAP` is a command, named by its
description and run exactly as its key runs it (on the app, or on the
debugger screen, even when the palette is opened over another screen).
Typing a number offers "Go to seq N"; typing part of a process name
offers to select it.

Why no ``Matcher.highlight`` for process names: it parses its argument as
markup, and process names come from the recording. Names are shown as
:class:`rich.text.Text` with the matched characters styled by offset.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import APP_ACTIONS, KEYMAP, key_display
from tui.literal import literal

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui.screens.debugger import DebuggerScreen

#: How many processes the palette offers to select (the first in START order).
MAX_PROCESSES = 500


class DebuggerCommands(Provider):
    """Actions, go-to-seq and process selection; see the module docstring."""

    @property
    def debugger(self) -> DebuggerScreen:
        """The debugger screen these commands act on."""
        # Why imported here: the app names this provider in its COMMANDS.
        from tui.app import ChronoflowApp

        assert isinstance(self.app, ChronoflowApp)
        return self.app.debugger

    def _actions(self) -> list[tuple[str, str, str]]:
        return [
            (binding.description, binding.action, f"{binding.tooltip} ({key_display(binding.key)})")
            for _, bindings in KEYMAP
            for binding in bindings
            if binding.action not in ("command_palette", "focus_next", "focus_previous")
        ]

    def _run(self, action: str) -> Callable[[], Awaitable[bool]]:
        """Run ``action`` where its key runs it: on the app, or on the debugger screen."""
        namespace: DOMNode = self.app if action in APP_ACTIONS else self.debugger
        return partial(self.app.run_action, action, namespace)

    async def discover(self) -> Hits:
        """Every action, in the order of the help screen."""
        for name, action, help_text in self._actions():
            yield DiscoveryHit(name, self._run(action), help=help_text)

    async def search(self, query: str) -> Hits:
        """Actions matching ``query``; a number gives "Go to seq"; process names too."""
        matcher = self.matcher(query)
        text = query.strip()
        if text.isdigit():
            seq = int(text)
            yield Hit(
                1.0,
                f"Go to seq {seq}",
                partial(self.debugger.jump_to, seq),
                help="jump straight to this seq",
            )
        for name, action, help_text in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    self._run(action),
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
