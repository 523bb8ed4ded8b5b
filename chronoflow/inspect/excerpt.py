"""Bounded text of recorded values: what a front end shows of a value, at a bounded cost.

A recording may hold a value nested a thousand levels deep (the reader's
decoder allows it) or megabytes of empty arrays, which expand to gigabytes
of text. ``repr`` would recurse into the first (``RecursionError``) and
build all of the second. Everything here walks a value with an explicit
stack instead, never recursing: :func:`pieces` yields its ``repr`` piece by
piece, containers deeper than ``depth`` levels shown as ``[...]``, at most
``items`` entries of each container (then ``...``) and strings cut to
``string`` characters; :func:`excerpt` stops after ``limit`` characters,
and :func:`excerpt_lines` lays a value out over several lines. So showing
any value costs about ``limit`` steps, however big the value is.

The text is data, for front ends to show literally (never as markup).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from itertools import islice
from typing import Any

from chronoflow.recording.raw import raw_array
from chronoflow.recording.values import Opaque

#: Levels of nesting shown; deeper containers show as ``[...]``.
MAX_DEPTH = 20
#: Characters of text one value shown may take.
TEXT_LIMIT = 4096
#: Characters of one name (a template, a predicate, a function) shown.
NAME_LIMIT = 200
#: Characters of a crash's traceback shown.
TRACEBACK_LIMIT = 8192
#: Characters of a string handed to ``repr`` at once when its whole ``repr``
#: is wanted (:func:`pieces` with no ``string`` bound).
_STRING_PIECE = 1 << 15
#: Integers with more bits are shown as ``<int of N bits>`` (Python refuses to
#: print one of more than 4300 digits).
_INT_BITS = 10_000

_CUT = "..."
_BRACKETS: dict[type, tuple[str, str]] = {
    list: ("[", "]"),
    tuple: ("(", ")"),
    dict: ("{", "}"),
    set: ("{", "}"),
    frozenset: ("frozenset({", "})"),
}
_EMPTY: dict[type, str] = {
    list: "[]",
    tuple: "()",
    dict: "{}",
    set: "set()",
    frozenset: "frozenset()",
}


def _kind(value: Any, raw: bool) -> tuple[type | None, Any]:
    """``(container type, the container)`` for a container, else ``(None, value)``.

    In the raw form (``raw``) every array is a tuple, which stands for a list
    or a tuple (:func:`~chronoflow.recording.raw.raw_array`).
    """
    kind = type(value)
    if kind in _BRACKETS:
        if raw and kind is tuple:
            return raw_array(value)
        return kind, value
    for base in (dict, list, tuple, frozenset, set):  # subclasses: shown as their base
        if isinstance(value, base):
            return base, value
    return None, value


def _cut_repr(text: str | bytes, string: int | None) -> str:
    """The ``repr`` of a str or bytes, the part past ``string`` characters cut."""
    if string is None or len(text) <= string:
        return repr(text)
    shown = repr(text[: max(string, 1)])
    return shown[:-1] + _CUT + shown[-1]


def _scalar(value: Any, string: int | None) -> str:
    """The text of a value that is not a container."""
    kind = type(value)
    if kind is str or kind is bytes or kind is bytearray:
        return _cut_repr(value, string)
    if value is None or kind is bool or kind is float:
        return repr(value)
    if kind is int:
        if value.bit_length() > _INT_BITS:
            return f"<int of {value.bit_length()} bits>"
        text = repr(value)
    elif kind is Opaque:
        return f"Opaque({_cut_repr(value.type_name, string)}, {_cut_repr(value.repr, string)})"
    else:
        try:
            text = repr(value)
        except Exception as error:  # a value from a recording must never break a view
            text = f"<unrepresentable {type(value).__name__}: {type(error).__name__}>"
    if string is not None and len(text) > string:
        return text[: max(string - len(_CUT), 1)] + _CUT
    return text


def _long_string(value: str | bytes) -> Iterator[str]:
    """The ``repr`` of a long str or bytes, a piece at a time.

    Why pieces: ``repr`` of an eight-megabyte string is another string of
    that size at least. The quote is chosen as ``repr`` chooses it for the
    whole; each piece is escaped on its own (the same text but for the rare
    quote escape).
    """
    if isinstance(value, str):
        prefix = ""
        quote = '"' if "'" in value and '"' not in value else "'"
    else:
        prefix = "b"
        quote = '"' if b"'" in value and b'"' not in value else "'"
    yield prefix + quote
    for start in range(0, len(value), _STRING_PIECE):
        yield repr(value[start : start + _STRING_PIECE])[len(prefix) + 1 : -1]
    yield quote


class _Literal(str):
    """Text :func:`pieces` writes as it is (a separator, a closing bracket),
    told apart from a str value by its type."""

    __slots__ = ()


_SEPARATOR = _Literal(", ")
_COLON = _Literal(": ")
_END = object()
#: Entries of a long list looked at together by the quick path of :func:`_units`.
_RUN = 256
#: Dicts and sets with at most this many entries are shown sorted when asked.
_SORTED_MAX = 256
#: Types whose falsy values (``0``, ``''``, ``[]``, ``None``...) have a short repr.
_PLAIN = frozenset({list, tuple, dict, set, frozenset, int, float, bool, str, bytes, type(None)})


def _units(entries: Any, is_dict: bool, quick: bool) -> Iterator[Any]:
    """The parts of a container's text between its brackets: its entries (a
    dict's as key, ``": "``, value), with separators between them.

    With ``quick`` (a whole list or tuple, not raw) a run of entries that
    are all empty or zero is written by one ``repr`` at C speed. Why: eight
    megabytes of empty arrays are a million entries, each a loop here.
    """
    if quick:
        for start in range(0, len(entries), _RUN):
            run = entries[start : start + _RUN]
            if start:
                yield _SEPARATOR
            if not any(run) and _PLAIN.issuperset(map(type, run)):
                yield _Literal(repr(list(run))[1:-1])
                continue
            for index, entry in enumerate(run):
                if index:
                    yield _SEPARATOR
                yield entry
        return
    first = True
    for entry in entries:
        if not first:
            yield _SEPARATOR
        first = False
        if is_dict:
            yield entry[0]
            yield _COLON
            yield entry[1]
        else:
            yield entry


def pieces(
    value: Any,
    *,
    depth: int | None = MAX_DEPTH,
    items: int | None = None,
    string: int | None = None,
    raw: bool = False,
    sort: bool = False,
) -> Generator[str, None, None]:
    """The ``repr`` of ``value``, a piece at a time, without recursing.

    Containers nested ``depth`` levels down show as ``[...]`` (``(...)``,
    ``{...}``); each container shows its first ``items`` entries, then
    ``...``; strings and other scalars are cut to ``string`` characters.
    ``None`` means no bound: the pieces then join to ``repr(value)`` for the
    plain types a recording holds, however deep or big. With ``raw`` the
    value is in the raw form of :func:`chronoflow.recording.raw.unpack_raw`.
    With ``sort`` a dict's keys and a set's entries come sorted, as
    :mod:`reprlib` shows them, when they are few (:data:`_SORTED_MAX`) and
    can be sorted.

    Memory stays small: one iterator per open container, nothing per entry.
    """
    # One frame per open container: (its parts, its closing text, the level
    # of its entries).
    frames: list[tuple[Iterator[Any], str, int]] = []
    item, level = value, 0
    while True:
        kind, item = _kind(item, raw)
        if kind is None:
            long = (type(item) is str or type(item) is bytes) and len(item) > _STRING_PIECE
            if long and string is None:
                yield from _long_string(item)
            else:
                yield _scalar(item, string)
        elif not item:
            yield _EMPTY[kind]
        elif depth is not None and level >= depth:
            opening, closing = _BRACKETS[kind]
            yield opening + _CUT + closing
        else:
            opening, closing = _BRACKETS[kind]
            yield opening
            if kind is tuple and len(item) == 1:
                closing = "," + closing
            entries = item.items() if kind is dict else item
            if sort and kind in (dict, set, frozenset) and len(item) <= _SORTED_MAX:
                entries = _sorted(item, kind is dict)
            if items is not None and len(item) > items:
                entries = islice(entries, items)
                closing = ", " + _CUT + closing
            quick = items is None and not raw and (kind is list or kind is tuple)
            frames.append((_units(entries, kind is dict, quick), closing, level + 1))
        # The next value to write: the next part of the innermost open container.
        while frames:
            parts, closing, level = frames[-1]
            part = next(parts, _END)
            if part is _END:
                frames.pop()
                yield closing
            elif type(part) is _Literal:
                yield part
            else:
                item = part
                break
        else:
            return


def _sorted(item: Any, is_dict: bool) -> Any:
    """The entries of a dict or set in sorted order (as they are if they cannot be sorted)."""
    try:
        keys = sorted(item)
    except TypeError:
        return item.items() if is_dict else item
    return [(key, item[key]) for key in keys] if is_dict else keys


def _excerpt(
    value: Any,
    limit: int,
    depth: int | None,
    items: int | None,
    string: int | None,
    raw: bool,
    sort: bool = False,
) -> tuple[str, bool]:
    """``(text, complete)``: at most ``limit`` characters; ``complete`` is False
    when the text was cut (it then ends with ``...``)."""
    limit = max(limit, len(_CUT) + 1)
    # Why these bounds: no more entries or characters than the text can show.
    items = limit // 2 + 1 if items is None else min(items, limit // 2 + 1)
    string = limit if string is None else min(string, limit)
    out: list[str] = []
    size = 0
    found = pieces(value, depth=depth, items=items, string=string, raw=raw, sort=sort)
    for piece in found:
        out.append(piece)
        size += len(piece)
        if size > limit:
            found.close()
            return "".join(out)[: limit - len(_CUT)] + _CUT, False
    return "".join(out), True


def excerpt(
    value: Any,
    limit: int = TEXT_LIMIT,
    *,
    depth: int | None = MAX_DEPTH,
    items: int | None = None,
    string: int | None = None,
    raw: bool = False,
    sort: bool = False,
) -> str:
    """``value`` as one line of at most ``limit`` characters (see :func:`pieces`).

    Text that had to be cut ends with ``...``.
    """
    return _excerpt(value, limit, depth, items, string, raw, sort)[0]


def text_of(value: Any, limit: int = TEXT_LIMIT, *, raw: bool = False) -> str:
    """A str as it is (cut to ``limit`` characters), any other value as its excerpt.

    For names, reasons and messages that a sentence includes.
    """
    if type(value) is str:
        return value if len(value) <= limit else value[: max(limit - len(_CUT), 1)] + _CUT
    return excerpt(value, limit, raw=raw)


def _lay_out(
    entry: tuple[Any, int, int, str, str],
    stack: list[Any],
    width: int,
    room_left: int,
    depth: int | None,
) -> str:
    """The first line of ``entry`` (see :func:`excerpt_lines`); what follows it
    (a container's entries and its closing line) goes on ``stack``."""
    item, indent, level, prefix, suffix = entry
    pad = " " * indent
    room = max(width - indent - len(prefix) - len(suffix), 8)
    left = None if depth is None else depth - level
    flat, complete = _excerpt(item, room, left, None, None, False)
    kind, item = _kind(item, False)
    if kind is None or not item or (depth is not None and level >= depth):
        if not complete:  # a long string: as much as the text may still hold
            left = max(room_left - indent - len(prefix) - len(suffix), 8)
            flat = excerpt(item, left, string=left)
        return f"{pad}{prefix}{flat}{suffix}"
    if complete:
        return f"{pad}{prefix}{flat}{suffix}"
    opening, closing = _BRACKETS[kind]
    entries = item.items() if kind is dict else item
    # Why this bound: each entry takes a line of at least its indent and a
    # few characters, and the count of those left out and the closing
    # bracket must still fit.
    shown = list(islice(entries, max((room_left - 40) // (indent + 8), 1)))
    stack.append(f"{pad}{closing}{suffix}")
    inner = " " * (indent + 4)
    if len(shown) < len(item):
        stack.append(f"{inner}{_CUT} {len(item) - len(shown):,} more")
    for index in range(len(shown) - 1, -1, -1):
        entry_shown = shown[index]
        # As rich: a comma after every entry but the last, and after a lone
        # tuple's only one.
        last = index == len(shown) - 1 and len(shown) == len(item)
        comma = "," if not last or (kind is tuple and len(item) == 1) else ""
        if kind is dict:
            key = excerpt(entry_shown[0], max(room // 2, 8), depth=3)
            stack.append((entry_shown[1], indent + 4, level + 1, f"{key}: ", comma))
        else:
            stack.append((entry_shown, indent + 4, level + 1, "", comma))
    return f"{pad}{prefix}{opening}"


def excerpt_lines(
    value: Any, width: int = 80, limit: int = TEXT_LIMIT, *, depth: int | None = MAX_DEPTH
) -> str:
    """``value`` laid out over lines of about ``width`` characters, as ``rich``'s
    ``pretty_repr`` lays it out: a container that fits on its line stays on
    it, others put each entry on a line of its own, four spaces deeper.

    At most ``limit`` characters in all; entries left out are counted (``...
    3 more``), and text that had to be cut ends with a line ``...``.
    """
    width = max(width, 20)
    lines: list[str] = []
    size = 0
    # Each entry: a str (a line written as it is) or (value, indent, level,
    # prefix, suffix): a value to lay out after ``prefix`` and before ``suffix``.
    stack: list[Any] = [(value, 0, 0, "", "")]
    while stack:
        top = stack.pop()
        left = max(limit - size - len(_CUT) - 2, 8)
        line = top if type(top) is str else _lay_out(top, stack, width, left, depth)
        if size + len(line) + len(_CUT) + 1 > limit and (stack or size + len(line) > limit):
            lines.append(_CUT)
            break
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)
