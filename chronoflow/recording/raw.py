"""The raw form of recorded values: what the debugger's engine folds, and the way back.

Why a second form: building every decoded array through msgpack's
``list_hook`` (to turn an array recorded from a tuple back into a tuple) is
a Python call per array, about a third of decoding a chunk. A pass that
only folds values (the debugger's indexer) decodes them *raw* instead, with
no Python call but one per tuple marker, and turns the few values it shows
back with :func:`from_raw`. This module is the one place that knows how the
raw form is laid out; everything else uses the API below.

What a fold may rely on (and nothing more):

- a str, int, float, bool, bytes or None is its own raw form;
- a map is a ``dict`` whose keys and values are raw;
- an array is a ``tuple`` of raw items; which sequence it stands for (a
  list, or a tuple: those carry a marker) is told by :func:`raw_array`;
- every raw value is made of containers and plain values only, so
  ``marshal`` writes it (checkpoints), except the :class:`Opaque` stand-ins
  a recording may hold, which ``pickle`` writes.

The API: :func:`unpack_raw` decodes a payload to the raw form,
:func:`to_raw` puts an in-memory value in it, :func:`from_raw` gives the
value back (``from_raw(unpack_raw(b)) == unpack_value(b)`` and
``from_raw(to_raw(v)) == v``), and :func:`raw_array` says what an array
stands for. A value too deep for Python's recursion limit is cut at
:data:`SHOWN_DEPTH` levels, the parts below replaced by :data:`CUT`.
"""

from __future__ import annotations

from typing import Any, Final

from chronoflow.recording.values import (
    EXT_TUPLE,
    TUPLE_MARK,
    Opaque,
    decode_ext,
    unpack_bounded,
)

#: What the tuple marker decodes to in the raw form: the first item of an
#: array recorded from a tuple. Why Ellipsis: no recorded value decodes to
#: it, and ``marshal`` (checkpoints) writes it.
_MARK: Final = ...

#: Types whose raw form is the value itself, and which hold nothing raw.
_SCALARS: Final = frozenset({int, str, float, bytes, bool, type(None)})

#: How deep :func:`from_raw` and :func:`to_raw` follow a value that is too deep
#: for Python's recursion limit; below that, a stand-in says it was cut.
SHOWN_DEPTH: Final = 200
#: What stands for the parts of a value below :data:`SHOWN_DEPTH`.
CUT: Final = Opaque("deeper levels", "...")


