"""Patterns and multi-clause receives: Erlang's ``receive P1 -> ...; P2 -> ... end``.

A :class:`Pattern` is a small structural shape (a tuple, list or dict
whose parts are values, types or the wildcard :data:`ANY`) with a readable
name. :class:`Clauses` turns several named patterns or predicates into the
one predicate of a selective receive, so a multi-clause receive uses the
selective-receive machinery unchanged (messages examined on arrival,
"matched"/"raised" in their signal's data); it remembers which clause
accepted the message last, which is the message the receive takes, and its
``match_name`` (``"ping | stop"``) is what the WAIT records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from chronoflow.errors import MisuseError


class _Any:
    """The type of :data:`ANY`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "_"


#: The wildcard of a :class:`Pattern`: matches any value.
ANY = _Any()


def _matches(shape: Any, value: Any) -> bool:
    if shape is ANY:
        return True
    if isinstance(shape, type):
        return isinstance(value, shape)
    if isinstance(shape, tuple | list):
        # Why tuples and lists alike: a message read back from a recording
        # may hold a list where the program sent a tuple.
        return (
            isinstance(value, tuple | list)
            and len(value) == len(shape)
            and all(_matches(s, v) for s, v in zip(shape, value, strict=True))
        )
    if isinstance(shape, Mapping):
        return isinstance(value, Mapping) and all(
            key in value and _matches(s, value[key]) for key, s in shape.items()
        )
    return bool(shape == value)


def _describe(shape: Any) -> str:
    if shape is ANY:
        return "_"
    if isinstance(shape, type):
        return shape.__name__
    if isinstance(shape, tuple | list):
        inner = ", ".join(_describe(s) for s in shape)
        if isinstance(shape, tuple):
            return f"({inner},)" if len(shape) == 1 else f"({inner})"
        return f"[{inner}]"
    if isinstance(shape, Mapping):
        return "{" + ", ".join(f"{k!r}: {_describe(s)}" for k, s in shape.items()) + "}"
    return repr(shape)


class Pattern:
    """A message shape: ``Pattern(("ping", ANY))`` matches any 2-tuple starting "ping".

    In a shape, :data:`ANY` matches anything, a type matches its instances,
    a tuple or list matches a tuple or list of the same length part by part,
    a dict matches a dict holding at least its keys, and any other value
    matches an equal one. ``name`` defaults to the shape written out.
    """

    __slots__ = ("match_name", "shape")

    def __init__(self, shape: Any, name: str | None = None) -> None:
        self.shape = shape
        #: What a WAIT on this pattern records as its ``match``.
        self.match_name = name if name is not None else _describe(shape)

    def __call__(self, message: Any) -> bool:
        return _matches(self.shape, message)

    def __repr__(self) -> str:
        return f"Pattern({self.match_name})"


class Matched(NamedTuple):
    """What a multi-clause receive gives: the clause that matched and the message."""

    clause: str
    msg: Any


def _name_of(pattern: Any) -> str:
    name = getattr(pattern, "match_name", None)
    if isinstance(name, str):
        return name
    name = getattr(pattern, "__name__", None)
    if isinstance(name, str) and name != "<lambda>":
        return name
    raise MisuseError(
        f"a clause needs a readable name: pass {pattern!r} as a keyword "
        "(receive_clauses(ping=...)), or use a Pattern or a named function"
    )


class Clauses:
    """Several named clauses as the one predicate of a selective receive."""

    __slots__ = ("chosen", "clauses", "match_name")

    def __init__(self, positional: tuple[Any, ...], named: Mapping[str, Any]) -> None:
        clauses: list[tuple[str, Callable[[Any], bool]]] = []
        for pattern in positional:
            clauses.append((_name_of(pattern), _as_predicate(pattern)))
        for name, pattern in named.items():
            clauses.append((name, _as_predicate(pattern)))
        if not clauses:
            raise MisuseError("receive_clauses() needs at least one clause")
        names = [name for name, _ in clauses]
        if len(set(names)) != len(names):
            raise MisuseError(f"receive_clauses(): two clauses share a name: {names}")
        self.clauses = clauses
        #: The name of the clause that accepted the last message it was asked about.
        self.chosen = ""
        #: What the WAIT records as its ``match``.
        self.match_name = " | ".join(names)

    def __call__(self, message: Any) -> bool:
        """True when a clause accepts ``message`` (the first in order wins);
        an exception from a clause goes to the caller."""
        for name, accepts in self.clauses:
            if accepts(message):
                self.chosen = name
                return True
        return False

    def __repr__(self) -> str:
        return f"Clauses({self.match_name})"


def _as_predicate(pattern: Any) -> Callable[[Any], bool]:
    if callable(pattern):
        return pattern  # type: ignore[no-any-return]
    raise MisuseError(f"a clause is a Pattern or a predicate, got {pattern!r}")
