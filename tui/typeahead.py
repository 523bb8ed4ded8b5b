"""Type-ahead: keys typed after a key that opens a prompt, before the prompt is there.

Why: Textual hands every queued key to the screen before it runs the
action a key is bound to, so in a burst such as ``g 6 enter`` (a person
typing fast, or a terminal pasting) the ``6`` and the ``enter`` reach the
main screen, where ``6`` means nothing and ``enter`` follows a causal link,
and the go-to prompt opens empty. The main screen starts a type-ahead when
it sees a key that opens a prompt, keeps the keys that follow (and stops
them there), and the prompt starts with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from textual import events
from textual.app import App

#: The keys whose action opens a prompt (see tui.keys: goto, search, name a bookmark).
PROMPT_KEYS = frozenset({"g", "slash", "N"})


class TypeAhead:
    """Keys kept for a prompt about to open."""

    def __init__(self) -> None:
        self.active = False
        self.text = ""
        self.enter = False
        #: Keys after the enter, for the screen once the prompt has done its work.
        self.rest: list[tuple[str, str | None]] = []

    def key(self, event: events.Key) -> bool:
        """Look at a key the main screen got; True when it was kept (stop it)."""
        if not self.active:
            if event.key in PROMPT_KEYS:
                self.active, self.text, self.enter = True, "", False
            return False
        if self.enter:
            # The prompt will be submitted: what follows waits until it has
            # done its work (``g 5 enter / ...``), then reaches the screen again.
            self.rest.append((event.key, event.character))
            return True
        if event.key == "enter":
            self.enter = True
        elif event.key == "backspace":
            self.text = self.text[:-1]
        elif event.is_printable and event.character:
            self.text += event.character
        else:
            return False
        return True

    def take(self) -> Typed:
        """What was typed, whether enter ended it and the keys after; it stops."""
        typed = Typed(self.text, self.enter, tuple(self.rest))
        self.active, self.text, self.enter, self.rest = False, "", False, []
        return typed


class Typed(NamedTuple):
    """Keys typed for a prompt before it opened."""

    text: str = ""
    enter: bool = False
    #: (key, character) typed after the enter, to hand back to the screen.
    rest: tuple[tuple[str, str | None], ...] = ()


def replay_keys(app: App[object], keys: Iterable[tuple[str, str | None]]) -> None:
    """Hand ``keys`` to ``app`` again, in order, as if typed now."""
    for key, character in keys:
        app.post_message(events.Key(key, character))


#: A prompt opened with nothing typed ahead.
NOTHING_TYPED = Typed()
