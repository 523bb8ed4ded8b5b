"""Format 3's chunk layout: signals column by column, with compact forms of the commonest data.

A chunk of format 3 is the array

    [first_seq, count, base_us, pid_steps, types, ts_deltas, datas, tos]

which differs from format 2's seven fields in three ways (``docs/format.md``
is the specification):

- ``pid_steps``: each signal's pid as the change from the pid of the
  signal before (the first from 0). Consecutive signals mostly come from
  one process or its neighbour, so each is one msgpack byte.
- a type byte with the high bit set (``0x80 | type``) says the signal's
  data is in the *compact form* of its type, and only SEND and RECEIVE
  have one: a compact SEND's data in ``datas`` is its message alone, its
  ``to`` the next entry of ``tos``, and its data is
  ``{"msg": message, "to": to, "into": [to]}``; a compact RECEIVE's data
  in ``datas`` is the integer ``seq - id``, how many signals before it
  the message was made (one byte where the id itself takes five).
- ``tos``: one pid per compact SEND, in order.

Decoding gives exactly the values format 2 stores, so nothing past the
reader knows which layout a chunk had. Why compact forms rather than a
general compressor: they keep every value plain msgpack, and both ways are
a few C-level passes over the columns (``bytes.replace``, ``map``), which
matters most when encoding, on the recorded program's time.
"""

from __future__ import annotations

import itertools
import operator
from collections import deque
from collections.abc import Sequence
from typing import Any, Final

from chronoflow.signals import SignalType

_SEND: Final = int(SignalType.SEND)
_RECEIVE: Final = int(SignalType.RECEIVE)
#: The high bit of a type byte: the data is in its type's compact form.
COMPACT: Final = 0x80
_SEND_BYTE: Final = bytes((_SEND,))
_RECEIVE_BYTE: Final = bytes((_RECEIVE,))
_COMPACT_SEND: Final = bytes((COMPACT | _SEND,))
_COMPACT_RECEIVE: Final = bytes((COMPACT | _RECEIVE,))
#: Type bytes 0-127 are signal types; 128-255 are compact forms, of which
#: this reader knows two. ``translate`` with this table deletes nothing and
#: maps both compact bytes to their types.
_PLAIN_TYPES: Final = bytes(range(COMPACT)) + bytes(
    _SEND if byte == COMPACT | _SEND else _RECEIVE if byte == COMPACT | _RECEIVE else byte
    for byte in range(COMPACT, 256)
)
#: The bytes that are neither a signal type (0-127) nor a known compact form.
_NOT_KNOWN: Final = bytes(range(COMPACT)) + _COMPACT_SEND + _COMPACT_RECEIVE
_PID_LIMIT: Final = 2**63
_SEQ_LIMIT: Final = 2**63

_get_msg: Final = operator.itemgetter("msg")
_get_to: Final = operator.itemgetter("to")
_get_into: Final = operator.itemgetter("into")


class CompactError(ValueError):
    """A format 3 chunk's compact columns do not fit together (the chunk is damaged)."""


def _positions(types: bytes, mark: bytes) -> list[int]:
    found: list[int] = []
    at = types.find(mark)
    while at != -1:
        found.append(at)
        at = types.find(mark, at + 1)
    return found


def _all_ints(values: Sequence[Any]) -> bool:
    return list(map(type, values)).count(int) == len(values)


def _put(target: list[Any], positions: Sequence[int], values: Any) -> None:
    """``target[p] = v`` for each position and value, at C speed."""
    deque(map(target.__setitem__, positions, values), maxlen=0)


def pid_steps(pids: Sequence[int]) -> list[int]:
    """``pids`` as the format's pid column: each pid minus the one before (the first minus 0)."""
    steps = [pids[0]] if pids else []
    steps += map(operator.sub, itertools.islice(pids, 1, None), pids)
    return steps


def compact(first_seq: int, types: bytes, datas: list[Any]) -> tuple[bytes, list[int]]:
    """Put the SENDs and RECEIVEs of a chunk that have a compact form in it.

    ``datas`` is changed in place (each compact signal's data replaced by
    its compact form); returns the chunk's type bytes and its ``tos``.
    """
    tos: list[int] = []
    if _SEND_BYTE in types:
        types, tos = _compact_sends(types, datas)
    if _RECEIVE_BYTE in types:
        types = _compact_receives(first_seq, types, datas)
    return types, tos