class _RawEllipsis:
    """Stands in for a real ``...`` in the raw form of an in-memory value."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "_RAW_ELLIPSIS"


_RAW_ELLIPSIS: Final = _RawEllipsis()


def _raw_ext_hook(code: int, data: bytes) -> Any:
    if code == EXT_TUPLE and not data:
        return _MARK
    return decode_ext(code, data)


def unpack_raw(payload: bytes) -> Any:
    """Decode one msgpack object into the raw form, with the limits of
    :func:`~chronoflow.recording.values.unpack_value`.

    The raw form is what msgpack gives without a list hook: every array is
    a tuple, and an array recorded from a tuple still starts with the tuple
    marker. Maps, scalars and the other ext types decode as in
    ``unpack_value``. :func:`from_raw` gives the value.
    """
    return unpack_bounded(payload, use_list=False, ext_hook=_raw_ext_hook)


def raw_array(raw: tuple[Any, ...]) -> tuple[type[list[Any]] | type[tuple[Any, ...]], Any]:
    """What the raw array ``raw`` stands for: ``(tuple, its items)`` for one
    recorded from a tuple, else ``(list, raw)``. The items stay raw."""
    if raw and raw[0] is _MARK:
        return tuple, raw[1:]
    return list, raw


def from_raw(raw: Any) -> Any:
    """The value whose raw form is ``raw``: ``from_raw(unpack_raw(b))`` equals
    ``unpack_value(b)``, and ``from_raw(to_raw(v))`` equals ``v``.

    A value nested too deep for Python's recursion limit (a decoder accepts
    about 1000 levels) comes back cut at :data:`SHOWN_DEPTH` levels, each
    part below replaced by :data:`CUT`; nothing raises ``RecursionError``.
    """
    try:
        return _from_raw(raw)
    except RecursionError:
        return _cut_from_raw(raw, SHOWN_DEPTH)


def _cut_from_raw(raw: Any, depth: int) -> Any:
    """:func:`from_raw`, with every part ``depth`` levels down replaced by CUT."""
    kind = type(raw)
    if kind is not tuple and kind is not dict:
        return _from_raw(raw)
    if depth <= 0:
        return CUT
    deeper = depth - 1
    if kind is dict:
        return {_cut_key(key, deeper): _cut_from_raw(value, deeper) for key, value in raw.items()}
    if raw and raw[0] is _MARK:
        return tuple(_cut_from_raw(item, deeper) for item in raw[1:])
    return [_cut_from_raw(item, deeper) for item in raw]


def _cut_key(raw: Any, depth: int) -> Any:
    key = _cut_from_raw(raw, depth)
    try:
        hash(key)
    except TypeError:
        return CUT
    return key


def _from_raw(raw: Any) -> Any:
    kind = type(raw)
    if kind is tuple:
        if raw and raw[0] is _MARK:
            items = raw[1:]
            # Why: most messages are tuples of scalars, which need no walk.
            return items if _SCALARS.issuperset(map(type, items)) else tuple(map(_from_raw, items))
        return list(raw) if _SCALARS.issuperset(map(type, raw)) else list(map(_from_raw, raw))
    if kind is dict:
        return {_key_from_raw(key): _from_raw(value) for key, value in raw.items()}
    if raw is _MARK:
        return TUPLE_MARK  # a marker anywhere but first, as unpack_value shows it
    if raw is _RAW_ELLIPSIS:
        return ...
    return raw


def _key_from_raw(raw: Any) -> Any:
    key = _from_raw(raw)
    try:
        hash(key)
    except TypeError:
        # Why: an array key from another writer decodes raw (a tuple) but not
        # as a value (a list, which cannot be a key): it is read as a tuple.
        # (A raw key is hashable, or msgpack could not have made it a key, so
        # this one is too.)
        return _as_tuples(raw)
    return key


def _as_tuples(raw: Any) -> Any:
    """``raw`` as a value, but with every array a tuple (a tuple marker dropped)."""
    if type(raw) is tuple:
        items = raw[1:] if raw and raw[0] is _MARK else raw
        return tuple(map(_as_tuples, items))
    return _from_raw(raw)


def to_raw(value: Any) -> Any:
    """The raw form of ``value``, as :func:`unpack_raw` would decode it once
    recorded. Other objects (an in-memory source's) are kept as they are; a
    value too deep for Python's recursion limit is cut as :func:`from_raw`
    cuts one."""
    try:
        return _to_raw(value)
    except RecursionError:
        return _to_raw(_cut_from_raw(_to_raw_shallow(value, SHOWN_DEPTH), SHOWN_DEPTH))


def _to_raw_shallow(value: Any, depth: int) -> Any:
    """The raw form of the top ``depth`` levels of ``value`` (CUT below)."""
    kind = type(value)
    if depth <= 0 and kind in (tuple, list, dict):
        return CUT
    if kind is tuple:
        return (_MARK, *(_to_raw_shallow(item, depth - 1) for item in value))
    if kind is list:
        return tuple(_to_raw_shallow(item, depth - 1) for item in value)
    if kind is dict:
        return {
            _to_raw_shallow(key, depth - 1): _to_raw_shallow(item, depth - 1)
            for key, item in value.items()
        }
    return _to_raw(value)


def _to_raw(value: Any) -> Any:
    kind = type(value)
    if kind is tuple:
        return (_MARK, *map(_to_raw, value))
    if kind is list:
        return tuple(map(_to_raw, value))
    if kind is dict:
        return {_to_raw(key): _to_raw(item) for key, item in value.items()}
    if value is ...:
        return _RAW_ELLIPSIS
    return value
