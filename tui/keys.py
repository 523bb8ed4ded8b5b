"""Every key of the debugger, grouped the way the help screen shows them.

One table feeds the bindings, the footer (the bindings marked ``show``),
the help screen and the command palette, so they can never disagree. The
app binds the keys of :data:`APP_ACTIONS` (help, quit, moving the focus);
the debugger screen binds the rest, which act on what it shows. Keys that
only act inside one panel (moving in a list) belong to that widget's
``BINDINGS`` and are listed under :data:`PANEL_KEYS`.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

KEYMAP: tuple[tuple[str, tuple[Binding, ...]], ...] = (
    (
        "Move through time",
        (
            Binding("right,l", "step(1)", "Step", tooltip="Step forward one signal"),
            Binding("left,h", "step(-1)", "Back", tooltip="Step back one signal"),
            Binding("home", "first", "First", show=False, tooltip="Go to the first signal"),
            Binding("end", "last", "Last", show=False, tooltip="Go to the last signal"),
            Binding("g", "goto", "Go to", tooltip="Go to a seq typed into a prompt"),
            Binding(
                "n,right_square_bracket",
                "process_step(1)",
                "Next of process",
                show=False,
                tooltip="Step to the next signal of the selected process",
            ),
            Binding(
                "p,left_square_bracket",
                "process_step(-1)",
                "Previous of process",
                show=False,
                tooltip="Step to the previous signal of the selected process",
            ),
            Binding(
                "D",
                "standstill",
                "Go to the standstill",
                show=False,
                tooltip="Go to the first seq of the deadlock (or standstill) the run ends in",
            ),
            Binding(
                "enter",
                "follow_link",
                "Follow link",
                show=False,
                tooltip="Follow the highlighted causal link of the current signal",
            ),
        ),
    ),
    (
        "Search and filter",
        (
            Binding("slash", "search", "Search", tooltip="Search forward (engine query syntax)"),
            Binding("full_stop", "match(1)", "Next match", show=False, tooltip="Next match"),
            Binding("comma", "match(-1)", "Prev match", show=False, tooltip="Previous match"),
            Binding("f", "filter", "Filter", tooltip="Hide signal types or keep one process"),
            Binding(
                "o",
                "only_process",
                "Only process",
                show=False,
                tooltip="Show only the selected process's signals (press again for all)",
            ),
        ),
    ),
    (
        "Processes",
        (
            Binding(
                "s",
                "select_current",
                "Select its process",
                show=False,
                tooltip="Select the process of the current signal (shows its mailbox)",
            ),
            Binding(
                "w",
                "pending",
                "Waits",
                tooltip="What every process waits for: blocked, ready, use calls, timers, "
                "unreceived messages, the outbox, a deadlock's cycle",
            ),
        ),
    ),
    (
        "Play",
        (
            Binding("space", "play", "Play/pause", tooltip="Play or pause"),
            Binding("plus,equals_sign", "speed(1)", "Faster", show=False, tooltip="Play faster"),
            Binding("minus", "speed(-1)", "Slower", show=False, tooltip="Play slower"),
        ),
    ),
    (
        "Bookmarks",
        (
            Binding(
                "b", "bookmark", "Bookmark", show=False, tooltip="Bookmark this seq (or unmark it)"
            ),
            Binding(
                "apostrophe",
                "cycle_bookmark(1)",
                "Next bookmark",
                show=False,
                tooltip="Go to the next bookmark (wraps around)",
            ),
            Binding(
                "B",
                "cycle_bookmark(-1)",
                "Previous bookmark",
                show=False,
                tooltip="Go to the previous bookmark (wraps around)",
            ),
        ),
    ),
    (
        "Panels and app",
        (
            Binding("tab", "focus_next", "Next panel", show=False, tooltip="Focus the next panel"),
            Binding(
                "shift+tab",
                "focus_previous",
                "Previous panel",
                show=False,
                tooltip="Focus the previous panel",
            ),
            Binding(
                "x",
                "export",
                "Export",
                show=False,
                tooltip="Export from the last bookmark to here: .mmd Mermaid, .jsonl, .json trace",
            ),
            Binding("question_mark", "help", "Help", tooltip="Show every key"),
            Binding("q", "quit", "Quit", tooltip="Quit"),
        ),
    ),
)

#: Keys handled by the focused panel itself.
PANEL_KEYS: tuple[tuple[str, str], ...] = (
    ("↑ ↓ / k j", "timeline: previous / next row; processes: select; detail: choose a link"),
    ("page up / page down", "timeline: a screenful back / forward"),
    ("ctrl+p", "command palette: every action above, go to a seq, select a process"),
    ("mouse", "click a process to select it, a timeline row to go there, a link to follow it"),
    ("wheel", "scroll the panel under the pointer"),
)

#: Names Textual gives keys, shown the way they are printed on the keyboard.
KEY_NAMES = {
    "right": "→",
    "left": "←",
    "up": "↑",
    "down": "↓",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "slash": "/",
    "full_stop": ".",
    "comma": ",",
    "apostrophe": "'",
    "question_mark": "?",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "space": "space",
    "enter": "enter",
}


def key_display(keys: str) -> str:
    """``"n,right_square_bracket"`` as ``"n / ]"``."""
    return " / ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


#: The actions of :data:`KEYMAP` that the app carries out, on any screen.
APP_ACTIONS = frozenset({"focus_next", "focus_previous", "help", "quit"})


def app_bindings() -> list[BindingType]:
    """The bindings of :data:`APP_ACTIONS`, in order (the app's ``BINDINGS``)."""
    return [b for _, bindings in KEYMAP for b in bindings if b.action in APP_ACTIONS]


def screen_bindings() -> list[BindingType]:
    """Every other binding of :data:`KEYMAP`, in order (the debugger screen's ``BINDINGS``)."""
    return [b for _, bindings in KEYMAP for b in bindings if b.action not in APP_ACTIONS]