def _plain_sends(sent: list[Any]) -> list[int] | None:
    """The ``to`` of each SEND data in ``sent`` if every one is ``{"msg", "to", "into": [to]}``
    with a pid ``to``; else None. Why column by column: see the module docstring."""
    count = len(sent)
    if list(map(type, sent)).count(dict) != count or list(map(len, sent)).count(3) != count:
        return None
    try:
        tos = list(map(_get_to, sent))
        intos = list(map(_get_into, sent))
    except KeyError:
        return None
    if not _all_ints(tos) or min(tos) < 0 or max(tos) >= _PID_LIMIT:
        return None
    if intos != list(map(list, zip(tos))) or not all(map(dict.__contains__, sent, ["msg"] * count)):
        return None
    return tos


def _compact_sends(types: bytes, datas: list[Any]) -> tuple[bytes, list[int]]:
    at = _positions(types, _SEND_BYTE)
    sent = list(map(datas.__getitem__, at))
    tos = _plain_sends(sent)
    if tos is not None:
        _put(datas, at, map(_get_msg, sent))
        return types.replace(_SEND_BYTE, _COMPACT_SEND), tos
    # Some SEND is not plain (no route, an ended target, children, an
    # examination): decide one by one.
    marked = bytearray(types)
    tos = []
    for index, data in zip(at, sent, strict=True):
        one = _plain_sends([data])
        if one is not None:
            marked[index] = COMPACT | _SEND
            datas[index] = data["msg"]
            tos += one
    return bytes(marked), tos


def _compact_receives(first_seq: int, types: bytes, datas: list[Any]) -> bytes:
    at = _positions(types, _RECEIVE_BYTE)
    ids = list(map(datas.__getitem__, at))
    seqs = list(map(first_seq.__add__, at))
    if _all_ints(ids) and min(ids) >= 0 and all(map(operator.lt, ids, seqs)):
        _put(datas, at, map(operator.sub, seqs, ids))
        return types.replace(_RECEIVE_BYTE, _COMPACT_RECEIVE)
    marked = bytearray(types)
    for index, mid, seq in zip(at, ids, seqs, strict=True):
        if type(mid) is int and 0 <= mid < seq:
            marked[index] = COMPACT | _RECEIVE
            datas[index] = seq - mid
    return bytes(marked)


def expand(
    first_seq: int, steps: Sequence[Any], types: bytes, datas: Sequence[Any], tos: Any, *, raw: bool
) -> tuple[list[int], bytes, Sequence[Any]]:
    """The pids, type bytes and datas of a format 3 chunk's columns, as format 2 stores them.

    ``raw`` gives a SEND's ``into`` as the raw form of a list (a tuple;
    see :mod:`chronoflow.recording.raw`). ``datas`` comes back as it was
    when the chunk holds no compact form, else as a new list. Raises
    :class:`CompactError` when the columns do not fit together.
    """
    if not _all_ints(steps):
        raise CompactError("a chunk's pids are not all integers")
    pids = list(itertools.accumulate(steps))
    if pids and (min(pids) < 0 or max(pids) >= _PID_LIMIT):
        raise CompactError("a chunk's pids are out of range")
    if not types.isascii():
        if types.translate(None, _NOT_KNOWN):
            raise CompactError("a chunk holds a compact form this reader does not know")
        datas = list(datas)
        if _COMPACT_SEND in types:
            _expand_sends(types, datas, tos, raw)
        elif tos:
            raise CompactError("a chunk's tos do not match its compact SENDs")
        if _COMPACT_RECEIVE in types:
            _expand_receives(first_seq, types, datas)
        types = types.translate(_PLAIN_TYPES)
    elif tos:
        raise CompactError("a chunk's tos do not match its compact SENDs")
    return pids, types, datas


def _expand_sends(types: bytes, datas: list[Any], tos: Any, raw: bool) -> None:
    at = _positions(types, _COMPACT_SEND)
    if type(tos) not in (list, tuple) or len(tos) != len(at) or not _all_ints(tos):
        raise CompactError("a chunk's tos do not match its compact SENDs")
    if tos and (min(tos) < 0 or max(tos) >= _PID_LIMIT):
        raise CompactError("a chunk's tos are out of range")
    into = tuple if raw else list
    _put(
        datas,
        at,
        [
            {"msg": datas[index], "to": to, "into": into((to,))}
            for index, to in zip(at, tos, strict=True)
        ],
    )


def _expand_receives(first_seq: int, types: bytes, datas: list[Any]) -> None:
    at = _positions(types, _COMPACT_RECEIVE)
    ages = list(map(datas.__getitem__, at))
    if not _all_ints(ages):
        raise CompactError("a compact RECEIVE's data is not an integer")
    _put(datas, at, map(operator.sub, map(first_seq.__add__, at), ages))
