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

#: The digits that jump to a tenth of the recording, listed as one key in the help.
SCRUB_KEYS = Binding.Group("0 … 9")

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
        # The process table (tui/screens/processes.py) and watches (tui/watching.py).
        "Process table and watches",
        (
            Binding(
                "P",
                "process_table",
                "Process table",
                show=False,
                tooltip="Every process at this seq as a table: sort, filter, enter selects one",
            ),
            Binding(
                "W",
                "watch",
                "Watch",
                show=False,
                tooltip="Watch the selected process's status or inbox, or the current message",
            ),
            Binding(
                "right_curly_bracket",
                "watch_step(1)",
                "Next change",
                show=False,
                tooltip="Jump to the next seq where the watched thing changes",
            ),
            Binding(
                "left_curly_bracket",
                "watch_step(-1)",
                "Previous change",
                show=False,
                tooltip="Jump to the previous seq where the watched thing changes",
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
            Binding(
                "N",
                "name_bookmark",
                "Name bookmark",
                show=False,
                tooltip="Name the bookmark at this seq (bookmarks it if need be)",
            ),
        ),
    ),
    (
        # Marks A and B (tui/marks.py) and the Diff screen (tui/screens/compare.py).
        "Compare two moments",
        (
            Binding(
                "m",
                "mark",
                "Mark A/B",
                show=False,
                tooltip="Mark this seq as A, then as B (again: a new A; on A itself: unmark)",
            ),
            Binding(
                "c",
                "compare",
                "Compare",
                show=False,
                tooltip="What changed from A to B (or to this seq), each change with its seq",
            ),
        ),
    ),
    (
        # Forks (tui/screens/fork.py), opened in compare mode (tui/screens/compare_runs.py).
        "Fork the run",
        (
            Binding(
                "F",
                "fork",
                "Fork here",
                show=False,
                tooltip="With --workflow: drop, change or move a waiting message, or give a "
                "use another result, and run on live from this seq; the fork opens beside "
                "this run",
            ),
        ),
    ),
    (
        # The jump history (tui/jumps.py) and the scrubber (tui/widgets/scrubber.py).
        "Jumps and the scrubber",
        (
            Binding(
                "ctrl+o,backspace,alt+left",
                "jump_back",
                "Jump back",
                tooltip="Back to where the last jump left from: enter, g, /, . and ,, ' and B, "
                "home, end, D, w and the scrubber jump; steps do not",
            ),
            Binding(
                "alt+right,ctrl+y",
                "jump_forward",
                "Jump forward",
                show=False,
                tooltip="Forward again to where jump back came from",
            ),
            *(
                Binding(
                    str(tenth),
                    f"scrub({tenth})",
                    f"Go to {tenth * 10}%",
                    show=False,
                    tooltip="Jump to 0%, 10%, … 90% of the recording (the scrubber: click a cell)",
                    group=SCRUB_KEYS,
                )
                for tenth in range(10)
            ),
        ),
    ),
    (
        # Predict mode (tui/screens/predict.py), for lessons.
        "Lessons",
        (
            Binding(
                "e",
                "predict",
                "Predict",
                show=False,
                tooltip="Predict mode: the next signal is hidden; say which process acts "
                "and what it does, then see it explained (a score is kept)",
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
    "alt+left": "alt+←",
    "alt+right": "alt+→",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
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
