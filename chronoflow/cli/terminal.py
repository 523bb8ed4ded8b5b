"""What reaches the screen or a pipe: escaped text, colour only on a terminal, a record a line.

Every string a command prints may come from a recording or a workflow:
data written by somebody else's program. :func:`visible` shows its control
characters as escapes (the rule of the debugger's ``tui/literal.py``, plus
lone surrogates), so an ``ESC[2J``, an unterminated OSC title or a
right-to-left override never reaches the terminal, a newline inside a value
cannot split a record, and the text always encodes as UTF-8.

:class:`Output` writes a command's results to stdout. On a terminal they
carry Rich's colours (none with ``NO_COLOR``); to a pipe or a file they are
plain text. Either way a record is one line, never wrapped at 80 columns, so
``grep`` sees whole records; tables shown to a pipe are as wide as their
content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO

from rich.console import COLOR_SYSTEMS, Console, RenderableType
from rich.segment import Segment
from rich.text import Text

#: Characters never written as themselves: C0 and C1 controls, DEL, the
#: invisible format characters that reorder or hide text (bidirectional
#: overrides and isolates, zero-width characters, line and paragraph
#: separators, the BOM), and lone surrogates, which UTF-8 cannot encode.
_HIDDEN = "\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
_ONE_LINE = re.compile(f"[\x00-\x1f{_HIDDEN}]")
_MULTILINE = re.compile(f"[\x00-\x09\x0b-\x1f{_HIDDEN}]")

#: A table shown to a pipe may be this wide before Rich would wrap a cell.
UNBOUNDED = 1_000_000


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control, invisible format character and lone
    surrogate shown as an escape such as ``\\x1b`` or ``\\u202e``.

    Newlines and tabs become ``\\n`` and ``\\t`` too, so that one value stays
    on one line, unless ``multiline`` (a traceback), which keeps newlines.
    """
    pattern = _MULTILINE if multiline else _ONE_LINE
    if pattern.search(text) is None:  # Why: the common case costs one scan
        return text
    return pattern.sub(_escape, text)


class Output:
    """A command's results on stdout (see the module docstring)."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self._tables: Console | None = None

    @property
    def is_terminal(self) -> bool:
        """True when stdout is a terminal: colours, and tables fitted to its width."""
        return self.console.is_terminal

    @property
    def file(self) -> IO[str]:
        """Where the lines go (stdout as it is now)."""
        return self.console.file

    def line(self, text: Text | str) -> None:
        """Write ``text`` as one line, its control characters escaped."""
        self.lines((text,))

    def lines(self, texts: Iterable[Text | str]) -> int:
        """Write each of ``texts`` as one line; how many there were.

        Why not ``Console.print``: it costs about 100 µs a line, 10 s for
        the 100,000 processes of a big world; writing plain text, or the
        ANSI codes of each styled segment, costs 1 to 15 µs.
        """
        file = self.file
        console = self.console
        system = COLOR_SYSTEMS.get(console.color_system or "") if self.is_terminal else None
        # Why batches to a pipe only: a terminal shows each line as it comes.
        batch = 1 if self.is_terminal else 512
        pending: list[str] = []
        count = 0
        for text in texts:
            count += 1
            if isinstance(text, str) or system is None:
                plain = text if isinstance(text, str) else text.plain
                pending.append(visible(plain))
            else:
                pending.append(self._ansi(text))
            if len(pending) >= batch:
                file.write("\n".join(pending) + "\n")
                pending.clear()
        if pending:
            file.write("\n".join(pending) + "\n")
        file.flush()
        return count

    def _ansi(self, text: Text) -> str:
        console = self.console
        system = COLOR_SYSTEMS[console.color_system or "standard"]
        if text.spans:
            segments: Iterable[Segment] = text.render(console, end="")
        else:  # Why: Text.render drops the base style of a text without spans
            base = console.get_style(text.style) if text.style else None
            segments = [Segment(text.plain, base)]
        parts = []
        for segment in segments:
            shown = visible(segment.text)
            style = segment.style
            if style:
                if console.no_color:
                    style = style.without_color
                shown = style.render(shown, color_system=system)
            parts.append(shown)
        return "".join(parts)

    def show(self, renderable: RenderableType) -> None:
        """Print a Rich table: fitted to a terminal, as wide as its content elsewhere.

        Strings put in the table must already have passed through :func:`visible`.
        """
        if self.is_terminal:
            self.console.print(renderable)
            return
        if self._tables is None:
            self._tables = Console(
                file=self.file, highlight=False, width=UNBOUNDED, color_system=None
            )
        self._tables.print(renderable)
