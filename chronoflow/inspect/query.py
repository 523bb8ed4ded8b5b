"""Search queries: which signals to find, as text a person can type.

``Query.parse('type:SEND pid:3 "hello"')`` reads whitespace-separated terms
that must all match (see ``docs/engine.md``)::

    type:SEND            type:send,receive     type:5
    pid:3                pid:3,4
    id:12                (message 12: the signal that made it and its RECEIVE/DROP/BACKOFFs)
    seq:100..200         seq:100..   seq:..200
    "some text"   word   (in the data shown as text, case-insensitively)
    -term                (negation, e.g. -type:WAIT)

A type number newer than this program is found as ``type:42`` or
``type:TYPE#42``, the name the engine shows it by.

:meth:`Query.matches` is the meaning of a query on one signal.
:meth:`Query.matches_columns` decides the terms that the index's columns
can answer (type, pid, id, seq) without decoding a signal, so a search
only decodes the signals those terms let through.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chronoflow.inspect.errors import QueryError
from chronoflow.inspect.excerpt import pieces
from chronoflow.signals import Signal, SignalType

Predicate = Callable[[Signal], bool]

#: Signals that create a message whose id is their seq.
_CREATES = frozenset({SignalType.SEND, SignalType.DELIVER, SignalType.EXIT, SignalType.DOWN})
_NAMES_MESSAGE = frozenset({SignalType.RECEIVE, SignalType.DROP, SignalType.BACKOFF})
_FIELDS = ("type", "pid", "id", "seq")


#: Type numbers a recording can hold (one byte each): those above the last
#: :class:`SignalType` are types newer than this program.
_TYPE_NUMBERS = range(256)


def _signal_type(word: str) -> int:
    """The type number ``word`` names: a name, a number, or ``TYPE#n``."""
    upper = word.upper()
    number = upper.removeprefix("TYPE#")
    if number.isdigit() and int(number) in _TYPE_NUMBERS:
        return int(number)
    if upper in SignalType.__members__:
        return int(SignalType[upper])
    names = ", ".join(t.name for t in SignalType)
    raise QueryError(
        f"unknown signal type {word!r}; use one of {names}, or a type number (type:42)"
    )


def _int(word: str, what: str) -> int:
    try:
        return int(word)
    except ValueError:
        raise QueryError(f"{what} needs a whole number, got {word!r}") from None


#: A value with at most this many parts (containers and scalars) and
#: :data:`_SMALL_TEXT` characters of strings is searched in its whole ``repr``.
_SMALL_PARTS = 512
_SMALL_TEXT = 1 << 16
_CONTAINERS = frozenset({dict, list, tuple, set, frozenset})
_PLAIN = frozenset({float, bool, type(None)})
#: Characters of a big value's ``repr`` searched at once.
_WINDOW = 1 << 16


def _small(data: Any) -> bool:
    """True when ``repr(data)`` is cheap: few parts, little text, not deep."""
    stack = [data]
    pop, extend = stack.pop, stack.extend
    parts = text = 0
    while stack:
        value = pop()
        kind = type(value)
        if kind is str or kind is bytes:
            text += len(value)
            if text > _SMALL_TEXT:
                return False
        elif kind in _CONTAINERS:
            parts += len(value)
            if parts > _SMALL_PARTS:
                return False
            extend(value)  # a dict's keys
            if kind is dict:
                extend(value.values())
        elif kind is int:
            if value.bit_length() > 4096:  # repr refuses more than 4300 digits
                return False
        elif kind not in _PLAIN:
            return False  # an Opaque or an object from memory: its repr may be anything
    return True


def contains_text(data: Any, text: str) -> bool:
    """True when ``text`` (casefolded) occurs in ``repr(data)``, casefolded.

    Why not simply ``repr``: a value nested a thousand levels deep makes
    ``repr`` raise RecursionError, and megabytes of empty arrays make it
    build gigabytes. A small value (nearly every message) is searched in its
    ``repr`` at C speed; a big one in windows of its ``repr`` made piece by
    piece (:func:`~chronoflow.inspect.excerpt.pieces`), so memory stays
    bounded whatever the value.
    """
    if _small(data):
        return text in repr(data).casefold()
    keep = max(len(text) - 1, 0)
    carried = ""
    window: list[str] = []
    size = 0
    for piece in pieces(data, depth=None):
        window.append(piece)
        size += len(piece)
        if size >= _WINDOW:
            folded = carried + "".join(window).casefold()
            if text in folded:
                return True
            carried = folded[len(folded) - keep :] if keep else ""
            window, size = [], 0
    return text in carried + "".join(window).casefold()


