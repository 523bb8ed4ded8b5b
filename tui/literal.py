"""Recording values as literal text: never markup, never a terminal escape.

Everything a recording holds (messages, arguments, template and predicate
names, error messages, tracebacks) is data written by somebody else's
program. It reaches the screen only through the functions here, which build
:class:`rich.text.Text` objects (never markup strings) and replace control
characters by a visible escape such as ``\\x1b``, so that ``[bold]x[/]``
shows as those nine characters and an ANSI sequence never reaches the
terminal.

Values are turned into text by the engine's bounded excerpts
(:func:`chronoflow.inspect.excerpt`): a value nested a thousand levels deep
or holding a million entries shows as a few kilobytes at most (``[...]``
past twenty levels), never a RecursionError or megabytes to lay out.
"""

from __future__ import annotations

import re
from typing import Any

from rich.highlighter import ReprHighlighter
from rich.text import Text

from chronoflow.inspect import TEXT_LIMIT, excerpt, excerpt_lines

#: Characters that must never reach the terminal as themselves: C0 and C1
#: controls, DEL, and the invisible format characters that reorder or hide
#: text (bidirectional overrides, zero-width characters, the BOM).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
_INVISIBLE_OR_BREAK = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)

#: How an escaped control character looks, so it stands out from real text.
ESCAPE_STYLE = "bold magenta"

_highlighter = ReprHighlighter()


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def literal(value: str, style: str = "", *, multiline: bool = False) -> Text:
    """``value`` as plain text, its control characters made visible.

    With ``multiline`` newlines and tabs are kept (tabs as spaces), for a
    traceback; otherwise they are shown as ``\\n`` and ``\\t`` so one value
    stays on one line.
    """
    pattern = _INVISIBLE if multiline else _INVISIBLE_OR_BREAK
    if multiline:
        value = value.replace("\t", "    ")
    text = Text(style=style, no_wrap=not multiline, end="")
    position = 0
    for match in pattern.finditer(value):
        if match.start() > position:
            text.append(value[position : match.start()])
        text.append(_escape(match.group()), ESCAPE_STYLE)
        position = match.end()
    if position < len(value):
        text.append(value[position:])
    return text


def short_repr(value: Any, limit: int = 200) -> str:
    """A one-line ``repr`` of a recorded value, cut at ``limit`` characters
    (``...`` marks the cut)."""
    return excerpt(value, limit).replace("\n", " ")


def value_text(value: Any, limit: int = 200, style: str = "") -> Text:
    """A recorded value on one line: its ``repr``, highlighted, as literal text."""
    text = literal(short_repr(value, limit), style)
    _highlighter.highlight(text)
    return text


def pretty_text(value: Any, width: int = 80, limit: int = TEXT_LIMIT) -> Text:
    """A recorded value laid out over several lines, highlighted, as literal text.

    Why the engine's :func:`~chronoflow.inspect.excerpt_lines` and not
    ``rich.pretty``: it lays out nested containers the same way, from
    ``repr`` (which escapes control characters inside strings), but stops
    after ``limit`` characters and twenty levels, where ``pretty_repr``
    walks the whole value. :func:`literal` then guards whatever a custom
    ``repr`` may have let through.
    """
    shown = excerpt_lines(value, max(width, 20), limit)
    text = literal(shown, multiline=True)
    _highlighter.highlight(text)
    return text