@dataclass(frozen=True)
class Term:
    """One condition of a query: ``field`` is ``type``, ``pid``, ``id``,
    ``seq`` or ``text``; ``negate`` inverts it."""

    field: str
    values: frozenset[int] = frozenset()
    low: int | None = None
    high: int | None = None
    text: str = ""
    negate: bool = False

    def _test(self, seq: int, pid: int, kind: int, answered: int | None) -> bool:
        if self.field == "type":
            return kind in self.values
        if self.field == "pid":
            return pid in self.values
        if self.field == "seq":
            return (self.low is None or seq >= self.low) and (self.high is None or seq <= self.high)
        # id: the message's own SEND/DELIVER, or a signal naming it
        if kind in _CREATES:
            return seq in self.values
        return kind in _NAMES_MESSAGE and answered in self.values

    def matches_columns(self, seq: int, pid: int, kind: int, answered: int | None) -> bool:
        """This term on a signal's indexed facts (not for ``text`` terms)."""
        return self._test(seq, pid, kind, answered) is not self.negate

    def matches(self, signal: Signal) -> bool:
        """This term on a decoded signal."""
        if self.field == "text":
            found = contains_text(signal.data, self.text)
        else:
            found = self._test(signal.seq, signal.pid, signal.type, _names(signal))
        return found is not self.negate


def _names(signal: Signal) -> int | None:
    """The message id a RECEIVE, DROP or BACKOFF names."""
    kind, data = signal.type, signal.data
    if kind == SignalType.RECEIVE:
        return data if isinstance(data, int) else None
    if kind in (SignalType.DROP, SignalType.BACKOFF) and isinstance(data, dict):
        mid = data.get("id")
        return mid if isinstance(mid, int) else None
    return None


@dataclass(frozen=True)
class Query:
    """All of ``terms`` must match, and ``predicate`` too when given."""

    terms: tuple[Term, ...] = ()
    predicate: Predicate | None = field(default=None, compare=False)
    source: str = ""

    @classmethod
    def parse(cls, text: str) -> Query:
        """Read a query typed by a person (see the module docstring)."""
        try:
            words = shlex.split(text)
        except ValueError as error:
            raise QueryError(f"cannot read query {text!r}: {error}") from None
        return cls(tuple(_term(word) for word in words), source=text)

    @classmethod
    def of(cls, what: Query | str | SignalType | Predicate) -> Query:
        """A query from a query, its text, a signal type or a predicate."""
        if isinstance(what, Query):
            return what
        if isinstance(what, str):
            return cls.parse(what)
        if isinstance(what, SignalType):
            return cls((Term("type", frozenset({int(what)})),), source=f"type:{what.name}")
        if callable(what):
            return cls(predicate=what, source=getattr(what, "__name__", "predicate"))
        raise QueryError(
            f"cannot search for {what!r}: give a query text, a SignalType or a function"
        )

    @property
    def column_terms(self) -> tuple[Term, ...]:
        """The terms the index's columns decide."""
        return tuple(term for term in self.terms if term.field != "text")

    @property
    def needs_signal(self) -> bool:
        """True when some part (text, predicate) needs the decoded signal."""
        return self.predicate is not None or any(t.field == "text" for t in self.terms)

    def matches_columns(self, seq: int, pid: int, kind: int, answered: int | None) -> bool:
        """The column terms on one signal's indexed facts."""
        return all(t.matches_columns(seq, pid, kind, answered) for t in self.column_terms)

    def matches(self, signal: Signal) -> bool:
        """The whole query on one signal."""
        if not all(term.matches(signal) for term in self.terms):
            return False
        return self.predicate is None or bool(self.predicate(signal))

    def positive(self, name: str) -> frozenset[int] | None:
        """The values of the first non-negated ``type``/``pid``/``id`` term, if any."""
        for term in self.terms:
            if term.field == name and not term.negate:
                return term.values
        return None

    def __str__(self) -> str:
        return self.source


def _term(word: str) -> Term:
    negate = word.startswith("-") and len(word) > 1 and ":" in word
    body = word[1:] if negate else word
    name, sep, value = body.partition(":")
    if not sep or name.lower() not in _FIELDS:
        return Term("text", text=word.casefold())
    name = name.lower()
    if not value:
        raise QueryError(f"term {word!r} has no value after '{name}:'")
    if name == "seq":
        low, dots, high = value.partition("..")
        if not dots:
            low = high = value
        return Term(
            "seq",
            low=_int(low, "seq:") if low else None,
            high=_int(high, "seq:") if high else None,
            negate=negate,
        )
    parts = [part for part in value.split(",") if part]
    if name == "type":
        values = frozenset(_signal_type(part) for part in parts)
    else:
        values = frozenset(_int(part, f"{name}:") for part in parts)
    return Term(name, values, negate=negate)
